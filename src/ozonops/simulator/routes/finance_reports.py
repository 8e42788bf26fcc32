"""Finance reports: the monthly realization reports and the half-monthly cash-flow statement.

Both regroup ``world.ledger``'s operations (see its docstring for where they differ from the
transactions on purpose). Choices the spec leaves open [inferred]:

- A month's realization report exists from the 5th of the next month, 00:00 UTC; before that,
  and for months before August 2023, the answer is 400 with a message saying why.
- ``/v2/finance/realization`` has one row per SKU and seller price, sorted by offer id then
  price; ``/v1/finance/realization/posting`` one row per posting line, by posting number.
  ``standard_fee`` is Ozon's commission, ``total`` what the seller is credited
  (``amount − standard_fee``); partner co-investments and bonuses are 0 (not modelled).
- Cash-flow periods are half-months (1st–15th, 16th–end, UTC) overlapping ``date`` that have
  begun by now, oldest first. Amounts are signed from the seller's side (charges negative):
  ``orders_amount`` sales, ``returns_amount`` reversed sales, ``commission_amount`` commission
  net of refunds, ``item_delivery_and_return_amount`` logistics, return and cancellation
  services and rFBS return postage refunded to buyers, ``services_amount`` the rest (acquiring,
  compensations); rFBS partial compensations to buyers count as ``returns_amount``. The five
  add up to the period's transactions. ``details`` (``with_details``) sums the periods of the
  page (``details.rfbs`` shows the rFBS transfers); the spec types ``details``, ``payments``
  and ``*_services.items`` as single objects, so those items name the largest service only.
  Payouts are not modelled: ``payments.payment`` and ``begin_balance_amount`` are 0 and
  ``end_balance_amount`` = ``invoice_transfer`` = the page's total.
"""

from __future__ import annotations

from calendar import monthrange
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from ozonops.simulator.errors import bad_request
from ozonops.simulator.routes.finance_transactions import date_pair, num
from ozonops.simulator.routing import JSON, Ctx, iso, route
from ozonops.simulator.world import Shop, World, accruals, ledger
from ozonops.simulator.world.accruals import Operation
from ozonops.simulator.world.money import CENT, CURRENCY

ZERO = accruals.ZERO
FIRST_REPORT = (2023, 8)
REPORT_READY_DAY = 5
MAX_CASH_FLOW_PAGE_SIZE = 1000
OZON = {
    "payer_name": 'ООО "ИНТЕРНЕТ РЕШЕНИЯ"',
    "payer_inn": "7704217370",
    "payer_kpp": "997750001",
}


# --- realization ---------------------------------------------------------------------------
@dataclass(slots=True)
class _Side:
    quantity: int = 0
    amount: Decimal = ZERO
    fee: Decimal = ZERO  # commission as the ledger booked it, per line


@dataclass(slots=True)
class _Row:
    sku: int
    offer_id: str
    name: str
    price: Decimal
    percent: int
    posting_number: str = ""
    created: str = ""
    sold: _Side = field(default_factory=_Side)
    returned: _Side = field(default_factory=_Side)


def realization_period(ctx: Ctx) -> tuple[int, int]:
    """The requested month, refused when it is out of range or its report is not ready."""
    month, year = int(ctx.body["month"]), int(ctx.body["year"])
    if not 1 <= month <= 12:
        raise bad_request("month must be from 1 to 12", field="month")
    if (year, month) < FIRST_REPORT:
        raise bad_request(
            "reports before August 2023 are available in the seller account only", field="year"
        )
    ready_year, ready_month = (year + 1, 1) if month == 12 else (year, month + 1)
    ready = datetime(ready_year, ready_month, REPORT_READY_DAY, tzinfo=UTC)
    if ctx.now < ready:
        raise bad_request(
            f"realization report for {month:02d}.{year} is not ready yet: it is formed "
            f"by the {REPORT_READY_DAY}th of the next month",
            field="month",
        )
    return year, month


def realization_rows(
    world: World, shop: Shop, year: int, month: int, now: datetime, *, per_posting: bool
) -> list[_Row]:
    """Sale and return lines of the month grouped per SKU and price (or per posting line)."""
    since, to = ledger.month_bounds(year, month)
    rows: dict[tuple[str, int, Decimal], _Row] = {}
    for op in ledger.operations(world, shop, since, to, now):
        if op.operation_type not in accruals.REALIZATION_OPS:
            continue
        p = op.posting
        names = {line.sku.sku: line.sku for line in op.lines}
        for c in op.charges:
            if c.sku is None or c.price is None or c.quantity is None:
                continue
            key = (p.posting_number if per_posting else "", c.sku, c.price)
            row = rows.get(key)
            if row is None:
                sku = names[c.sku]
                row = rows[key] = _Row(
                    sku.sku,
                    sku.offer_id,
                    sku.name,
                    c.price,
                    c.commission_percent or 0,
                    p.posting_number if per_posting else "",
                    p.created_at.date().isoformat(),
                )
            side = row.sold if op.operation_type == accruals.DELIVERED else row.returned
            if c.type in (accruals.SALE, accruals.RETURN_SALE):
                side.quantity += c.quantity
                side.amount += abs(c.amount)
            else:
                side.fee += abs(c.amount)
    if per_posting:
        return sorted(rows.values(), key=lambda r: (r.posting_number, r.offer_id, r.price))
    return sorted(rows.values(), key=lambda r: (r.offer_id, r.price))


def _commission(row: _Row, side: _Side, *, per_posting: bool) -> dict[str, Any]:
    if per_posting:
        fee = side.fee
    else:  # re-rounded over the whole row: see ledger's docstring, difference 1
        fee = (side.amount * row.percent / 100).quantize(CENT, rounding=ROUND_HALF_UP)
    return {
        "amount": num(side.amount),
        "bonus": 0.0,
        "commission": num(fee),
        "compensation": 0.0,
        "price_per_instance": num(row.price),
        "quantity": side.quantity,
        "standard_fee": num(fee),
        "bank_coinvestment": 0.0,
        "stars": 0.0,
        "pick_up_point_coinvestment": 0.0,
        "total": num(side.amount - fee),
    }


def _header(shop: Shop, year: int, month: int) -> dict[str, str]:
    last = monthrange(year, month)[1]
    ready_year, ready_month = (year + 1, 1) if month == 12 else (year, month + 1)
    return {
        "contract_date": shop.key_created_at.date().replace(day=1).isoformat(),
        "contract_number": f"ИР-{shop.seller_id}",
        "currency_sys_name": CURRENCY,
        "doc_date": f"{ready_year:04d}-{ready_month:02d}-{REPORT_READY_DAY:02d}",
        "number": f"{year % 100:02d}{month:02d}{shop.seller_id:08d}",
        **OZON,
        "receiver_inn": f"{(shop.seller_id * 7919) % 10**12:012d}",
        "receiver_kpp": "",
        "receiver_name": shop.company_name,
        "start_date": f"{year:04d}-{month:02d}-01",
        "stop_date": f"{year:04d}-{month:02d}-{last:02d}",
    }


def _render_rows(rows: list[_Row], *, per_posting: bool) -> list[dict[str, Any]]:
    out = []
    for n, row in enumerate(rows, start=1):
        item: dict[str, Any] = {
            "item": {"barcode": "", "name": row.name, "offer_id": row.offer_id, "sku": row.sku},
            "commission_ratio": row.percent / 100,
            "seller_price_per_instance": num(row.price),
            "delivery_commission": _commission(row, row.sold, per_posting=per_posting),
            "return_commission": _commission(row, row.returned, per_posting=per_posting),
        }
        if per_posting:
            item["row_number"] = n
            item["order"] = {"posting_number": row.posting_number, "created_date": row.created}
        else:
            item["rowNumber"] = n
        out.append(item)
    return out


@route("/v2/finance/realization")
def realization(ctx: Ctx) -> JSON:
    year, month = realization_period(ctx)
    rows = realization_rows(ctx.world, ctx.shop, year, month, ctx.now, per_posting=False)
    return {
        "result": {
            "header": _header(ctx.shop, year, month),
            "rows": _render_rows(rows, per_posting=False),
        }
    }


@route("/v1/finance/realization/posting")
def realization_posting(ctx: Ctx) -> JSON:
    year, month = realization_period(ctx)
    rows = realization_rows(ctx.world, ctx.shop, year, month, ctx.now, per_posting=True)
    return {"header": _header(ctx.shop, year, month), "rows": _render_rows(rows, per_posting=True)}


# --- cash-flow statement -------------------------------------------------------------------
FLOW_FIELDS = (
    "orders_amount",
    "returns_amount",
    "commission_amount",
    "services_amount",
    "item_delivery_and_return_amount",
)


def half_months(since: datetime, to: datetime) -> list[tuple[datetime, datetime]]:
    """Half-month periods overlapping ``[since, to]``, oldest first."""
    out = []
    begin, end = ledger.half_month(since)
    while begin <= to:
        out.append((begin, end))
        begin, end = ledger.half_month(end + timedelta(microseconds=1))
    return out


def period_id(begin: datetime) -> int:
    return int(f"{begin.year:04d}{begin.month:02d}{begin.day:02d}")


def _period(begin: datetime, end: datetime) -> dict[str, Any]:
    return {"begin": iso(begin), "end": iso(end), "id": period_id(begin)}


TypeSums = dict[accruals.AccrualType, Decimal]


def by_type(ops: list[Operation]) -> TypeSums:
    """Amounts per accrual type: each accrual type belongs to one column of every view."""
    out: TypeSums = defaultdict(lambda: ZERO)
    for op in ops:
        for c in op.charges:
            out[c.type] += c.amount
    return out


def flows(sums: TypeSums) -> dict[str, Decimal]:
    out = dict.fromkeys(FLOW_FIELDS, ZERO)
    for t, amount in sums.items():
        out[t.flow] += amount
    return out


def _largest(sums: TypeSums, types: tuple[accruals.AccrualType, ...]) -> dict[str, Any]:
    """The biggest charge among ``types`` by service name (the spec allows one item)."""
    named: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for t in types:
        if sums.get(t):
            named[t.service] += sums[t]
    if not named:
        return {"name": "", "price": 0.0}
    name = min(named, key=lambda k: (named[k], k))
    return {"name": name, "price": num(named[name])}


def _details(sums: TypeSums, begin: datetime, end: datetime) -> dict[str, Any]:
    def total(*types: accruals.AccrualType) -> Decimal:
        return sum((sums.get(t, ZERO) for t in types), ZERO)

    delivered = total(accruals.SALE, accruals.COMMISSION)
    delivery_services = (accruals.LOGISTICS, accruals.LAST_MILE)
    delivery_fees = total(*delivery_services)
    returned = total(accruals.RETURN_SALE, accruals.RETURN_COMMISSION)
    return_services = (
        accruals.RETURN_LOGISTICS,
        accruals.RETURN_PROCESSING,
        accruals.CANCEL_PROCESSING,
    )
    return_fees = total(*return_services)
    acquiring = total(accruals.ACQUIRING)
    compensation = total(accruals.COMPENSATION)
    others = acquiring + compensation
    partial = total(accruals.PARTIAL_COMPENSATION)
    back_way = total(accruals.BACK_WAY_REFUND)
    grand = delivered + delivery_fees + returned + return_fees + others + partial + back_way
    other_items = []
    if acquiring:
        other_items.append(
            {"name": "MarketplaceRedistributionOfAcquiringOperation", "price": num(acquiring)}
        )
    if compensation:
        other_items.append(
            {
                "name": "MarketplaceSellerCompensationLossOfGoodsOperation",
                "price": num(compensation),
            }
        )
    delivery_item = _largest(sums, delivery_services)
    if delivery_item["name"] == accruals.LOGISTICS.service:
        delivery_item["name"] = "MarketplaceServiceItemDirectFlowLogisticSum"
    return {
        "period": _period(begin, end),
        "payments": {"currency_code": CURRENCY, "payment": 0.0},
        "begin_balance_amount": 0.0,
        "delivery": {
            "total": num(delivered + delivery_fees),
            "amount": num(delivered),
            "delivery_services": {"total": num(delivery_fees), "items": delivery_item},
        },
        "return": {
            "total": num(returned + return_fees),
            "amount": num(returned),
            "return_services": {
                "total": num(return_fees),
                "items": _largest(sums, return_services),
            },
        },
        "loan": 0.0,
        "invoice_transfer": num(grand),
        "rfbs": {
            "total": num(partial + back_way),
            "transfer_delivery": 0.0,
            "transfer_delivery_return": num(back_way),
            "compensation_delivery_return": 0.0,
            "partial_compensation": num(partial),
            "partial_compensation_return": 0.0,
        },
        "services": {"total": 0.0, "items": []},
        "others": {"total": num(others), "items": other_items},
        "end_balance_amount": num(grand),
    }


@route("/v1/finance/cash-flow-statement/list")
def cash_flow_statement(ctx: Ctx) -> JSON:
    body = ctx.body
    page, page_size = int(body["page"]), int(body["page_size"])
    if page < 1:
        raise bad_request("page must be 1 or more", field="page")
    if not 1 <= page_size <= MAX_CASH_FLOW_PAGE_SIZE:
        raise bad_request(
            f"page_size must be from 1 to {MAX_CASH_FLOW_PAGE_SIZE}", field="page_size"
        )
    since, to = date_pair(body.get("date"), "date", limit="year")
    periods = [(b, e) for b, e in half_months(since, to) if b <= ctx.now]
    page_count = -(-len(periods) // page_size)
    chosen = periods[(page - 1) * page_size : page * page_size]
    result: dict[str, Any] = {"cash_flows": [], "page_count": page_count}
    if not chosen:
        return {"result": result}
    ops = ledger.operations(ctx.world, ctx.shop, chosen[0][0], chosen[-1][1], ctx.now)
    by_period: dict[int, list[Operation]] = defaultdict(list)
    for op in ops:
        by_period[period_id(ledger.half_month(op.at)[0])].append(op)
    everything: TypeSums = defaultdict(lambda: ZERO)
    for begin, end in chosen:
        sums = by_type(by_period[period_id(begin)])
        for t, amount in sums.items():
            everything[t] += amount
        result["cash_flows"].append(
            {
                "period": _period(begin, end),
                **{k: num(v) for k, v in flows(sums).items()},
                "currency_code": CURRENCY,
            }
        )
    if body.get("with_details"):
        result["details"] = _details(everything, chosen[0][0], chosen[-1][1])
    return {"result": result}
