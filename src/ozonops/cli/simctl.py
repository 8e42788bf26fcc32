"""Talk to a running simulator's control endpoints (``/_sim/*``) for the CLI."""

from __future__ import annotations

from typing import Any

import httpx

from ozonops.errors import OzonOpsError

__all__ = [
    "SimulatorControlError",
    "get_clock",
    "get_faults",
    "get_shops",
    "post_clock",
    "put_faults",
]

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


def get_clock(*, url: str) -> dict[str, Any]:
    """Return the simulated clock: ``{"now": ..., "speed": ...}``."""
    return _call("GET", url=url, path="/_sim/clock")


def get_shops(*, url: str) -> list[dict[str, Any]]:
    """Return the simulated shops with their keys (``name``, ``client_id``, ``api_key``...)."""
    payload = _request("GET", url=url, path="/_sim/shops")
    if not isinstance(payload, list) or not all(isinstance(s, dict) for s in payload):
        raise SimulatorControlError(
            f"GET {url.rstrip('/')}/_sim/shops did not return a list of shops; "
            f"is {url} really an ozonops simulator?"
        )
    return payload


def _call(method: str, *, url: str, path: str, body: object = None) -> dict[str, Any]:
    payload = _request(method, url=url, path=path, body=body)
    if not isinstance(payload, dict):
        raise SimulatorControlError(
            f"{method} {url.rstrip('/')}{path} did not return a JSON object; "
            f"is {url} really an ozonops simulator?"
        )
    return payload


def _request(method: str, *, url: str, path: str, body: object = None) -> Any:
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
        return response.json()
    except ValueError:
        return None
