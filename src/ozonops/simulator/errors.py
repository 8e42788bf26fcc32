"""Ozon-shaped errors: every refusal the simulator gives is an ``rpcStatus`` body.

The body is ``{"code": int, "message": str, "details": [...]}`` as in the spec's
``components/schemas/rpcStatus``. ``code`` follows the gRPC numbering Ozon's gateway uses
(3 invalid argument, 5 not found, 7 permission denied, 8 resource exhausted, 9 failed
precondition, 13 internal, 14 unavailable, 16 unauthenticated).
"""

from __future__ import annotations

import base64
from typing import Any

# gRPC status codes as Ozon's grpc-gateway maps them.
INVALID_ARGUMENT = 3
NOT_FOUND = 5
PERMISSION_DENIED = 7
RESOURCE_EXHAUSTED = 8
FAILED_PRECONDITION = 9
INTERNAL = 13
UNAVAILABLE = 14
UNAUTHENTICATED = 16


class OzonApiError(Exception):
    """A refusal to send back to the caller as Ozon would."""

    def __init__(
        self,
        http_status: int,
        code: int,
        message: str,
        details: list[dict[str, Any]] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.http_status = http_status
        self.code = code
        self.message = message
        self.details = details or []
        self.headers = headers or {}

    def body(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, "details": self.details}


def bad_request(message: str, *, field: str | None = None) -> OzonApiError:
    details = []
    if field is not None:
        # ``value`` is ``format: byte`` in the spec: base64 of the field path.
        value = base64.b64encode(field.encode()).decode()
        details.append({"typeUrl": "type.googleapis.com/google.rpc.BadRequest", "value": value})
    return OzonApiError(400, INVALID_ARGUMENT, message, details)


def not_found(message: str) -> OzonApiError:
    return OzonApiError(404, NOT_FOUND, message)


def forbidden(message: str) -> OzonApiError:
    return OzonApiError(403, PERMISSION_DENIED, message)


def conflict(message: str) -> OzonApiError:
    return OzonApiError(409, FAILED_PRECONDITION, message)


def unauthenticated(message: str) -> OzonApiError:
    return OzonApiError(401, UNAUTHENTICATED, message)


def rate_limited(message: str = "You have reached request rate limit per second") -> OzonApiError:
    return OzonApiError(429, RESOURCE_EXHAUSTED, message)
