"""FBO stock (falls with sales, rises with supplies), China stocks, supply orders."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from ozonops.simulator.world import Sku, World
from ozonops.simulator.world.stock import ADS_DAYS, shop_stock
from ozonops.simulator.world.supplies import SupplyOrder

from .conftest import OzonCaller

STOCKS = "/v1/analytics/stocks"
INFO = "/v4/product/info/stocks"
LIST = "/v3/supply-order/list"
GET = "/v3/supply-order/get"
ALL_STATES = [
    "DATA_FILLING",
    "READY_TO_SUPPLY",
    "IN_TRANSIT",
    "ACCEPTANCE_AT_STORAGE_WAREHOUSE",
    "COMPLETED",
    "CANCELLED",
]


def _sold(world: World, sku: int, warehouse_id: int, lo: datetime, hi: datetime) -> int:
    """Units of ``sku`` that FBO postings took from the warehouse in ``(lo, hi]`` (world truth)."""
    shop = world.shops[0]
    units = 0
    for p in world.postings(shop, fbo=True, since=lo - timedelta(days=3), to=hi):
        if p.warehouse_id != warehouse_id:
            continue
        packed = next((e for e in p.timeline if e.status == "awaiting_deliver"), None)
        if packed is None or not lo < packed.at <= hi:
            continue
        units += sum(ln.quantity for ln in p.lines if ln.sku.sku == sku)
    return units


def _row(ozon: OzonCaller, sku: int, warehouse_id: int) -> dict[str, Any]:
    items = ozon.ok(STOCKS, {"skus": [str(sku)], "warehouse_ids": [str(warehouse_id)]})["items"]
    assert len(items) == 1
    row: dict[str, Any] = items[0]
    return row


def _active(world: World) -> int:
    return shop_stock(world, 0).active[0].warehouse_id


def _top_sku(world: World) -> Sku:
    return max(world.skus[0], key=lambda k: k.popularity)


def test_rows_and_ads_match_world_sales(world: World, ozon: OzonCaller) -> None:
    skus = world.skus[0]
    items = ozon.ok(STOCKS, {"skus": [str(k.sku) for k in skus]})["items"]
    assert {i["sku"] for i in items} <= {k.sku for k in skus}
    wh = _active(world)
    now = world.now()
    top = _top_sku(world)
    row = next(i for i in items if i["sku"] == top.sku and i["warehouse_id"] == wh)
    sold = _sold(world, top.sku, wh, now - timedelta(days=ADS_DAYS), now)
    assert sold > 0
    assert row["ads"] == round(sold / ADS_DAYS, 2)
    total = sum(i["available_stock_count"] for i in items if i["sku"] == top.sku)
    if total:
        assert row["idc"] == round(total / (sold / ADS_DAYS), 1)
    idc = row["idc"]
    grade = row["turnover_grade"]
    if total == 0:
        assert grade == "WAS_DEFICIT"
    else:
        assert grade == (
            "DEFICIT"
            if idc < 28
            else "POPULAR"
            if idc < 56
            else "ACTUAL"
            if idc < 120
            else "SURPLUS"
        )
    assert all(i["available_stock_count"] >= 0 for i in items)
    # Other shops' SKUs are not shown.
    foreign = world.skus[1][0].sku
    assert ozon.ok(STOCKS, {"skus": [str(foreign)]})["items"] == []


def test_stock_falls_with_fbo_sales(world: World, ozon: OzonCaller) -> None:
    wh = _active(world)
    top = _top_sku(world)
    book = shop_stock(world, 0)
    before = _row(ozon, top.sku, wh)["available_stock_count"]
    t0 = world.now()
    # Step a day at a time until a sale happens in a window without supply arrivals.
    for _ in range(20):
        world.clock.advance(86400)
        t1 = world.now()
        after = _row(ozon, top.sku, wh)["available_stock_count"]
        sold = _sold(world, top.sku, wh, t0, t1)
        supplied = sum(
            i.quantity
            for o in book.orders
            if o.slot.completed_at is not None and t0 < o.slot.completed_at <= t1
            for i in o.items
            if i.sku == top.sku and o.slot.warehouse.warehouse_id == wh
        )
        returned = sum(
            q
            for a, b, q in book.ledger(top.sku, wh).returns
            if t0.timestamp() < b <= t1.timestamp()
        )
        if before - sold >= 0 and not supplied:
            assert after == before - sold + returned
        if sold and not supplied and before >= sold:
            assert after < before or returned
            return
        before, t0 = after, t1
    raise AssertionError("no FBO sale of the top SKU in 20 days")


def _open_order(world: World) -> SupplyOrder:
    book = shop_stock(world, 0)
    now = world.now()
    for o in book.orders:
        state, _ = o.state_at(now)
        if (
            state in ("IN_TRANSIT", "ACCEPTANCE_AT_STORAGE_WAREHOUSE", "READY_TO_SUPPLY")
            and o.items
        ):
            return o
    raise AssertionError("no supply order on its way")


def test_stock_rises_when_a_supply_completes(world: World, ozon: OzonCaller) -> None:
    order = _open_order(world)
    done = order.slot.completed_at
    assert done is not None
    wh = order.slot.warehouse.warehouse_id
    item = max(order.items, key=lambda i: i.quantity)
    # Just before completion: units show as transit or requested, not available.
    world.clock.advance((done - world.now()).total_seconds() - 1)
    row = _row(ozon, item.sku, wh)
    assert row["transit_stock_count"] + row["requested_stock_count"] >= item.quantity
    before = row["available_stock_count"]
    t0 = world.now()
    world.clock.advance(2)
    t1 = world.now()
    after_row = _row(ozon, item.sku, wh)
    sold = _sold(world, item.sku, wh, t0, t1)
    assert after_row["available_stock_count"] == max(0, before + item.quantity - sold)
    assert after_row["transit_stock_count"] == row["transit_stock_count"] - item.quantity
    got = ozon.ok(GET, {"order_ids": [str(order.order_id)]})["orders"]
    assert got[0]["state"] == "COMPLETED"
    assert got[0]["supplies"][0]["storage_warehouse"]["warehouse_id"] == wh


def test_analytics_filters_and_refusals(world: World, ozon: OzonCaller) -> None:
    skus = [str(k.sku) for k in world.skus[0]]
    items = ozon.ok(STOCKS, {"skus": skus})["items"]
    cluster = items[0]["cluster_id"]
    only = ozon.ok(STOCKS, {"skus": skus, "cluster_ids": [str(cluster)]})["items"]
    assert only
    assert all(i["cluster_id"] == cluster for i in only)
    assert len(only) == sum(1 for i in items if i["cluster_id"] == cluster)
    macro = items[0]["macrolocal_cluster_id"]
    by_macro = ozon.ok(STOCKS, {"skus": skus, "macrolocal_cluster_ids": [str(macro)]})["items"]
    assert by_macro == only
    grade = items[0]["turnover_grade"]
    graded = ozon.ok(STOCKS, {"skus": skus, "turnover_grades": [grade]})["items"]
    assert graded
    assert all(i["turnover_grade"] == grade for i in graded)
    both = {"skus": skus, "cluster_ids": [str(cluster)], "macrolocal_cluster_ids": [str(macro)]}
    ozon.error(STOCKS, both, 400)
    ozon.error(STOCKS, {"skus": [str(10**9 + i) for i in range(101)]}, 400)
    ozon.error(STOCKS, {"skus": []}, 400)
    ozon.error(STOCKS, {}, 400)


def test_product_info_stocks_walk_and_reserved(world: World, ozon: OzonCaller) -> None:
    skus = world.skus[0]
    seen: list[int] = []
    cursor = ""
    while True:
        page = ozon.ok(INFO, {"filter": {"visibility": "ALL"}, "limit": 7, "cursor": cursor})
        assert page["total"] == len(skus)
        seen.extend(i["product_id"] for i in page["items"])
        if not page["cursor"]:
            break
        cursor = page["cursor"]
    assert sorted(seen) == seen == sorted(k.product_id for k in skus)
    # Reserved: units of FBS-family postings awaiting packaging now (world truth).
    now = world.now()
    reserved: dict[int, int] = {}
    for p in world.postings(world.shops[0], fbo=False, since=now - timedelta(days=12), to=now):
        if world.event(p, now).status == "awaiting_packaging":
            for ln in p.lines:
                reserved[ln.sku.sku] = reserved.get(ln.sku.sku, 0) + ln.quantity
    assert reserved
    page = ozon.ok(INFO, {"filter": {}, "limit": 1000})
    for item in page["items"]:
        stocks = item["stocks"]
        assert {s["type"] for s in stocks} <= {"fbs", "rfbs"}
        assert sum(s["reserved"] for s in stocks) == reserved.get(stocks[0]["sku"], 0)
        assert all(s["present"] >= s["reserved"] for s in stocks)
    k = skus[3]
    one = ozon.ok(INFO, {"filter": {"offer_id": [k.offer_id]}, "limit": 10})
    assert [i["product_id"] for i in one["items"]] == [k.product_id]
    assert one["total"] == 1
    two = ozon.ok(INFO, {"filter": {"product_id": [str(k.product_id)]}, "limit": 10})
    assert two["items"] == one["items"]
    assert ozon.ok(INFO, {"filter": {"visibility": "INVISIBLE"}, "limit": 10})["items"] == []
    ozon.error(INFO, {"filter": {}, "limit": 1001}, 400)
    ozon.error(INFO, {"filter": {}, "limit": 0}, 400)


def test_supply_order_list_walk_and_get(world: World, ozon: OzonCaller) -> None:
    book = shop_stock(world, 0)
    now = world.now()
    truth = [o for o in book.orders if o.created_at <= now]
    assert len(truth) >= 3
    for direction in ("ASC", "DESC"):
        got: list[str] = []
        last_id = ""
        while True:
            body = {
                "filter": {"states": ALL_STATES},
                "limit": 2,
                "sort_by": "ORDER_CREATION",
                "sort_dir": direction,
                "last_id": last_id,
            }
            page = ozon.ok(LIST, body)
            got.extend(page["order_ids"])
            if not page["last_id"]:
                break
            last_id = page["last_id"]
        want = [str(o.order_id) for o in sorted(truth, key=lambda o: (o.created_at, o.order_id))]
        assert got == (want if direction == "ASC" else want[::-1])
    done = ozon.ok(
        LIST, {"filter": {"states": ["COMPLETED"]}, "limit": 100, "sort_by": "ORDER_CREATION"}
    )
    assert done["order_ids"] == [
        str(o.order_id) for o in truth if o.state_at(now)[0] == "COMPLETED"
    ]
    orders = ozon.ok(GET, {"order_ids": [str(o.order_id) for o in truth]})["orders"]
    assert [o["order_id"] for o in orders] == [o.order_id for o in truth]
    for row, o in zip(orders, truth, strict=True):
        assert row["state"] == o.state_at(now)[0]
        assert (
            row["supplies"][0]["storage_warehouse"]["warehouse_id"] == o.slot.warehouse.warehouse_id
        )
    assert ozon.ok(GET, {"order_ids": ["1"]})["orders"] == []
    assert (
        ozon.ok(GET, {"order_ids": [str(truth[0].order_id)]}, shop=world.shops[1])["orders"] == []
    )
    ozon.error(GET, {"order_ids": [str(i) for i in range(51)]}, 400)
    ozon.error(LIST, {"filter": {"states": []}, "limit": 10, "sort_by": "ORDER_CREATION"}, 400)
    ozon.error(
        LIST, {"filter": {"states": ALL_STATES}, "limit": 101, "sort_by": "ORDER_CREATION"}, 400
    )


def test_supply_states_follow_the_plan(world: World, ozon: OzonCaller) -> None:
    order = _open_order(world)
    for at, state in order.slot.states:
        if at <= world.now():
            continue
        world.clock.advance((at - world.now()).total_seconds())
        row = ozon.ok(GET, {"order_ids": [str(order.order_id)]})["orders"][0]
        assert row["state"] == state
    # The schedule keeps creating new orders as time passes.
    before = len(shop_stock(world, 0).orders)
    world.clock.advance(30 * 86400)
    assert len(shop_stock(world, 0).orders) > before


def test_same_seed_same_stock(world: World) -> None:
    from .conftest import make_world

    twin = make_world()
    twin.clock.advance(5 * 86400)
    world.clock.advance(2 * 86400)
    shop_stock(world, 0)  # reached in two steps here, one step in the twin
    world.clock.advance(3 * 86400)
    a, b = shop_stock(world, 0), shop_stock(twin, 0)
    assert [(o.order_id, o.items) for o in a.orders] == [(o.order_id, o.items) for o in b.orders]
    for k in world.skus[0][:10]:
        assert a.rows(k, world.now()) == b.rows(k, twin.now())
