"""FBO postings: ``/v3/posting/fbo/list`` (cursor), legacy ``/v2/posting/fbo/list`` (offset,
``result`` a plain array) and ``/v2/posting/fbo/get``.

FBO postings are the world's ``Scheme.FBO`` postings; Ozon stores, packs and delivers them, so
their timelines never wait for the seller. Status and substatus are the ones in effect now.
Decisions where the spec is silent [inferred]:

- a missing ``filter.to`` is now and a missing ``filter.since`` is ``to`` minus one year (the
  longest period allowed); ``since`` after ``to`` gives an empty list, not an error;
- the default order is oldest first; ``cursor`` is ``""`` on the last page;
- optional blocks (``analytics_data``, ``financial_data``, ``legal_info``) are left out unless
  asked for (Ozon sends ``null``, which the schema does not allow);
- ``fact_delivery_date`` (handed to delivery) is left out until it happened.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import numpy as np

from ozonops.simulator.errors import bad_request, not_found
from ozonops.simulator.paging import (
    check_limit,
    check_offset,
    check_period_length,
    decode_cursor,
    encode_cursor,
    invalid_cursor,
)
from ozonops.simulator.routing import JSON, Ctx, get, iso, parse_time, route
from ozonops.simulator.world import Posting, Shop, World
from ozonops.simulator.world.money import line_money

MAX_PERIOD = timedelta(days=365)
MAX_OFFSET = 20_000
FBO_STATUSES = ("awaiting_packaging", "awaiting_deliver", "delivering", "delivered", "cancelled")
_PICKUP = frozenset(
    {"posting_on_way_to_pickup_point", "posting_in_pickup_point", "posting_received"}
)
_COURIER = frozenset(
    {"posting_transferred_to_courier_service", "posting_in_courier_service", "posting_delivered"}
)
_PAYMENT_TYPES = (
    "Карты оплаты",
    "Карты оплаты",
    "Ozon Карта",
    "Система быстрых платежей",
    "Оплата при получении",
)
_CENT = Decimal("0.01")


# --- period, candidates -------------------------------------------------------------------------
def _period(ctx: Ctx, *, required: bool) -> tuple[datetime, datetime]:
    raw_since = get(ctx.body, "filter", "since")
    raw_to = get(ctx.body, "filter", "to")
    if required and (raw_since is None or raw_to is None):
        raise bad_request("filter.since and filter.to are required", field="filter")
    to = parse_time(raw_to, "filter.to") if raw_to is not None else ctx.now
    since = parse_time(raw_since, "filter.since") if raw_since is not None else to - MAX_PERIOD
    check_period_length(to, latest=since + MAX_PERIOD, field="filter")
    return since, to


def _candidates(world: World, shop: Shop, since: datetime, to: datetime, numbers: set[str]) -> Any:
    """Global indices of the shop's FBO postings in the period, ascending."""
    idx = world.index.window(shop.index, fbo=True, since=since, to=min(to, world.now()))
    if numbers:
        wanted = [world.decode_posting_number(n) for n in numbers]
        idx = np.intersect1d(idx, np.array([i for i in wanted if i is not None], dtype=np.int64))
    return idx


def _walk(
    world: World,
    idx: Any,
    *,
    descending: bool,
    after: int | None,
    statuses: set[str],
    numbers: set[str],
    now: datetime,
) -> Iterator[Posting]:
    """Matching FBO postings in order, strictly after the posting with index ``after``."""
    order = idx[::-1] if descending else idx
    if after is not None:
        if descending:
            pos = int(np.searchsorted(idx, after, side="left"))
            order = idx[:pos][::-1]
        else:
            pos = int(np.searchsorted(idx, after, side="right"))
            order = idx[pos:]
    for i in order:
        p = world.posting(int(i))
        if not p.is_fbo:
            continue
        if numbers and p.posting_number not in numbers:
            continue
        if statuses and world.event(p, now).status not in statuses:
            continue
        yield p


def _numbers(ctx: Ctx) -> set[str]:
    numbers = set(get(ctx.body, "filter", "posting_numbers", default=[]))
    numbers |= {f"{n}-1" for n in get(ctx.body, "filter", "order_numbers", default=[])}
    return numbers


# --- rendering ------------------------------------------------------------------------------
def _money(value: Decimal) -> str:
    return str(value.quantize(_CENT))


def _delivery_type(p: Posting) -> str:
    subs = {ev.substatus for ev in p.timeline}
    if subs & _PICKUP:
        return "PVZ"
    if subs & _COURIER:
        return "Courier"
    return "PVZ" if p.order_id % 100 < 72 else "Courier"


def _analytics(world: World, p: Posting) -> dict[str, Any]:
    wh = world.warehouse(p.warehouse_id)
    out: dict[str, Any] = {
        "city": p.buyer.city,
        "delivery_type": _delivery_type(p),
        "is_legal": False,
        "is_premium": p.buyer.customer_id % 7 == 0,
        "payment_type_group_name": _PAYMENT_TYPES[p.buyer.customer_id % len(_PAYMENT_TYPES)],
        "warehouse_id": p.warehouse_id,
        "warehouse_name": wh.name if wh is not None else "",
    }
    return out


_DISCOUNT_ACTION = "Системная виртуальная скидка селлера"


def _financial_v3(world: World, p: Posting) -> dict[str, Any]:
    wh = world.warehouse(p.warehouse_id)
    products = []
    for line in p.lines:
        m = line_money(line, p.scheme)
        products.append(
            {
                "actions": [_DISCOUNT_ACTION] if m.total_discount_value else [],
                "commission": {
                    "amount": float(m.commission_amount),
                    "currency": m.currency,
                    "percent": m.commission_percent,
                },
                "old_price": float(m.old_price),
                "payout": float(m.payout),
                "price": float(m.price),
                "product_id": line.sku.sku,
                "total_discount_percent": float(m.total_discount_percent),
                "total_discount_value": float(m.total_discount_value),
            }
        )
    return {
        "cluster_from": wh.cluster_name if wh is not None else "",
        "cluster_to": p.buyer.region,
        "products": products,
    }


def _financial_v2(world: World, p: Posting, *, detail: bool) -> dict[str, Any]:
    wh = world.warehouse(p.warehouse_id)
    products = []
    for line in p.lines:
        m = line_money(line, p.scheme)
        item: dict[str, Any] = {
            "actions": [_DISCOUNT_ACTION] if m.total_discount_value else [],
            "commission_amount": float(m.commission_amount),
            "commission_percent": m.commission_percent,
            "commissions_currency_code": m.currency,
            "currency_code": m.currency,
            "old_price": float(m.old_price),
            "payout": float(m.payout),
            "price": float(m.price),
            "product_id": line.sku.sku,
            "quantity": line.quantity,
            "total_discount_percent": float(m.total_discount_percent),
            "total_discount_value": float(m.total_discount_value),
        }
        if detail:
            item["customer_currency_code"] = m.currency
            item["customer_price"] = float(m.customer_price)
        products.append(item)
    return {
        "cluster_from": wh.cluster_name if wh is not None else "",
        "cluster_to": p.buyer.region,
        "products": products,
    }


def _cancellation(world: World, p: Posting, now: datetime) -> tuple[int, dict[str, str]]:
    c = world.cancellation(p, now)
    if c is None:
        return 0, {"cancel_reason": "", "cancellation_initiator": "", "cancellation_type": ""}
    return c.reason_id, {
        "cancel_reason": c.reason,
        "cancellation_initiator": c.initiator.capitalize(),
        "cancellation_type": c.cancellation_type,
    }


def render_v3(world: World, p: Posting, now: datetime, with_: dict[str, Any]) -> dict[str, Any]:
    ev = world.event(p, now)
    reason_id, cancellation = _cancellation(world, p, now)
    out: dict[str, Any] = {
        "additional_data": [],
        "cancel_reason_id": reason_id,
        "cancellation": cancellation,
        "created_at": iso(p.created_at),
        "in_process_at": iso(p.in_process_at),
        "order_id": p.order_id,
        "order_number": p.order_number,
        "posting_number": p.posting_number,
        "products": [
            {
                "digital_codes": [],
                "is_marketplace_buyout": False,
                "name": line.sku.name,
                "offer_id": line.sku.offer_id,
                "price": {"amount": _money(line.price), "currency": "RUB"},
                "quantity": line.quantity,
                "sku": line.sku.sku,
            }
            for line in p.lines
        ],
        "status": ev.status,
        "substatus": ev.substatus,
    }
    if with_.get("analytics_data"):
        out["analytics_data"] = _analytics(world, p)
    if with_.get("financial_data"):
        out["financial_data"] = _financial_v3(world, p)
    if with_.get("legal_info"):
        out["legal_info"] = {"company_name": "", "inn": "", "kpp": ""}
    return out


def render_v2(
    world: World, p: Posting, now: datetime, with_: dict[str, Any], *, detail: bool = False
) -> dict[str, Any]:
    ev = world.event(p, now)
    reason_id, _ = _cancellation(world, p, now)
    out: dict[str, Any] = {
        "additional_data": [],
        "cancel_reason_id": reason_id,
        "created_at": iso(p.created_at),
        "in_process_at": iso(p.in_process_at),
        "order_id": p.order_id,
        "order_number": p.order_number,
        "posting_number": p.posting_number,
        "products": [
            {
                "currency_code": "RUB",
                "digital_codes": [],
                "is_marketplace_buyout": False,
                "name": line.sku.name,
                "offer_id": line.sku.offer_id,
                "price": _money(line.price),
                "quantity": line.quantity,
                "sku": line.sku.sku,
            }
            for line in p.lines
        ],
        "status": ev.status,
        "substatus": ev.substatus,
    }
    if detail:
        handed = p.first("in_transit", now)
        if handed is not None:
            out["fact_delivery_date"] = iso(handed.at)
    if with_.get("analytics_data"):
        out["analytics_data"] = _analytics(world, p)
    if with_.get("financial_data"):
        out["financial_data"] = _financial_v2(world, p, detail=detail)
    if with_.get("legal_info"):
        out["legal_info"] = {"company_name": "", "inn": "", "kpp": ""}
    return out


# --- handlers -------------------------------------------------------------------------------
def _descending(value: Any) -> bool:
    return isinstance(value, str) and value.upper() == "DESC"


@route("/v3/posting/fbo/list")
def list_v3(ctx: Ctx) -> JSON:
    body = ctx.body
    limit = check_limit(int(body.get("limit") or 0), 100)
    since, to = _period(ctx, required=False)
    descending = _descending(body.get("sort_dir"))
    after: int | None = None
    if body.get("cursor"):
        last = decode_cursor(str(body["cursor"])).get("last")
        if not isinstance(last, int):
            raise invalid_cursor()
        after = last
    numbers = _numbers(ctx)
    statuses = set(get(body, "filter", "statuses", default=[]))
    idx = _candidates(ctx.world, ctx.shop, since, to, numbers)
    page: list[Posting] = []
    has_next = False
    walk = _walk(
        ctx.world,
        idx,
        descending=descending,
        after=after,
        statuses=statuses,
        numbers=numbers,
        now=ctx.now,
    )
    for p in walk:
        if len(page) == limit:
            has_next = True
            break
        page.append(p)
    with_ = get(body, "with", default={})
    return {
        "postings": [render_v3(ctx.world, p, ctx.now, with_) for p in page],
        "has_next": has_next,
        "cursor": encode_cursor({"last": page[-1].index}) if has_next else "",
    }


@route("/v2/posting/fbo/list")
def list_v2(ctx: Ctx) -> JSON:
    body = ctx.body
    limit = check_limit(int(body.get("limit") or 0), 1000)
    offset = check_offset(int(body.get("offset") or 0))
    if offset > MAX_OFFSET:
        raise bad_request("MAX_OFFSET_EXCEEDED", field="offset")
    since, to = _period(ctx, required=True)
    status = get(body, "filter", "status", default="")
    statuses = {status} if status else set()
    idx = _candidates(ctx.world, ctx.shop, since, to, set())
    walk = _walk(
        ctx.world,
        idx,
        descending=_descending(body.get("dir")),
        after=None,
        statuses=statuses,
        numbers=set(),
        now=ctx.now,
    )
    page: list[Posting] = []
    for n, p in enumerate(walk):
        if n >= offset + limit:
            break
        if n >= offset:
            page.append(p)
    with_ = get(body, "with", default={})
    return {"result": [render_v2(ctx.world, p, ctx.now, with_) for p in page]}


@route("/v2/posting/fbo/get")
def get_v2(ctx: Ctx) -> JSON:
    number = str(ctx.body.get("posting_number") or "")
    p = ctx.world.find_posting(ctx.shop, number) if number else None
    if p is None or not p.is_fbo:
        raise not_found("POSTING_NOT_FOUND")
    with_ = get(ctx.body, "with", default={})
    return {"result": render_v2(ctx.world, p, ctx.now, with_, detail=True)}
