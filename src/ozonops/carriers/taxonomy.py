"""The normalized tracking vocabulary, and how 17TRACK's and Ozon's statuses map onto it.

Every source speaks its own language: 17TRACK has 9 main statuses and 30 sub-statuses, Ozon
has posting substatuses. We keep one small vocabulary (``docs/carriers.md`` §3.3): a
:class:`TrackingStatus`, an :class:`ExceptionReason` when the status needs attention, and the
:class:`Leg` of the parcel's journey an event belongs to. A :class:`NormalizedStatus` keeps
the raw source code beside the pair, so nothing the source said is lost.

Unknown input never raises: a sub-status 17TRACK adds later maps by its main status (and is
logged once), an unknown main status or Ozon substatus maps to ``TrackingStatus.UNKNOWN``
(logged once), and the raw value is kept either way.

Pure: no I/O beyond the log line, no clock.
"""

from __future__ import annotations

import enum
import logging
from dataclasses import dataclass
from types import MappingProxyType
from typing import Literal

__all__ = [
    "OZON_SUBSTATUSES",
    "TRACK17_MAIN_STATUSES",
    "TRACK17_SUB_STATUSES",
    "ExceptionReason",
    "Leg",
    "NormalizedStatus",
    "Source",
    "TrackingStatus",
    "from_ozon",
    "from_track17",
]

log = logging.getLogger(__name__)

Source = Literal["17track", "ozon"]


class TrackingStatus(enum.StrEnum):
    """Where a parcel is, in our words (carriers.md §3.3)."""

    REGISTERED = "registered"  # uploaded, no carrier data yet
    INFO_RECEIVED = "info_received"  # label / manifest only
    PICKED_UP = "picked_up"  # first physical scan
    IN_TRANSIT = "in_transit"  # line haul, hubs, export and import legs
    CUSTOMS = "customs"  # being processed; a hold is an exception
    OUT_FOR_DELIVERY = "out_for_delivery"
    READY_FOR_PICKUP = "ready_for_pickup"  # post office / pickup point
    DELIVERED = "delivered"
    DELIVERY_FAILED = "delivery_failed"  # attempt failed, retry expected
    EXCEPTION = "exception"  # needs attention; always with a reason
    RETURNING = "returning"
    RETURNED = "returned"
    CANCELLED = "cancelled"
    UNKNOWN = "unknown"  # a source value we have no mapping for (kept raw, logged)

    @property
    def is_terminal(self) -> bool:
        """Nothing more will happen to the parcel (delivered, returned or cancelled)."""
        return self in _TERMINAL


_TERMINAL = frozenset({TrackingStatus.DELIVERED, TrackingStatus.RETURNED, TrackingStatus.CANCELLED})


class ExceptionReason(enum.StrEnum):
    """Why a parcel needs attention (carriers.md §3.3)."""

    INVALID_NUMBER = "invalid_number"
    CARRIER_UNKNOWN = "carrier_unknown"
    NO_INFO = "no_info"  # no first scan after N days
    STALE = "stale"  # no update for N days
    DELAYED = "delayed"
    CUSTOMS_HOLD = "customs_hold"
    CUSTOMS_DOCS_REQUIRED = "customs_docs_required"
    CUSTOMS_DUTIES_UNPAID = "customs_duties_unpaid"
    PROHIBITED_OR_DESTROYED = "prohibited_or_destroyed"
    ADDRESS_INVALID = "address_invalid"
    RECIPIENT_UNAVAILABLE = "recipient_unavailable"
    RECIPIENT_REFUSED = "recipient_refused"
    UNCLAIMED = "unclaimed"  # pickup storage expired
    DAMAGED = "damaged"
    LOST = "lost"
    REJECTED_BY_CARRIER = "rejected_by_carrier"
    SECURITY = "security"
    OTHER = "other"


class Leg(enum.StrEnum):
    """The part of the China → Russia journey an event belongs to."""

    FIRST_MILE_CN = "first_mile_cn"  # seller's warehouse to the origin hub, in China
    EXPORT_CUSTOMS = "export_customs"  # Chinese export clearance
    LINE_HAUL = "line_haul"  # the international flight, train or truck
    IMPORT_CUSTOMS = "import_customs"  # Russian import clearance
    LAST_MILE_RU = "last_mile_ru"  # the Russian carrier, to the buyer's city and door
    PICKUP_POINT = "pickup_point"  # waiting at, or collected from, a pickup point
    UNKNOWN = "unknown"  # the source does not say


@dataclass(frozen=True, slots=True)
class NormalizedStatus:
    """A source's status in our vocabulary, with the source's own code kept beside it.

    ``provisional`` marks a status that may still be taken back (Ozon's "conditionally
    delivered": the seller said so, the buyer has not confirmed) — never final for money.
    """

    status: TrackingStatus
    reason: ExceptionReason | None
    source: Source
    raw: str
    provisional: bool = False


S = TrackingStatus
R = ExceptionReason

#: 17TRACK's 9 main statuses, each with the pair an unknown sub-status of it maps to.
TRACK17_MAIN_STATUSES: MappingProxyType[str, tuple[TrackingStatus, ExceptionReason | None]] = (
    MappingProxyType(
        {
            "NotFound": (S.REGISTERED, None),
            "InfoReceived": (S.INFO_RECEIVED, None),
            "InTransit": (S.IN_TRANSIT, None),
            "Expired": (S.EXCEPTION, R.STALE),
            "AvailableForPickup": (S.READY_FOR_PICKUP, None),
            "OutForDelivery": (S.OUT_FOR_DELIVERY, None),
            "DeliveryFailure": (S.DELIVERY_FAILED, R.OTHER),
            "Delivered": (S.DELIVERED, None),
            "Exception": (S.EXCEPTION, R.OTHER),
        }
    )
)

#: Every documented 17TRACK sub-status (help article 37471096573337) → our pair (§3.4).
TRACK17_SUB_STATUSES: MappingProxyType[str, tuple[TrackingStatus, ExceptionReason | None]] = (
    MappingProxyType(
        {
            "NotFound_Other": (S.REGISTERED, None),
            "NotFound_InvalidCode": (S.EXCEPTION, R.INVALID_NUMBER),
            "InfoReceived": (S.INFO_RECEIVED, None),
            "InTransit_PickedUp": (S.PICKED_UP, None),
            "InTransit_Departure": (S.IN_TRANSIT, None),
            "InTransit_Arrival": (S.IN_TRANSIT, None),
            "InTransit_CustomsProcessing": (S.CUSTOMS, None),
            "InTransit_CustomsReleased": (S.IN_TRANSIT, None),
            "InTransit_CustomsRequiringInformation": (S.EXCEPTION, R.CUSTOMS_DOCS_REQUIRED),
            "InTransit_Other": (S.IN_TRANSIT, None),
            "Expired_Other": (S.EXCEPTION, R.STALE),
            "AvailableForPickup_Other": (S.READY_FOR_PICKUP, None),
            "OutForDelivery_Other": (S.OUT_FOR_DELIVERY, None),
            "DeliveryFailure_NoBody": (S.DELIVERY_FAILED, R.RECIPIENT_UNAVAILABLE),
            "DeliveryFailure_Security": (S.DELIVERY_FAILED, R.CUSTOMS_DUTIES_UNPAID),
            "DeliveryFailure_Rejected": (S.DELIVERY_FAILED, R.RECIPIENT_REFUSED),
            "DeliveryFailure_InvalidAddress": (S.DELIVERY_FAILED, R.ADDRESS_INVALID),
            "DeliveryFailure_Other": (S.DELIVERY_FAILED, R.OTHER),
            "Delivered_Other": (S.DELIVERED, None),
            "Exception_Returning": (S.RETURNING, None),
            "Exception_Returned": (S.RETURNED, None),
            "Exception_NoBody": (S.EXCEPTION, R.RECIPIENT_UNAVAILABLE),
            "Exception_Security": (S.EXCEPTION, R.CUSTOMS_HOLD),
            "Exception_Damage": (S.EXCEPTION, R.DAMAGED),
            "Exception_Rejected": (S.EXCEPTION, R.RECIPIENT_REFUSED),
            "Exception_Delayed": (S.EXCEPTION, R.DELAYED),
            "Exception_Lost": (S.EXCEPTION, R.LOST),
            "Exception_Destroyed": (S.EXCEPTION, R.PROHIBITED_OR_DESTROYED),
            "Exception_Cancel": (S.CANCELLED, None),
            "Exception_Other": (S.EXCEPTION, R.OTHER),
        }
    )
)

#: Every Ozon posting substatus (ozon-api.md §2.2, plus FBO's ``posting_packing``) → §3.5.
OZON_SUBSTATUSES: MappingProxyType[str, tuple[TrackingStatus, ExceptionReason | None]] = (
    MappingProxyType(
        {
            # before hand-over
            "posting_created": (S.REGISTERED, None),
            "posting_packing": (S.REGISTERED, None),
            "posting_split_pending": (S.REGISTERED, None),
            "posting_awaiting_passport_data": (S.REGISTERED, None),
            "posting_awaiting_registration": (S.REGISTERED, None),
            "posting_registered": (S.REGISTERED, None),
            "posting_registration_error": (S.EXCEPTION, R.OTHER),
            # the awaiting_deliver group
            "posting_not_in_carriage": (S.INFO_RECEIVED, None),
            "posting_in_carriage": (S.INFO_RECEIVED, None),
            "posting_transferring_to_delivery": (S.INFO_RECEIVED, None),
            "posting_acceptance_in_progress": (S.INFO_RECEIVED, None),
            "posting_driver_pick_up": (S.PICKED_UP, None),
            "posting_on_way_to_city": (S.IN_TRANSIT, None),
            "posting_on_way_to_pickup_point": (S.IN_TRANSIT, None),
            "posting_transferred_to_courier_service": (S.OUT_FOR_DELIVERY, None),
            "posting_in_courier_service": (S.OUT_FOR_DELIVERY, None),
            "posting_in_pickup_point": (S.READY_FOR_PICKUP, None),
            "posting_conditionally_delivered": (S.DELIVERED, None),  # provisional, see below
            "posting_delivered": (S.DELIVERED, None),
            "posting_received": (S.DELIVERED, None),
            "posting_returned_to_warehouse": (S.RETURNED, None),
            "posting_canceled": (S.CANCELLED, None),
            # a dispute or a hand-over problem
            "posting_not_in_sort_center": (S.EXCEPTION, R.OTHER),
            "posting_in_arbitration": (S.EXCEPTION, R.OTHER),
            "posting_in_client_arbitration": (S.EXCEPTION, R.OTHER),
            "ship_failed": (S.EXCEPTION, R.OTHER),
        }
    )
)

_PROVISIONAL = frozenset({"posting_conditionally_delivered"})
_warned: set[tuple[str, str]] = set()


def _warn_once(source: str, value: str, fallback: TrackingStatus) -> None:
    # A new value is logged once per process, not once per parcel: a 50,000-parcel refresh
    # must not print 50,000 lines about one new 17TRACK sub-status.
    if (source, value) not in _warned:
        _warned.add((source, value))
        log.warning("unknown %s status %r: kept raw, read as %s", source, value, fallback.value)


def from_track17(status: str | None, sub_status: str | None) -> NormalizedStatus:
    """17TRACK's ``latest_status`` (main and sub) in our vocabulary (§3.4).

    The sub-status decides; an unknown one falls back to its main status' default; an unknown
    main status gives ``UNKNOWN``. ``raw`` is the sub-status (the main status if none).
    """
    sub = (sub_status or "").strip()
    main = (status or "").strip()
    if not main and "_" in sub:
        main = sub.split("_", 1)[0]
    raw = sub or main
    found = TRACK17_SUB_STATUSES.get(sub)
    if found is not None:
        return NormalizedStatus(found[0], found[1], "17track", raw)
    by_main = TRACK17_MAIN_STATUSES.get(main)
    if by_main is not None:
        if sub and sub != main:
            _warn_once("17TRACK sub", sub, by_main[0])
        return NormalizedStatus(by_main[0], by_main[1], "17track", raw)
    _warn_once("17TRACK", raw, S.UNKNOWN)
    return NormalizedStatus(S.UNKNOWN, None, "17track", raw)


def from_ozon(substatus: str | None) -> NormalizedStatus:
    """An Ozon posting substatus in our vocabulary (§3.5); ``UNKNOWN`` for a new one."""
    raw = (substatus or "").strip()
    found = OZON_SUBSTATUSES.get(raw)
    if found is None:
        _warn_once("Ozon", raw, S.UNKNOWN)
        return NormalizedStatus(S.UNKNOWN, None, "ozon", raw)
    return NormalizedStatus(found[0], found[1], "ozon", raw, provisional=raw in _PROVISIONAL)
