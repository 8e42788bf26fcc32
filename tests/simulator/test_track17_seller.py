"""A parcel the seller ships through the Ozon API is the one 17TRACK tracks: NotFound until the
carrier has it, then its scans, which go on whether or not the seller reports them to Ozon."""

from __future__ import annotations

from ozonops.simulator import track17
from ozonops.simulator.app import create_app
from ozonops.simulator.reference.carriers import CARRIERS_BY_CODE
from ozonops.simulator.reference.tracking_numbers import make_tracking_number
from ozonops.simulator.world import Scheme
from ozonops.simulator.world.lifecycle import GATE_DELAY_S

from .conftest import AsgiClient, OzonCaller
from .test_posting_actions import (
    DELIVERED,
    DELIVERING,
    PLAIN_RFBS_GATES,
    SHIP,
    TRACK,
    advance,
    fresh,
    gates,
    pack_body,
    quiet_world,
    status,
)


def test_seller_shipped_parcel_is_tracked_by_17track() -> None:
    world = quiet_world()
    service = track17.service_for(world)
    client = AsgiClient(create_app(world.config, world=world))
    try:
        ozon = OzonCaller(client, world)
        p = next(
            p
            for p in fresh(
                world, Scheme.RFBS_NON_INTEGRATED, lambda p: gates(p) == PLAIN_RFBS_GATES
            )
            if CARRIERS_BY_CODE[p.carrier_code].track17_code is not None
        )
        n = p.posting_number
        carrier = CARRIERS_BY_CODE[p.carrier_code]
        number = make_tracking_number(carrier, 4242)
        # The world's own planned number of a new posting is not the parcel's: the seller's is.
        assert service.book.parcel(p.planned_tracking_number, world.now()) is None

        ozon.ok(SHIP, pack_body(p))
        advance(world, GATE_DELAY_S["ship"] + 1)
        pairs = [{"posting_number": n, "tracking_number": number}]
        assert ozon.ok(TRACK, {"tracking_numbers": pairs})["result"][0]["result"] is True

        token = service.open_account(per_second=100).token
        api = "/17track/track/v2.2"
        headers = {"17token": token}

        def latest() -> str:
            resp = client.post(f"{api}/gettrackinfo", json=[{"number": number}], headers=headers)
            sub: str = resp.json()["data"]["accepted"][0]["track_info"]["latest_status"][
                "sub_status"
            ]
            return sub

        reg = client.post(f"{api}/register", json=[{"number": number}], headers=headers).json()
        assert reg["data"]["accepted"] == [
            {"origin": 1, "number": number, "carrier": carrier.track17_code}
        ]
        assert latest() == "NotFound_Other"  # packed, not handed to the carrier yet

        assert ozon.ok(DELIVERING, {"posting_number": [n]})["result"][0]["result"] is True
        advance(world, GATE_DELAY_S["delivering"] + 1)
        assert status(ozon, n) == ("delivering", "posting_on_way_to_city")
        assert latest() == "InTransit_PickedUp"

        # The seller reports nothing more; the parcel travels and is delivered all the same.
        parcel = service.book.parcel(number, world.now())
        assert parcel is not None
        done = next(e for e in parcel.events if e.sub_status == "Delivered_Other")
        advance(world, (done.at - world.now()).total_seconds() + 1)
        assert latest() == "Delivered_Other"
        assert status(ozon, n)[1] != "posting_conditionally_delivered"

        # Now the seller tells Ozon, as ozonops will on seeing "delivered".
        assert ozon.ok(DELIVERED, {"posting_number": [n]})["result"][0]["result"] is True
        advance(world, GATE_DELAY_S["delivered"] + 1)
        assert status(ozon, n) == ("delivering", "posting_conditionally_delivered")
        assert latest() == "Delivered_Other"
    finally:
        client.close()
