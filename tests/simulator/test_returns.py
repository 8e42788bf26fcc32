"""Returns: FBS/FBO return list and rFBS return requests with their seller actions."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest

from ozonops.simulator.app import create_app
from ozonops.simulator.config import OutcomeRates, TroubleRates
from ozonops.simulator.world import Scheme, World
from ozonops.simulator.world import aftersales as af
from ozonops.simulator.world.aftersales_derive import (
    ReturnItem,
    RfbsRequest,
    derive_returns,
    derive_rfbs,
)
from tests.simulator.conftest import AsgiClient, OzonCaller, make_world

LIST = "/v1/returns/list"
_OZON = (Scheme.FBS, Scheme.FBO)
RFBS_LIST = "/v2/returns/rfbs/list"
RFBS_GET = "/v2/returns/rfbs/get"
ACTION = "/v1/returns/rfbs/action/set"


@pytest.fixture(scope="module")
def rworld() -> World:
    """A world where buyers return a lot, so every path has material."""
    # One request per call (see routes/returns.py), so walks need a generous rate limit.
    return make_world(outcomes=OutcomeRates(client_return=0.4), rate_limit_per_second=100_000)


@pytest.fixture
def rozon(rworld: World) -> Iterator[OzonCaller]:
    client = AsgiClient(create_app(rworld.config, world=rworld))
    try:
        yield OzonCaller(client, rworld)
    finally:
        client.close()


def truth_returns(world: World, shop_index: int = 0) -> list[ReturnItem]:
    """Returns derived straight from the postings (not through the module's shop index)."""
    shop, now = world.shops[shop_index], world.now()
    since = world.config.start - timedelta(days=world.config.history_days + 5)
    out = []
    for fbo in (False, True):
        for p in world.postings(shop, fbo=fbo, since=since, to=now):
            out += [r for r in derive_returns(world.config, p) if r.return_date <= now]
    return sorted(out, key=lambda r: r.id)


def truth_rfbs(world: World, shop_index: int = 0) -> list[RfbsRequest]:
    shop, now = world.shops[shop_index], world.now()
    since = world.config.start - timedelta(days=world.config.history_days + 5)
    out = []
    for p in world.postings(shop, fbo=False, since=since, to=now):
        req = derive_rfbs(world.config, p)
        if req is not None and req.created_at <= now:
            out.append(req)
    return sorted(out, key=lambda r: r.return_id)


def walk(ozon: OzonCaller, body: dict[str, Any], limit: int = 7) -> list[dict[str, Any]]:
    seen: list[dict[str, Any]] = []
    last_id = 0
    for _ in range(1000):
        page = ozon.ok(LIST, {**body, "limit": limit, "last_id": last_id})
        seen += page["returns"]
        assert len(page["returns"]) <= limit
        if not page["has_next"]:
            return seen
        assert len(page["returns"]) == limit
        last_id = page["returns"][-1]["id"]
    raise AssertionError("paging did not end")


def test_return_list_walk_has_no_gaps_or_duplicates(ozon: OzonCaller) -> None:
    truth = truth_returns(ozon.world)
    assert len(truth) > 20
    got = walk(ozon, {})
    ids = [r["id"] for r in got]
    assert ids == sorted(set(ids))
    assert ids == [r.id for r in truth]
    kinds = {r["type"] for r in got}
    assert {"ClientReturn", "FullReturn"} <= kinds
    assert {r["schema"] for r in got} == {"Fbs", "Fbo"}


def test_every_not_collected_fbs_fbo_posting_has_a_logistic_return(ozon: OzonCaller) -> None:
    world = ozon.world
    shop, now = world.shops[0], world.now()
    since = world.config.start - timedelta(days=60)
    expected = set()
    for fbo in (False, True):
        for p in world.postings(shop, fbo=fbo, since=since, to=now):
            last = p.timeline[-1]
            if last.kind == "not_collected" and last.at <= now and p.scheme in _OZON:
                expected.add(p.posting_number)
    got = walk(ozon, {"filter": {}}, limit=500)
    full = {r["posting_number"] for r in got if r["type"] == "FullReturn"}
    assert expected
    assert expected == full


def test_one_date_filter_only(ozon: OzonCaller) -> None:
    span = {"time_from": "2026-10-01T00:00:00Z", "time_to": "2026-12-01T00:00:00Z"}
    body = {
        "limit": 10,
        "filter": {"logistic_return_date": span, "visual_status_change_moment": span},
    }
    err = ozon.error(LIST, body, 400)
    assert err["code"] == 3
    assert ozon.error(LIST, {"limit": 501}, 400)["code"] == 3
    numbers = [f"0000000{i}-0001-1" for i in range(51)]
    ozon.error(LIST, {"limit": 10, "filter": {"posting_numbers": numbers}}, 400)


def test_date_filter_and_schema_filter_select_the_truth(ozon: OzonCaller) -> None:
    world = ozon.world
    truth = truth_returns(world)
    lo, hi = world.config.start - timedelta(days=15), world.config.start - timedelta(days=5)
    span = {"time_from": lo.isoformat(), "time_to": hi.isoformat()}
    got = walk(ozon, {"filter": {"logistic_return_date": span}})
    assert [r["id"] for r in got] == [r.id for r in truth if lo <= r.return_date <= hi]
    fbo = walk(ozon, {"filter": {"return_schema": "FBO"}}, limit=50)
    assert fbo
    assert {r["schema"] for r in fbo} == {"Fbo"}
    assert len(fbo) == sum(1 for r in truth if r.schema == "FBO")


def test_visual_status_moves_with_the_clock(ozon: OzonCaller) -> None:
    world = ozon.world
    now = world.now()
    moving = next(
        r for r in truth_returns(world) if any(s.at > now for s in r.steps) and r.schema == "FBS"
    )
    before = ozon.ok(LIST, {"limit": 1, "last_id": moving.id - 1})["returns"][0]
    nxt = next(s for s in moving.steps if s.at > now)
    world.clock.advance((nxt.at - now).total_seconds() + 1)
    after = ozon.ok(LIST, {"limit": 1, "last_id": moving.id - 1})["returns"][0]
    assert after["id"] == before["id"] == moving.id
    assert after["visual"]["status"]["sys_name"] == nxt.sys_name
    assert before["visual"]["status"]["sys_name"] != nxt.sys_name
    status = ozon.ok(LIST, {"limit": 500, "filter": {"visual_status_name": nxt.sys_name}})[
        "returns"
    ]
    assert moving.id in {r["id"] for r in status}
    assert {r["visual"]["status"]["sys_name"] for r in status} == {nxt.sys_name}


def test_damaged_parcels_come_back_more_often_and_are_compensated() -> None:
    world = make_world(orders_per_day=120, troubles=TroubleRates(damaged=0.3))
    shop = world.shops[0]
    since = world.config.start - timedelta(days=60)
    hit = {True: [0, 0], False: [0, 0]}
    for fbo in (False, True):
        for p in world.postings(shop, fbo=fbo, since=since, to=world.now()):
            if p.timeline[-1].kind != "delivered" or p.scheme.is_rfbs:
                continue
            damaged = any(t.kind == "damaged" for t in p.troubles)
            returns = derive_returns(world.config, p)
            hit[damaged][0] += 1
            hit[damaged][1] += bool(returns)
            if damaged and returns:
                assert returns[0].compensation
                assert returns[0].reason.startswith("Товар повреждён")
    rate = {k: v[1] / v[0] for k, v in hit.items()}
    assert rate[True] > rate[False] * 3


# --- rFBS ---------------------------------------------------------------------------------------
def rfbs_walk(ozon: OzonCaller, flt: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    last_id = 0
    for _ in range(5000):
        body: dict[str, Any] = {"limit": 50, "last_id": last_id}
        if flt is not None:
            body["filter"] = flt
        item = ozon.ok(RFBS_LIST, body)["returns"]
        if not item:
            return out
        out.append(item)
        last_id = item["return_id"]
    raise AssertionError("paging did not end")


def test_rfbs_list_walks_every_request_once(rozon: OzonCaller) -> None:
    truth = truth_rfbs(rozon.world)
    assert len(truth) > 10
    got = rfbs_walk(rozon)
    assert [r["return_id"] for r in got] == [r.return_id for r in truth]
    groups = {r["state"]["group_state"] for r in got}
    assert {"Approved", "Delivering"} <= groups
    for group in groups:
        sub = rfbs_walk(rozon, {"group_state": [group]})
        assert sub == [r for r in got if r["state"]["group_state"] == group]
    rozon.error(RFBS_LIST, {"limit": 5, "filter": {"group_state": ["Nope"]}}, 400)


def test_history_requests_are_already_decided(rozon: OzonCaller) -> None:
    world = rozon.world
    old = [r for r in truth_rfbs(world) if r.created_at < world.config.start - timedelta(days=2)]
    assert old
    for req in old:
        got = rozon.ok(RFBS_GET, {"return_id": req.return_id})["returns"]
        assert got["state"]["state"] not in ("ON_APPROVAL", "ON_SELLER_CLARIFICATION")


def fresh_request(world: World) -> RfbsRequest:
    """Move the clock to just after the next request that the real seller must decide."""
    now = world.now()
    future = [r for r in af.shop_index(world, world.shops[0]).rfbs if r.created_at > now]
    req = min(future, key=lambda r: r.created_at)
    world.clock.advance((req.created_at - now).total_seconds() + 60)
    return req


def get(ozon: OzonCaller, req: RfbsRequest) -> dict[str, Any]:
    data: dict[str, Any] = ozon.ok(RFBS_GET, {"return_id": req.return_id})["returns"]
    return data


def test_only_available_actions_are_accepted(rozon: OzonCaller) -> None:
    req = fresh_request(rozon.world)
    got = get(rozon, req)
    assert got["state"]["state"] == "ON_APPROVAL"
    assert {a["id"] for a in got["available_actions"]} == {10, 50, 1020, -1}
    err = rozon.error(ACTION, {"return_id": req.return_id, "id": 40}, 400)
    assert "not available" in err["message"]
    rozon.error(ACTION, {"return_id": req.return_id}, 400)
    rozon.error(ACTION, {"return_id": 1, "id": 10}, 404)
    rozon.error(RFBS_GET, {"return_id": 1}, 404)
    assert get(rozon, req)["state"]["state"] == "ON_APPROVAL"


def test_reject_needs_comment_and_reason(rozon: OzonCaller) -> None:
    req = fresh_request(rozon.world)
    base = {"return_id": req.return_id, "id": -1}
    rozon.error(ACTION, {**base, "rejection_reason_id": 1}, 400)
    rozon.error(ACTION, {**base, "comment": "Следы использования"}, 400)
    rozon.error(ACTION, {**base, "comment": "x", "rejection_reason_id": 999}, 400)
    rozon.ok(ACTION, {**base, "comment": "Следы использования", "rejection_reason_id": 1})
    got = get(rozon, req)
    assert got["state"]["state"] == "REJECTED"
    assert got["rejection_comment"] == "Следы использования"
    assert got["available_actions"] == []
    rozon.error(ACTION, {**base, "comment": "again", "rejection_reason_id": 1}, 400)


def test_partial_compensation_needs_an_amount(rozon: OzonCaller) -> None:
    world = rozon.world
    req = fresh_request(world)
    base = {"return_id": req.return_id, "id": 1020}
    rozon.error(ACTION, base, 400)
    rozon.error(ACTION, {**base, "compensation_amount": float(req.line.price) * 2}, 400)
    rozon.ok(ACTION, {**base, "compensation_amount": float(req.line.price) / 3})
    assert get(rozon, req)["state"]["state"] == "PARTIAL_COMPENSATION_OFFERED"
    world.clock.advance(req.partial_answer.total_seconds() + 1)
    after = get(rozon, req)["state"]["state"]
    expected = "PARTIAL_COMPENSATION_RETURNED" if req.accepts_partial else "ON_SELLER_CLARIFICATION"
    assert after == expected


def test_approve_receive_refund_path(rozon: OzonCaller) -> None:
    world = rozon.world
    req = fresh_request(world)
    rozon.ok(ACTION, {"return_id": req.return_id, "id": 10})
    got = get(rozon, req)
    assert got["state"]["state"] == "APPROVED"
    world.clock.advance(req.ship_delay.total_seconds() + 1)
    assert get(rozon, req)["state"]["state"] == "DELIVERING"
    rozon.error(ACTION, {"return_id": req.return_id, "id": 30}, 400)
    world.clock.advance(req.transit.total_seconds() + 1)
    got = get(rozon, req)
    assert got["state"]["state"] == "ARRIVED"
    assert [a["id"] for a in got["available_actions"]] == [30]
    rozon.ok(ACTION, {"return_id": req.return_id, "id": 30})
    got = get(rozon, req)
    assert got["state"]["state"] == "RECEIVED"
    assert {a["id"] for a in got["available_actions"]} == {40, -10}
    rozon.ok(ACTION, {"return_id": req.return_id, "id": 40})
    listed = rfbs_walk(rozon, {"posting_number": req.posting.posting_number})
    assert len(listed) == 1
    assert listed[0]["state"]["group_state"] == "Approved"
    assert listed[0]["state"]["state"] == "MONEY_RETURNED"


def test_ozon_approves_after_24_hours_without_a_decision(rozon: OzonCaller) -> None:
    world = rozon.world
    req = fresh_request(world)
    assert get(rozon, req)["state"]["state"] == "ON_APPROVAL"
    world.clock.advance(23 * 3600)
    assert get(rozon, req)["state"]["state"] == "ON_APPROVAL"
    world.clock.advance(3600)
    got = get(rozon, req)
    assert got["state"]["state"] == "APPROVED_BY_OZON"
    assert got["available_actions"] == []
    rozon.error(ACTION, {"return_id": req.return_id, "id": 10}, 400)
