"""FBS/rFBS posting reads: v4/v3 lists, the unfulfilled list and v3 get, against world truth."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from ozonops.simulator.render.postings import HANDOVER_KINDS
from ozonops.simulator.routes.fbs_selection import MAX_PROCESS_DELAY, FbsFilter, list_fbs
from ozonops.simulator.routes.postings_fbs import UNFULFILLED_STATUSES
from ozonops.simulator.routing import iso
from ozonops.simulator.world import Shop, World
from ozonops.simulator.world.model import Posting, Scheme
from ozonops.simulator.world.money import line_money

from .conftest import OzonCaller

V4 = "/v4/posting/fbs/list"
V3 = "/v3/posting/fbs/list"
GET = "/v3/posting/fbs/get"
UNF = "/v4/posting/fbs/unfulfilled/list"


def truth(world: World, shop: Shop, since: datetime, to: datetime) -> list[Posting]:
    return list(world.postings(shop, fbo=False, since=since, to=to))


def window(world: World, days: int) -> tuple[datetime, datetime, dict[str, str]]:
    now = world.now()
    since = now - timedelta(days=days)
    return since, now, {"since": iso(since), "to": iso(now)}


def walk_v4(ozon: OzonCaller, shop: Shop, body: dict[str, Any]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    body = dict(body)
    for _ in range(1000):
        page = ozon.ok(V4, body, shop=shop)
        assert len(page["postings"]) <= body["limit"]
        out += page["postings"]
        if not page["has_next"]:
            assert page["cursor"] == ""
            return out
        assert page["postings"], "has_next with an empty page"
        body["cursor"] = page["cursor"]
    raise AssertionError("paging never ended")


# --- v4 list paging ---------------------------------------------------------------------------
@pytest.mark.parametrize("sort_dir", ["ASC", "DESC"])
def test_v4_walks_every_page_of_40_days_for_both_shops(
    ozon: OzonCaller, world: World, sort_dir: str
) -> None:
    since, now, flt = window(world, 40)
    for shop in world.shops:
        got = walk_v4(ozon, shop, {"filter": flt, "limit": 100, "sort_dir": sort_dir})
        numbers = [p["posting_number"] for p in got]
        assert len(numbers) == len(set(numbers)), "duplicates across pages"
        expected = truth(world, shop, since, now)
        assert len(expected) > 300
        assert set(numbers) == {p.posting_number for p in expected}
        times = [p["in_process_at"] for p in got]
        assert times == sorted(times, reverse=sort_dir == "DESC")
        statuses = {p["status"] for p in got}
        assert "delivered" in statuses  # the list's description omits it; the schema allows it
        by_number = {p.posting_number: p for p in expected}
        for p in got:
            ev = world.event(by_number[p["posting_number"]], now)
            assert (p["status"], p["substatus"]) == (ev.status, ev.substatus)


def test_v4_cursor_is_stable_and_opaque(ozon: OzonCaller, world: World) -> None:
    _, _, flt = window(world, 10)
    body = {"filter": flt, "limit": 7}
    first = ozon.ok(V4, body)
    assert first["has_next"]
    decoded = json.loads(base64.b64decode(first["cursor"]))
    assert decoded["fields"][0]["name"] == "osp.in_process_at"
    second = ozon.ok(V4, {**body, "cursor": first["cursor"]})
    again = ozon.ok(V4, {**body, "cursor": first["cursor"]})
    assert second == again
    assert not {p["posting_number"] for p in first["postings"]} & {
        p["posting_number"] for p in second["postings"]
    }
    # A different limit with the same cursor continues at the same place.
    wider = ozon.ok(V4, {**body, "limit": 14, "cursor": first["cursor"]})
    assert wider["postings"][:7] == second["postings"]


def test_v4_cursor_with_another_filter_or_garbage_is_refused(
    ozon: OzonCaller, world: World
) -> None:
    since, now, flt = window(world, 10)
    page = ozon.ok(V4, {"filter": flt, "limit": 5})
    other = {"since": iso(since + timedelta(hours=1)), "to": iso(now)}
    err = ozon.error(V4, {"filter": other, "limit": 5, "cursor": page["cursor"]}, 400)
    assert "cursor" in err["message"]
    ozon.error(V4, {"filter": flt, "limit": 5, "sort_dir": "DESC", "cursor": page["cursor"]}, 400)
    ozon.error(V4, {"filter": flt, "limit": 5, "cursor": page["cursor"]}, 400, shop=world.shops[1])
    ozon.error(V4, {"filter": flt, "limit": 5, "cursor": "not-a-cursor!"}, 400)


@pytest.mark.parametrize("limit", [0, 101])
def test_v4_limit_out_of_range_is_refused(ozon: OzonCaller, world: World, limit: int) -> None:
    _, _, flt = window(world, 5)
    ozon.error(V4, {"filter": flt, "limit": limit}, 400)


def test_period_over_a_year_is_refused(ozon: OzonCaller, world: World) -> None:
    now = world.now()
    year_ago = now.replace(year=now.year - 1)
    ok = {"since": iso(year_ago), "to": iso(now)}
    assert ozon.ok(V4, {"filter": ok, "limit": 1})["postings"]
    too_long = {"since": iso(year_ago - timedelta(seconds=1)), "to": iso(now)}
    err = ozon.error(V4, {"filter": too_long, "limit": 1}, 400)
    assert err["message"] == "PERIOD_IS_TOO_LONG"
    err = ozon.error(V3, {"filter": too_long, "limit": 1, "offset": 0}, 400)
    assert err["message"] == "PERIOD_IS_TOO_LONG"
    backwards = {"since": iso(now), "to": iso(now - timedelta(days=1))}
    ozon.error(V4, {"filter": backwards, "limit": 1}, 400)


# --- v4 filters -------------------------------------------------------------------------------
Case = tuple[
    str, Callable[[World, list[Posting]], tuple[dict[str, Any], Callable[[Posting], bool]]]
]


def _statuses(w: World, ps: list[Posting]) -> tuple[dict[str, Any], Callable[[Posting], bool]]:
    wanted = ["awaiting_packaging", "delivered"]
    return {"statuses": wanted}, lambda p: w.event(p).status in wanted


def _changed(w: World, ps: list[Posting]) -> tuple[dict[str, Any], Callable[[Posting], bool]]:
    now = w.now()
    frm, to = now - timedelta(days=3), now - timedelta(days=1)
    return (
        {"last_changed_status_date": {"from": iso(frm), "to": iso(to)}},
        lambda p: frm <= w.event(p, now).at <= to,
    )


def _order_id(w: World, ps: list[Posting]) -> tuple[dict[str, Any], Callable[[Posting], bool]]:
    oid = ps[len(ps) // 2].order_id
    return {"order_id": oid}, lambda p: p.order_id == oid


def _order_numbers(w: World, ps: list[Posting]) -> tuple[dict[str, Any], Callable[[Posting], bool]]:
    nums = {ps[1].order_number, ps[-2].order_number}
    return {"order_numbers": sorted(nums)}, lambda p: p.order_number in nums


def _warehouses(w: World, ps: list[Posting]) -> tuple[dict[str, Any], Callable[[Posting], bool]]:
    wid = ps[0].warehouse_id
    return {"warehouse_ids": [str(wid)]}, lambda p: p.warehouse_id == wid


def _methods(w: World, ps: list[Posting]) -> tuple[dict[str, Any], Callable[[Posting], bool]]:
    mid = ps[-1].delivery_method_id
    return {"delivery_method_ids": [str(mid)]}, lambda p: p.delivery_method_id == mid


def _providers(w: World, ps: list[Posting]) -> tuple[dict[str, Any], Callable[[Posting], bool]]:
    pid = w.method_by_id[ps[0].delivery_method_id].provider_id
    return {
        "provider_ids": [str(pid)]
    }, lambda p: w.method_by_id[p.delivery_method_id].provider_id == pid


def _flows(w: World, ps: list[Posting]) -> tuple[dict[str, Any], Callable[[Posting], bool]]:
    flows = ["aggregator", "3pl_tracking"]
    return {"integration_type_flow": flows}, lambda p: p.scheme.tpl_integration_type in flows


@pytest.mark.parametrize(
    "make",
    [_statuses, _changed, _order_id, _order_numbers, _warehouses, _methods, _providers, _flows],
)
def test_v4_filters_match_world_truth(
    ozon: OzonCaller,
    world: World,
    make: Callable[[World, list[Posting]], tuple[dict[str, Any], Callable[[Posting], bool]]],
) -> None:
    shop = world.shops[0]
    since, now, flt = window(world, 15)
    everything = truth(world, shop, since, now)
    extra, keep = make(world, everything)
    expected = {p.posting_number for p in everything if keep(p)}
    assert expected, "the case selects nothing: it could not fail"
    assert len(expected) < len(everything), "the case selects everything: it could not fail"
    got = walk_v4(ozon, shop, {"filter": {**flt, **extra}, "limit": 50})
    times = [p["in_process_at"] for p in got]
    assert times == sorted(times)
    assert {p["posting_number"] for p in got} == expected
    assert len(got) == len(expected)


def test_v4_unknown_status_is_refused(ozon: OzonCaller, world: World) -> None:
    _, _, flt = window(world, 5)
    ozon.error(V4, {"filter": {**flt, "statuses": ["lost_in_space"]}, "limit": 5}, 400)


def test_status_follows_the_clock(ozon: OzonCaller, world: World) -> None:
    shop = world.shops[0]
    since, now, flt = window(world, 3)
    before = {
        p["posting_number"]: p["status"] for p in walk_v4(ozon, shop, {"filter": flt, "limit": 100})
    }
    world.clock.advance(3 * 86400)
    later = world.now()
    after = {
        p["posting_number"]: p["status"] for p in walk_v4(ozon, shop, {"filter": flt, "limit": 100})
    }
    assert after.keys() == before.keys()
    assert after != before
    for p in truth(world, shop, since, now):
        assert after[p.posting_number] == world.event(p, later).status


# --- v3 list ----------------------------------------------------------------------------------
@pytest.mark.parametrize("direction", ["asc", "desc"])
def test_v3_offset_paging_equals_v4(ozon: OzonCaller, world: World, direction: str) -> None:
    for shop in world.shops:
        _, _, flt = window(world, 20)
        v4 = walk_v4(ozon, shop, {"filter": flt, "limit": 100, "sort_dir": direction.upper()})
        got: list[str] = []
        offset = 0
        while True:
            body = {"filter": flt, "limit": 173, "offset": offset, "dir": direction}
            res = ozon.ok(V3, body, shop=shop)["result"]
            got += [p["posting_number"] for p in res["postings"]]
            offset += 173
            if not res["has_next"]:
                break
        assert got == [p["posting_number"] for p in v4]


def test_v3_list_shapes_and_filters(ozon: OzonCaller, world: World) -> None:
    shop = world.shops[0]
    since, now, flt = window(world, 10)
    body = {
        "filter": {**flt, "status": "delivering"},
        "limit": 1000,
        "offset": 0,
        "with": {"financial_data": True, "analytics_data": True},
    }
    res = ozon.ok(V3, body)["result"]
    expected = {
        p.posting_number
        for p in truth(world, shop, since, now)
        if world.event(p).status == "delivering"
    }
    assert {p["posting_number"] for p in res["postings"]} == expected
    p = res["postings"][0]
    assert isinstance(p["products"][0]["price"], str)
    assert p["products"][0]["currency_code"] == "RUB"
    fin = p["financial_data"]["products"][0]
    assert {"commission_amount", "commission_percent"} <= fin.keys()
    assert isinstance(fin["customer_price"], float)


@pytest.mark.parametrize("limit", [0, 1001])
def test_v3_limit_out_of_range_is_refused(ozon: OzonCaller, world: World, limit: int) -> None:
    _, _, flt = window(world, 5)
    ozon.error(V3, {"filter": flt, "limit": limit, "offset": 0}, 400)


# --- unfulfilled list -------------------------------------------------------------------------
def test_unfulfilled_needs_exactly_one_date_pair(ozon: OzonCaller, world: World) -> None:
    now = world.now()
    a, b = iso(now - timedelta(days=5)), iso(now + timedelta(days=5))
    both = {"cutoff_from": a, "cutoff_to": b, "delivering_date_from": a, "delivering_date_to": b}
    err = ozon.error(UNF, {"filter": both, "limit": 10}, 400)
    assert "not both" in err["message"]
    ozon.error(UNF, {"filter": {}, "limit": 10}, 400)
    ozon.error(UNF, {"filter": {"cutoff_from": a}, "limit": 10}, 400)
    bad_status = {"cutoff_from": a, "cutoff_to": b, "statuses": ["delivered"]}
    ozon.error(UNF, {"filter": bad_status, "limit": 10}, 400)


def test_unfulfilled_by_cutoff_walks_pages_and_counts(ozon: OzonCaller, world: World) -> None:
    shop = world.shops[1]
    now = world.now()
    frm, to = now - timedelta(days=6), now + timedelta(days=5)
    flt = {"cutoff_from": iso(frm), "cutoff_to": iso(to)}
    expected = {
        p.posting_number
        for p in truth(world, shop, now - timedelta(days=30), now)
        if frm <= p.shipment_date <= to and world.event(p).status in UNFULFILLED_STATUSES
    }
    assert len(expected) > 20
    body: dict[str, Any] = {"filter": flt, "limit": 9, "with": {"financial_data": True}}
    got: list[dict[str, Any]] = []
    while True:
        page = ozon.ok(UNF, body, shop=shop)
        assert page["count"] == len(expected)
        got += page["postings"]
        if not page["has_next"]:
            break
        body["cursor"] = page["cursor"]
    numbers = [p["posting_number"] for p in got]
    assert len(numbers) == len(set(numbers))
    assert set(numbers) == expected
    cutoffs = [p["shipment_date"] for p in got]
    assert cutoffs == sorted(cutoffs)
    assert {p["status"] for p in got} <= UNFULFILLED_STATUSES


def test_unfulfilled_by_delivering_date(ozon: OzonCaller, world: World) -> None:
    shop = world.shops[0]
    now = world.now()
    frm, to = now - timedelta(days=8), now
    flt = {
        "delivering_date_from": iso(frm),
        "delivering_date_to": iso(to),
        "statuses": ["delivering"],
    }
    page = ozon.ok(UNF, {"filter": flt, "limit": 100}, shop=shop)
    expected = set()
    for p in truth(world, shop, now - timedelta(days=40), now):
        handed = next((e.at for e in p.history(now) if e.kind in HANDOVER_KINDS), None)
        if handed and frm <= handed <= to and world.event(p).status == "delivering":
            expected.add(p.posting_number)
    assert expected
    assert page["count"] == len(expected)
    assert {p["posting_number"] for p in page["postings"]} <= expected


# --- v3 get -----------------------------------------------------------------------------------
def _pick(world: World, scheme: Scheme, status: str | None = None) -> Posting:
    since, now, _ = window(world, 40)
    for p in truth(world, world.shops[0], since, now):
        if p.scheme is scheme and (status is None or world.event(p).status == status):
            return p
    raise AssertionError(f"no {scheme} posting in {status}")


def test_v3_get_fbs_posting(ozon: OzonCaller, world: World) -> None:
    p = _pick(world, Scheme.FBS, "delivering")
    body = {
        "posting_number": p.posting_number,
        "with": {"financial_data": True, "analytics_data": True},
    }
    res = ozon.ok(GET, body)["result"]
    ev = world.event(p)
    assert (res["status"], res["substatus"]) == (ev.status, ev.substatus)
    assert res["provider_status"] == ev.provider_status
    assert "customer" not in res
    assert "addressee" not in res
    handed = next(e.at for e in p.timeline if e.kind in HANDOVER_KINDS)
    assert res["delivering_date"] == iso(handed) == res["fact_delivery_date"]
    assert res["previous_substatus"]
    assert res["previous_substatus"] != res["substatus"]
    assert res["analytics_data"]["delivery_date_end"] == iso(p.delivery_date_end)
    for fin, line in zip(res["financial_data"]["products"], p.lines, strict=True):
        money = line_money(line, p.scheme)
        assert fin["product_id"] == line.sku.sku
        gross = Decimal(str(fin["price"])) * fin["quantity"]
        assert gross - Decimal(str(fin["commission_amount"])) == Decimal(str(fin["payout"]))
        assert Decimal(str(fin["payout"])) == money.payout


def test_v3_get_rfbs_shows_buyer_and_translit(ozon: OzonCaller, world: World) -> None:
    p = _pick(world, Scheme.RFBS_NON_INTEGRATED)
    plain = ozon.ok(GET, {"posting_number": p.posting_number})["result"]
    assert plain["customer"]["address"]["city"] == p.buyer.city
    assert plain["customer"]["name"] == p.buyer.name
    latin = ozon.ok(GET, {"posting_number": p.posting_number, "with": {"translit": True}})["result"]
    assert latin["customer"]["address"]["city"].isascii()
    assert latin["tracking_number"] == world.tracking_number(p)


def test_v3_get_refuses_unknown_foreign_and_fbo(ozon: OzonCaller, world: World) -> None:
    p = _pick(world, Scheme.FBS)
    err = ozon.error(GET, {"posting_number": p.posting_number}, 404, shop=world.shops[1])
    assert err["message"] == "POSTING_NOT_FOUND"
    ozon.error(GET, {"posting_number": "00000000-0000-1"}, 404)
    ozon.error(GET, {"posting_number": "garbage"}, 404)
    since, now, _ = window(world, 10)
    fbo = next(iter(world.postings(world.shops[0], fbo=True, since=since, to=now)))
    ozon.error(GET, {"posting_number": fbo.posting_number}, 404)


def test_cancelled_posting_shows_its_cancellation(ozon: OzonCaller, world: World) -> None:
    p = _pick(world, Scheme.FBS, "cancelled")
    res = ozon.ok(GET, {"posting_number": p.posting_number})["result"]
    c = world.cancellation(p)
    assert c is not None
    assert res["cancellation"]["cancel_reason_id"] == c.reason_id
    assert res["cancellation"]["cancellation_type"] == c.cancellation_type


# --- the exported helper and its assumptions ---------------------------------------------------
def test_list_fbs_is_exact_for_any_page_size(world: World) -> None:
    shop = world.shops[0]
    since, now, _ = window(world, 12)
    expected = sorted(truth(world, shop, since, now), key=lambda p: (p.in_process_at, p.index))
    flt = FbsFilter(since=since, to=now)
    for need in (1, 5, 33):
        assert list_fbs(world, shop, flt, now=now, need=need) == expected[:need]
        assert list_fbs(world, shop, flt, now=now, need=need, desc=True) == expected[::-1][:need]
    for p in expected:
        assert timedelta(0) <= p.in_process_at - p.created_at <= MAX_PROCESS_DELAY


def test_line_money_is_consistent(world: World) -> None:
    since, now, _ = window(world, 5)
    for p in truth(world, world.shops[0], since, now):
        for line in p.lines:
            m = line_money(line, p.scheme)
            assert m.payout == m.price * m.quantity - m.commission_amount
            assert abs(m.commission_amount - m.gross * m.commission_percent / 100) <= Decimal(
                "0.005"
            )
            assert m.logistics_estimate > 0
            assert m.ozon_charges_logistics == (
                p.scheme in (Scheme.FBS, Scheme.RFBS_AGGREGATOR, Scheme.FBO)
            )


def test_with_options_are_honoured(ozon: OzonCaller, world: World) -> None:
    _, _, flt = window(world, 10)
    bare = ozon.ok(V4, {"filter": flt, "limit": 20})["postings"]
    optional = {"analytics_data", "financial_data", "barcodes", "legal_info"}
    assert all(not optional & p.keys() for p in bare)
    everything = {key: True for key in optional}
    full = ozon.ok(V4, {"filter": flt, "limit": 20, "with": everything})["postings"]
    assert all(optional <= p.keys() for p in full)
    assert [p["posting_number"] for p in full] == [p["posting_number"] for p in bare]
    for p in full:
        fin = p["financial_data"]["products"]
        assert [f["product_id"] for f in fin] == [x["sku"] for x in p["products"]]
        assert all(isinstance(f["commission"]["percent"], int) for f in fin)
        has_buyer = p["tpl_integration_type"] != "ozon"
        assert ("customer" in p) == has_buyer
        assert bool(p["analytics_data"]["city"]) == has_buyer
    traceable = {"filter": {**flt, "is_blr_traceable": True}, "limit": 20}
    assert ozon.ok(V4, traceable)["postings"] == []


def test_split_postings_are_listed_and_related(ozon: OzonCaller, world: World) -> None:
    world.clock.advance(2 * 86400)
    shop = world.shops[0]
    since, now, flt = window(world, 2)
    parent = next(
        p
        for p in truth(world, shop, since, now)
        if not p.autopilot
        and world.event(p).status == "awaiting_packaging"
        and sum(line.quantity for line in p.lines) >= 2
        and [s.gate for s in p.plan].count("ship") == 1  # packs (and splits) in one call
    )
    units = [line.sku.sku for line in parent.lines for _ in range(line.quantity)]
    packages = [{"products": [{"product_id": sku, "quantity": 1}]} for sku in units[:2]]
    if len(units) > 2:
        packages[1]["products"] += [{"product_id": sku, "quantity": 1} for sku in units[2:]]
    shipped = ozon.ok(
        "/v4/posting/fbs/ship", {"posting_number": parent.posting_number, "packages": packages}
    )["result"]
    assert len(shipped) == 2
    listed = {p["posting_number"] for p in walk_v4(ozon, shop, {"filter": flt, "limit": 100})}
    assert set(shipped) <= listed
    child = ozon.ok(GET, {"posting_number": shipped[1], "with": {"related_postings": True}})
    assert child["result"]["parent_posting_number"] == parent.posting_number
    assert child["result"]["related_postings"]["related_posting_numbers"] == [shipped[0]]
