"""The things a simulated Ozon world is made of.

Reference objects (shops, SKUs, warehouses, delivery methods) are built once per world.
A :class:`Posting` is built lazily from the world seed and its index, so the same seed gives
the same posting whenever it is first looked at. Its :attr:`Posting.plan` is what would happen
if nobody interfered; :attr:`Posting.timeline` is what does happen given the seller's actions
(see ``lifecycle.realize``).
"""

from __future__ import annotations

import enum
from bisect import bisect_right
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal


class Scheme(enum.IntEnum):
    """How a posting is fulfilled; the value is stored in numpy index arrays."""

    FBS = 0  # seller packs, Ozon logistics delivers (tpl_integration_type "ozon")
    RFBS_NON_INTEGRATED = 1  # seller or a non-integrated carrier delivers; seller moves statuses
    RFBS_3PL = 2  # integrated carrier (3pl_tracking) reports statuses
    RFBS_AGGREGATOR = 3  # Ozon partner carrier; Ozon registers the order
    FBO = 4  # Ozon stores, packs and delivers

    @property
    def tpl_integration_type(self) -> str:
        return _TPL[self]

    @property
    def is_fbs_family(self) -> bool:
        return self is not Scheme.FBO

    @property
    def is_rfbs(self) -> bool:
        return self in (Scheme.RFBS_NON_INTEGRATED, Scheme.RFBS_3PL, Scheme.RFBS_AGGREGATOR)


_TPL = {
    Scheme.FBS: "ozon",
    Scheme.RFBS_NON_INTEGRATED: "non_integrated",
    Scheme.RFBS_3PL: "3pl_tracking",
    Scheme.RFBS_AGGREGATOR: "aggregator",
    Scheme.FBO: "ozon",
}


@dataclass(frozen=True, slots=True)
class Shop:
    index: int
    client_id: str
    api_key: str
    name: str
    seller_id: int
    company_name: str
    subscription: str  # "premium_pro" | "premium_plus" | "review_management" | "none"
    key_created_at: datetime
    key_expires_at: datetime

    @property
    def has_review_access(self) -> bool:
        return self.subscription in ("premium_pro", "review_management")

    @property
    def has_chat_write_access(self) -> bool:
        return self.subscription in ("premium_pro", "premium_plus")


@dataclass(frozen=True, slots=True)
class Sku:
    shop_index: int
    sku: int
    product_id: int
    offer_id: str
    name: str
    category: str
    price: Decimal
    old_price: Decimal
    commission_percent: Decimal
    weight_g: int
    fragility: float
    popularity: float


@dataclass(frozen=True, slots=True)
class Warehouse:
    shop_index: int
    warehouse_id: int
    name: str
    kind: str  # "fbs" (seller's, in China) | "fbo" (Ozon's, in Russia)
    is_rfbs: bool
    city: str
    cluster_id: int
    cluster_name: str


@dataclass(frozen=True, slots=True)
class DeliveryMethod:
    shop_index: int
    id: int
    name: str
    warehouse_id: int
    scheme: Scheme
    provider_id: int
    provider_name: str
    carrier_code: str
    lane_index: int
    template_id: int
    cutoff: str  # "HH:MM" local cut-off time
    is_express: bool


@dataclass(frozen=True, slots=True)
class Buyer:
    customer_id: int
    name: str
    phone: str
    region: str
    city: str
    zone: int
    postcode: str
    address_tail: str
    latitude: float
    longitude: float


@dataclass(frozen=True, slots=True)
class Line:
    """One product of a posting."""

    sku: Sku
    quantity: int
    price: Decimal  # price per unit the buyer paid for, before Ozon's co-financed discounts


@dataclass(frozen=True, slots=True)
class Event:
    """One moment of a posting's life: a status (and substatus) from ``at`` on.

    ``kind`` names what happened in our own words ("packed", "customs_hold", "lost", ...);
    ``provider_status`` is the carrier's text shown in ``/v3/posting/fbs/get``.
    """

    at: datetime
    status: str
    substatus: str
    kind: str
    provider_status: str = ""


@dataclass(frozen=True, slots=True)
class Step:
    """A planned event. ``gate`` names the seller action it waits for, if any."""

    offset_s: int  # seconds after in_process_at, as planned
    status: str
    substatus: str
    kind: str
    gate: str | None = None
    provider_status: str = ""


@dataclass(frozen=True, slots=True)
class Trouble:
    """A trouble injected into a posting; the ground truth tests read."""

    kind: str
    offset_s: int  # planned seconds after in_process_at
    detail: str = ""


@dataclass(frozen=True, slots=True)
class Cancellation:
    reason_id: int
    reason: str
    cancellation_type: str  # seller|client|customer|ozon|system|delivery
    initiator: str
    cancelled_after_ship: bool
    affect_cancellation_rating: bool


@dataclass(slots=True)
class Posting:
    index: int
    shop_index: int
    scheme: Scheme
    posting_number: str
    order_id: int
    order_number: str
    created_at: datetime
    in_process_at: datetime
    shipment_date: datetime
    delivery_date_begin: datetime
    delivery_date_end: datetime
    warehouse_id: int
    delivery_method_id: int
    lines: tuple[Line, ...]
    buyer: Buyer
    plan: tuple[Step, ...]
    troubles: tuple[Trouble, ...]
    cancellation_plan: Cancellation | None
    autopilot: bool
    carrier_code: str
    planned_tracking_number: str
    parent_posting_number: str = ""
    # Seller actions taken through the API: name -> times it was taken.
    actions: dict[str, list[datetime]] = field(default_factory=dict)
    tracking_number: str = ""
    tracking_set_at: datetime | None = None
    cancellation: Cancellation | None = None
    cancelled_at: datetime | None = None
    # The realized timeline; rebuilt by lifecycle.realize whenever actions change.
    timeline: list[Event] = field(default_factory=list)
    extra: dict[str, object] = field(default_factory=dict)
    # Bumped whenever the seller changes the posting (``World.touch``); caches of what is
    # derived from a posting key on it.
    version: int = 0

    @property
    def is_fbo(self) -> bool:
        return self.scheme is Scheme.FBO

    def event_at(self, at: datetime) -> Event | None:
        """The latest event at or before ``at`` (None before the posting exists)."""
        k = self.event_index(at)
        return self.timeline[k] if k >= 0 else None

    def event_index(self, at: datetime) -> int:
        """The index in :attr:`timeline` of :meth:`event_at` ``(at)``; -1 if there is none."""
        # Timelines are sorted by time; the latest of several events at one instant wins.
        return bisect_right(self.timeline, at, key=_event_time) - 1

    def history(self, at: datetime) -> list[Event]:
        return [ev for ev in self.timeline if ev.at <= at]

    def first(self, kind: str, at: datetime | None = None) -> Event | None:
        for ev in self.timeline:
            if at is not None and ev.at > at:
                return None
            if ev.kind == kind:
                return ev
        return None


def _event_time(ev: Event) -> datetime:
    return ev.at


# --- fast constructors for the hot paths -------------------------------------------------------
# A frozen dataclass's generated ``__init__`` sets each field through ``object.__setattr__``;
# building a large world makes millions of steps and events, so the planner and ``realize``
# make them with these instead: the same objects (equal, hashable, frozen), at half the cost.
_new = object.__new__
_EVENT_SLOTS = tuple(getattr(Event, name).__set__ for name in Event.__slots__)
_STEP_SLOTS = tuple(getattr(Step, name).__set__ for name in Step.__slots__)


def new_event(at: datetime, status: str, substatus: str, kind: str, provider_status: str) -> Event:
    """``Event(at, status, substatus, kind, provider_status)``, faster."""
    ev = _new(Event)
    set_at, set_status, set_substatus, set_kind, set_provider_status = _EVENT_SLOTS
    set_at(ev, at)
    set_status(ev, status)
    set_substatus(ev, substatus)
    set_kind(ev, kind)
    set_provider_status(ev, provider_status)
    return ev


def new_step(
    offset_s: int, status: str, substatus: str, kind: str, gate: str | None, provider_status: str
) -> Step:
    """``Step(offset_s, status, substatus, kind, gate, provider_status)``, faster."""
    st = _new(Step)
    set_offset, set_status, set_substatus, set_kind, set_gate, set_provider_status = _STEP_SLOTS
    set_offset(st, offset_s)
    set_status(st, status)
    set_substatus(st, substatus)
    set_kind(st, kind)
    set_gate(st, gate)
    set_provider_status(st, provider_status)
    return st
