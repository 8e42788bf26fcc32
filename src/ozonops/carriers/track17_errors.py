"""Errors of the 17TRACK client: a call that failed *as a whole*. Per-number refusals are not
errors; they come back as data (``BatchResult.rejected``).

::

    OzonOpsError
    ├── Track17Error                       a 17TRACK call failed as a whole
    │   ├── Track17TransientError (+ TransientError)   retrying later may succeed
    │   │   ├── Track17RateLimited         HTTP 429: over the key's requests per second
    │   │   ├── Track17Unavailable         5xx, or −18010003 "internal error, retry"
    │   │   └── Track17ConnectionError     no answer in time, or the connection failed
    │   └── Track17TerminalError (+ TerminalError)     a person or a code change must act
    │       ├── Track17AuthError           401 / −18010001…05: wrong, disabled or
    │       │                               IP-restricted key
    │       ├── Track17RequestError        the request broke a rule (−1801001x, more than
    │       │                               40 numbers, webhook not set…)
    │       └── Track17UnexpectedResponse  not 17TRACK's envelope
    └── TerminalError
        └── PushError                      a webhook body that is not 17TRACK's push

The key is never part of a message: errors carry the method, the HTTP status and 17TRACK's
code and message only.
"""

from __future__ import annotations

from ozonops.errors import OzonOpsError, TerminalError, TransientError

__all__ = [
    "PushError",
    "Track17AuthError",
    "Track17ConnectionError",
    "Track17Error",
    "Track17RateLimited",
    "Track17RequestError",
    "Track17TerminalError",
    "Track17TransientError",
    "Track17Unavailable",
    "Track17UnexpectedResponse",
]


class Track17Error(OzonOpsError):
    """A call to 17TRACK failed as a whole."""

    def __init__(
        self,
        message: str,
        *,
        method: str,
        status: int | None = None,
        code: int | None = None,
        retry_after: float | None = None,
    ) -> None:
        self.method = method
        self.status = status
        self.code = code
        self.retry_after = retry_after
        where = f"17TRACK {method}" + (f" → HTTP {status}" if status is not None else "")
        code_part = f" (code {code})" if code is not None else ""
        super().__init__(f"{where}: {message}{code_part}")


class Track17TransientError(Track17Error, TransientError):
    """The same call may succeed later."""


class Track17TerminalError(Track17Error, TerminalError):
    """Retrying will not help."""


class Track17RateLimited(Track17TransientError):
    """HTTP 429: the key is over 17TRACK's requests per second."""


class Track17Unavailable(Track17TransientError):
    """17TRACK failed on its side (5xx or −18010003); retry later."""


class Track17ConnectionError(Track17TransientError):
    """No answer: a timeout or a failed connection."""


class Track17AuthError(Track17TerminalError):
    """The key was refused: check the 17token in the 17TRACK dashboard (Settings → API)."""


class Track17RequestError(Track17TerminalError):
    """17TRACK refused the request itself; the message says which rule it broke."""


class Track17UnexpectedResponse(Track17TerminalError):
    """An answer that is not 17TRACK's ``{code, data}`` envelope."""


class PushError(TerminalError):
    """A webhook body that does not parse as a 17TRACK push; the message says why."""
