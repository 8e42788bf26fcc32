"""The web app's errors, and the error body Ozon expects from a push endpoint.

::

    OzonOpsError
    └── Refused (+ TerminalError)   a request the receiver answers with a 4xx/5xx and the
                                    spec's body ``{"error": {"code", "message", "details"}}``
"""

from __future__ import annotations

import orjson

from ozonops.domain.pushes import UNKNOWN
from ozonops.errors import TerminalError

__all__ = ["Refused", "error_body"]


class Refused(TerminalError):
    """Fires when a push is refused: wrong source, unknown shop, bad body (status says which)."""

    def __init__(
        self, status: int, message: str, *, code: str = UNKNOWN, details: str | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.details = details


def error_body(code: str, message: str, details: str | None = None) -> bytes:
    """The spec's error body (tag ``service_response``); ``details`` is a string or null."""
    return orjson.dumps({"error": {"code": code, "message": message, "details": details}})
