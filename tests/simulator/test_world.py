"""The world itself: the clock, determinism, each scheme's lifecycle, troubles and deadlines."""

from __future__ import annotations

import hashlib
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest

from ozonops.simulator.clock import SimClock
from ozonops.simulator.config import TroubleRates
from ozonops.simulator.world import Posting, Scheme, World, lifecycle
from tests.simulator.conftest import make_world

START = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)

# Push substatus per API status (ozon-api.md §2.3), plus the substatuses the table leaves out
# that the spec's substatus enum has for that status (posting_created for packing, ship_failed,
# the registration substatuses, FBO's posting_packing).
SUBSTATUSES = {
    "awaiting_packaging": {"posting_created", "ship_failed", "posting_packing"},
    "awaiting_registration": {"posting_awaiting_registration", "posting_registration_error"},
    "awaiting_deliver": {
        "posting_transferring_to_delivery",
        "posting_in_carriage",
        "posting_not_in_carriage",
        "posting_registered",
    },
    "acceptance_in_progress": {"posting_acceptance_in_progress"},
    "arbitration": {"posting_in_arbitration"},
    "client_arbitration": {"posting_in_client_arbitration"},
    "delivering": {
        "posting_on_way_to_city",
        "posting_transferred_to_courier_service",
        "posting_in_courier_service",
        "posting_on_way_to_pickup_point",
        "posting_in_pickup_point",
        "posting_conditionally_delivered",
    },
    "delivered": {"posting_delivered", "posting_received"},
    "cancelled": {"posting_canceled"},
    "not_accepted": {"posting_not_in_sort_center"},
}

# Which status may follow which, per scheme (ozon-api.md §2.4; statuses may repeat with a new
# substatus). Cancelled and delivered end a posting.
_FBS_FAMILY = {
    "awaiting_packaging": {"awaiting_deliver", "awaiting_registration", "cancelled"},
    "awaiting_registration": {"awaiting_deliver", "cancelled"},
    "awaiting_deliver": {
        "acceptance_in_progress",
        "delivering",
        "arbitration",
        "not_accepted",
        "cancelled",
    },
    "not_accepted": {"arbitration", "cancelled"},
    "arbitration": {"awaiting_deliver", "cancelled"},
    "acceptance_in_progress": {"delivering", "cancelled"},
    "delivering": {"delivered", "client_arbitration", "cancelled"},
    "client_arbitration": {"cancelled", "delivered"},
}
_FBO = {
    "awaiting_packaging": {"awaiting_deliver", "cancelled"},
    "awaiting_deliver": {"delivering", "cancelled"},
    "delivering": {"delivered", "cancelled"},
}


def _fingerprint(world: World, count: int = 300) -> str:
    digest = hashlib.sha256()
    step = max(1, len(world.index) // count)
    for i in range(0, len(world.index), step):
        p = world.posting(i)
        digest.update(p.posting_number.encode())
        for ev in p.timeline:
            digest.update(f"{ev.at.isoformat()}|{ev.status}|{ev.substatus}|{ev.kind}".encode())
        for line in p.lines:
            digest.update(f"{line.sku.sku}:{line.quantity}:{line.price}".encode())
    return digest.hexdigest()


def _history_postings(world: World) -> list[Posting]:
    since = world.config.start - timedelta(days=world.config.history_days + 1)
    return [
        p
        for shop in world.shops
        for fbo in (False, True)
        for p in world.postings(shop, fbo=fbo, since=since, to=world.config.start)
    ]


# --- the clock ---------------------------------------------------------------------------------
def test_a_frozen_clock_only_moves_when_advanced() -> None:
    ticks = iter([0.0, 100.0, 200.0, 300.0])
    clock = SimClock(START, monotonic=lambda: next(ticks))
    assert clock.now() == START
    assert clock.advance(90) == START + timedelta(seconds=90)
    assert clock.now() == START + timedelta(seconds=90)


def test_a_running_clock_goes_n_times_faster_and_never_back() -> None:
    real = [0.0]
    clock = SimClock(START, speed=60, monotonic=lambda: real[0])
    real[0] = 2.0
    assert clock.now() == START + timedelta(minutes=2)
    clock.set_speed(0)  # freezing keeps the time reached
    real[0] = 50.0
    assert clock.now() == START + timedelta(minutes=2)
    with pytest.raises(ValueError, match="only moves forward"):
        clock.advance(-1)
    with pytest.raises(ValueError, match="speed"):
        clock.set_speed(-2)


def test_a_naive_start_is_refused() -> None:
    with pytest.raises(ValueError, match="aware"):
        SimClock(datetime(2026, 1, 1))


# --- determinism -------------------------------------------------------------------------------
def test_the_same_seed_gives_the_same_world_and_another_seed_another() -> None:
    first, again, other = make_world(), make_world(), make_world(seed=8)
    assert [s.api_key for s in first.shops] == [s.api_key for s in again.shops]
    assert _fingerprint(first) == _fingerprint(again)
    assert _fingerprint(first) != _fingerprint(other)


def test_a_day_is_the_same_however_the_clock_reached_it() -> None:
    stepwise, at_once = make_world(), make_world()
    for _ in range(4):
        stepwise.clock.advance(6 * 3600)
        stepwise.now()
    at_once.clock.advance(24 * 3600)
    at_once.now()
    assert len(stepwise.index) == len(at_once.index)
    assert _fingerprint(stepwise) == _fingerprint(at_once)


def test_posting_numbers_lead_back_to_their_posting_and_shop() -> None:
    world = make_world()
    for p in _history_postings(world)[::97]:
        shop = world.shops[p.shop_index]
        assert world.find_posting(shop, p.posting_number) is p
        other = world.shops[1 - p.shop_index]
        assert world.find_posting(other, p.posting_number) is None
    assert world.find_posting(world.shops[0], "00000000-0000-1") is None
    assert world.find_posting(world.shops[0], "not-a-number") is None


# --- lifecycles --------------------------------------------------------------------------------
def test_every_history_timeline_follows_its_schemes_lifecycle() -> None:
    world = make_world(orders_per_day=120)
    seen: Counter[tuple[Scheme, str]] = Counter()
    for p in _history_postings(world):
        assert p.autopilot
        allowed = _FBO if p.scheme is Scheme.FBO else _FBS_FAMILY
        statuses = [ev.status for ev in p.timeline]
        assert statuses[0] == "awaiting_packaging", p.posting_number
        for before, after in zip(p.timeline, p.timeline[1:], strict=False):
            assert before.at <= after.at, p.posting_number
            assert before.status not in ("cancelled", "delivered"), p.posting_number
            if after.status != before.status:
                assert after.status in allowed[before.status], (p.scheme, statuses)
        for ev in p.timeline:
            assert ev.substatus in SUBSTATUSES[ev.status], (ev.status, ev.substatus)
            seen[(p.scheme, ev.status)] += 1
        final = p.timeline[-1].status
        assert (final == "cancelled") == (world.cancellation(p, p.timeline[-1].at) is not None)
    for scheme in Scheme:
        assert seen[(scheme, "delivered")] > 0, scheme
        assert seen[(scheme, "cancelled")] > 0, scheme


def test_rfbs_non_integrated_is_conditionally_delivered_before_delivered() -> None:
    world = make_world(orders_per_day=120)
    checked = 0
    for p in _history_postings(world):
        if p.scheme is Scheme.RFBS_NON_INTEGRATED and p.timeline[-1].status == "delivered":
            subs = [ev.substatus for ev in p.timeline]
            assert subs[-2] == "posting_conditionally_delivered"
            checked += 1
    assert checked > 10


def test_trouble_rates_are_honoured() -> None:
    none = TroubleRates(**{name: 0.0 for name in TroubleRates.model_fields})
    quiet = make_world(troubles=none)
    assert not any(p.troubles for p in _history_postings(quiet))
    lossy = make_world(troubles=none.model_copy(update={"lost": 1.0}))
    postings = _history_postings(lossy)
    for p in postings:
        if p.scheme is not Scheme.FBO:  # FBO goods are not lost in transit from China
            assert [t.kind for t in p.troubles] == ["lost"]
            assert p.timeline[-1].kind == "lost"
            assert lossy.cancellation(p, p.timeline[-1].at) == lifecycle.LOST_BY_CARRIER


def test_troubles_show_in_the_timeline_when_they_happen() -> None:
    world = make_world(orders_per_day=150)
    kinds: Counter[str] = Counter()
    for p in _history_postings(world):
        for trouble in p.troubles:
            kinds[trouble.kind] += 1
            at = p.in_process_at + timedelta(seconds=trouble.offset_s)
            assert p.timeline[0].at <= at, (p.posting_number, trouble)
        if any(t.kind == "customs_hold" for t in p.troubles):
            assert "customs_hold" in [ev.kind for ev in p.timeline]
    for kind in ("late_packing", "stall", "customs_hold", "buyer_cancellation", "lost"):
        assert kinds[kind] > 0, kind


# --- deadlines ---------------------------------------------------------------------------------
def _fresh(world: World, scheme: Scheme, status: str) -> Posting:
    world.clock.advance(6 * 3600)
    since = world.config.start
    for shop in world.shops:
        for p in world.postings(shop, fbo=scheme is Scheme.FBO, since=since, to=world.now()):
            if p.scheme is scheme and not p.autopilot and world.event(p).status == status:
                return p
    raise AssertionError(f"no fresh {scheme.name} posting in {status}")


def test_an_unshipped_posting_is_cancelled_after_ten_days() -> None:
    world = make_world()
    p = _fresh(world, Scheme.RFBS_NON_INTEGRATED, "awaiting_packaging")
    deadline = p.in_process_at + timedelta(seconds=lifecycle.HANDOVER_DEADLINE_S)
    assert world.event(p, deadline - timedelta(seconds=1)).status == "awaiting_packaging"
    last = world.event(p, deadline)
    assert (last.status, last.kind) == ("cancelled", "not_shipped_in_time")
    assert world.cancellation(p, deadline) == lifecycle.NOT_SHIPPED_IN_TIME


def test_a_not_accepted_posting_without_a_dispute_is_cancelled() -> None:
    rates = TroubleRates(**{name: 0.0 for name in TroubleRates.model_fields})
    world = make_world(troubles=rates.model_copy(update={"not_accepted": 1.0}), autopilot=False)
    p = _fresh(world, Scheme.FBS, "awaiting_packaging")
    with world.lock:
        p.actions["ship"] = [world.now()]
        world.refresh(p)
    not_accepted = next(ev for ev in p.timeline if ev.status == "not_accepted")
    expired = p.timeline[-1]
    assert expired.kind == "dispute_not_opened"
    assert expired.at == not_accepted.at + timedelta(seconds=lifecycle.ARBITRATION_DEADLINE_S)
    assert world.cancellation(p, expired.at) == lifecycle.NOT_ACCEPTED_CANCEL
