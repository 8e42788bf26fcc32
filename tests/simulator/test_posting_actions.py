"""FBS/rFBS seller actions: packing, tracking numbers, rFBS status moves, cancel, disputes."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

import pytest

from ozonops.simulator.app import create_app
from ozonops.simulator.config import TroubleRates
from ozonops.simulator.routing import REGISTRY
from ozonops.simulator.world import Posting, Scheme, World
from ozonops.simulator.world.lifecycle import GATE_DELAY_S, HANDOVER_DEADLINE_S
from tests.simulator.conftest import AsgiClient, OzonCaller, make_world

SHIP = "/v4/posting/fbs/ship"
TRACK = "/v2/fbs/posting/tracking-number/set"
DELIVERING = "/v2/fbs/posting/delivering"
LAST_MILE = "/v2/fbs/posting/last-mile"
DELIVERED = "/v2/fbs/posting/delivered"
CANCEL = "/v2/posting/fbs/cancel"
REASONS = "/v2/posting/fbs/cancel-reason/list"
ARBITRATION = "/v2/posting/fbs/arbitration"

NO_TROUBLES = dict.fromkeys(TroubleRates.model_fields, 0.0)
PLAIN_RFBS_GATES = ["ship", "delivering", "?last_mile", "delivered"]


# --- helpers ----------------------------------------------------------------------------------
@contextmanager
def caller(world: World) -> Iterator[OzonCaller]:
    client = AsgiClient(create_app(world.config, world=world))
    try:
        yield OzonCaller(client, world)
    finally:
        client.close()


def quiet_world(**troubles: float) -> World:
    return make_world(troubles=TroubleRates(**{**NO_TROUBLES, **troubles}))


def truth(ozon: OzonCaller, number: str) -> dict[str, Any]:
    """The posting as the control API tells it; cross-checked with /v3/posting/fbs/get."""
    resp = ozon.client.get(f"/_sim/postings/{number}")
    assert resp.status_code == 200, resp.text
    data: dict[str, Any] = resp.json()
    shop = next(s for s in ozon.world.shops if s.client_id == data["shop_client_id"])
    if "/v3/posting/fbs/get" in REGISTRY.routes and shop.key_expires_at > ozon.world.now():
        got = ozon.ok("/v3/posting/fbs/get", {"posting_number": number}, shop=shop)["result"]
        assert (got["status"], got["substatus"]) == (data["status"], data["substatus"])
    return data


def status(ozon: OzonCaller, number: str) -> tuple[str, str]:
    t = truth(ozon, number)
    return t["status"], t["substatus"]


def gates(p: Posting) -> list[str]:
    return [s.gate for s in p.plan if s.gate is not None]


def fresh(
    world: World, scheme: Scheme, pred: Callable[[Posting], bool] = lambda p: True
) -> list[Posting]:
    """New (non-autopilot) postings of ``scheme`` waiting to be packed, shop 0."""
    if world.now() == world.config.start:
        world.clock.advance(8 * 3600)
    out = []
    for p in world.postings(world.shops[0], fbo=False, since=world.config.start, to=world.now()):
        ev = world.event(p)
        if p.scheme is scheme and not p.autopilot and ev.status == "awaiting_packaging" and pred(p):
            out.append(p)
    return out


def history(
    world: World, scheme: Scheme, status: str, substatus: str | None = None, shop: int = 0
) -> list[Posting]:
    """Autopilot postings of the last days in ``status``."""
    now = world.now()
    out = []
    for p in world.postings(world.shops[shop], fbo=False, since=now - timedelta(days=12), to=now):
        ev = world.event(p)
        if (
            p.scheme is scheme
            and p.autopilot
            and ev.status == status
            and (substatus is None or ev.substatus == substatus)
        ):
            out.append(p)
    return out


def pack_body(p: Posting, split: bool = False) -> dict[str, Any]:
    if split:
        packages = [
            {"products": [{"product_id": line.sku.sku, "quantity": 1}]}
            for line in p.lines
            for _ in range(line.quantity)
        ]
    else:
        products = [{"product_id": line.sku.sku, "quantity": line.quantity} for line in p.lines]
        packages = [{"products": products}]
    return {"posting_number": p.posting_number, "packages": packages}


def advance(world: World, seconds: float) -> None:
    world.clock.advance(seconds)


def advance_past(world: World, p: Posting) -> None:
    """Let every event already decided (all but a deadline) happen."""
    last = max(e.at for e in p.timeline if e.kind != "not_shipped_in_time")
    if last >= world.now():
        advance(world, (last - world.now()).total_seconds() + 1)


def advance_to(world: World, p: Posting, kind: str) -> None:
    """Just past the first event of ``kind``."""
    ev = next(e for e in p.timeline if e.kind == kind)
    advance(world, max(0.0, (ev.at - world.now()).total_seconds()) + 1)


def item(number: str, ok: bool, error: str = "") -> dict[str, Any]:
    return {"posting_number": number, "result": ok, "error": error}


def refused(ozon: OzonCaller, path: str, body: dict[str, Any], message: str) -> None:
    err = ozon.error(path, body, 400)
    assert (err["code"], err["message"]) == (3, message)


# --- the whole rFBS lifecycle driven by the seller -----------------------------------------------
def test_rfbs_non_integrated_lifecycle(world: World, ozon: OzonCaller) -> None:
    p = fresh(world, Scheme.RFBS_NON_INTEGRATED, lambda p: gates(p) == PLAIN_RFBS_GATES)[0]
    n = p.posting_number
    assert ozon.ok(SHIP, pack_body(p)) == {"result": [n]}
    # Packing is asynchronous: the status changes GATE_DELAY_S after the call.
    advance(world, GATE_DELAY_S["ship"] - 1)
    assert status(ozon, n) == ("awaiting_packaging", "posting_created")
    advance(world, 2)
    assert status(ozon, n) == ("awaiting_deliver", "posting_not_in_carriage")
    refused(ozon, SHIP, pack_body(p), "POSTING_ALREADY_SHIPPED")

    # Out of order, and delivering without a tracking number, are refused per item.
    assert ozon.ok(LAST_MILE, {"posting_number": [n]})["result"] == [
        item(n, False, "TRANSITION_IS_NOT_POSSIBLE")
    ]
    assert ozon.ok(DELIVERED, {"posting_number": [n]})["result"] == [
        item(n, False, "TRANSITION_IS_NOT_POSSIBLE")
    ]
    assert ozon.ok(DELIVERING, {"posting_number": [n]})["result"] == [
        item(n, False, "TRACKING_NUMBER_REQUIRED")
    ]
    pairs = [{"posting_number": n, "tracking_number": "RU123456789CN"}]
    assert ozon.ok(TRACK, {"tracking_numbers": pairs})["result"] == [item(n, True)]
    assert truth(ozon, n)["tracking_number"] == "RU123456789CN"
    assert p.tracking_set_at == world.now()

    # Twice in one call: the second finds the move already taken.
    assert ozon.ok(DELIVERING, {"posting_number": [n, n]})["result"] == [
        item(n, True),
        item(n, False, "TRANSITION_IS_NOT_POSSIBLE"),
    ]
    assert status(ozon, n)[0] == "awaiting_deliver"
    advance(world, GATE_DELAY_S["delivering"] + 1)
    assert status(ozon, n) == ("delivering", "posting_on_way_to_city")

    assert ozon.ok(LAST_MILE, {"posting_number": [n]})["result"] == [item(n, True)]
    advance_past(world, p)  # the parcel reaches the last mile (it travels first)
    assert status(ozon, n) in {
        ("delivering", "posting_on_way_to_pickup_point"),
        ("delivering", "posting_in_pickup_point"),
        ("delivering", "posting_in_courier_service"),
    }
    assert ozon.ok(LAST_MILE, {"posting_number": [n]})["result"] == [
        item(n, False, "TRANSITION_IS_NOT_POSSIBLE")
    ]

    assert ozon.ok(DELIVERED, {"posting_number": [n]})["result"] == [item(n, True)]
    advance_to(world, p, "conditionally_delivered")
    t = truth(ozon, n)
    assert (t["status"], t["substatus"]) == ("delivering", "posting_conditionally_delivered")
    assert [e for e in t["future"] if e["status"] == "delivered"]
    # Conditionally delivered: no more moves, no tracking change, no cancel.
    assert ozon.ok(DELIVERED, {"posting_number": [n]})["result"][0]["result"] is False
    assert ozon.ok(TRACK, {"tracking_numbers": pairs})["result"] == [
        item(n, False, "HAS_INCORRECT_STATUS")
    ]
    refused(ozon, CANCEL, {"posting_number": n, "cancel_reason_id": 352}, "HAS_INCORRECT_STATUS")

    advance(world, 4 * 86400)  # the buyer confirms within 1-3 days
    t = truth(ozon, n)
    assert t["status"] == "delivered"
    assert t["substatus"] in ("posting_delivered", "posting_received")
    kinds = [h["kind"] for h in t["history"]]
    assert kinds[0] == "created"
    assert kinds[-2:] == ["conditionally_delivered", "delivered"]
    assert set(t["actions"]) == {"ship", "delivering", "last_mile", "delivered"}


def test_delivered_straight_from_delivering_skips_last_mile(world: World, ozon: OzonCaller) -> None:
    p = fresh(world, Scheme.RFBS_NON_INTEGRATED, lambda p: gates(p) == PLAIN_RFBS_GATES)[0]
    n = p.posting_number
    ozon.ok(SHIP, pack_body(p))
    advance(world, 60)
    ozon.ok(TRACK, {"tracking_numbers": [{"posting_number": n, "tracking_number": "LP0001"}]})
    ozon.ok(DELIVERING, {"posting_number": [n]})
    advance(world, 30)
    assert ozon.ok(DELIVERED, {"posting_number": [n]})["result"] == [item(n, True)]
    advance_to(world, p, "conditionally_delivered")
    assert status(ozon, n) == ("delivering", "posting_conditionally_delivered")


def test_history_posting_is_taken_over_and_waits_for_the_seller(
    world: World, ozon: OzonCaller
) -> None:
    p = history(world, Scheme.RFBS_NON_INTEGRATED, "awaiting_packaging")[0]
    n = p.posting_number
    before = truth(ozon, n)["history"]
    assert ozon.ok(SHIP, pack_body(p)) == {"result": [n]}
    assert not p.autopilot
    assert truth(ozon, n)["history"] == before  # the past is unchanged
    advance(world, 60)
    assert status(ozon, n) == ("awaiting_deliver", "posting_not_in_carriage")
    # Now nobody moves it on: it waits for "delivering" until the 10-day deadline.
    deadline = p.in_process_at + timedelta(seconds=HANDOVER_DEADLINE_S)
    advance(world, (deadline - world.now()).total_seconds() - 1)
    assert status(ozon, n) == ("awaiting_deliver", "posting_not_in_carriage")
    advance(world, 2)
    t = truth(ozon, n)
    assert t["status"] == "cancelled"
    assert t["cancellation"]["reason_id"] == 352


# --- packing ------------------------------------------------------------------------------------
def test_ship_refusals(world: World, ozon: OzonCaller) -> None:
    p = fresh(world, Scheme.FBS, lambda p: "ship" in gates(p))[0]
    n = p.posting_number
    body = pack_body(p)
    line = p.lines[0]
    refused(ozon, SHIP, {**body, "posting_number": "12345678-0001-1"}, "POSTING_NOT_FOUND")
    # Another shop's posting is not found for this shop.
    err = ozon.error(SHIP, body, 400, shop=world.shops[1])
    assert err["message"] == "POSTING_NOT_FOUND"
    wrong_qty = {
        "posting_number": n,
        "packages": [{"products": [{"product_id": line.sku.sku, "quantity": line.quantity + 1}]}],
    }
    refused(ozon, SHIP, wrong_qty, "HAS_INCORRECT_PRODUCT_QUANTITY")
    other = next(k for k in world.skus[0] if k.sku not in {x.sku.sku for x in p.lines})
    extra = pack_body(p)
    extra["packages"][0]["products"].append({"product_id": other.sku, "quantity": 1})
    refused(ozon, SHIP, extra, "HAS_INCORRECT_PRODUCT_QUANTITY")
    if len(p.lines) > 1 or line.quantity > 1:
        short = pack_body(p, split=True)
        short["packages"].pop()
        refused(ozon, SHIP, short, "HAS_INCORRECT_PRODUCT_QUANTITY")
    unknown = pack_body(p)
    unknown["packages"][0]["products"][0]["product_id"] = line.sku.product_id
    refused(ozon, SHIP, unknown, "UNKNOWN_PRODUCT_DEFINED")
    refused(ozon, SHIP, {"posting_number": n, "packages": []}, "HAS_INCORRECT_PRODUCT_QUANTITY")
    refused(
        ozon,
        SHIP,
        {"posting_number": n, "packages": [{"products": []}]},
        "HAS_INCORRECT_PRODUCT_QUANTITY",
    )
    assert p.actions == {}  # refusals change nothing
    ozon.ok(SHIP, body)
    refused(ozon, SHIP, body, "POSTING_ALREADY_SHIPPED")  # still packing
    # Postings already on their way, cancelled ones, and FBO postings.
    moving = history(world, Scheme.FBS, "delivering")[0]
    refused(ozon, SHIP, pack_body(moving), "POSTING_ALREADY_SHIPPED")
    gone = next(
        q
        for q in world.postings(
            world.shops[0], fbo=False, since=world.now() - timedelta(days=30), to=world.now()
        )
        if world.event(q).status == "cancelled"
    )
    refused(ozon, SHIP, pack_body(gone), "POSTING_ALREADY_CANCELLED")
    fbo = next(
        world.postings(
            world.shops[0], fbo=True, since=world.now() - timedelta(days=3), to=world.now()
        )
    )
    refused(ozon, SHIP, pack_body(fbo), "POSTING_NOT_FOUND")


def test_split_packing(world: World, ozon: OzonCaller) -> None:
    p = fresh(
        world,
        Scheme.FBS,
        lambda p: gates(p) == ["ship"] and sum(x.quantity for x in p.lines) >= 2,
    )[0]
    units = sum(x.quantity for x in p.lines)
    goods = sorted((x.sku.sku, x.quantity) for x in p.lines)
    body = pack_body(p, split=True) | {"with": {"additional_data": True}}
    got = ozon.ok(SHIP, body)
    expected = [p.posting_number] + [f"{p.order_number}-{k}" for k in range(2, units + 1)]
    assert got["result"] == expected
    assert [a["posting_number"] for a in got["additional_data"]] == expected
    assert all(sum(x["quantity"] for x in a["products"]) == 1 for a in got["additional_data"])
    advance(world, 60)
    parts = [world.find_posting(world.shops[0], number) for number in expected]
    total: dict[int, int] = {}
    for part in parts:
        assert part is not None
        assert sum(x.quantity for x in part.lines) == 1
        for x in part.lines:
            total[x.sku.sku] = total.get(x.sku.sku, 0) + x.quantity
        t = truth(ozon, part.posting_number)
        assert (t["status"], t["substatus"]) == ("awaiting_deliver", "posting_not_in_carriage")
    assert sorted(total.items()) == goods
    listed = [
        q.posting_number
        for q in world.postings(world.shops[0], fbo=False, since=p.created_at, to=world.now())
        if q.order_number == p.order_number
    ]
    assert listed == expected
    for number in expected:
        refused(ozon, SHIP, {**body, "posting_number": number}, "POSTING_ALREADY_SHIPPED")


def test_ship_failed_then_retry_packs_and_splits() -> None:
    world = quiet_world(ship_failed=1.0)
    with caller(world) as ozon:
        p = fresh(world, Scheme.FBS, lambda p: sum(x.quantity for x in p.lines) >= 2)[0]
        assert [t.kind for t in p.troubles] == ["ship_failed"]
        n = p.posting_number
        body = pack_body(p, split=True)
        assert ozon.ok(SHIP, body) == {"result": [n]}  # this attempt will fail: no split
        refused(ozon, SHIP, body, "HAS_INCORRECT_STATUS")  # still in flight
        advance(world, 60)
        assert status(ozon, n) == ("awaiting_packaging", "ship_failed")
        assert world.find_posting(world.shops[0], f"{p.order_number}-2") is None
        got = ozon.ok(SHIP, body)
        assert got["result"][0] == n
        assert len(got["result"]) == len(body["packages"])
        assert status(ozon, n) == ("awaiting_packaging", "ship_failed")
        advance(world, 60)
        for number in got["result"]:
            assert status(ozon, number) == ("awaiting_deliver", "posting_not_in_carriage")
        refused(ozon, SHIP, body, "POSTING_ALREADY_SHIPPED")


def test_unshipped_posting_is_cancelled_after_ten_days(world: World, ozon: OzonCaller) -> None:
    p = fresh(world, Scheme.FBS, lambda p: gates(p) == ["ship"])[0]
    n = p.posting_number
    deadline = p.in_process_at + timedelta(seconds=HANDOVER_DEADLINE_S)
    advance(world, (deadline - world.now()).total_seconds() - 1)
    assert status(ozon, n) == ("awaiting_packaging", "posting_created")
    advance(world, 2)
    t = truth(ozon, n)
    assert (t["status"], t["substatus"]) == ("cancelled", "posting_canceled")
    assert t["cancellation"]["reason_id"] == 352
    assert t["cancellation"]["cancellation_type"] == "seller"
    refused(ozon, SHIP, pack_body(p), "POSTING_ALREADY_CANCELLED")


# --- tracking numbers ---------------------------------------------------------------------------
def test_tracking_numbers_mixed_batch(world: World, ozon: OzonCaller) -> None:
    ready = history(world, Scheme.RFBS_NON_INTEGRATED, "awaiting_deliver")[:2]
    waiting = fresh(world, Scheme.RFBS_NON_INTEGRATED)[0]
    fbs = history(world, Scheme.FBS, "awaiting_deliver")[0]
    tpl = history(world, Scheme.RFBS_3PL, "delivering")[0]
    other_shop = history(world, Scheme.RFBS_NON_INTEGRATED, "awaiting_deliver", shop=1)[0]
    pairs = [
        (ready[0].posting_number, "YT1234567890"),
        (waiting.posting_number, "YT0000000001"),
        (fbs.posting_number, "YT0000000002"),
        (tpl.posting_number, "YT0000000003"),
        ("99999999-0001-1", "YT0000000004"),
        (other_shop.posting_number, "YT0000000005"),
        (ready[1].posting_number, "   "),
        (ready[1].posting_number, "YT 12"),
    ]
    body = {"tracking_numbers": [{"posting_number": a, "tracking_number": b} for a, b in pairs]}
    got = ozon.ok(TRACK, body)["result"]
    assert got == [
        item(ready[0].posting_number, True),
        item(waiting.posting_number, False, "HAS_INCORRECT_STATUS"),
        item(fbs.posting_number, False, "HAS_INCORRECT_TPL_INTEGRATION_TYPE"),
        item(tpl.posting_number, False, "HAS_INCORRECT_TPL_INTEGRATION_TYPE"),
        item("99999999-0001-1", False, "POSTING_NOT_FOUND"),
        item(other_shop.posting_number, False, "POSTING_NOT_FOUND"),
        item(ready[1].posting_number, False, "TRACKING_NUMBER_IS_EMPTY"),
        item(ready[1].posting_number, False, "INVALID_TRACKING_NUMBER"),
    ]
    assert truth(ozon, ready[0].posting_number)["tracking_number"] == "YT1234567890"
    assert truth(ozon, ready[1].posting_number)["tracking_number"] == ""
    assert fbs.tracking_number == ""
    assert waiting.tracking_number == ""


def test_tracking_numbers_at_most_twenty_per_call(world: World, ozon: OzonCaller) -> None:
    ready = history(world, Scheme.RFBS_NON_INTEGRATED, "awaiting_deliver")[0]
    pair = {"posting_number": ready.posting_number, "tracking_number": "RB000000001CN"}
    err = ozon.error(TRACK, {"tracking_numbers": [pair] * 21}, 400)
    assert err["code"] == 3
    assert "20" in err["message"]
    assert ready.tracking_number == ""
    assert (
        ozon.ok(TRACK, {"tracking_numbers": [pair] * 20})["result"]
        == [item(ready.posting_number, True)] * 20
    )
    ozon.error(TRACK, {"tracking_numbers": []}, 400)


# --- status moves -------------------------------------------------------------------------------
@pytest.mark.parametrize("path", [DELIVERING, LAST_MILE, DELIVERED])
def test_status_moves_refused_per_item(world: World, ozon: OzonCaller, path: str) -> None:
    fbs = history(world, Scheme.FBS, "awaiting_deliver")[0]
    tpl = history(world, Scheme.RFBS_3PL, "delivering")[0]
    agg = history(world, Scheme.RFBS_AGGREGATOR, "awaiting_deliver")[0]
    unpacked = fresh(world, Scheme.RFBS_NON_INTEGRATED)[0]
    numbers = [fbs, tpl, agg, unpacked]
    body = {"posting_number": [q.posting_number for q in numbers] + ["11111111-0001-1"]}
    got = ozon.ok(path, body)["result"]
    assert got == [
        item(fbs.posting_number, False, "HAS_INCORRECT_TPL_INTEGRATION_TYPE"),
        item(tpl.posting_number, False, "HAS_INCORRECT_TPL_INTEGRATION_TYPE"),
        item(agg.posting_number, False, "HAS_INCORRECT_TPL_INTEGRATION_TYPE"),
        item(unpacked.posting_number, False, "TRANSITION_IS_NOT_POSSIBLE"),
        item("11111111-0001-1", False, "POSTING_NOT_FOUND"),
    ]
    assert all(not q.actions for q in numbers)
    ozon.error(path, {"posting_number": []}, 400)


# --- cancel -------------------------------------------------------------------------------------
def test_cancel_reason_list(ozon: OzonCaller) -> None:
    got = ozon.ok(REASONS, {})["result"]
    by_id = {r["id"]: r for r in got}
    assert by_id[352]["is_available_for_cancellation"] is True
    assert by_id[401]["is_available_for_cancellation"] is False
    assert by_id[402]["type_id"] == "seller"
    assert by_id[402]["title"]
    assert {r["type_id"] for r in got} == {"seller", "buyer"}


def test_cancel_then_actions_refused(world: World, ozon: OzonCaller) -> None:
    p = fresh(world, Scheme.RFBS_NON_INTEGRATED, lambda p: "ship" in gates(p))[0]
    n = p.posting_number
    refused(
        ozon, CANCEL, {"posting_number": n, "cancel_reason_id": 999}, "HAS_INCORRECT_CANCEL_REASON"
    )
    refused(
        ozon, CANCEL, {"posting_number": n, "cancel_reason_id": 401}, "HAS_INCORRECT_CANCEL_REASON"
    )
    refused(
        ozon, CANCEL, {"posting_number": n, "cancel_reason_id": 501}, "HAS_INCORRECT_CANCEL_REASON"
    )
    refused(
        ozon, CANCEL, {"posting_number": n, "cancel_reason_id": 667}, "HAS_INCORRECT_CANCEL_REASON"
    )
    err = ozon.error(CANCEL, {"posting_number": n, "cancel_reason_id": 402}, 400)
    assert "cancel_reason_message" in err["message"]
    refused(
        ozon,
        CANCEL,
        {"posting_number": "10000000-0001-1", "cancel_reason_id": 352},
        "POSTING_NOT_FOUND",
    )
    assert status(ozon, n) == ("awaiting_packaging", "posting_created")
    body = {"posting_number": n, "cancel_reason_id": 402, "cancel_reason_message": "нет в наличии"}
    assert ozon.ok(CANCEL, body) == {"result": True}
    t = truth(ozon, n)
    assert (t["status"], t["substatus"]) == ("cancelled", "posting_canceled")
    assert t["cancellation"] == {
        "reason_id": 402,
        "reason": "Другое (вина продавца)",
        "cancellation_type": "seller",
    }
    assert p.cancellation is not None
    assert p.cancellation.affect_cancellation_rating
    assert not p.cancellation.cancelled_after_ship
    refused(ozon, CANCEL, body, "POSTING_ALREADY_CANCELLED")
    refused(ozon, SHIP, pack_body(p), "POSTING_ALREADY_CANCELLED")
    pairs = [{"posting_number": n, "tracking_number": "RU1"}]
    assert ozon.ok(TRACK, {"tracking_numbers": pairs})["result"] == [
        item(n, False, "POSTING_ALREADY_CANCELLED")
    ]
    assert ozon.ok(DELIVERING, {"posting_number": [n]})["result"] == [
        item(n, False, "POSTING_ALREADY_CANCELLED")
    ]
    advance(world, 20 * 86400)  # stays cancelled (no deadline cancellation on top)
    assert truth(ozon, n)["cancellation"]["reason_id"] == 402


def test_cancel_after_packing_and_after_handover(world: World, ozon: OzonCaller) -> None:
    packed = history(world, Scheme.FBS, "awaiting_deliver", "posting_not_in_carriage")[0]
    ozon.ok(CANCEL, {"posting_number": packed.posting_number, "cancel_reason_id": 352})
    assert status(ozon, packed.posting_number)[0] == "cancelled"
    assert packed.cancellation is not None
    assert packed.cancellation.cancelled_after_ship
    handed = history(world, Scheme.FBS, "awaiting_deliver", "posting_transferring_to_delivery")[0]
    on_way = history(world, Scheme.FBS, "delivering")[0]
    for q in (handed, on_way):
        body = {"posting_number": q.posting_number, "cancel_reason_id": 352}
        refused(ozon, CANCEL, body, "HAS_INCORRECT_STATUS")
        assert world.event(q).status != "cancelled"
    # The seller's own carrier lost the parcel: 667 only, and it does not hurt the rating.
    lost = history(world, Scheme.RFBS_NON_INTEGRATED, "delivering")[0]
    body = {"posting_number": lost.posting_number, "cancel_reason_id": 352}
    refused(ozon, CANCEL, body, "HAS_INCORRECT_CANCEL_REASON")
    ozon.ok(CANCEL, body | {"cancel_reason_id": 667})
    assert truth(ozon, lost.posting_number)["cancellation"]["reason_id"] == 667
    assert lost.cancellation is not None
    assert not lost.cancellation.affect_cancellation_rating


# --- disputes -----------------------------------------------------------------------------------
def _ship_and_wait_for(world: World, ozon: OzonCaller, p: Posting, kind: str) -> None:
    ozon.ok(SHIP, pack_body(p))
    advance_to(world, p, kind)


def test_arbitration_for_not_accepted_posting() -> None:
    world = quiet_world(not_accepted=1.0)
    with caller(world) as ozon:
        p, q = fresh(world, Scheme.FBS)[:2]
        n = p.posting_number
        refused(ozon, ARBITRATION, {"posting_number": [n]}, "TRANSITION_IS_NOT_POSSIBLE")
        _ship_and_wait_for(world, ozon, p, "not_accepted")
        assert status(ozon, n) == ("not_accepted", "posting_not_in_sort_center")
        # All or nothing: q was never packed, so p is not disputed either.
        body = {"posting_number": [n, q.posting_number]}
        refused(ozon, ARBITRATION, body, "TRANSITION_IS_NOT_POSSIBLE")
        assert "arbitration" not in p.actions
        assert ozon.ok(ARBITRATION, {"posting_number": [n]}) == {"result": True}
        refused(ozon, ARBITRATION, {"posting_number": [n]}, "TRANSITION_IS_NOT_POSSIBLE")
        assert status(ozon, n) == ("not_accepted", "posting_not_in_sort_center")
        advance(world, GATE_DELAY_S["arbitration"] + 1)
        assert status(ozon, n) == ("arbitration", "posting_in_arbitration")
        advance_past(world, p)  # the dispute ends as planned: Ozon cancels it
        t = truth(ozon, n)
        assert t["status"] == "cancelled"
        assert t["cancellation"]["reason_id"] == 504
        refused(ozon, ARBITRATION, {"posting_number": ["22222222-0001-1"]}, "POSTING_NOT_FOUND")


def test_arbitration_for_handed_over_but_not_scanned() -> None:
    world = quiet_world(arbitration=1.0)
    with caller(world) as ozon:
        p = fresh(world, Scheme.FBS)[0]
        n = p.posting_number
        _ship_and_wait_for(world, ozon, p, "handed_over")
        assert status(ozon, n) == ("awaiting_deliver", "posting_transferring_to_delivery")
        advance(world, 5 * 86400)  # stuck: the sorting centre never scanned it
        assert status(ozon, n) == ("awaiting_deliver", "posting_transferring_to_delivery")
        assert ozon.ok(ARBITRATION, {"posting_number": [n]}) == {"result": True}
        advance(world, GATE_DELAY_S["arbitration"] + 1)
        assert status(ozon, n) == ("arbitration", "posting_in_arbitration")
        advance_past(world, p)
        assert status(ozon, n)[0] == "delivered"
        kinds = [h["kind"] for h in truth(ozon, n)["history"]]
        assert kinds.index("arbitration") < kinds.index("arbitration_resolved")
    # Without the trouble no dispute is possible.
    ordinary = quiet_world()
    with caller(ordinary) as ozon:
        q = fresh(ordinary, Scheme.FBS)[0]
        _ship_and_wait_for(ordinary, ozon, q, "handed_over")
        body = {"posting_number": [q.posting_number]}
        refused(ozon, ARBITRATION, body, "TRANSITION_IS_NOT_POSSIBLE")
