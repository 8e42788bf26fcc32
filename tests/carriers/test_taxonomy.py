"""The normalized tracking vocabulary and its mappings (carriers.md §3.3–3.5)."""

from __future__ import annotations

import logging

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ozonops.carriers import (
    OZON_SUBSTATUSES,
    TRACK17_SUB_STATUSES,
    ExceptionReason,
    NormalizedStatus,
    TrackingStatus,
    from_ozon,
    from_track17,
)

S, R = TrackingStatus, ExceptionReason

# carriers.md §3.4, row by row, for every sub-status of §2.6 (written out here, not read
# from the module, so a wrong entry in the module's table fails).
TRACK17_EXPECTED: dict[str, tuple[TrackingStatus, ExceptionReason | None]] = {
    "NotFound_Other": (S.REGISTERED, None),
    "NotFound_InvalidCode": (S.EXCEPTION, R.INVALID_NUMBER),
    "InfoReceived": (S.INFO_RECEIVED, None),
    "InTransit_PickedUp": (S.PICKED_UP, None),
    "InTransit_Departure": (S.IN_TRANSIT, None),
    "InTransit_Arrival": (S.IN_TRANSIT, None),
    "InTransit_CustomsReleased": (S.IN_TRANSIT, None),
    "InTransit_Other": (S.IN_TRANSIT, None),
    "InTransit_CustomsProcessing": (S.CUSTOMS, None),
    "InTransit_CustomsRequiringInformation": (S.EXCEPTION, R.CUSTOMS_DOCS_REQUIRED),
    "Expired_Other": (S.EXCEPTION, R.STALE),
    "AvailableForPickup_Other": (S.READY_FOR_PICKUP, None),
    "OutForDelivery_Other": (S.OUT_FOR_DELIVERY, None),
    "DeliveryFailure_NoBody": (S.DELIVERY_FAILED, R.RECIPIENT_UNAVAILABLE),
    "DeliveryFailure_InvalidAddress": (S.DELIVERY_FAILED, R.ADDRESS_INVALID),
    "DeliveryFailure_Rejected": (S.DELIVERY_FAILED, R.RECIPIENT_REFUSED),
    "DeliveryFailure_Security": (S.DELIVERY_FAILED, R.CUSTOMS_DUTIES_UNPAID),
    "DeliveryFailure_Other": (S.DELIVERY_FAILED, R.OTHER),
    "Delivered_Other": (S.DELIVERED, None),
    "Exception_Returning": (S.RETURNING, None),
    "Exception_Returned": (S.RETURNED, None),
    "Exception_NoBody": (S.EXCEPTION, R.RECIPIENT_UNAVAILABLE),
    "Exception_Rejected": (S.EXCEPTION, R.RECIPIENT_REFUSED),
    "Exception_Security": (S.EXCEPTION, R.CUSTOMS_HOLD),
    "Exception_Delayed": (S.EXCEPTION, R.DELAYED),
    "Exception_Damage": (S.EXCEPTION, R.DAMAGED),
    "Exception_Lost": (S.EXCEPTION, R.LOST),
    "Exception_Destroyed": (S.EXCEPTION, R.PROHIBITED_OR_DESTROYED),
    "Exception_Cancel": (S.CANCELLED, None),
    "Exception_Other": (S.EXCEPTION, R.OTHER),
}

# carriers.md §3.5, and ozon-api.md §2.2's full substatus list (+ FBO's posting_packing).
OZON_EXPECTED: dict[str, tuple[TrackingStatus, ExceptionReason | None]] = {
    **dict.fromkeys(
        ("posting_created", "posting_packing", "posting_split_pending",
         "posting_awaiting_passport_data", "posting_awaiting_registration",
         "posting_registered"),
        (S.REGISTERED, None),
    ),
    "posting_registration_error": (S.EXCEPTION, R.OTHER),
    **dict.fromkeys(
        ("posting_not_in_carriage", "posting_in_carriage", "posting_transferring_to_delivery",
         "posting_acceptance_in_progress"),
        (S.INFO_RECEIVED, None),
    ),
    "posting_driver_pick_up": (S.PICKED_UP, None),
    "posting_on_way_to_city": (S.IN_TRANSIT, None),
    "posting_on_way_to_pickup_point": (S.IN_TRANSIT, None),
    "posting_transferred_to_courier_service": (S.OUT_FOR_DELIVERY, None),
    "posting_in_courier_service": (S.OUT_FOR_DELIVERY, None),
    "posting_in_pickup_point": (S.READY_FOR_PICKUP, None),
    "posting_conditionally_delivered": (S.DELIVERED, None),
    "posting_delivered": (S.DELIVERED, None),
    "posting_received": (S.DELIVERED, None),
    "posting_returned_to_warehouse": (S.RETURNED, None),
    "posting_canceled": (S.CANCELLED, None),
    **dict.fromkeys(
        ("posting_not_in_sort_center", "posting_in_arbitration",
         "posting_in_client_arbitration", "ship_failed"),
        (S.EXCEPTION, R.OTHER),
    ),
}  # fmt: skip


def test_thirty_documented_sub_statuses() -> None:
    assert len(TRACK17_EXPECTED) == 30
    assert set(TRACK17_SUB_STATUSES) == set(TRACK17_EXPECTED)


@pytest.mark.parametrize(("sub", "expected"), sorted(TRACK17_EXPECTED.items()))
def test_every_17track_sub_status(
    sub: str, expected: tuple[TrackingStatus, ExceptionReason | None]
) -> None:
    main = sub.split("_", 1)[0]
    got = from_track17(main, sub)
    assert (got.status, got.reason) == expected
    assert (got.source, got.raw) == ("17track", sub)
    assert from_track17(None, sub) == got  # the main status is implied by the sub-status


@pytest.mark.parametrize(("substatus", "expected"), sorted(OZON_EXPECTED.items()))
def test_every_ozon_substatus(
    substatus: str, expected: tuple[TrackingStatus, ExceptionReason | None]
) -> None:
    got = from_ozon(substatus)
    assert (got.status, got.reason) == expected
    assert (got.source, got.raw) == ("ozon", substatus)
    assert got.provisional is (substatus == "posting_conditionally_delivered")


def test_ozon_table_is_complete() -> None:
    assert set(OZON_SUBSTATUSES) == set(OZON_EXPECTED)


def test_exceptions_always_carry_a_reason() -> None:
    for table in (TRACK17_EXPECTED, OZON_EXPECTED):
        for status, reason in table.values():
            assert (reason is not None) == (status in (S.EXCEPTION, S.DELIVERY_FAILED))


def test_terminal_statuses() -> None:
    assert {s for s in TrackingStatus if s.is_terminal} == {S.DELIVERED, S.RETURNED, S.CANCELLED}


def test_new_sub_status_falls_back_to_its_main_status(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="ozonops.carriers.taxonomy"):
        got = from_track17("InTransit", "InTransit_TransportArrived")
        again = from_track17("InTransit", "InTransit_TransportArrived")
        held = from_track17("Exception", "Exception_Held")
    assert (
        got
        == again
        == NormalizedStatus(S.IN_TRANSIT, None, "17track", "InTransit_TransportArrived")
    )
    assert (held.status, held.reason, held.raw) == (S.EXCEPTION, R.OTHER, "Exception_Held")
    warned = [r for r in caplog.records if "InTransit_TransportArrived" in r.getMessage()]
    assert len(warned) == 1  # once per value, not once per parcel


def test_unknown_values_are_kept_as_unknown(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="ozonops.carriers.taxonomy"):
        main = from_track17("Teleported", "Teleported_Other")
        ozon = from_ozon("posting_teleported")
    assert (main.status, main.raw) == (S.UNKNOWN, "Teleported_Other")
    assert (ozon.status, ozon.raw, ozon.reason) == (S.UNKNOWN, "posting_teleported", None)
    assert any("posting_teleported" in r.getMessage() for r in caplog.records)


@given(st.one_of(st.none(), st.text(max_size=40)), st.one_of(st.none(), st.text(max_size=40)))
def test_any_input_maps_without_raising(main: str | None, sub: str | None) -> None:
    got = from_track17(main, sub)
    assert isinstance(got.status, TrackingStatus)
    assert got.raw == ((sub or "").strip() or (main or "").strip())
    assert isinstance(from_ozon(sub).status, TrackingStatus)
