"""``/v1/analytics/data`` and ``/v1/analytics/turnover/stocks``: values against the world's
postings and stock book, the paid-tier gate, the 1-per-minute limit, request rules.

Both methods allow one call a minute, so the app here runs on a fake monotonic clock and
:func:`call` moves it a minute on before each call.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import pytest

from ozonops.simulator.app import create_app
from ozonops.simulator.world import World
from ozonops.simulator.world.aftersales_derive import derive_returns, derive_rfbs
from ozonops.simulator.world.stock import shop_stock
from tests.simulator.conftest import AsgiClient, OzonCaller, make_world

DATA = "/v1/analytics/data"
TURNOVER = "/v1/analytics/turnover/stocks"
MSK = timezone(timedelta(hours=3))
ALL_METRICS = [
    "hits_view_search",
    "hits_view_pdp",
    "hits_view",
    "hits_tocart_search",
    "hits_tocart_pdp",
    "hits_tocart",
    "session_view_search",
    "session_view_pdp",
    "session_view",
    "conv_tocart_search",
    "conv_tocart_pdp",
    "conv_tocart",
    "revenue",
    "returns",
    "cancellations",
]


class FakeMonotonic:
    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


class Caller:
    def __init__(self, ozon: OzonCaller, clock: FakeMonotonic) -> None:
        self.ozon = ozon
        self.clock = clock
        self.world = ozon.world

    def ok(self, path: str, body: dict[str, Any], shop: int = 0) -> Any:
        self.clock.t += 61
        return self.ozon.ok(path, body, shop=self.world.shops[shop])

    def error(self, path: str, body: dict[str, Any], status: int, shop: int = 0) -> Any:
        self.clock.t += 61
        return self.ozon.error(path, body, status, shop=self.world.shops[shop])


@pytest.fixture(scope="module")
def world() -> World:
    return make_world()


@pytest.fixture(scope="module")
def call(world: World) -> Iterator[Caller]:
    clock = FakeMonotonic()
    client = AsgiClient(create_app(world.config, world=world, monotonic=clock))
    try:
        yield Caller(OzonCaller(client, world), clock)
    finally:
        client.close()


def today(world: World) -> date:
    return world.now().astimezone(MSK).date()


def body(first: date, last: date, dims: list[str], metrics: list[str], **kw: Any) -> dict[str, Any]:
    return {
        "date_from": first.isoformat(),
        "date_to": last.isoformat(),
        "dimension": dims,
        "metrics": metrics,
        "limit": kw.pop("limit", 1000),
        **kw,
    }


def walk(call: Caller, request: dict[str, Any], shop: int = 0) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    offset = 0
    while True:
        page = call.ok(DATA, {**request, "offset": offset}, shop)["result"]["data"]
        rows.extend(page)
        if len(page) < request["limit"]:
            return rows
        offset += len(page)


def truth(
    world: World, shop: int, first: date, last: date
) -> dict[tuple[str, str], dict[str, Any]]:
    """(sku, day) -> counters recomputed straight from the postings (cohort by creation day)."""
    now = world.now()
    since = datetime(first.year, first.month, first.day, tzinfo=MSK).astimezone(UTC)
    to = datetime(last.year, last.month, last.day, tzinfo=MSK).astimezone(UTC) + timedelta(days=1)
    out: dict[tuple[str, str], dict[str, Any]] = defaultdict(
        lambda: defaultdict(Decimal) | {"postings": set()}
    )
    for fbo in (False, True):
        for p in world.postings(world.shops[shop], fbo=fbo, since=since, to=to):
            if p.created_at >= to:
                continue
            day = p.created_at.astimezone(MSK).date().isoformat()
            ev = world.event(p, now)
            delivered = p.first("delivered", now) is not None or any(
                e.status == "delivered" for e in p.history(now)
            )
            for line in p.lines:
                cell = out[(str(line.sku.sku), day)]
                cell["ordered_units"] += line.quantity
                cell["revenue"] += line.price * line.quantity
                cell["cancellations"] += line.quantity if ev.status == "cancelled" else 0
                cell["delivered_units"] += line.quantity if delivered else 0
                cell["postings"].add(p.posting_number)
            for r in derive_returns(world.config, p):
                if r.type == "ClientReturn" and r.return_date <= now:
                    out[(str(r.line.sku.sku), day)]["returns"] += r.quantity
            rf = derive_rfbs(world.config, p)
            if rf is not None and rf.created_at <= now:
                out[(str(rf.line.sku.sku), day)]["returns"] += rf.line.quantity
    return out


# --- values ---------------------------------------------------------------------------------
def test_sku_day_values_equal_the_world_and_pages_have_no_gaps(call: Caller) -> None:
    world = call.world
    last = today(world)
    first = last - timedelta(days=20)
    metrics = ["ordered_units", "revenue", "cancellations", "delivered_units", "postings"]
    request = body(first, last, ["sku", "day"], metrics, limit=97)
    rows = walk(call, request)
    keys = [(r["dimensions"][0]["id"], r["dimensions"][1]["id"]) for r in rows]
    assert len(keys) == len(set(keys)), "duplicates across pages"
    expected = truth(world, 0, first, last)
    assert set(keys) == set(expected), "gaps or extra rows"
    names = {str(k.sku): k.name for k in world.skus[0]}
    for r, key in zip(rows, keys, strict=True):
        want = expected[key]
        got = dict(zip(metrics, r["metrics"], strict=True))
        assert r["dimensions"][0]["name"] == names[key[0]]
        assert got["ordered_units"] == want["ordered_units"]
        assert got["revenue"] == pytest.approx(float(want["revenue"]), abs=0.01)
        assert got["cancellations"] == want["cancellations"]
        assert got["delivered_units"] == want["delivered_units"]
        assert got["postings"] == len(want["postings"])
    assert sum(v["cancellations"] for v in expected.values()) > 0
    assert sum(v["delivered_units"] for v in expected.values()) > 0
    # totals cover every row, not the page
    totals = call.ok(DATA, {**request, "limit": 1})["result"]["totals"]
    assert totals[0] == sum(v["ordered_units"] for v in expected.values())
    assert totals[1] == pytest.approx(float(sum(v["revenue"] for v in expected.values())), 0.01)


def test_returns_and_groupings_add_up(call: Caller) -> None:
    world = call.world
    last = today(world)
    first = last - timedelta(days=39)
    expected = truth(world, 0, first, last)
    per_sku: dict[str, Decimal] = defaultdict(Decimal)
    for (sku, _), v in expected.items():
        per_sku[sku] += v["returns"]
    rows = walk(call, body(first, last, ["sku"], ["returns", "ordered_units"]))
    got = {r["dimensions"][0]["id"]: r["metrics"][0] for r in rows}
    assert got == {k: float(v) for k, v in per_sku.items() if k in got}
    assert set(got) == {sku for sku, _ in expected}
    assert sum(got.values()) > 0
    # weeks and months are sums of their days
    by_day = walk(call, body(first, last, ["day"], ["ordered_units", "hits_view"]))
    by_week = walk(call, body(first, last, ["week"], ["ordered_units", "hits_view"]))
    weeks: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])
    for r in by_day:
        d = date.fromisoformat(r["dimensions"][0]["id"])
        monday = (d - timedelta(days=d.weekday())).isoformat()
        weeks[monday][0] += r["metrics"][0]
        weeks[monday][1] += r["metrics"][1]
    assert {r["dimensions"][0]["id"]: r["metrics"] for r in by_week} == weeks


def test_derived_traffic_is_consistent_and_stable(call: Caller) -> None:
    world = call.world
    last = today(world)
    first = last - timedelta(days=13)
    request = body(first, last, ["sku"], ALL_METRICS[:14])
    rows = walk(call, request)
    assert rows == walk(call, request), "derived numbers change between calls"
    for r in rows:
        m = dict(zip(ALL_METRICS, r["metrics"], strict=False))
        assert m["hits_view"] == m["hits_view_search"] + m["hits_view_pdp"]
        assert m["hits_tocart"] == m["hits_tocart_search"] + m["hits_tocart_pdp"]
        assert m["session_view"] >= max(m["session_view_search"], m["session_view_pdp"]) > 0
        conv = 100 * m["hits_tocart"] / m["session_view"]
        assert m["conv_tocart"] == pytest.approx(conv, abs=0.01)
    premium_dims = ["category1", "category2", "brand", "modelID", "descriptionType", "year"]
    for dim in premium_dims:
        data = call.ok(DATA, body(first, last, [dim], ["ordered_units"]))["result"]
        assert sum(r["metrics"][0] for r in data["data"]) == data["totals"][0] > 0


def test_filters_sort_and_offset(call: Caller) -> None:
    world = call.world
    last = today(world)
    first = last - timedelta(days=29)
    base = body(first, last, ["sku"], ["ordered_units", "revenue"])
    rows = walk(call, {**base, "sort": [{"key": "ordered_units", "order": "DESC"}]})
    units = [r["metrics"][0] for r in rows]
    assert units == sorted(units, reverse=True)
    asc = walk(call, {**base, "sort": [{"key": "revenue", "order": "ASC"}]})
    assert [r["metrics"][1] for r in asc] == sorted(r["metrics"][1] for r in rows)
    threshold = sorted(units)[len(units) // 2]
    flt = [{"key": "ordered_units", "op": "GTE", "value": str(threshold)}]
    kept = walk(call, {**base, "filters": flt})
    assert {r["dimensions"][0]["id"] for r in kept} == {
        r["dimensions"][0]["id"] for r in rows if r["metrics"][0] >= threshold
    }
    one = rows[3]["dimensions"][0]["id"]
    only = walk(call, {**base, "filters": [{"key": "sku", "op": "EQ", "value": one}]})
    assert [r["dimensions"][0]["id"] for r in only] == [one]
    page = call.ok(
        DATA, {**base, "sort": [{"key": "ordered_units", "order": "DESC"}], "offset": 2, "limit": 3}
    )["result"]["data"]
    assert page == rows[2:5]


# --- paid tier -------------------------------------------------------------------------------
def test_free_shop_gets_three_months_and_two_metrics(call: Caller) -> None:
    world = call.world
    assert world.shops[1].subscription == "none"
    assert world.shops[0].subscription == "premium_pro"
    last = today(world)
    first = last - timedelta(days=20)
    ok = call.ok(DATA, body(first, last, ["sku", "week"], ["revenue", "ordered_units"]), shop=1)
    expected = truth(world, 1, first, last)
    assert ok["result"]["totals"][1] == sum(v["ordered_units"] for v in expected.values())
    for dim in ("brand", "category1", "year", "modelID"):
        err = call.error(DATA, body(first, last, [dim], ["revenue"]), 403, shop=1)
        assert err["code"] == 7
        assert "not available with existing subscription" in err["message"]
    for metric in ("hits_view", "returns", "delivered_units"):
        err = call.error(DATA, body(first, last, ["sku"], [metric]), 403, shop=1)
        assert metric in err["message"]
    old = last - timedelta(days=100)
    err = call.error(DATA, body(old, last, ["day"], ["revenue"]), 403, shop=1)
    assert "3 months" in err["message"]
    # the premium shop may look further back and use everything
    call.ok(DATA, body(old, last, ["brand"], ["hits_view"]), shop=0)


# --- request rules ---------------------------------------------------------------------------
def test_request_rules(call: Caller) -> None:
    world = call.world
    last = today(world)
    first = last - timedelta(days=5)
    err = call.error(DATA, body(first, last, ["sku"], [*ALL_METRICS]), 400)
    assert "InvalidArgument" in err["message"]
    assert "14" in err["message"]
    assert len(ALL_METRICS) == 15
    call.ok(DATA, body(first, last, ["sku"], ALL_METRICS[:14]))
    bad: list[dict[str, Any]] = [
        body(last, first, ["sku"], ["revenue"]),  # from after to
        {**body(first, last, ["sku"], ["revenue"]), "date_from": "yesterday"},
        body(first, last, ["sku"], ["revenue"], limit=0),
        body(first, last, ["sku"], ["revenue"], limit=1001),
        body(first, last, ["sku"], ["revenue"], offset=-1),
        body(first, last, [], ["revenue"]),
        body(first, last, ["sku"], []),
        body(first, last, ["unknownDimension"], ["revenue"]),
        body(first, last, ["sku"], ["unknown_metric"]),
        body(first, last, ["sku"], ["revenue", "revenue"]),
        body(first, last, ["sku"], ["revenue"], filters=[{"key": "brand", "value": "x"}]),
        body(first, last, ["sku"], ["revenue"], filters=[{"key": "hits_view", "value": "1"}]),
        body(first, last, ["sku"], ["revenue"], filters=[{"key": "revenue", "value": "lots"}]),
        body(first, last, ["sku"], ["revenue"], sort=[{"key": "returns", "order": "ASC"}]),
    ]
    for b in bad:
        call.clock.t += 61
        resp = call.ozon.post(DATA, b)
        assert resp.status_code == 400, (b, resp.text)
        assert resp.json()["code"] == 3
    # days after today are empty, not refused
    future = call.ok(
        DATA, body(last + timedelta(days=1), last + timedelta(days=9), ["day"], ["revenue"])
    )
    assert future["result"]["data"] == []


# --- one request per minute -----------------------------------------------------------------
@pytest.mark.parametrize("path", [DATA, TURNOVER])
def test_one_request_per_minute_then_retry_after(path: str) -> None:
    world = make_world()
    clock = FakeMonotonic()
    client = AsgiClient(create_app(world.config, world=world, monotonic=clock))
    ozon = OzonCaller(client, world)
    last = today(world)
    request = (
        body(last - timedelta(days=3), last, ["day"], ["revenue"]) if path == DATA else {"limit": 5}
    )
    a, b = world.shops
    try:
        ozon.ok(path, request, shop=a)
        clock.t += 30
        refused = ozon.post(path, request, shop=a, validate=False)
        assert refused.status_code == 429
        assert refused.json()["code"] == 8
        assert "per minute" in refused.json()["message"]
        assert 1 <= int(refused.headers["retry-after"]) <= 31
        ozon.ok(path, request, shop=b)  # per Client-Id
        other = TURNOVER if path == DATA else DATA
        other_req = {"limit": 5} if other == TURNOVER else body(last, last, ["day"], ["revenue"])
        ozon.ok(other, other_req, shop=a)  # per method
        clock.t += 29
        assert ozon.post(path, request, shop=a, validate=False).status_code == 429
        clock.t += 2
        ozon.ok(path, request, shop=a)
    finally:
        client.close()


# --- turnover -------------------------------------------------------------------------------
def test_turnover_from_the_stock_book(call: Caller) -> None:
    world = call.world
    now = world.now()
    items = call.ok(TURNOVER, {"limit": 1000})["items"]
    book = shop_stock(world, 0, now)
    skus = {k.sku: k for k in world.skus[0]}
    assert [i["sku"] for i in items] == sorted(i["sku"] for i in items)
    assert {i["sku"] for i in items} <= set(skus)
    assert items
    sold = 0
    for item in items:
        k = skus[item["sku"]]
        stock = sum(r.available for r in book.rows(k, now))
        assert item["current_stock"] == stock
        t = int(now.timestamp())
        units = book.sales[k.sku].between(t - 60 * 86400, t)
        sold += units
        assert item["ads"] == pytest.approx(units / 60, abs=0.005)
        assert (item["name"], item["offer_id"]) == (k.name, k.offer_id)
        if units:
            assert item["idc"] == pytest.approx(stock / (units / 60), abs=0.06)
            assert item["turnover"] > 0
            assert item["turnover_grade"] not in ("GRADES_NONE", "GRADES_NOSALES")
            ads = units / 60
            idc = stock / ads
            grades = ["GRADES_CRITICAL", "GRADES_RED", "GRADES_YELLOW", "GRADES_GREEN"]
            assert item["idc_grade"] == grades[sum(idc >= x for x in (7, 14, 28))]
            leds = [led for (sku, _), led in book.ledgers.items() if sku == k.sku]
            days = min(60, (t - book.start) // 86400)
            average = sum(led.available(t - n * 86400) for led in leds for n in range(days)) / days
            assert item["turnover"] == pytest.approx(average / ads, abs=0.06)
            grades = ["GRADES_GREEN", "GRADES_YELLOW", "GRADES_RED", "GRADES_CRITICAL"]
            got = grades[sum(average / ads > x for x in (45, 90, 120))]
            assert item["turnover_grade"] == got
        else:
            assert item["turnover_grade"] in ("GRADES_NONE", "GRADES_NOSALES")
    assert sold > 0
    # paging and the sku filter
    pages = [call.ok(TURNOVER, {"limit": 7, "offset": o})["items"] for o in range(0, len(items), 7)]
    assert [i for p in pages for i in p] == items
    pick = [str(items[1]["sku"]), str(items[0]["sku"]), str(world.skus[1][0].sku)]
    assert call.ok(TURNOVER, {"sku": pick})["items"] == items[:2]
    call.error(TURNOVER, {}, 400)
    call.error(TURNOVER, {"offset": 3}, 400)
