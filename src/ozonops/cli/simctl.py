"""Talk to a running simulator's control endpoints (``/_sim/*``) for the CLI."""

from __future__ import annotations

from typing import Any

import httpx

from ozonops.errors import OzonOpsError

__all__ = ["SimulatorControlError", "get_faults", "post_clock", "put_faults"]

_TIMEOUT = httpx.Timeout(10.0)


class SimulatorControlError(OzonOpsError):
    """Fires when the simulator cannot be reached or rejects a control request."""


def get_faults(*, url: str) -> dict[str, Any]:
    """Return the simulator's current fault configuration."""
    return _call("GET", url=url, path="/_sim/faults")


def put_faults(*, url: str, changes: dict[str, float]) -> dict[str, Any]:
    """Change only the given fault fields; return the resulting configuration."""
    return _call("PUT", url=url, path="/_sim/faults", body=changes)


def post_clock(*, url: str, body: dict[str, float | int]) -> dict[str, Any]:
    """Advance and/or re-speed the simulated clock; return ``{"now": ..., "speed": ...}``."""
    return _call("POST", url=url, path="/_sim/clock", body=body)


def _call(method: str, *, url: str, path: str, body: object = None) -> dict[str, Any]:
    target = url.rstrip("/") + path
    try:
        response = httpx.request(method, target, json=body, timeout=_TIMEOUT)
    except (httpx.InvalidURL, httpx.UnsupportedProtocol):
        raise SimulatorControlError(
            f"bad simulator URL {url!r}: use e.g. --url http://127.0.0.1:8900"
        ) from None
    except httpx.ConnectError as exc:
        raise SimulatorControlError(
            f"cannot connect to the simulator at {url} ({exc}); start it with "
            "`ozonops simulator serve` or pass the right --url"
        ) from None
    except httpx.TimeoutException:
        raise SimulatorControlError(
            f"the simulator at {url} did not answer within {_TIMEOUT.read:g}s; is it overloaded "
            "or frozen in a debugger?"
        ) from None
    except httpx.HTTPError as exc:
        raise SimulatorControlError(f"{method} {target} failed: {exc}") from None
    if response.is_error:
        raise SimulatorControlError(
            f"the simulator refused {method} {path} with HTTP {response.status_code}: "
            f"{response.text[:300]}"
        )
    try:
        payload = response.json()
    except ValueError:
        payload = None
    if not isinstance(payload, dict):
        raise SimulatorControlError(
            f"{method} {target} did not return a JSON object; is {url} really an ozonops simulator?"
        )
    return payload
