"""The one table of Seller API methods we know: may a call be repeated, its own per-minute
limit, and how it pages.

``idempotent`` decides retries (house habit 3): a call that may have reached Ozon is repeated
only when repeating it cannot change the outcome. Reads are always safe. A write is safe when it
*sets* a value (sending the same value twice leaves the same state); it is not when it *does*
something (ships, cancels, opens a dispute, moves money, posts a message or comment) or moves a
posting one step along its status chain (a repeat after a lost answer reads as a refusal).
Unsafe writes are still retried when the request provably never left (connect failures).

``per_minute`` are the per-method limits Ozon documents on top of the 50 rps per Client-Id
(ozon-api.md §12). Methods we don't call yet are listed when they carry such a limit, so the
limiter knows them the day someone calls them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

__all__ = ["CALLED", "METHODS", "MethodSpec", "Paging", "method_spec"]

Paging = Literal["cursor", "last_id", "offset", "page", "none"]


@dataclass(frozen=True, slots=True)
class MethodSpec:
    path: str
    idempotent: bool
    per_minute: int | None = None
    paging: Paging = "none"
    called: bool = True  # False: listed only for its limits; the client has no method for it


def _read(path: str, paging: Paging = "none", per_minute: int | None = None) -> MethodSpec:
    return MethodSpec(path, idempotent=True, per_minute=per_minute, paging=paging)


def _write(path: str, *, idempotent: bool, per_minute: int | None = None) -> MethodSpec:
    return MethodSpec(path, idempotent=idempotent, per_minute=per_minute, paging="none")


_TABLE: tuple[MethodSpec, ...] = (
    # Reference
    _read("/v1/roles"),
    _read("/v2/warehouse/list", "cursor"),
    _read("/v2/delivery-method/list", "cursor"),
    _read("/v2/posting/fbs/cancel-reason/list"),
    # FBS / rFBS postings
    _read("/v4/posting/fbs/list", "cursor"),
    _read("/v4/posting/fbs/unfulfilled/list", "cursor"),
    _read("/v3/posting/fbs/list", "offset"),
    _read("/v3/posting/fbs/get"),
    # Packing creates new postings when split: a repeat after a lost answer may pack twice.
    _write("/v4/posting/fbs/ship", idempotent=False),
    # Sets a value per posting; the same number sent again leaves the same state.
    _write("/v2/fbs/posting/tracking-number/set", idempotent=True),
    # Status moves are one step each; a repeat after a lost answer comes back as
    # TRANSITION_IS_NOT_POSSIBLE and hides the success: re-read the status instead.
    _write("/v2/fbs/posting/delivering", idempotent=False),
    _write("/v2/fbs/posting/last-mile", idempotent=False),
    _write("/v2/fbs/posting/delivered", idempotent=False),
    _write("/v2/posting/fbs/cancel", idempotent=False),
    _write("/v2/posting/fbs/arbitration", idempotent=False),  # opens a dispute
    # FBO postings
    _read("/v3/posting/fbo/list", "cursor"),
    _read("/v2/posting/fbo/list", "offset"),
    _read("/v2/posting/fbo/get"),
    # Returns
    _read("/v1/returns/list", "last_id"),
    _read("/v2/returns/rfbs/list", "last_id"),
    _read("/v2/returns/rfbs/get"),
    _write("/v1/returns/rfbs/action/set", idempotent=False),  # approves, rejects, pays money
    # Reviews
    _read("/v2/review/list", "last_id"),
    _read("/v2/review/info"),
    _read("/v2/review/count"),
    _read("/v1/review/comment/list", "offset"),
    _write("/v1/review/comment/create", idempotent=False),  # a repeat posts a second comment
    _write("/v2/review/change-status", idempotent=True),  # sets a status; same value, same state
    # Chats
    _read("/v3/chat/list", "cursor"),
    # Pages by from_message_id (a keyset on message ids), the same shape as last_id.
    _read("/v3/chat/history", "last_id"),
    _write("/v1/chat/start", idempotent=True),  # returns the posting's existing chat if any
    _write("/v1/chat/send/message", idempotent=False),  # the buyer would get it twice
    # Finance
    _read("/v3/finance/transaction/list", "page"),
    _read("/v3/finance/transaction/totals"),
    _read("/v1/finance/accrual/postings"),
    _read("/v1/finance/accrual/types"),
    _read("/v1/finance/accrual/by-day", "last_id"),
    _read("/v2/finance/realization"),
    _read("/v1/finance/realization/posting"),
    _read("/v1/finance/cash-flow-statement/list", "page"),
    # Stock and supplies
    _read("/v4/product/info/stocks", "cursor"),
    _read("/v1/analytics/stocks"),
    _read("/v3/supply-order/list", "last_id"),
    _read("/v3/supply-order/get"),
    # Not called yet; listed for their per-method limits (ozon-api.md §12).
    MethodSpec("/v1/analytics/data", True, per_minute=1, paging="offset", called=False),
    MethodSpec("/v1/analytics/turnover/stocks", True, 1, "offset", called=False),
    MethodSpec("/v1/warehouse/list", True, per_minute=1, called=False),
    # A new report each time.
    MethodSpec("/v1/report/discounted/create", False, per_minute=1, called=False),
    # Absolute stock values, but one update per product+warehouse pair per 30 s: a quick
    # repeat is refused per item, so retrying buys nothing.
    MethodSpec("/v2/products/stocks", False, per_minute=80, called=False),
)

METHODS: dict[str, MethodSpec] = {spec.path: spec for spec in _TABLE}
assert len(METHODS) == len(_TABLE), "a path is listed twice"

#: The paths the client calls (and the simulator serves), in the table's order.
CALLED: tuple[str, ...] = tuple(spec.path for spec in _TABLE if spec.called)


def method_spec(path: str) -> MethodSpec:
    """The spec of ``path``; an unknown path is treated as an unsafe write with no own limit."""
    found = METHODS.get(path)
    if found is not None:
        return found
    return MethodSpec(path, idempotent=False)
