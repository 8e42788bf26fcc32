"""rFBS return requests in the money ledger: refunds, partial compensations, rejections.

A 90-day history (seed 7) holds enough decided requests to check a month of them across every
finance method; the live tests decide requests through ``/v1/returns/rfbs/action/set`` and
read the money back at once.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from ozonops.simulator.app import create_app
from ozonops.simulator.world import Posting, Shop, World, accruals, aftersales, ledger, ledger_rfbs
from ozonops.simulator.world.aftersales_derive import RfbsRequest
from ozonops.simulator.world.money import line_money

from .conftest import AsgiClient, OzonCaller, make_world
from .test_finance import (
    BY_DAY,
    CASH_FLOW,
    LIST,
    POSTINGS,
    REALIZATION_POSTING,
    TOTALS,
    d,
    op_time,
    walk_posting,
)

OCT = {"from": "2026-10-01T00:00:00.000Z", "to": "2026-10-31T23:59:59.999Z"}
ACTION = "/v1/returns/rfbs/action/set"
GET = "/v2/returns/rfbs/get"


@pytest.fixture(scope="module")
def long_world() -> World:
    return make_world(history_days=90, rate_limit_per_second=1_000_000)


@pytest.fixture
def world() -> World:
    return make_world(history_days=90, rate_limit_per_second=1_000_000)


def _caller(world: World) -> Iterator[OzonCaller]:
    client = AsgiClient(create_app(world.config, world=world))
    try:
        yield OzonCaller(client, world)
    finally:
        client.close()


@pytest.fixture(scope="module")
def long_ozon(long_world: World) -> Iterator[OzonCaller]:
    yield from _caller(long_world)


@pytest.fixture
def ozon(world: World) -> Iterator[OzonCaller]:
    yield from _caller(world)


def walk_shop(ozon: OzonCaller, shop: Shop, flt: dict[str, Any]) -> list[dict[str, Any]]:
    ops: list[dict[str, Any]] = []
    page = 1
    while True:
        body = {"filter": flt, "page": page, "page_size": 1000}
        res = ozon.ok(LIST, body, shop=shop)["result"]
        ops += res["operations"]
        if page >= res["page_count"]:
            assert len(ops) == res["row_count"]
            return ops
        page += 1


def requests(world: World) -> Iterator[tuple[Posting, RfbsRequest]]:
    for i in range(len(world.index)):
        p = world.posting(i)
        req = ledger_rfbs.request(world, p)
        if req is not None:
            yield p, req


def rfbs_money_ops(world: World, p: Posting) -> list[accruals.Operation]:
    kinds = (accruals.CLIENT_RETURN, accruals.RFBS_TRANSFER_OP)
    return [op for op in ledger.posting_operations(world, p) if op.operation_type in kinds]


def test_requests_book_what_their_outcome_says(long_world: World) -> None:
    """Refund: sale and commission reversed at MONEY_RETURNED; partial: the agreed amount at
    PARTIAL_COMPENSATION_RETURNED; rejected or undecided: nothing."""
    world, now = long_world, long_world.now()
    seen = {"refund": 0, "partial": 0, "none": 0}
    for p, req in requests(world):
        steps = aftersales.rfbs_steps(world, req)
        states = {s.state: s for s in steps}
        ops = rfbs_money_ops(world, p)
        m = line_money(req.line, p.scheme)
        if "MONEY_RETURNED" in states:
            at = states["MONEY_RETURNED"].at
            assert [op.operation_type for op in ops] == [accruals.CLIENT_RETURN]
            (op,) = ops
            assert op.at == at
            assert op.lines == (req.line,)
            assert op.total(accruals.RETURN_SALE) == -req.line.price
            assert op.total(accruals.RETURN_COMMISSION) == (
                m.commission_amount / m.quantity
            ).quantize(Decimal("0.01"))
            seen["refund"] += at <= now
        elif "PARTIAL_COMPENSATION_RETURNED" in states:
            offer = states["PARTIAL_COMPENSATION_OFFERED"].decision
            assert offer is not None
            assert offer.compensation_amount is not None
            assert [op.operation_type for op in ops] == [accruals.RFBS_TRANSFER_OP]
            assert ops[0].at == states["PARTIAL_COMPENSATION_RETURNED"].at
            assert ops[0].amount == -offer.compensation_amount
            assert ops[0].transaction_type == "transferDelivery"
            seen["partial"] += ops[0].at <= now
        else:
            assert ops == [], steps[-1].state
            seen["none"] += req.created_at <= now
        # The request's sale itself is untouched.
        sale = [
            op
            for op in ledger.posting_operations(world, p)
            if op.operation_type == "OperationAgentDeliveredToCustomer"
        ]
        assert len(sale) == 1
    assert seen["refund"] > 10, seen
    assert seen["partial"] > 1, seen
    assert seen["none"] > 5, seen


def _shop_with_rfbs_money(world: World, since: datetime, to: datetime) -> tuple[Shop, int, int]:
    best: tuple[int, int, int] = (0, 0, 0)
    for shop in world.shops:
        ops = ledger.operations(world, shop, since, to, world.now())
        refunds = sum(
            op.operation_type == accruals.CLIENT_RETURN and op.posting.scheme.is_rfbs for op in ops
        )
        transfers = sum(op.operation_type == accruals.RFBS_TRANSFER_OP for op in ops)
        if (refunds and transfers) and refunds + transfers > best[1] + best[2]:
            best = (shop.index, refunds, transfers)
    assert best[1], "expected a month with rFBS refunds"
    assert best[2], "expected a month with rFBS partial compensations"
    return world.shops[best[0]], best[1], best[2]


def test_month_with_rfbs_refunds_agrees_everywhere(
    long_ozon: OzonCaller, long_world: World
) -> None:
    world = long_world
    lo, hi = ledger.month_bounds(2026, 10)
    shop, refunds, transfers = _shop_with_rfbs_money(world, lo, hi)

    def ok(path: str, body: Any) -> Any:
        return long_ozon.ok(path, body, shop=shop)

    ops = walk_shop(long_ozon, shop, {"date": OCT})
    total = sum((d(op["amount"]) for op in ops), Decimal(0))
    rfbs_back = [
        op
        for op in ops
        if op["operation_type"] == accruals.CLIENT_RETURN
        and op["posting"]["delivery_schema"] == "RFBS"
    ]
    moved = [op for op in ops if op["operation_type"] == accruals.RFBS_TRANSFER_OP]
    assert len(rfbs_back) == refunds
    assert len(moved) == transfers
    for op in rfbs_back:
        assert op["type"] == "returns"
        assert d(op["accruals_for_sale"]) < 0 < d(op["sale_commission"])
        assert d(op["amount"]) == d(op["accruals_for_sale"]) + d(op["sale_commission"])
    for op in moved:
        assert op["type"] == "transferDelivery"
        assert d(op["amount"]) < 0

    totals = ok(TOTALS, {"date": OCT, "transaction_type": "all"})["result"]
    assert sum((d(v) for v in totals.values()), Decimal(0)) == total
    assert d(totals["money_transfer"]) == sum((d(op["amount"]) for op in moved), Decimal(0))
    assert d(totals["accruals_for_sale"]) == sum((d(o["accruals_for_sale"]) for o in ops), 0)
    transfer_only = ok(TOTALS, {"date": OCT, "transaction_type": "transferDelivery"})["result"]
    assert d(transfer_only["money_transfer"]) == d(totals["money_transfer"])

    numbers = sorted({op["posting"]["posting_number"] for op in ops})
    accrued = Decimal(0)
    for k in range(0, len(numbers), 200):
        for pa in ok(POSTINGS, {"posting_numbers": numbers[k : k + 200]})["posting_accruals"]:
            for a in pa["accruals"]:
                if "2026-10-01" <= a["accrual_date"] <= "2026-10-31":
                    accrued += d(a["accrued"]["amount"])
    assert accrued == total

    by_day, seen = Decimal(0), []
    for day in range(1, 32):
        last_id = ""
        while True:
            res = ok(BY_DAY, {"date": f"2026-10-{day:02d}", "last_id": last_id})
            by_day += sum((d(a["total_amount"]["amount"]) for a in res["accruals"]), Decimal(0))
            seen += [a["accrual_id"] for a in res["accruals"]]
            last_id = res["last_id"]
            if not last_id:
                break
    assert by_day == total
    assert sorted(seen) == sorted(op["operation_id"] for op in ops)

    flows = ok(CASH_FLOW, {"date": OCT, "page": 1, "page_size": 10, "with_details": True})
    periods = flows["result"]["cash_flows"]
    fields = (
        "orders_amount",
        "returns_amount",
        "commission_amount",
        "services_amount",
        "item_delivery_and_return_amount",
    )
    assert sum((d(p[f]) for p in periods for f in fields), Decimal(0)) == total
    details = flows["result"]["details"]
    assert d(details["invoice_transfer"]) == total
    partial = sum(
        (d(op["amount"]) for op in moved if op["operation_id"] in _partial_ids(world, shop)),
        Decimal(0),
    )
    assert d(details["rfbs"]["partial_compensation"]) == partial
    assert d(details["rfbs"]["total"]) == d(totals["money_transfer"])

    # Realization per posting: each rFBS refund is a returned unit in return_commission.
    rows = ok(REALIZATION_POSTING, {"month": 10, "year": 2026})["rows"]
    by_number: dict[str, list[dict[str, Any]]] = {}
    for r in rows:
        by_number.setdefault(r["order"]["posting_number"], []).append(r)
    for op in rfbs_back:
        (row,) = [
            r
            for r in by_number[op["posting"]["posting_number"]]
            if r["item"]["sku"] == op["items"][0]["sku"]
        ]
        ret = row["return_commission"]
        assert ret["quantity"] >= 1
        assert d(ret["amount"]) >= -d(op["accruals_for_sale"])
    sold = [o for o in ops if o["operation_type"] in accruals.REALIZATION_OPS]
    net = sum((d(o["accruals_for_sale"]) + d(o["sale_commission"]) for o in sold), Decimal(0))
    pnet = sum(
        (d(r["delivery_commission"]["total"]) - d(r["return_commission"]["total"]) for r in rows),
        Decimal(0),
    )
    assert pnet == net
    returned = sum((d(r["return_commission"]["amount"]) for r in rows), Decimal(0))
    assert returned == -sum(
        (d(o["accruals_for_sale"]) for o in sold if o["operation_type"] == accruals.CLIENT_RETURN),
        Decimal(0),
    )


def _partial_ids(world: World, shop: Shop) -> set[int]:
    lo, hi = ledger.month_bounds(2026, 10)
    return {
        op.operation_id
        for op in ledger.operations(world, shop, lo, hi, world.now())
        if op.total(accruals.PARTIAL_COMPENSATION)
    }


# --- live decisions ------------------------------------------------------------------------------
def _waiting(world: World, n: int) -> list[tuple[Shop, Posting, RfbsRequest]]:
    """Requests waiting for the seller's first decision now, advancing the clock to find n."""
    found: list[tuple[Shop, Posting, RfbsRequest]] = []
    for _ in range(30):
        now = world.now()
        found = []
        for p, req in requests(world):
            if (
                req.created_at <= now
                and aftersales.rfbs_step(world, req, now).state == "ON_APPROVAL"
            ):
                found.append((world.shops[p.shop_index], p, req))
        if len(found) >= n:
            return found
        world.clock.advance(6 * 3600)
    raise AssertionError(f"fewer than {n} requests waiting for a decision")


def _day_window(now: datetime) -> dict[str, str]:
    def z(at: datetime) -> str:
        return at.isoformat().replace("+00:00", "Z")

    return {"from": z(now - timedelta(days=1)), "to": z(now)}


def _ops_of(
    ozon: OzonCaller, shop: Shop, window: dict[str, str], number: str
) -> list[dict[str, Any]]:
    body = {"filter": {"date": window}, "page": 1, "page_size": 1000}
    res = ozon.ok(LIST, body, shop=shop)["result"]
    assert res["page_count"] == 1
    return [op for op in res["operations"] if op["posting"]["posting_number"] == number]


def test_refund_decision_shows_at_once(ozon: OzonCaller, world: World) -> None:
    shop, p, req = _waiting(world, 1)[0]
    now = world.now()
    window = _day_window(now)
    before = _ops_of(ozon, shop, window, p.posting_number)  # fills the query cache
    totals_before = ozon.ok(TOTALS, {"date": window, "transaction_type": "all"}, shop=shop)
    assert not [op for op in before if op["operation_type"] == accruals.CLIENT_RETURN]
    ozon.ok(ACTION, {"return_id": req.return_id, "id": 50, "return_for_back_way": 120}, shop=shop)
    assert (
        ozon.ok(GET, {"return_id": req.return_id}, shop=shop)["returns"]["state"]["state"]
        == "MONEY_RETURNED"
    )

    after = _ops_of(ozon, shop, window, p.posting_number)
    new = [op for op in after if op not in before]
    assert sorted(op["operation_type"] for op in new) == sorted(
        [accruals.CLIENT_RETURN, accruals.RFBS_TRANSFER_OP]
    )
    assert all(op_time(op) == now.replace(microsecond=0) for op in new)
    back = next(op for op in new if op["operation_type"] == accruals.CLIENT_RETURN)
    assert d(back["accruals_for_sale"]) == -req.line.price
    postage = next(op for op in new if op["operation_type"] == accruals.RFBS_TRANSFER_OP)
    assert d(postage["amount"]) == -120
    totals_after = ozon.ok(TOTALS, {"date": window, "transaction_type": "all"}, shop=shop)
    change = sum((d(v) for v in totals_after["result"].values()), Decimal(0)) - sum(
        (d(v) for v in totals_before["result"].values()), Decimal(0)
    )
    assert change == sum((d(op["amount"]) for op in new), Decimal(0)) < 0
    by_number = walk_posting(ozon, p.posting_number, shop)
    assert [op["operation_id"] for op in by_number if op in new] == [
        op["operation_id"] for op in new
    ]
    answer = ozon.ok(POSTINGS, {"posting_numbers": [p.posting_number]}, shop=shop)
    type_ids = {a["type_id"] for a in answer["posting_accruals"][0]["accruals"]}
    assert {accruals.RETURN_SALE.id, accruals.BACK_WAY_REFUND.id} <= type_ids


def test_partial_compensation_and_rejection(ozon: OzonCaller, world: World) -> None:
    waiting = _waiting(world, 2)
    (shop, p, req), (shop2, p2, req2) = waiting[0], waiting[1]
    amount = (req.line.price / 3).quantize(Decimal(1))
    ozon.ok(
        ACTION,
        {"return_id": req.return_id, "id": 1020, "compensation_amount": float(amount)},
        shop=shop,
    )
    ozon.ok(
        ACTION,
        {
            "return_id": req2.return_id,
            "id": -1,
            "comment": "Товар без дефектов.",
            "rejection_reason_id": _reason(),
        },
        shop=shop2,
    )
    assert rfbs_money_ops(world, p2) == []  # a rejection books nothing (unless arbitration)
    assert not [
        op
        for op in walk_posting(ozon, p.posting_number, shop)
        if op["operation_type"] == accruals.RFBS_TRANSFER_OP
    ]
    world.clock.advance(req.partial_answer.total_seconds() + 1)
    got = [
        op
        for op in walk_posting(ozon, p.posting_number, shop)
        if op["operation_type"] == accruals.RFBS_TRANSFER_OP
    ]
    if req.accepts_partial:
        assert len(got) == 1
        assert d(got[0]["amount"]) == -amount
        assert got[0]["type"] == "transferDelivery"
    else:
        assert got == []
        state = ozon.ok(GET, {"return_id": req.return_id}, shop=shop)["returns"]["state"]["state"]
        assert state == "ON_SELLER_CLARIFICATION"
    # The rejected request: money only if the buyer disputes and Ozon sides with the buyer,
    # and then only once the goods came back and the seller refunded.
    world.clock.advance(20 * 86400)
    ops2 = [
        op
        for op in ledger.visible(world, p2, world.now())
        if op.operation_type == accruals.CLIENT_RETURN
    ]
    steps = {s.state for s in aftersales.rfbs_steps(world, req2)}
    assert bool(ops2) == ("MONEY_RETURNED" in steps)
    if not (req2.disputes and req2.arbitration_for_buyer):
        assert rfbs_money_ops(world, p2) == []


def _reason() -> int:
    from ozonops.simulator.reference.ozon_codes import RETURN_REJECTION_REASONS

    return RETURN_REJECTION_REASONS[0].id


def test_approved_return_is_refunded_after_the_check(ozon: OzonCaller, world: World) -> None:
    shop, p, req = _waiting(world, 1)[0]
    ozon.ok(ACTION, {"return_id": req.return_id, "id": 10}, shop=shop)
    world.clock.advance((req.ship_delay + req.transit).total_seconds() + 60)
    state = ozon.ok(GET, {"return_id": req.return_id}, shop=shop)["returns"]["state"]["state"]
    assert state == "ARRIVED"
    assert rfbs_money_ops(world, p) == []
    ozon.ok(ACTION, {"return_id": req.return_id, "id": 30}, shop=shop)
    assert rfbs_money_ops(world, p) == []  # received, not refunded yet
    world.clock.advance(3600)
    ozon.ok(ACTION, {"return_id": req.return_id, "id": 40}, shop=shop)
    got = [
        op
        for op in walk_posting(ozon, p.posting_number, shop)
        if op["operation_type"] == accruals.CLIENT_RETURN
    ]
    assert len(got) == 1
    assert op_time(got[0]) == world.now().replace(microsecond=0)
