"""The simulated 17TRACK follows the Ozon world's parcels: its scans agree with the world's
truth (``/_sim/postings/{number}``) for every injected trouble, and are deterministic."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest

from ozonops.simulator import track17
from ozonops.simulator.app import create_app
from ozonops.simulator.config import SimConfig, TroubleRates
from ozonops.simulator.world import World

from .conftest import AsgiClient

TROUBLED = SimConfig(
    seed=23,
    shops=1,
    orders_per_day=70,
    history_days=70,
    troubles=TroubleRates(
        stall=0.3,
        customs_hold=0.3,
        lost=0.15,
        return_to_sender=0.15,
        failed_delivery=0.15,
        damaged=0.4,
        buyer_cancellation=0.0,
    ),
)

#: The world event each carrier sub-status mirrors, at the same instant.
MIRRORS: dict[str, set[str]] = {
    "in_transit": {"InTransit_PickedUp"},
    "customs_hold": {"InTransit_CustomsRequiringInformation", "Exception_Security"},
    "customs_released": {"InTransit_CustomsReleased"},
    "arrived_city": {"InTransit_Other"},
    "at_pickup_point": {"AvailableForPickup_Other"},
    "out_for_delivery": {"OutForDelivery_Other"},
    "lost": {"Exception_Lost"},
    "returned_to_sender": {"Exception_Returning"},
    "not_collected": {"Exception_Returning"},
}


def t(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


@pytest.fixture(scope="module")
def sim() -> Iterator[tuple[World, AsgiClient]]:
    world = World(TROUBLED)
    client = AsgiClient(create_app(TROUBLED, world=world), base_url="http://sim")
    yield world, client
    client.close()


def _numbers(client: AsgiClient, limit: int = 5000) -> list[str]:
    resp = client.get(f"/_sim/17track/numbers?limit={limit}")
    assert resp.status_code == 200
    numbers: list[str] = resp.json()["numbers"]
    return numbers


def _truths(client: AsgiClient, number: str) -> tuple[dict[str, Any], dict[str, Any]]:
    parcel = client.get(f"/_sim/17track/parcels/{number}").json()
    posting = client.get(f"/_sim/postings/{parcel['posting_number']}").json()
    return parcel, posting


def check_agreement(parcel: dict[str, Any], posting: dict[str, Any]) -> set[str]:
    """Assert the carrier's scans agree with the posting's truth; the troubles checked."""
    scans = [e for e in parcel["events"] if e["happened"]]
    times = [t(e["at"]) for e in scans]
    assert times == sorted(times), "scans out of order"
    history = posting["history"]
    first_scan = next((h for h in history if h["kind"] == "in_transit"), None)
    if first_scan is None:
        assert all(e["sub_status"] == "InfoReceived" for e in scans)
        return set()
    t0 = t(first_scan["at"])
    early = [e for e in scans if t(e["at"]) < t0]
    assert all(e["sub_status"] == "InfoReceived" for e in early), early
    if posting["tpl_integration_type"] == "3pl_tracking":
        packed = next(h for h in history if h["kind"] == "packed")
        assert [(e["at"], e["sub_status"]) for e in early] == [(packed["at"], "InfoReceived")]
    else:
        assert early == []
    by_time: dict[str, set[str]] = {}
    for e in scans:
        by_time.setdefault(e["at"], set()).add(e["sub_status"])
    for h in history:
        wanted = MIRRORS.get(h["kind"])
        if wanted is not None and t(h["at"]) >= t0:
            assert by_time.get(h["at"], set()) & wanted, (h, by_time.get(h["at"]))
    kinds = [h["kind"] for h in history]
    done = next((h for h in history if h["kind"] == "conditionally_delivered"), None)
    done = done or next((h for h in history if h["kind"] == "delivered"), None)
    if done is not None:
        assert "Delivered_Other" in by_time.get(done["at"], set())
        assert [e["sub_status"] for e in scans].count("Delivered_Other") == 1
    checked = set()
    for trouble in posting["troubles"]:
        at = t(trouble["at"])
        if at > t(posting["history"][-1]["at"]):
            continue
        kind = trouble["kind"]
        if kind == "stall":
            days = float(trouble["detail"].split()[0])
            quiet = [e for e in scans if at < t(e["at"]) < at + timedelta(days=days)]
            assert quiet == [], f"scans during a stall: {quiet}"
            checked.add(kind)
        elif kind == "lost" and "lost" in kinds:
            lost = t(next(h for h in history if h["kind"] == "lost")["at"])
            assert [e for e in scans if at < t(e["at"]) < lost] == []
            assert scans[-1]["sub_status"] == "Exception_Lost"
            checked.add(kind)
        elif kind == "damaged" and done is not None:
            subs = [e["sub_status"] for e in scans]
            assert subs.index("Exception_Damage") == subs.index("Delivered_Other") - 1
            checked.add(kind)
        elif kind in ("customs_hold", "return_to_sender", "failed_delivery"):
            checked.add(kind)
    if "not_collected" in kinds and "out_for_delivery" in kinds:
        subs = [e["sub_status"] for e in scans]
        assert "DeliveryFailure_NoBody" in subs
        assert subs.index("OutForDelivery_Other") < subs.index("DeliveryFailure_NoBody")
    return checked


def test_scans_agree_with_the_world_for_every_trouble(sim: tuple[World, AsgiClient]) -> None:
    _world, client = sim
    numbers = _numbers(client)
    assert len(numbers) > 300
    checked: Counter[str] = Counter()
    for number in numbers[:400]:
        parcel, posting = _truths(client, number)
        assert posting["tracking_number"] == number
        checked.update(check_agreement(parcel, posting))
    for kind in ("stall", "lost", "damaged", "customs_hold", "return_to_sender", "failed_delivery"):
        assert checked[kind] >= 3, (kind, checked)


def test_each_leg_is_reported_by_its_carrier(sim: tuple[World, AsgiClient]) -> None:
    _, client = sim
    number = next(
        n
        for n in _numbers(client, 200)
        if _truths(client, n)[1]["history"][-1]["kind"] == "delivered"
    )
    parcel, _ = _truths(client, number)
    legs = [e["leg"] for e in parcel["events"] if e["sub_status"] != "InfoReceived"]
    order = ["first_mile_cn", "export_customs", "line_haul", "import_customs", "last_mile_ru"]
    assert [leg for leg in dict.fromkeys(legs) if leg in order] == order
    in_russia = ("last_mile_ru", "pickup_point")
    first_mile = {e["provider"] for e in parcel["events"] if e["leg"] not in in_russia}
    last_mile = {e["provider"] for e in parcel["events"] if e["leg"] in in_russia}
    assert first_mile == {parcel["carrier"]}
    assert last_mile == {parcel["last_mile_carrier"]}
    assert all(e["location"].endswith(", CN") for e in parcel["events"][:4])


def test_same_seed_same_scans() -> None:
    a = World(TROUBLED)
    b = World(TROUBLED)
    book_a, book_b = track17.service_for(a).book, track17.service_for(b).book
    numbers = book_a.trackable_numbers(a.now(), 300)
    assert numbers == book_b.trackable_numbers(b.now(), 300)
    for number in numbers:
        pa, pb = book_a.parcel(number, a.now()), book_b.parcel(number, b.now())
        assert pa is not None
        assert pb is not None
        assert pa.events == pb.events
    other = World(TROUBLED.model_copy(update={"seed": 24}))
    assert track17.service_for(other).book.trackable_numbers(other.now(), 300) != numbers


def test_unknown_numbers_are_no_parcel(sim: tuple[World, AsgiClient]) -> None:
    world, client = sim
    book = track17.service_for(world).book
    assert book.parcel("LX999999995CN", world.now()) is None
    assert book.parcel("NOT-A-PARCEL", world.now()) is None
    assert client.get("/_sim/17track/parcels/LX999999995CN").status_code == 404
