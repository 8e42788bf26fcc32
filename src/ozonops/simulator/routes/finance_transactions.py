"""Finance: the transaction list and totals (v3) and their beta replacements, the accruals (v1).

All of them read ``world.ledger``: the same operations, filtered and shaped differently.
The spec's request schema makes ``filter.date`` and ``filter.posting_number`` exclusive (one
of them, not both; checked before the handler runs). Choices the spec leaves open [inferred]:
``page`` starts at 1; a period longer than one calendar month (list) or one
year (totals) is refused with ``PERIOD_IS_TOO_LONG``; ``operation_date`` is
``YYYY-MM-DD HH:MM:SS`` in UTC as in the spec's example; accrual dates are ``YYYY-MM-DD``;
``/v1/finance/accrual/by-day`` pages hold 100 accruals and ``last_id`` is ``""`` on the last.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from ozonops.simulator.errors import bad_request
from ozonops.simulator.paging import (
    check_period_length,
    decode_cursor,
    encode_cursor,
    invalid_cursor,
    one_month_after,
    one_year_after,
)
from ozonops.simulator.routing import JSON, Ctx, get, parse_time, route
from ozonops.simulator.world import Posting, Scheme, Shop, World, accruals, ledger
from ozonops.simulator.world.accruals import Charge, Operation
from ozonops.simulator.world.money import CURRENCY

MAX_PAGE_SIZE = 1000
BY_DAY_PAGE = 100
MAX_POSTING_NUMBERS = 200
EARLIEST_ACCRUAL_DAY = date(2022, 1, 1)
TRANSACTION_TYPES = (
    "all",
    "orders",
    "returns",
    "services",
    "compensation",
    "transferDelivery",
    "other",
)
TOTAL_FIELDS = (
    "accruals_for_sale",
    "sale_commission",
    "processing_and_delivery",
    "refunds_and_cancellations",
    "services_amount",
    "compensation_amount",
    "money_transfer",
    "others_amount",
)

_SCHEMA_NAME = {
    Scheme.FBS: "FBS",
    Scheme.RFBS_NON_INTEGRATED: "RFBS",
    Scheme.RFBS_3PL: "RFBS",
    Scheme.RFBS_AGGREGATOR: "RFBS",
    Scheme.FBO: "FBO",
}


# --- shared helpers (the reports module uses them too) ---------------------------------------
def num(x: Decimal) -> float:
    """A ``number`` amount: roubles with kopecks."""
    return float(x)


def money(x: Decimal) -> dict[str, str]:
    """A ``{amount, currency}`` object with the amount as a string."""
    return {"amount": f"{x:.2f}", "currency": CURRENCY}


def op_date(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")


def delivery_schema(p: Posting) -> str:
    return _SCHEMA_NAME[p.scheme]


def date_pair(value: Any, field: str, *, limit: str) -> tuple[datetime, datetime]:
    """``{from, to}`` checked: both present, ordered, not longer than ``limit``."""
    if not isinstance(value, dict) or not value.get("from") or not value.get("to"):
        raise bad_request(f"{field}.from and {field}.to are required", field=field)
    since = parse_time(value["from"], f"{field}.from")
    to = parse_time(value["to"], f"{field}.to")
    if since > to:
        raise bad_request(f"{field}.from must not be later than {field}.to", field=field)
    latest = one_month_after(since) if limit == "month" else one_year_after(since)
    check_period_length(to, latest=latest, field=field)
    return since, to


def _selected(
    world: World,
    shop: Shop,
    now: datetime,
    period: tuple[datetime, datetime] | None,
    posting_number: str,
) -> list[Operation]:
    if posting_number:
        p = world.find_posting(shop, posting_number)
        if p is None:
            return []
        ops = ledger.visible(world, p, now)
        if period is not None:
            ops = [op for op in ops if period[0] <= op.at <= period[1]]
        return ops
    assert period is not None
    return ledger.operations(world, shop, period[0], period[1], now)


def _transaction_type(body: dict[str, Any], *path: str) -> str:
    value = get(body, *path, default="all") or "all"
    if value not in TRANSACTION_TYPES:
        raise bad_request(f"unknown transaction_type {value!r}", field=".".join(path))
    return str(value)


# --- /v3/finance/transaction/list --------------------------------------------------------------
def render_operation(op: Operation) -> dict[str, Any]:
    p = op.posting
    return {
        "operation_id": op.operation_id,
        "operation_type": op.operation_type,
        "operation_date": op_date(op.at),
        "operation_type_name": op.type_name,
        "delivery_charge": 0.0,
        "return_delivery_charge": 0.0,
        "accruals_for_sale": num(op.total(accruals.SALE, accruals.RETURN_SALE)),
        "sale_commission": num(op.total(accruals.COMMISSION, accruals.RETURN_COMMISSION)),
        "amount": num(op.amount),
        "type": op.transaction_type,
        "posting": {
            "delivery_schema": delivery_schema(p),
            "order_date": op_date(p.in_process_at),
            "posting_number": p.posting_number,
            "warehouse_id": p.warehouse_id,
        },
        "items": [{"name": line.sku.name, "sku": line.sku.sku} for line in op.lines],
        "services": [{"name": name, "price": num(price)} for name, price in op.services()],
    }


@route("/v3/finance/transaction/list")
def transaction_list(ctx: Ctx) -> JSON:
    body = ctx.body
    page = int(body["page"])
    page_size = int(body["page_size"])
    if page < 1:
        raise bad_request("page must be 1 or more", field="page")
    if not 1 <= page_size <= MAX_PAGE_SIZE:
        raise bad_request(f"page_size must be from 1 to {MAX_PAGE_SIZE}", field="page_size")
    posting_number = str(get(body, "filter", "posting_number", default="") or "")
    raw_date = get(body, "filter", "date")
    period = None
    if raw_date is not None or not posting_number:
        period = date_pair(raw_date, "filter.date", limit="month")
    ttype = _transaction_type(body, "filter", "transaction_type")
    op_types = set(get(body, "filter", "operation_type", default=[]) or [])
    ops = _selected(ctx.world, ctx.shop, ctx.now, period, posting_number)
    if ttype != "all":
        ops = [op for op in ops if op.transaction_type == ttype]
    if op_types:
        ops = [op for op in ops if op.operation_type in op_types]
    rows = len(ops)
    start = (page - 1) * page_size
    return {
        "result": {
            "operations": [render_operation(op) for op in ops[start : start + page_size]],
            "page_count": -(-rows // page_size),
            "row_count": rows,
        }
    }


# --- /v3/finance/transaction/totals ------------------------------------------------------------
def totals(ops: list[Operation]) -> dict[str, Decimal]:
    out = dict.fromkeys(TOTAL_FIELDS, accruals.ZERO)
    for op in ops:
        for c in op.charges:
            out[c.type.bucket] += c.amount
    return out


@route("/v3/finance/transaction/totals")
def transaction_totals(ctx: Ctx) -> JSON:
    body = ctx.body
    posting_number = str(body.get("posting_number") or "")
    period = None
    if body.get("date") is not None or not posting_number:
        period = date_pair(body.get("date"), "date", limit="year")
    ttype = _transaction_type(body, "transaction_type")
    ops = _selected(ctx.world, ctx.shop, ctx.now, period, posting_number)
    if ttype != "all":
        ops = [op for op in ops if op.transaction_type == ttype]
    return {"result": {k: num(v) for k, v in totals(ops).items()}}


# --- /v1/finance/accrual/types -----------------------------------------------------------------
@route("/v1/finance/accrual/types")
def accrual_types(ctx: Ctx) -> JSON:
    return {
        "accrual_types": [
            {"id": t.id, "name": t.name, "description": t.description}
            for t in accruals.ACCRUAL_TYPES
        ]
    }


# --- /v1/finance/accrual/postings --------------------------------------------------------------
def render_charge(op: Operation, c: Charge) -> dict[str, Any]:
    return {
        "accrual_date": op.at.date().isoformat(),
        "type_id": c.type.id,
        "sku": c.sku,
        "quantity": c.quantity,
        "accrued": money(c.amount),
        "seller_price": money(c.price) if c.price is not None else None,
    }


@route("/v1/finance/accrual/postings")
def accrual_postings(ctx: Ctx) -> JSON:
    numbers = [str(n) for n in ctx.body["posting_numbers"]]
    if not 1 <= len(numbers) <= MAX_POSTING_NUMBERS:
        raise bad_request(
            f"posting_numbers must hold from 1 to {MAX_POSTING_NUMBERS} numbers",
            field="posting_numbers",
        )
    out = []
    for number in dict.fromkeys(numbers):
        p = ctx.world.find_posting(ctx.shop, number)
        if p is None:
            continue
        out.append(
            {
                "posting_number": p.posting_number,
                "accruals": [
                    render_charge(op, c)
                    for op in ledger.visible(ctx.world, p, ctx.now)
                    for c in op.charges
                ],
            }
        )
    return {"posting_accruals": out}


# --- /v1/finance/accrual/by-day ----------------------------------------------------------------
def _fee(c: Charge) -> dict[str, Any]:
    return {"type_id": c.type.id, "accrued": money(c.amount)}


def render_accrual(op: Operation) -> dict[str, Any]:
    p = op.posting
    out: dict[str, Any] = {
        "accrual_id": op.operation_id,
        "unit_number": p.posting_number,
        "date": op.at.date().isoformat(),
        "total_amount": money(op.amount),
    }
    skus: dict[int | None, list[Charge]] = {}
    for c in op.charges:
        skus.setdefault(c.sku, []).append(c)
    if op.operation_type in accruals.REALIZATION_OPS:
        products = []
        for sku, charges in skus.items():
            sale = sum(
                (c.amount for c in charges if c.type.bucket == "accruals_for_sale"), accruals.ZERO
            )
            commission = sum(
                (c.amount for c in charges if c.type.bucket == "sale_commission"), accruals.ZERO
            )
            priced = next((c for c in charges if c.price is not None), None)
            price = (
                priced.price if priced is not None and priced.price is not None else accruals.ZERO
            )
            percent = priced.commission_percent if priced is not None else None
            delivery = [c for c in charges if c.type.service]
            products.append(
                {
                    "sku": sku or 0,
                    "commission": {
                        "commission_ratio": f"{Decimal(percent or 0) / 100:.2f}",
                        "sale_amount": money(sale),
                        "sale_commission": money(commission),
                        "commission": money(commission),
                        "bonus": money(accruals.ZERO),
                        "coinvestment": money(accruals.ZERO),
                        "sale_price": money(price),
                        "seller_price": money(price),
                    },
                    "delivery": {
                        "services": [_fee(c) for c in delivery],
                        "total_accrued": money(sum((c.amount for c in delivery), accruals.ZERO)),
                    },
                }
            )
        out["accrued_category"] = "POSTING"
        out["posting"] = {"delivery_schema": delivery_schema(p), "products": products}
        out["item_fees"] = None
    else:
        out["accrued_category"] = "ITEM"
        out["posting"] = None
        out["item_fees"] = {
            "fees": [
                {"sku": sku or 0, "fees": [_fee(c) for c in charges]}
                for sku, charges in skus.items()
            ]
        }
    return out


def _encode_cursor(day: date, offset: int) -> str:
    return encode_cursor({"day": day.isoformat(), "offset": offset})


def _decode_cursor(value: str, day: date) -> int:
    data = decode_cursor(value, field="last_id")
    try:
        parsed = date.fromisoformat(data["day"])
        n = int(data["offset"])
    except (ValueError, KeyError, TypeError):
        raise invalid_cursor("last_id") from None
    if parsed != day:
        raise bad_request("date must be the date of the request last_id came from", field="date")
    return max(n, 0)


@route("/v1/finance/accrual/by-day")
def accrual_by_day(ctx: Ctx) -> JSON:
    raw = str(ctx.body["date"]).strip()
    try:
        day = date.fromisoformat(raw[:10])
    except ValueError:
        raise bad_request(f"date: expected YYYY-MM-DD, got {raw!r}", field="date") from None
    if day < EARLIEST_ACCRUAL_DAY:
        raise bad_request("date must be 2022-01-01 or later", field="date")
    last_id = str(ctx.body["last_id"])
    offset = _decode_cursor(last_id, day) if last_id else 0
    since = datetime(day.year, day.month, day.day, tzinfo=UTC)
    to = since + timedelta(days=1) - timedelta(microseconds=1)
    ops = ledger.operations(ctx.world, ctx.shop, since, to, ctx.now)
    page = ops[offset : offset + BY_DAY_PAGE]
    end = offset + len(page)
    return {
        "accruals": [render_accrual(op) for op in page],
        "last_id": _encode_cursor(day, end) if end < len(ops) else "",
    }
