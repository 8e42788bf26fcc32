"""Paging: one small state object per Ozon paging style, and the one loop that drives them.

Ozon pages in four styles (ozon-api.md §0):

- :class:`CursorPaginator` — ``cursor`` + ``has_next``: the v4 FBS lists, the v3 FBO list,
  chats, warehouses, delivery methods, product stocks (no ``has_next``: an empty cursor ends).
- :class:`LastIdPaginator` — send back the ``last_id`` of the previous page (taken from the
  answer, or from the last item when the answer has none): the returns list, the rFBS returns
  list (one return per call), reviews, supply orders, accruals by day.
- :class:`OffsetPaginator` — ``offset`` + ``limit``; a short page (or ``has_next`` false) ends:
  the legacy v3 FBS list, the v2 FBO list, review comments.
- :class:`PagePaginator` — ``page`` (from 1) + ``page_size`` until ``page_count``: the
  transaction list and the cash-flow statement.

Each holds its state and two hooks, as in dlt's ``paginators.py``: ``update_request(body)``
puts the state into the next request body; ``update_state(page)`` reads the answer and sets
``has_next``. :func:`paginate` is the only loop. A paginator that sees the same position twice
raises ``UnexpectedResponse`` instead of looping for ever.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

from pydantic import BaseModel

from ozonops.ozon.errors import InvalidArguments, UnexpectedResponse
from ozonops.ozon.wire import Poster, parse_response, request_body

__all__ = [
    "CursorPaginator",
    "LastIdPaginator",
    "OffsetPaginator",
    "PagePaginator",
    "Paginator",
    "iter_items",
    "paginate",
    "pick",
]

ResponseT = TypeVar("ResponseT", bound=BaseModel)


def pick(obj: Any, path: str) -> Any:
    """``obj.a.b`` for ``path="a.b"`` (``None`` when a step is missing)."""
    for name in path.split("."):
        if obj is None:
            return None
        obj = getattr(obj, name, None)
    return obj


def _items(page: BaseModel, path: str) -> Sequence[Any]:
    found = pick(page, path)
    return found if isinstance(found, list) else []


class Paginator(Protocol):
    """Paging state: ``update_request`` before each call, ``update_state`` after it."""

    items: str
    has_next: bool

    def update_request(self, body: dict[str, Any]) -> dict[str, Any]: ...

    def update_state(self, page: BaseModel) -> None: ...


@dataclass
class CursorPaginator:
    """``cursor`` + ``has_next``; without ``has_next_field`` a missing cursor ends the list."""

    items: str = "postings"
    cursor_field: str = "cursor"
    has_next_field: str | None = "has_next"
    cursor: str | None = None
    has_next: bool = True

    def update_request(self, body: dict[str, Any]) -> dict[str, Any]:
        if self.cursor:
            return {**body, "cursor": self.cursor}
        return body

    def update_state(self, page: BaseModel) -> None:
        cursor = pick(page, self.cursor_field) or None
        if self.has_next_field is None:
            more = cursor is not None and bool(_items(page, self.items))
        else:
            more = bool(pick(page, self.has_next_field))
        if more and (cursor is None or cursor == self.cursor):
            raise UnexpectedResponse(
                "has_next without a new cursor: the list would never end", method="cursor"
            )
        self.cursor, self.has_next = cursor, more


@dataclass
class LastIdPaginator:
    """``last_id`` echo: from the answer's ``last_id_field``, else the last item's ``item_id``.

    An empty page ends the list, as does ``has_next`` false or an empty ``last_id``.
    """

    items: str
    last_id_field: str | None = "last_id"
    item_id: str | None = None
    has_next_field: str | None = "has_next"
    request_field: str = "last_id"
    last_id: Any = None
    has_next: bool = True

    def update_request(self, body: dict[str, Any]) -> dict[str, Any]:
        if self.last_id not in (None, ""):
            return {**body, self.request_field: self.last_id}
        return body

    def update_state(self, page: BaseModel) -> None:
        rows = _items(page, self.items)
        last_id = pick(page, self.last_id_field) if self.last_id_field else None
        if last_id in (None, "") and self.item_id and rows:
            last_id = pick(rows[-1], self.item_id)
        more = bool(rows) and last_id not in (None, "")
        if more and self.has_next_field is not None:
            more = bool(pick(page, self.has_next_field))
        if more and last_id == self.last_id:
            raise UnexpectedResponse(
                f"the same last_id {last_id!r} twice: the list would never end", method="last_id"
            )
        self.last_id, self.has_next = last_id, more


@dataclass
class OffsetPaginator:
    """``offset`` + ``limit``; a page shorter than ``limit`` (or ``has_next`` false) ends.

    ``max_offset`` is the API's ceiling (v2 FBO list: 20000): reaching it raises
    ``InvalidArguments`` rather than silently stopping short.
    """

    items: str
    limit: int
    has_next_field: str | None = None
    offset: int = 0
    max_offset: int | None = None
    has_next: bool = True

    def update_request(self, body: dict[str, Any]) -> dict[str, Any]:
        if self.max_offset is not None and self.offset > self.max_offset:
            raise InvalidArguments(
                f"offset paging stops at {self.max_offset}; narrow the period "
                "or use the cursor-paged method",
                method="offset",
            )
        return {**body, "offset": self.offset, "limit": self.limit}

    def update_state(self, page: BaseModel) -> None:
        count = len(_items(page, self.items))
        self.offset += count
        more = count >= self.limit
        if self.has_next_field is not None:
            more = count > 0 and bool(pick(page, self.has_next_field))
        self.has_next = more


@dataclass
class PagePaginator:
    """``page`` (from 1) until ``page_count``; without a count, an empty page ends."""

    items: str
    page_count_field: str = "result.page_count"
    page: int = 1
    has_next: bool = True
    _sent: int = field(default=0, repr=False)

    def update_request(self, body: dict[str, Any]) -> dict[str, Any]:
        self._sent = self.page
        return {**body, "page": self.page}

    def update_state(self, page: BaseModel) -> None:
        count = pick(page, self.page_count_field)
        rows = _items(page, self.items)
        self.has_next = self._sent < count if isinstance(count, int) else bool(rows)
        self.page = self._sent + 1


async def paginate(
    http: Poster,
    path: str,
    request: BaseModel,
    response_model: type[ResponseT],
    paginator: Paginator,
) -> AsyncIterator[ResponseT]:
    """Every page of ``path`` for ``request``, as parsed ``response_model`` answers."""
    body = request_body(request)
    while True:
        body = paginator.update_request(body)
        page = parse_response(path, response_model, await http.post(path, body))
        paginator.update_state(page)
        yield page
        if not paginator.has_next:
            return


async def iter_items(
    http: Poster,
    path: str,
    request: BaseModel,
    response_model: type[BaseModel],
    paginator: Paginator,
) -> AsyncIterator[Any]:
    """Every item of every page (the list at ``paginator.items``)."""
    async for page in paginate(http, path, request, response_model, paginator):
        for item in _items(page, paginator.items):
            yield item
