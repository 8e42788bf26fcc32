"""FBS/rFBS posting reads: the v4 and legacy v3 lists, the unfulfilled list and the v3 get.

Paging (ozon-api.md §0, §1.1–1.4):

- ``/v4/posting/fbs/list`` sorts by ``in_process_at`` (then posting index and split part) and
  pages by an opaque cursor shaped like Ozon's own
  (``{"fields": [{"name", "dir", "val"}, ...], "filter": <fingerprint>}``, see
  :mod:`ozonops.simulator.paging`). It encodes the last returned position and a fingerprint of
  the shop, path, filter and sort direction, so the same cursor gives the same page while the
  clock is frozen, and a cursor sent with another filter is refused (400).
- ``/v4/posting/fbs/unfulfilled/list`` sorts by ``shipment_date`` (the cut-off), then
  ``in_process_at``, like the cursor in Ozon's example, and also returns the total ``count``.
- ``/v3/posting/fbs/list`` pages by ``offset``/``limit`` (1–1000) over the same order as v4.

The ``since``/``to`` period selects postings by creation time, as :meth:`World.postings` does.
Which postings a page holds, and in what order, is :mod:`.fbs_selection`'s job.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

from ozonops.simulator.errors import bad_request, not_found
from ozonops.simulator.paging import (
    check_limit,
    check_offset,
    check_period_length,
    decode_cursor,
    encode_cursor,
    fingerprint,
    invalid_cursor,
    one_year_after,
)
from ozonops.simulator.render.postings import (
    With,
    v3_get_posting,
    v3_list_posting,
    v4_list_posting,
)
from ozonops.simulator.routes.fbs_selection import (
    FbsFilter,
    list_fbs,
    list_key,
    select_all,
    unfulfilled_key,
)
from ozonops.simulator.routing import (
    JSON,
    Ctx,
    get,
    int_ids,
    parse_optional_time,
    parse_time,
    route,
)

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


# --- cursors -----------------------------------------------------------------------------------
_LIST_FIELDS = ("osp.in_process_at", "osp.id", "osp.part")
_UNFULFILLED_FIELDS = ("osp.cutoff", "osp.in_process_at", "osp.id", "osp.part")


def _encode_position(names: Iterable[str], key: Iterable[Any], direction: str, fp: str) -> str:
    fields = [
        {
            "name": n,
            "dir": direction.lower(),
            "val": _exact(v) if isinstance(v, datetime) else str(v),
        }
        for n, v in zip(names, key, strict=True)
    ]
    return encode_cursor({"fields": fields}, fp=fp)


def _exact(t: datetime) -> str:
    """A time to the microsecond (``iso`` keeps milliseconds only), so positions compare exactly."""
    return t.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _decode_position(cursor: str, names: tuple[str, ...], fp: str) -> tuple[Any, ...]:
    """The position a cursor encodes; 400 if it is garbled or was made for another request."""
    data = decode_cursor(cursor, fp=fp)
    try:
        fields = data["fields"]
        if [f["name"] for f in fields] != list(names):
            raise ValueError("fields")
        out: list[Any] = []
        for f in fields:
            val = str(f["val"])
            out.append(int(val) if val.lstrip("-").isdigit() else parse_time(val, "cursor"))
        return tuple(out)
    except (ValueError, KeyError, TypeError):
        raise invalid_cursor() from None


# --- request parsing ---------------------------------------------------------------------------
def _period(since: datetime, to: datetime, field: str) -> None:
    if to < since:
        raise bad_request(f"{field}: the period ends before it starts", field=field)
    check_period_length(to, latest=one_year_after(since), field=field)


def _ids(values: Any, field: str) -> frozenset[int] | None:
    ids = int_ids(values, field)
    return frozenset(ids) if ids else None


def _statuses(values: Any, allowed: frozenset[str], field: str) -> frozenset[str] | None:
    if not values:
        return None
    bad = [v for v in values if v not in allowed]
    if bad:
        raise bad_request(f"{field}: unsupported status {bad[0]!r}", field=field)
    return frozenset(values)


def _changed(f: dict[str, Any]) -> tuple[datetime | None, datetime | None]:
    lc = f.get("last_changed_status_date") or {}
    return (
        parse_optional_time(lc.get("from"), "filter.last_changed_status_date.from"),
        parse_optional_time(lc.get("to"), "filter.last_changed_status_date.to"),
    )


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
    return check_limit(limit, top)


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
        pos = _decode_position(ctx.body["cursor"], _LIST_FIELDS, fp)
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
    cursor = _encode_position(_LIST_FIELDS, list_key(page[-1]), direction, fp) if page else ""
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
        pos = _decode_position(ctx.body["cursor"], _UNFULFILLED_FIELDS, fp)
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
        _encode_position(_UNFULFILLED_FIELDS, unfulfilled_key(page[-1]), direction, fp)
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
    offset = check_offset(ctx.body.get("offset", 0))
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
