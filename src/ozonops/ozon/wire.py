"""Between our arguments, the wire and the models: build a request, parse an answer.

The two places pydantic's ``ValidationError`` becomes the ``errors`` tree (house habit 5):
a request that breaks the spec's limits → ``InvalidArguments`` before anything is sent; a 2xx
body that does not fit its response model → ``UnexpectedResponse``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol, TypeVar

from pydantic import BaseModel, ValidationError

from ozonops.ozon.errors import InvalidArguments, UnexpectedResponse

__all__ = ["Poster", "RawPoster", "build_request", "describe", "parse_response", "request_body"]

RequestT = TypeVar("RequestT", bound=BaseModel)
ResponseT = TypeVar("ResponseT", bound=BaseModel)


class Poster(Protocol):
    """What the client and the paging loops need of ``OzonHttp``: one JSON POST."""

    async def post(self, path: str, body: Mapping[str, Any] | None = None) -> dict[str, Any]: ...


class RawPoster(Poster, Protocol):
    """What the window splitter needs: the same POST, the 2xx body left as bytes."""

    async def post_raw(self, path: str, body: Mapping[str, Any] | None = None) -> bytes: ...


def describe(error: ValidationError, *, limit: int = 3) -> str:
    """``field.path: message; ...`` for the first few problems of a ValidationError."""
    parts = []
    for item in error.errors()[:limit]:
        where = ".".join(str(p) for p in item["loc"]) or "request"
        parts.append(f"{where}: {item['msg']}")
    more = len(error.errors()) - limit
    return "; ".join(parts) + (f" (+{more} more)" if more > 0 else "")


def build_request(
    path: str,
    request_type: type[RequestT],
    request: BaseModel | None = None,
    fields: Mapping[str, Any] | None = None,
) -> RequestT:
    """The request model from a ready model, keyword fields, or a model plus overrides.

    Raises ``InvalidArguments`` (naming the field) when the spec forbids the arguments.
    """
    fields = dict(fields or {})
    if request is not None and not isinstance(request, request_type):
        raise InvalidArguments(
            f"expected a {request_type.__name__}, got {type(request).__name__}", method=path
        )
    if request is not None and not fields:
        return request
    try:
        if request is not None:
            fields = {**request.model_dump(exclude_none=True), **fields}
        return request_type.model_validate(fields)
    except ValidationError as exc:
        raise InvalidArguments(
            f"the arguments break the spec, nothing was sent: {describe(exc)}", method=path
        ) from exc


def request_body(request: BaseModel) -> dict[str, Any]:
    """The JSON body of a request model (``Request.to_json`` when the model has one)."""
    to_json = getattr(request, "to_json", None)
    if callable(to_json):
        body: dict[str, Any] = to_json()
        return body
    return request.model_dump(mode="json", exclude_none=True, by_alias=True)


def parse_response(path: str, response_type: type[ResponseT], data: Any) -> ResponseT:
    """The response model of a 2xx body; ``UnexpectedResponse`` if it does not fit.

    ``data`` is the decoded JSON, or the raw body (``bytes``), which pydantic parses itself.
    """
    try:
        if isinstance(data, bytes):
            return response_type.model_validate_json(data)
        return response_type.model_validate(data)
    except ValidationError as exc:
        raise UnexpectedResponse(
            f"the answer does not parse as {response_type.__name__} ({describe(exc)}); "
            "Ozon may have changed the method",
            method=path,
            status=200,
        ) from exc
