"""FBS/rFBS posting reads: the v4 and legacy v3 lists, the unfulfilled list and the v3 get.

Paging (ozon-api.md §0, §1.1–1.4):

- ``/v4/posting/fbs/list`` sorts by ``in_process_at`` (then posting index and split part) and
  pages by an opaque cursor: base64 of JSON shaped like Ozon's own
  (``{"fields": [{"name", "dir", "val"}, ...], "filter": <fingerprint>}``). It encodes the last
  returned position and a fingerprint of the shop, path, filter and sort direction, so the same
  cursor gives the same page while the clock is frozen, and a cursor sent with another filter
  is refused (400).
- ``/v4/posting/fbs/unfulfilled/list`` sorts by ``shipment_date`` (the cut-off), then
  ``in_process_at``, like the cursor in Ozon's example, and also returns the total ``count``.
- ``/v3/posting/fbs/list`` pages by ``offset``/``limit`` (1–1000) over the same order as v4.

The ``since``/``to`` period selects postings by creation time, as :meth:`World.postings` does.
:func:`list_fbs` is the cheap entry point for other modules and benchmarks: it reads only as
many postings as a page needs (orders are indexed by creation time and payment delay, so
they are put in ``in_process_at`` order before any posting is built).
"""

from __future__ import annotations

import base64
import binascii
import bisect
import hashlib
import json
import math
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
import numpy.typing as npt

from ozonops.simulator.errors import bad_request, not_found
from ozonops.simulator.render.postings import (
    With,
    delivering_date,
    v3_get_posting,
    v3_list_posting,
    v4_list_posting,
)
from ozonops.simulator.routing import JSON, Ctx, get, parse_time, route
from ozonops.simulator.world import Shop, World
from ozonops.simulator.world.index import MAX_PROCESS_DELAY_S
from ozonops.simulator.world.model import Posting

#: Upper bound of ``in_process_at - created_at`` (the order index's payment delay).
MAX_PROCESS_DELAY = timedelta(seconds=MAX_PROCESS_DELAY_S)
#: How far before a cut-off / handover window a posting may have been created.
CUTOFF_LOOKBACK = timedelta(days=7)
DELIVERING_LOOKBACK = timedelta(days=30)

#: Every status the spec names for FBS/rFBS postings (filter and response enums together).
KNOWN_STATUSES = frozenset(
    {
        "awaiting_verification",
        "awaiting_approve",
        "awaiting_packaging",
        "awaiting_registration",
        "awaiting_deliver",
        "acceptance_in_progress",
        "arbitration",
        "client_arbitration",
        "delivering",
        "driver_pickup",
        "delivered",
        "cancelled",
        "cancelled_from_split_pending",
        "not_accepted",
        "sent_by_seller",
    }
)
#: The unfulfilled list's filter statuses (ozon-api.md §1.2), its default.
UNFULFILLED_STATUSES = frozenset(
    {
        "awaiting_registration",
        "acceptance_in_progress",
        "awaiting_approve",
        "awaiting_packaging",
        "awaiting_deliver",
        "arbitration",
        "client_arbitration",
        "delivering",
        "driver_pickup",
        "not_accepted",
    }
)
#: The method text also names ``cancelled``: allowed when asked for, not by default.
UNFULFILLED_ALLOWED = UNFULFILLED_STATUSES | {"cancelled"}


# --- the filter --------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class FbsFilter:
    """What a read request asks for; ``None`` means "any"."""

    since: datetime
    to: datetime
    statuses: frozenset[str] | None = None
    changed_from: datetime | None = None
    changed_to: datetime | None = None
    order_id: int | None = None
    order_numbers: frozenset[str] | None = None
    warehouse_ids: frozenset[int] | None = None
    delivery_method_ids: frozenset[int] | None = None
    provider_ids: frozenset[int] | None = None
    flows: frozenset[str] | None = None
    nothing: bool = False  # a flag we never match (is_blr_traceable, is_quantum)
    cutoff_from: datetime | None = None
    cutoff_to: datetime | None = None
    delivering_from: datetime | None = None
    delivering_to: datetime | None = None

    def matches(self, world: World, p: Posting, now: datetime) -> bool:
        if self.nothing or p.is_fbo:
            return False
        if self.order_id is not None and p.order_id != self.order_id:
            return False
        if self.order_numbers is not None and p.order_number not in self.order_numbers:
            return False
        if self.warehouse_ids is not None and p.warehouse_id not in self.warehouse_ids:
            return False
        if (
            self.delivery_method_ids is not None
            and p.delivery_method_id not in self.delivery_method_ids
        ):
            return False
        provider = world.method_by_id[p.delivery_method_id].provider_id
        if self.provider_ids is not None and provider not in self.provider_ids:
            return False
        if self.flows is not None and p.scheme.tpl_integration_type not in self.flows:
            return False
        if (
            self.cutoff_from is not None
            and self.cutoff_to is not None
            and not self.cutoff_from <= p.shipment_date <= self.cutoff_to
        ):
            return False
        if self.delivering_from is not None and self.delivering_to is not None:
            handed = delivering_date(p, now)
            if handed is None or not self.delivering_from <= handed <= self.delivering_to:
                return False
        ev = world.event(p, now)
        if self.statuses is not None and ev.status not in self.statuses:
            return False
        if self.changed_from is not None and ev.at < self.changed_from:
            return False
        return self.changed_to is None or ev.at <= self.changed_to


def list_key(p: Posting) -> tuple[datetime, int, int]:
    """The v4/v3 list order: ``in_process_at``, then order index, then split part."""
    return (p.in_process_at, p.index, _part(p))


def unfulfilled_key(p: Posting) -> tuple[datetime, datetime, int, int]:
    """The unfulfilled list order: cut-off, then ``in_process_at``, index and split part."""
    return (p.shipment_date, p.in_process_at, p.index, _part(p))


def _part(p: Posting) -> int:
    tail = p.posting_number.rsplit("-", 1)[-1]
    return int(tail) if tail.isdigit() else 0


def _with_children(world: World, i: int, *, desc: bool) -> list[Posting]:
    """Order ``i``'s postings in list order: the posting, then the parts split off it."""
    ps = [world.posting(i), *world.split_children(i)]
    if len(ps) > 1:
        ps.sort(key=_part, reverse=desc)
    elif desc:
        ps.reverse()
    return ps


# --- selection ---------------------------------------------------------------------------------
#: Orders taken from the index per step of :func:`_rows_in_list_order` (grows as it walks).
_FIRST_BLOCK = 128


def _rows_in_list_order(
    world: World,
    idx: npt.NDArray[np.int64],
    created: npt.NDArray[np.int64],
    *,
    desc: bool,
    after: tuple[datetime, int, int] | None,
) -> Iterator[int]:
    """The orders ``idx`` (created at ``created``, ascending) by ``(in_process_at, index)``.

    Ascending, or descending with ``desc``; orders wholly before ``after`` (in that direction)
    are left out, the order of ``after`` itself is kept for its other parts. Postings are not
    built: ``in_process_at`` is the creation time plus the index's payment delay, which is at
    most ``MAX_PROCESS_DELAY_S``, so a block of orders sorted by creation time is sorted by
    ``in_process_at`` once the orders that a later block could still overtake are held back.
    """
    delay = world.index.delay
    slack = MAX_PROCESS_DELAY_S
    n = len(idx)
    if after is None:
        j = n - 1 if desc else 0
    else:
        # Compare exactly: in_process_at is whole seconds, the cursor's time may not be.
        a_ts, a_i = after[0].timestamp(), after[1]
        # Integer bounds: a float would make numpy convert the whole array to compare.
        if desc:
            j = int(np.searchsorted(created, math.floor(a_ts), "right")) - 1
        else:
            j = int(np.searchsorted(created, math.ceil(a_ts) - slack, "left"))
    held_rows = np.zeros(0, dtype=np.int64)
    held_keys = np.zeros(0, dtype=np.int64)
    block = _FIRST_BLOCK
    while (j >= 0) if desc else (j < n):
        if desc:
            lo, hi = max(0, j - block + 1), j + 1
            j = lo - 1
            # Orders not taken yet were created at or before created[j], so paid by + slack.
            bound = int(created[j]) + slack if j >= 0 else None
        else:
            lo, hi = j, min(n, j + block)
            j = hi
            # Orders not taken yet were created at or after created[j], so paid no earlier.
            bound = int(created[j]) if j < n else None
        rows = np.concatenate([held_rows, idx[lo:hi]])
        keys = np.concatenate([held_keys, created[lo:hi] + delay[idx[lo:hi]]])
        if after is not None:
            if desc:
                keep = (keys < a_ts) | ((keys == a_ts) & (rows <= a_i))
            else:
                keep = (keys > a_ts) | ((keys == a_ts) & (rows >= a_i))
            rows, keys = rows[keep], keys[keep]
        order = np.lexsort((rows, keys))
        if desc:
            order = order[::-1]
        rows, keys = rows[order], keys[order]
        if bound is None:
            ready = len(rows)
        elif desc:
            ready = int(np.count_nonzero(keys > bound))
        else:
            ready = int(np.count_nonzero(keys < bound))
        yield from rows[:ready].tolist()
        held_rows, held_keys = rows[ready:], keys[ready:]
        block = min(block * 2, 4096)


def list_fbs(
    world: World,
    shop: Shop,
    flt: FbsFilter,
    *,
    now: datetime,
    need: int,
    desc: bool = False,
    after: tuple[datetime, int, int] | None = None,
) -> list[Posting]:
    """Up to ``need`` of the shop's FBS-family postings matching ``flt``, in list order.

    Order is :func:`list_key` ascending (descending with ``desc``), starting strictly after
    ``after``. Cheap: orders come from the index already in list order (see
    :func:`_rows_in_list_order`), so it builds only the postings it checks against the filter
    and stops at the ``need``-th match.
    """
    if need <= 0:
        return []
    hi = min(flt.to, now)
    if hi < flt.since:
        return []
    idx, created = world.index.window_times(shop.index, fbo=False, since=flt.since, to=hi)
    found: list[Posting] = []
    for i in _rows_in_list_order(world, idx, created, desc=desc, after=after):
        for p in _with_children(world, i, desc=desc):
            if after is not None:
                k = list_key(p)
                if k <= after if not desc else k >= after:
                    continue
            if flt.matches(world, p, now):
                found.append(p)
                if len(found) == need:
                    return found
    return found


def select_all(
    world: World,
    shop: Shop,
    flt: FbsFilter,
    *,
    now: datetime,
    key: Callable[[Posting], Any],
    lo: datetime,
    hi: datetime,
) -> list[Posting]:
    """Every matching posting created in ``[lo, hi]``, sorted by ``key`` (for counts)."""
    found = [
        p for p in world.postings(shop, fbo=False, since=lo, to=hi) if flt.matches(world, p, now)
    ]
    found.sort(key=key)
    return found


# --- cursors -----------------------------------------------------------------------------------
def fingerprint(ctx: Ctx, sort_dir: str) -> str:
    raw = json.dumps(
        [ctx.shop.client_id, ctx.path, ctx.body.get("filter") or {}, sort_dir],
        sort_keys=True,
        ensure_ascii=False,
    )
    return hashlib.sha256(raw.encode()).hexdigest()[:16]


_LIST_FIELDS = ("osp.in_process_at", "osp.id", "osp.part")
_UNFULFILLED_FIELDS = ("osp.cutoff", "osp.in_process_at", "osp.id", "osp.part")


def encode_cursor(names: Iterable[str], key: Iterable[Any], direction: str, fp: str) -> str:
    fields = [
        {
            "name": n,
            "dir": direction.lower(),
            "val": _exact(v) if isinstance(v, datetime) else str(v),
        }
        for n, v in zip(names, key, strict=True)
    ]
    raw = json.dumps({"fields": fields, "filter": fp}, separators=(",", ":"))
    return base64.b64encode(raw.encode()).decode()


def _exact(t: datetime) -> str:
    """A time to the microsecond (``iso`` keeps milliseconds only), so positions compare exactly."""
    return t.astimezone(UTC).isoformat().replace("+00:00", "Z")


def decode_cursor(cursor: str, names: tuple[str, ...], direction: str, fp: str) -> tuple[Any, ...]:
    """The position a cursor encodes; 400 if it is garbled or was made for another request."""
    try:
        data = json.loads(base64.b64decode(cursor.encode(), validate=True))
        fields = data["fields"]
        if [f["name"] for f in fields] != list(names):
            raise ValueError("fields")
        if data.get("filter") != fp or any(f["dir"] != direction.lower() for f in fields):
            raise bad_request(
                "cursor does not match the request: send the same filter and sort_dir "
                "as the request that returned it, or no cursor",
                field="cursor",
            )
        out: list[Any] = []
        for f in fields:
            val = str(f["val"])
            out.append(int(val) if val.lstrip("-").isdigit() else parse_time(val, "cursor"))
        return tuple(out)
    except (binascii.Error, ValueError, KeyError, TypeError, UnicodeDecodeError):
        raise bad_request("invalid cursor", field="cursor") from None


# --- request parsing ---------------------------------------------------------------------------
def _one_year_after(t: datetime) -> datetime:
    try:
        return t.replace(year=t.year + 1)
    except ValueError:  # 29 February
        return t.replace(year=t.year + 1, day=28) + timedelta(days=1)


def _period(since: datetime, to: datetime, field: str) -> None:
    if to < since:
        raise bad_request(f"{field}: the period ends before it starts", field=field)
    if to > _one_year_after(since):
        raise bad_request("PERIOD_IS_TOO_LONG", field=field)


def _ids(values: Any, field: str) -> frozenset[int] | None:
    if not values:
        return None
    out = set()
    for v in values:
        try:
            out.add(int(v))
        except (TypeError, ValueError):
            raise bad_request(f"{field}: invalid value {v!r}", field=field) from None
    return frozenset(out)


def _statuses(values: Any, allowed: frozenset[str], field: str) -> frozenset[str] | None:
    if not values:
        return None
    bad = [v for v in values if v not in allowed]
    if bad:
        raise bad_request(f"{field}: unsupported status {bad[0]!r}", field=field)
    return frozenset(values)


def _changed(f: dict[str, Any]) -> tuple[datetime | None, datetime | None]:
    lc = f.get("last_changed_status_date") or {}
    frm = parse_time(lc["from"], "filter.last_changed_status_date.from") if lc.get("from") else None
    to = parse_time(lc["to"], "filter.last_changed_status_date.to") if lc.get("to") else None
    return frm, to


def _common_filter(f: dict[str, Any]) -> dict[str, Any]:
    changed_from, changed_to = _changed(f)
    flows = f.get("integration_type_flow")
    return {
        "changed_from": changed_from,
        "changed_to": changed_to,
        "order_id": int(f["order_id"]) if f.get("order_id") else None,
        "flows": frozenset(flows) if flows else None,
        "nothing": bool(f.get("is_blr_traceable")) or bool(f.get("is_quantum")),
    }


def v4_filter(body: dict[str, Any]) -> FbsFilter:
    f = body.get("filter") or {}
    since = parse_time(f.get("since"), "filter.since")
    to = parse_time(f.get("to"), "filter.to")
    _period(since, to, "filter")
    numbers = f.get("order_numbers")
    return FbsFilter(
        since=since,
        to=to,
        statuses=_statuses(f.get("statuses"), KNOWN_STATUSES, "filter.statuses"),
        order_numbers=frozenset(numbers) if numbers else None,
        warehouse_ids=_ids(f.get("warehouse_ids"), "filter.warehouse_ids"),
        delivery_method_ids=_ids(f.get("delivery_method_ids"), "filter.delivery_method_ids"),
        provider_ids=_ids(f.get("provider_ids"), "filter.provider_ids"),
        **_common_filter(f),
    )


def _limit(body: dict[str, Any], top: int, *, default: int | None = None) -> int:
    limit = body.get("limit", default)
    if limit is None:
        raise bad_request("limit is required", field="limit")
    if not isinstance(limit, int) or not 1 <= limit <= top:
        raise bad_request(f"limit must be between 1 and {top}", field="limit")
    return limit


def _sort_dir(value: Any, field: str) -> str:
    d = str(value or "ASC").upper()
    if d not in ("ASC", "DESC"):
        raise bad_request(f"{field} must be ASC or DESC", field=field)
    return d


# --- handlers ----------------------------------------------------------------------------------
@route("/v4/posting/fbs/list")
def fbs_list_v4(ctx: Ctx) -> JSON:
    flt = v4_filter(ctx.body)
    limit = _limit(ctx.body, 100)
    direction = _sort_dir(ctx.body.get("sort_dir"), "sort_dir")
    fp = fingerprint(ctx, direction)
    after = None
    if ctx.body.get("cursor"):
        pos = decode_cursor(ctx.body["cursor"], _LIST_FIELDS, direction, fp)
        after = (pos[0], int(pos[1]), int(pos[2]))
    page = list_fbs(
        ctx.world,
        ctx.shop,
        flt,
        now=ctx.now,
        need=limit + 1,
        desc=direction == "DESC",
        after=after,
    )
    has_next = len(page) > limit
    page = page[:limit]
    w = With.from_body(ctx.body)
    cursor = encode_cursor(_LIST_FIELDS, list_key(page[-1]), direction, fp) if page else ""
    return {
        "postings": [v4_list_posting(ctx.world, p, ctx.now, w) for p in page],
        "has_next": has_next,
        "cursor": cursor if has_next else "",
    }


def unfulfilled_filter(body: dict[str, Any], now: datetime) -> tuple[FbsFilter, datetime, datetime]:
    """The unfulfilled filter and the creation-time range to scan for it."""
    f = body.get("filter") or {}
    cutoff = (f.get("cutoff_from"), f.get("cutoff_to"))
    delivering = (f.get("delivering_date_from"), f.get("delivering_date_to"))
    use_cutoff, use_delivering = any(cutoff), any(delivering)
    if use_cutoff and use_delivering:
        raise bad_request(
            "filter: use either cutoff_from/cutoff_to or "
            "delivering_date_from/delivering_date_to, not both",
            field="filter",
        )
    if not use_cutoff and not use_delivering:
        raise bad_request(
            "filter: set cutoff_from and cutoff_to, or delivering_date_from and delivering_date_to",
            field="filter",
        )
    names = (
        ("cutoff_from", "cutoff_to")
        if use_cutoff
        else (
            "delivering_date_from",
            "delivering_date_to",
        )
    )
    pair = cutoff if use_cutoff else delivering
    for name, value in zip(names, pair, strict=True):
        if not value:
            raise bad_request(f"filter.{name} is required", field=f"filter.{name}")
    frm = parse_time(pair[0], f"filter.{names[0]}")
    to = parse_time(pair[1], f"filter.{names[1]}")
    _period(frm, to, "filter")
    statuses = _statuses(f.get("statuses"), UNFULFILLED_ALLOWED, "filter.statuses")
    common = _common_filter(f)
    lookback = CUTOFF_LOOKBACK if use_cutoff else DELIVERING_LOOKBACK
    lo, hi = frm - lookback, min(to, now)
    flt = FbsFilter(
        since=lo,
        to=hi,
        statuses=statuses or UNFULFILLED_STATUSES,
        warehouse_ids=_ids(f.get("warehouse_ids"), "filter.warehouse_ids"),
        delivery_method_ids=_ids(f.get("delivery_method_ids"), "filter.delivery_method_ids"),
        provider_ids=_ids(f.get("provider_ids"), "filter.provider_ids"),
        cutoff_from=frm if use_cutoff else None,
        cutoff_to=to if use_cutoff else None,
        delivering_from=None if use_cutoff else frm,
        delivering_to=None if use_cutoff else to,
        **common,
    )
    return flt, lo, hi


@route("/v4/posting/fbs/unfulfilled/list")
def fbs_unfulfilled_v4(ctx: Ctx) -> JSON:
    flt, lo, hi = unfulfilled_filter(ctx.body, ctx.now)
    limit = _limit(ctx.body, 100, default=100)
    direction = _sort_dir(ctx.body.get("sort_dir"), "sort_dir")
    fp = fingerprint(ctx, direction)
    everything = select_all(
        ctx.world, ctx.shop, flt, now=ctx.now, key=unfulfilled_key, lo=lo, hi=hi
    )
    if direction == "DESC":
        everything.reverse()
    start = 0
    if ctx.body.get("cursor"):
        pos = decode_cursor(ctx.body["cursor"], _UNFULFILLED_FIELDS, direction, fp)
        after = (pos[0], pos[1], int(pos[2]), int(pos[3]))
        keys = [unfulfilled_key(p) for p in everything]
        if direction == "DESC":
            start = next((n for n, k in enumerate(keys) if k < after), len(keys))
        else:
            start = bisect.bisect_right(keys, after)
    page = everything[start : start + limit]
    has_next = start + limit < len(everything)
    w = With.from_body(ctx.body)
    cursor = (
        encode_cursor(_UNFULFILLED_FIELDS, unfulfilled_key(page[-1]), direction, fp)
        if page and has_next
        else ""
    )
    return {
        "postings": [v4_list_posting(ctx.world, p, ctx.now, w) for p in page],
        "count": len(everything),
        "has_next": has_next,
        "cursor": cursor,
    }


def v3_filter(body: dict[str, Any]) -> FbsFilter:
    f = body.get("filter") or {}
    since = parse_time(f.get("since"), "filter.since")
    to = parse_time(f.get("to"), "filter.to")
    _period(since, to, "filter")
    status = f.get("status")
    return FbsFilter(
        since=since,
        to=to,
        statuses=_statuses([status] if status else None, KNOWN_STATUSES, "filter.status"),
        warehouse_ids=_ids(f.get("warehouse_id"), "filter.warehouse_id"),
        delivery_method_ids=_ids(f.get("delivery_method_id"), "filter.delivery_method_id"),
        provider_ids=_ids(f.get("provider_id"), "filter.provider_id"),
        **_common_filter(f),
    )


@route("/v3/posting/fbs/list")
def fbs_list_v3(ctx: Ctx) -> JSON:
    flt = v3_filter(ctx.body)
    limit = _limit(ctx.body, 1000)
    offset = ctx.body.get("offset", 0)
    if not isinstance(offset, int) or offset < 0:
        raise bad_request("offset must not be negative", field="offset")
    direction = _sort_dir(ctx.body.get("dir"), "dir")
    found = list_fbs(
        ctx.world,
        ctx.shop,
        flt,
        now=ctx.now,
        need=offset + limit + 1,
        desc=direction == "DESC",
    )
    w = With.from_body(ctx.body)
    page = found[offset : offset + limit]
    return {
        "result": {
            "postings": [v3_list_posting(ctx.world, p, ctx.now, w) for p in page],
            "has_next": len(found) > offset + limit,
        }
    }


@route("/v3/posting/fbs/get")
def fbs_get_v3(ctx: Ctx) -> JSON:
    number = get(ctx.body, "posting_number", default="")
    p = ctx.world.find_posting(ctx.shop, str(number)) if number else None
    if p is None or p.is_fbo:
        raise not_found("POSTING_NOT_FOUND")
    return {"result": v3_get_posting(ctx.world, p, ctx.now, With.from_body(ctx.body))}
