"""Errors the Ozon client raises. Every one carries the method, the HTTP status and Ozon's
``code`` / ``message`` / ``details`` — never the Api-Key.

::

    OzonOpsError
    └── ApiError                          a call to Ozon failed
        ├── TransientApiError (+ TransientError)   retrying later may succeed
        │   ├── RateLimited                429: over the per-second or per-method budget
        │   ├── CircuitOpen                "Circle is open": the method is blocked for minutes
        │   ├── ServerError                5xx
        │   ├── ApiTimeout                 no answer in time
        │   └── ConnectionLost             the connection failed or dropped mid-answer
        └── TerminalApiError (+ TerminalError)     a person or a code change must act
            ├── AuthError                  401 / wrong or expired key
            ├── PermissionDenied           403 for a reason other than a subscription
            ├── SubscriptionRequired       403 "not available with existing subscription"
            ├── BadRequest                 400: the request broke a rule (the message says which)
            ├── NotFound                   404
            ├── Conflict                   409
            ├── InvalidArguments           refused by us before sending (spec limits)
            └── UnexpectedResponse         a 2xx body that does not parse as the spec says

``from_response`` is the one place HTTP answers become these errors;
``ozonops.ozon.transport.map_httpx_errors`` the one place httpx's exceptions do.
``sent`` tells whether Ozon may have acted on the request. It is False only when the request
never left (no connection) or was refused before any work (429, "Circle is open"); it decides
whether a non-idempotent write may be repeated.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from ozonops.errors import OzonOpsError, TerminalError, TransientError
from ozonops.log import redact


class ApiError(OzonOpsError):
    """A call to the Ozon Seller API failed."""

    def __init__(
        self,
        message: str,
        *,
        method: str,
        status: int | None = None,
        code: int | str | None = None,
        details: list[Any] | None = None,
        retry_after: float | None = None,
        sent: bool = True,
    ) -> None:
        self.method = method
        self.status = status
        self.code = code
        self.ozon_message = message
        self.details = details or []
        self.retry_after = retry_after
        self.sent = sent
        where = f"{method}" + (f" → HTTP {status}" if status is not None else "")
        code_part = f" (code {code})" if code not in (None, "") else ""
        super().__init__(f"{where}: {message}{code_part}")


class TransientApiError(ApiError, TransientError):
    """The same call may succeed later."""


class TerminalApiError(ApiError, TerminalError):
    """Retrying will not help."""


class RateLimited(TransientApiError):
    """Ozon answered 429: the shop is over its per-second or per-method budget."""


class CircuitOpen(TransientApiError):
    """Ozon's breaker for this method is open ("Circle is open"); wait minutes, not seconds."""


class ServerError(TransientApiError):
    """Ozon answered 5xx."""


class ApiTimeout(TransientApiError):
    """No answer within the timeout."""


class ConnectionLost(TransientApiError):
    """The connection could not be made or dropped before the answer was complete."""


class AuthError(TerminalApiError):
    """The Client-Id / Api-Key pair is missing, wrong or expired: create a new key."""


class PermissionDenied(TerminalApiError):
    """The key's roles don't allow this method."""


class SubscriptionRequired(TerminalApiError):
    """The shop's Ozon subscription doesn't include this feature (reviews, chats)."""


class BadRequest(TerminalApiError):
    """Ozon refused the request's content; the message names the rule."""


class NotFound(TerminalApiError):
    """The object (posting, review, chat...) does not exist for this shop."""


class Conflict(TerminalApiError):
    """The object is in a state that does not allow the call."""


class InvalidArguments(TerminalApiError):
    """Refused before sending: the arguments break the spec's limits."""


class UnexpectedResponse(TerminalApiError):
    """A success answer whose body does not match the spec; Ozon may have changed the method."""


_SUBSCRIPTION_MARKERS = ("subscription", "подписк", "premium")


def parse_error_body(raw: bytes) -> tuple[str, int | str | None, list[Any]]:
    """Ozon's error body in any of its shapes → (message, code, details).

    Accepts ``{code, message, details}`` (int or string code), the legacy
    ``{"error": {code, message, data}}`` envelope, and non-JSON text.
    """
    try:
        data = json.loads(raw) if raw else {}
    except (ValueError, UnicodeDecodeError):
        text = raw[:300].decode("utf-8", "replace").strip()
        return text or "no error body", None, []
    if isinstance(data, dict) and isinstance(data.get("error"), dict):
        data = data["error"]
        details = data.get("data") or data.get("details") or []
    elif isinstance(data, dict):
        details = data.get("details") or []
    else:
        return str(data)[:300], None, []
    code = data.get("code")
    if isinstance(code, str) and code.lstrip("-").isdigit():
        code = int(code)
    message = str(data.get("message") or "") or "no error message"
    return message, code if isinstance(code, int | str) else None, list(details)


def from_response(
    method: str,
    status: int,
    raw: bytes,
    headers: dict[str, str] | None = None,
    *,
    secrets: Iterable[str] = (),
) -> ApiError:
    """Turn a non-2xx answer into the most specific error of the tree.

    ``secrets`` (the Api-Key) are scrubbed from the message, in case an answer echoes them.
    """
    message, code, details = parse_error_body(raw)
    message = redact(message, secrets=secrets)
    retry_after = _retry_after(headers or {})
    kw: dict[str, Any] = {
        "method": method,
        "status": status,
        "code": code,
        "details": details,
        "retry_after": retry_after,
    }
    lowered = message.lower()
    # Refusals at Ozon's gate: nothing was done, so even a write may be repeated.
    if "circle is open" in lowered:
        return CircuitOpen(message, sent=False, **kw)
    if status == 429:
        return RateLimited(message, sent=False, **kw)
    if status >= 500:
        return ServerError(message, **kw)
    if status == 401:
        return AuthError(message, **kw)
    if status == 403:
        if any(m in lowered for m in _SUBSCRIPTION_MARKERS):
            return SubscriptionRequired(message, **kw)
        if "api-key" in lowered or "api key" in lowered or "client-id" in lowered:
            return AuthError(message, **kw)
        return PermissionDenied(message, **kw)
    if status == 404:
        return NotFound(message, **kw)
    if status == 409:
        return Conflict(message, **kw)
    return BadRequest(message, **kw)


def _retry_after(headers: dict[str, str]) -> float | None:
    lowered = {k.lower(): v for k, v in headers.items()}
    if "retry-after" in lowered:
        try:
            return max(0.0, float(lowered["retry-after"]))
        except ValueError:
            return None
    if "item-retry-after" in lowered:  # minutes, on product quota errors
        try:
            return max(0.0, float(lowered["item-retry-after"]) * 60)
        except ValueError:
            return None
    return None
