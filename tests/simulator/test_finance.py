"""Finance methods: one ledger seen through eight methods must tell one story.

The world (seed 7, 60 orders/day, 40 days of history, now 2026-11-30 09:00 UTC) is read through
the transaction list, totals, accruals, realization reports and the cash-flow statement; the
tests check each against the others and against the postings' own timelines.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from ozonops.simulator.app import create_app
from ozonops.simulator.routes import finance_transactions
from ozonops.simulator.world import World, accruals, ledger
from ozonops.simulator.world.aftersales_derive import derive_returns
from ozonops.simulator.world.money import line_money

from .conftest import AsgiClient, OzonCaller, make_world

LIST = "/v3/finance/transaction/list"
TOTALS = "/v3/finance/transaction/totals"
POSTINGS = "/v1/finance/accrual/postings"
BY_DAY = "/v1/finance/accrual/by-day"
TYPES = "/v1/finance/accrual/types"
REALIZATION = "/v2/finance/realization"
REALIZATION_POSTING = "/v1/finance/realization/posting"
CASH_FLOW = "/v1/finance/cash-flow-statement/list"

NOV = {"from": "2026-11-01T00:00:00.000Z", "to": "2026-11-30T23:59:59.999Z"}
OCT = {"from": "2026-10-01T00:00:00.000Z", "to": "2026-10-31T23:59:59.999Z"}


@pytest.fixture
def world() -> World:
    # The walks below send a few hundred calls in a second; the rate limit is not under test.
    return make_world(rate_limit_per_second=1_000_000)


@pytest.fixture
def ozon(world: World) -> Iterator[OzonCaller]:
    client = AsgiClient(create_app(world.config, world=world))
    try:
        yield OzonCaller(client, world)
    finally:
        client.close()


def d(x: float | str) -> Decimal:
    return Decimal(str(x)).quantize(Decimal("0.01"))


def walk(ozon: OzonCaller, flt: dict[str, Any], page_size: int) -> list[dict[str, Any]]:
    """All operations through every page; checks page_count and row_count on the way."""
    first = ozon.ok(LIST, {"filter": flt, "page": 1, "page_size": page_size})["result"]
    ops = list(first["operations"])
    assert first["page_count"] == -(-first["row_count"] // page_size)
    for page in range(2, first["page_count"] + 1):
        res = ozon.ok(LIST, {"filter": flt, "page": page, "page_size": page_size})["result"]
        assert res["row_count"] == first["row_count"]
        ops += res["operations"]
    beyond = {"filter": flt, "page": first["page_count"] + 1, "page_size": page_size}
    assert ozon.ok(LIST, beyond)["result"]["operations"] == []
    assert len(ops) == first["row_count"]
    return ops


def in_window(at: datetime, window: dict[str, str]) -> bool:
    lo = datetime.fromisoformat(window["from"].replace("Z", "+00:00"))
    hi = datetime.fromisoformat(window["to"].replace("Z", "+00:00"))
    return lo <= at <= hi


def op_time(op: dict[str, Any]) -> datetime:
    return datetime.strptime(op["operation_date"], "%Y-%m-%d %H:%M:%S").replace(tzinfo=UTC)


def test_month_is_the_same_money_in_every_method(
    ozon: OzonCaller, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(finance_transactions, "BY_DAY_PAGE", 7)  # several pages a day
    shop = world.shops[0]
    ops = walk(ozon, {"date": NOV}, page_size=97)
    ids = [op["operation_id"] for op in ops]
    assert len(set(ids)) == len(ids), "an operation showed on two pages"
    assert ops == sorted(ops, key=lambda op: (op["operation_date"], op["operation_id"]))
    assert ops == walk(ozon, {"date": NOV}, page_size=1000), "paging changed the result"
    assert all(in_window(op_time(op), NOV) and op_time(op) <= world.now() for op in ops)
    for op in ops:  # amount is the sum of its parts
        parts = d(op["accruals_for_sale"]) + d(op["sale_commission"])
        parts += sum((d(s["price"]) for s in op["services"]), Decimal(0))
        if op["type"] in ("orders", "returns"):
            assert d(op["amount"]) == parts, op
    total = sum((d(op["amount"]) for op in ops), Decimal(0))

    # Against the postings' own timelines: one sale per delivery in the window, priced from
    # the lines.
    sales = {op["posting"]["posting_number"]: op for op in ops if op["type"] == "orders"}
    delivered = 0
    for fbo in (False, True):
        since = datetime(2026, 6, 1, tzinfo=UTC)
        for p in world.postings(shop, fbo=fbo, since=since, to=world.now()):
            ev = p.first("delivered", world.now())
            if ev is None or not in_window(ev.at, NOV):
                continue
            delivered += 1
            sale = sales[p.posting_number]
            gross = sum((line.price * line.quantity for line in p.lines), Decimal(0))
            assert d(sale["accruals_for_sale"]) == gross
            commission = sum(
                (line_money(line, p.scheme).commission_amount for line in p.lines), Decimal(0)
            )
            assert d(sale["sale_commission"]) == -commission
    assert delivered == len(sales) > 100

    # Totals: the same movements, bucketed.
    totals = ozon.ok(TOTALS, {"date": NOV, "transaction_type": "all"})["result"]
    assert sum((d(v) for v in totals.values()), Decimal(0)) == total
    assert d(totals["accruals_for_sale"]) == sum((d(o["accruals_for_sale"]) for o in ops), 0)
    assert d(totals["sale_commission"]) == sum((d(o["sale_commission"]) for o in ops), 0)

    # Accruals per posting: every operation's parts, dated the same day.
    numbers = sorted({op["posting"]["posting_number"] for op in ops})
    accrued = Decimal(0)
    for k in range(0, len(numbers), 200):
        res = ozon.ok(POSTINGS, {"posting_numbers": numbers[k : k + 200]})
        for pa in res["posting_accruals"]:
            for a in pa["accruals"]:
                if "2026-11-01" <= a["accrual_date"] <= "2026-11-30":
                    accrued += d(a["accrued"]["amount"])
    assert accrued == total

    # Accruals by day: walk every day's cursor.
    seen: list[int] = []
    by_day = Decimal(0)
    for day in range(1, 31):
        date = f"2026-11-{day:02d}"
        last_id = ""
        while True:
            res = ozon.ok(BY_DAY, {"date": date, "last_id": last_id})
            for a in res["accruals"]:
                assert a["date"] == date
                assert a["unit_number"]
                seen.append(a["accrual_id"])
                by_day += d(a["total_amount"]["amount"])
            last_id = res["last_id"]
            if not last_id:
                break
    assert sorted(seen) == sorted(ids)
    assert by_day == total

    # Cash flow: the same money by half-month.
    flows = ozon.ok(CASH_FLOW, {"date": NOV, "page": 1, "page_size": 10, "with_details": True})
    periods = flows["result"]["cash_flows"]
    assert [p["period"]["begin"][:10] for p in periods] == ["2026-11-01", "2026-11-16"]
    fields = (
        "orders_amount",
        "returns_amount",
        "commission_amount",
        "services_amount",
        "item_delivery_and_return_amount",
    )
    assert sum((d(p[f]) for p in periods for f in fields), Decimal(0)) == total
    assert sum((d(p["orders_amount"]) for p in periods), Decimal(0)) == sum(
        (d(op["accruals_for_sale"]) for op in ops if op["type"] == "orders"), Decimal(0)
    )
    assert d(flows["result"]["details"]["invoice_transfer"]) == total
    first_half = [op for op in ops if op["operation_date"] < "2026-11-16"]
    assert sum((d(periods[0][f]) for f in fields), Decimal(0)) == sum(
        (d(op["amount"]) for op in first_half), Decimal(0)
    )


def test_realization_agrees_with_the_transactions(ozon: OzonCaller, world: World) -> None:
    ops = walk(ozon, {"date": OCT}, page_size=1000)
    sold = [op for op in ops if op["operation_type"] in accruals.REALIZATION_OPS]
    assert sold
    ledger_net = sum((d(o["accruals_for_sale"]) + d(o["sale_commission"]) for o in sold), 0)
    ledger_commission = -sum((d(o["sale_commission"]) for o in sold), Decimal(0))

    report = ozon.ok(REALIZATION, {"month": 10, "year": 2026})["result"]
    assert report["header"]["start_date"] == "2026-10-01"
    assert report["header"]["stop_date"] == "2026-10-31"
    rows = report["rows"]
    assert [r["rowNumber"] for r in rows] == list(range(1, len(rows) + 1))
    net = sum(
        (d(r["delivery_commission"]["total"]) - d(r["return_commission"]["total"]) for r in rows),
        Decimal(0),
    )
    fee = sum(
        (
            d(r["delivery_commission"]["standard_fee"]) - d(r["return_commission"]["standard_fee"])
            for r in rows
        ),
        Decimal(0),
    )
    gross = sum(
        (d(r["delivery_commission"]["amount"]) - d(r["return_commission"]["amount"]) for r in rows),
        Decimal(0),
    )
    assert gross == sum((d(o["accruals_for_sale"]) for o in sold), Decimal(0))
    # The documented difference: the per-SKU report re-rounds the commission per row, at most
    # half a kopeck per posting line, and always under 1 %.
    lines = sum(len(o["items"]) for o in sold)
    assert abs(fee - ledger_commission) <= Decimal("0.005") * lines
    assert abs(net - ledger_net) <= ledger_net / 100
    qty = sum(r["delivery_commission"]["quantity"] for r in rows)
    truth = 0
    for o in sold:
        if o["operation_type"] == accruals.DELIVERED:
            p = world.find_posting(world.shops[0], o["posting"]["posting_number"])
            assert p is not None
            truth += sum(line.quantity for line in p.lines)
    assert qty == truth

    # The per-posting report has one row per posting line and matches the ledger exactly.
    per_posting = ozon.ok(REALIZATION_POSTING, {"month": 10, "year": 2026})
    prow = per_posting["rows"]
    pnet = sum(
        (d(r["delivery_commission"]["total"]) - d(r["return_commission"]["total"]) for r in prow),
        Decimal(0),
    )
    assert pnet == ledger_net
    assert {r["order"]["posting_number"] for r in prow} == {
        o["posting"]["posting_number"] for o in sold
    }


def test_refusals(ozon: OzonCaller, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(finance_transactions, "BY_DAY_PAGE", 5)
    too_long = {"from": "2026-10-01T00:00:00Z", "to": "2026-11-01T00:00:01Z"}
    err = ozon.error(LIST, {"filter": {"date": too_long}, "page": 1, "page_size": 10}, 400)
    assert err["message"] == "PERIOD_IS_TOO_LONG"
    month = {"from": "2026-10-01T00:00:00Z", "to": "2026-11-01T00:00:00Z"}
    ozon.ok(LIST, {"filter": {"date": month}, "page": 1, "page_size": 10})
    backwards = {"from": "2026-11-02T00:00:00Z", "to": "2026-11-01T00:00:00Z"}
    ozon.error(LIST, {"filter": {"date": backwards}, "page": 1, "page_size": 10}, 400)
    ozon.error(LIST, {"filter": {}, "page": 1, "page_size": 10}, 400)
    ozon.error(LIST, {"filter": {"date": NOV}, "page": 1, "page_size": 1001}, 400)
    ozon.error(LIST, {"filter": {"date": NOV}, "page": 0, "page_size": 10}, 400)
    bad_type = {"date": NOV, "transaction_type": "bribes"}
    ozon.error(LIST, {"filter": bad_type, "page": 1, "page_size": 10}, 400)

    err = ozon.error(REALIZATION, {"month": 11, "year": 2026}, 400)
    assert "not ready" in err["message"]
    ozon.error(REALIZATION_POSTING, {"month": 11, "year": 2026}, 400)
    ozon.error(REALIZATION, {"month": 7, "year": 2023}, 400)
    ozon.error(REALIZATION, {"month": 13, "year": 2026}, 400)

    numbers = [f"0000{i:04d}-0001-1" for i in range(201)]
    ozon.error(POSTINGS, {"posting_numbers": numbers}, 400)
    ozon.error(POSTINGS, {"posting_numbers": []}, 400)

    ozon.error(BY_DAY, {"date": "2021-12-31", "last_id": ""}, 400)
    ozon.error(BY_DAY, {"date": "2026-11-20", "last_id": "not a cursor"}, 400)
    page = ozon.ok(BY_DAY, {"date": "2026-11-20", "last_id": ""})
    assert page["last_id"], "expected more than one page on a busy day"
    ozon.error(BY_DAY, {"date": "2026-11-21", "last_id": page["last_id"]}, 400)

    cf = {"date": NOV, "page": 1, "page_size": 0}
    ozon.error(CASH_FLOW, cf, 400)


def test_filters_pick_subsets(ozon: OzonCaller) -> None:
    everything = walk(ozon, {"date": NOV}, page_size=1000)
    kinds = Counter(op["type"] for op in everything)
    assert kinds["orders"]
    assert kinds["other"]
    for ttype in ("orders", "returns", "other", "compensation", "transferDelivery"):
        got = walk(ozon, {"date": NOV, "transaction_type": ttype}, page_size=500)
        assert got == [op for op in everything if op["type"] == ttype]
        totals = ozon.ok(TOTALS, {"date": NOV, "transaction_type": ttype})["result"]
        assert sum((d(v) for v in totals.values()), Decimal(0)) == sum(
            (d(op["amount"]) for op in got), Decimal(0)
        )
    wanted = ["ClientReturnAgentOperation", "OperationItemReturn"]
    got = walk(ozon, {"date": NOV, "operation_type": wanted}, page_size=500)
    assert got == [op for op in everything if op["operation_type"] in wanted]
    number = everything[0]["posting"]["posting_number"]
    one = walk(ozon, {"posting_number": number}, page_size=2)
    in_nov = [op for op in one if in_window(op_time(op), NOV)]
    assert in_nov == [op for op in everything if op["posting"]["posting_number"] == number]
    # The spec's oneOf: a date or a posting number, not both.
    both = {"filter": {"date": NOV, "posting_number": number}, "page": 1, "page_size": 10}
    ozon.error(LIST, both, 400)
    types = ozon.ok(TYPES, {})["accrual_types"]
    ids = {t["id"] for t in types}
    accruals = ozon.ok(POSTINGS, {"posting_numbers": [number, "99999999-0000-1"]})
    assert [pa["posting_number"] for pa in accruals["posting_accruals"]] == [number]
    assert {a["type_id"] for a in accruals["posting_accruals"][0]["accruals"]} <= ids


def _find(world: World, kind: str) -> list[Any]:
    out = []
    for i in range(len(world.index)):
        p = world.posting(i)
        if p.timeline and p.timeline[-1].kind == kind and p.timeline[-1].at <= world.now():
            out.append(p)
    return out


def test_lost_parcels_are_compensated_twenty_days_later() -> None:
    # Losses surface 20-30 days late and are paid 20 days after that: a longer history.
    world = make_world(history_days=90, orders_per_day=30, rate_limit_per_second=1_000_000)
    client = AsgiClient(create_app(world.config, world=world))
    try:
        _check_lost(OzonCaller(client, world), world)
    finally:
        client.close()


def _check_lost(ozon: OzonCaller, world: World) -> None:
    lost = _find(world, "lost")
    assert lost
    checked = 0
    for p in lost:
        cancelled = p.timeline[-1].at
        comp_at = cancelled + ledger.LOSS_COMPENSATION_DELAY
        shop = world.shops[p.shop_index]
        ops = walk_posting(ozon, p.posting_number, shop)
        comp = [op for op in ops if op["operation_type"] == accruals.COMPENSATION_OP]
        if comp_at > world.now():
            assert comp == []
            continue
        payout = sum((line_money(line, p.scheme).payout for line in p.lines), Decimal(0))
        assert len(comp) == 1
        assert comp[0]["type"] == "compensation"
        assert d(comp[0]["amount"]) == payout
        assert op_time(comp[0]) == comp_at.replace(microsecond=0)
        checked += 1
    assert checked


def walk_posting(ozon: OzonCaller, number: str, shop: Any) -> list[dict[str, Any]]:
    body = {"filter": {"posting_number": number}, "page": 1, "page_size": 100}
    result: list[dict[str, Any]] = ozon.ok(LIST, body, shop=shop)["result"]["operations"]
    return result


def test_money_appears_only_when_booked() -> None:
    world = make_world(history_days=20)
    now = world.now()
    pending = None
    for i in range(len(world.index)):
        p = world.posting(i)
        ops = ledger.posting_operations(world, p)
        if any(op.at <= now for op in ops) and any(op.at > now for op in ops):
            pending = p
            break
    assert pending is not None
    before = ledger.visible(world, pending, now)
    later = max(op.at for op in ledger.posting_operations(world, pending))
    world.clock.advance((later - now).total_seconds() + 1)
    after = ledger.visible(world, pending, world.now())
    assert len(after) > len(before)
    assert [op.operation_id for op in after[: len(before)]] == [op.operation_id for op in before]


def test_seller_fault_cancellation_costs_a_fee() -> None:
    world = make_world(history_days=2)
    start = world.now()
    world.clock.advance(timedelta(days=13).total_seconds())
    fined = 0
    shop = world.shops[0]
    for p in world.postings(shop, fbo=False, since=start, to=start + timedelta(hours=6)):
        if not p.timeline or p.timeline[-1].kind != "not_shipped_in_time":
            continue
        ops = ledger.visible(world, p, world.now())
        assert [op.operation_type for op in ops] == [accruals.ITEM_RETURN]
        gross = sum((line.price * line.quantity for line in p.lines), Decimal(0))
        assert -ops[0].amount == min((gross * Decimal("0.03")).quantize(Decimal("0.01")), 1500)
        fined += 1
    assert fined


@pytest.mark.parametrize("seed", [7, 8])
def test_ledger_is_deterministic(seed: int) -> None:
    a, b = make_world(seed=seed), make_world(seed=seed)
    for i in range(0, len(a.index), 37):
        ops_a = ledger.posting_operations(a, a.posting(i))
        ops_b = ledger.posting_operations(b, b.posting(i))
        assert [(o.operation_id, o.at, o.amount) for o in ops_a] == [
            (o.operation_id, o.at, o.amount) for o in ops_b
        ]
        assert all(o.at - a.posting(i).created_at <= ledger.MAX_LAG for o in ops_a)


def test_returns_follow_the_aftersales_model(world: World) -> None:
    """Every FBS/FBO client return is money back to the buyer, and nothing else is."""
    now = world.now()
    returned = 0
    for i in range(len(world.index)):
        p = world.posting(i)
        items = [it for it in derive_returns(world.config, p) if it.type == "ClientReturn"]
        ops = ledger.posting_operations(world, p)
        backs = [op for op in ops if op.operation_type == accruals.CLIENT_RETURN]
        if p.scheme.is_rfbs:  # rFBS requests: test_finance_rfbs.py
            assert not items
            continue
        assert len(backs) == len(items)
        for item, op in zip(items, backs, strict=True):
            arrived = next(s.at for s in item.steps if s.sys_name == "ReturnedToOzon")
            assert op.at == arrived
            assert -op.total(accruals.RETURN_SALE) == item.line.price * item.quantity
            returned += op.at <= now
    assert returned > 5
