"""The carrier's scans of one parcel, derived from its posting: the same parcel as the Ozon world.

A posting's *physical* timeline is its plan realized with the seller's reporting gates ignored
(``lifecycle.realize(..., ignore_gates=...)``): the seller's "last mile" and "delivered" calls
only tell Ozon, the parcel moves anyway; hand-over and packing are physical and keep their times.
From that timeline the carrier's events follow deterministically, seeded by the posting number:

- the world's events appear at exactly their times: first scan (``in_transit``) →
  ``InTransit_PickedUp``; ``customs_hold`` → a customs hold; ``customs_released``;
  ``arrived_city``; ``at_pickup_point`` → ``AvailableForPickup``; ``out_for_delivery``;
  the first of ``conditionally_delivered``/``delivered`` → ``Delivered``; ``lost`` →
  ``Exception_Lost``; ``returned_to_sender`` and ``not_collected`` → ``Exception_Returning``;
- between them, scans the Ozon world does not model are placed at fixed fractions of the
  span: sorting in China, export clearance, departure, arrival in Russia, import clearance,
  the hand-over to the Russian last-mile carrier, its sorting centres;
- troubles shape them: no scan during a stall (scans due then come when it ends), none after
  the moment a parcel was lost, a failed courier attempt before a parcel the buyer never got,
  a damage note before a damaged parcel is delivered, ``Exception_Returned`` some days after
  a return to sender.

3PL carriers issue the number at packing, so they report ``InfoReceived`` from then; other
parcels have no event (17TRACK's NotFound) until their first scan.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from ozonops.simulator.reference.carriers import CARRIERS_BY_CODE, LANES, Carrier
from ozonops.simulator.reference.tracking_numbers import make_tracking_number
from ozonops.simulator.track17 import reference as ref
from ozonops.simulator.world import Event, Posting, Scheme, World, lifecycle

D = 86400.0
#: The seller's calls that only report to Ozon (the parcel does not wait for them).
REPORTED_GATES = frozenset({"last_mile", "delivered"})
#: Sub-statuses after which a carrier reports nothing more.
FINAL_SUB_STATUSES = frozenset(
    {"Delivered_Other", "Exception_Returned", "Exception_Destroyed", "Exception_Cancel"}
)
#: What the Russian last-mile carrier prints (Russian) and 17TRACK's English rendering of it.
RU_TEXTS = {
    "handed": ("Передано перевозчику", "Handed over to the last-mile carrier"),
    "left_sc": ("Покинуло сортировочный центр", "Left the sorting center"),
    "at_sc": ("Прибыло в сортировочный центр", "Arrived at the sorting center"),
    "city": ("Прибыло в город доставки", "Arrived in the delivery city"),
    "pickup": ("Ожидает в пункте выдачи", "Awaiting collection at the pickup point"),
    "courier": ("Передано курьеру", "Out for delivery"),
    "attempt": (
        "Неудачная попытка вручения: адресат не найден",
        "Delivery attempt failed: recipient not available",
    ),
    "damaged": ("Повреждена упаковка, отправление переупаковано", "Packaging damaged, repacked"),
    "delivered": ("Вручено адресату", "Delivered to the recipient"),
    "lost": ("Утеряно", "Lost"),
    "expired": (
        "Возврат отправителю: истёк срок хранения",
        "Storage period expired, returning to sender",
    ),
}
_STAGES = {
    "InfoReceived": "InfoReceived",
    "InTransit_PickedUp": "PickedUp",
    "InTransit_Departure": "Departure",
    "InTransit_Arrival": "Arrival",
    "AvailableForPickup_Other": "AvailableForPickup",
    "OutForDelivery_Other": "OutForDelivery",
    "Delivered_Other": "Delivered",
    "Exception_Returning": "Returning",
    "Exception_Returned": "Returned",
}


@dataclass(frozen=True, slots=True)
class CarrierEvent:
    """One scan as a carrier reports it (``tracking.providers[].events[]``)."""

    at: datetime
    sub_status: str
    description: str  # in the reporting carrier's language
    description_en: str
    city: str
    country: str
    utc_offset_h: int
    provider: int  # 17TRACK key of the carrier that reported it
    leg: str  # our leg (first_mile_cn, ..., pickup_point); not on the wire, for the truth
    world_kind: str = ""  # the world event it mirrors; "" for scans between them

    @property
    def status(self) -> str:
        return self.sub_status.split("_", 1)[0]

    @property
    def stage(self) -> str:
        return _STAGES.get(self.sub_status, "")


@dataclass(frozen=True, slots=True)
class Parcel:
    """A tracking number the carriers know, with every scan it will ever get."""

    number: str
    posting: Posting
    carrier: Carrier
    last_mile: int  # 17TRACK key of the Russian last-mile carrier
    last_mile_number: str
    origin_city: str
    events: tuple[CarrierEvent, ...]  # past and future, by time

    @property
    def carrier_key(self) -> int | None:
        return self.carrier.track17_code

    def visible(self, until: datetime) -> list[CarrierEvent]:
        return [e for e in self.events if e.at <= until]


def physical_timeline(p: Posting) -> list[Event]:
    """The posting's timeline as the parcel lives it (reporting gates ignored)."""
    if p.autopilot and p.cancelled_at is None:
        return p.timeline
    return lifecycle.realize(p, ignore_gates=REPORTED_GATES)


def derive(world: World, p: Posting, number: str) -> Parcel:
    """The parcel behind ``number`` (a tracking number of ``p``), with all its scans."""
    lane = LANES[world.method_by_id[p.delivery_method_id].lane_index]
    carrier = CARRIERS_BY_CODE[p.carrier_code]
    last_mile = ref.LAST_MILE.get(carrier.code, ref.RUSSIAN_POST)
    if carrier.code in ref.SAME_NUMBER_LAST_MILE:
        local = number
    elif last_mile == ref.CDEK:
        local = f"{1_000_000_000 + p.index % 9_000_000_000}"
    else:  # a domestic RPO number, check digit and all
        local = make_tracking_number(CARRIERS_BY_CODE["russian_post"], p.index)
    origin = ref.ORIGIN_LATIN.get(lane.origin, lane.origin.upper())
    builder = _Scans(world, p, carrier, last_mile, origin, land="land" in lane.code)
    events = builder.build(physical_timeline(p), lane.median_days[min(p.buyer.zone, 5) - 1])
    return Parcel(number, p, carrier, last_mile, local, origin, tuple(events))


class _Scans:
    """Builds one parcel's scans (see the module docstring)."""

    def __init__(
        self, world: World, p: Posting, carrier: Carrier, last_mile: int, origin: str, land: bool
    ) -> None:
        self.p = p
        self.rng = random.Random(f"{world.config.seed}:17track:{p.posting_number}")
        self.first = carrier.track17_code or 0
        self.last = last_mile
        self.origin = origin
        self.arrival_city = "ZABAYKALSK" if land else "MOSCOW"
        self.arrival_offset = 9 if land else ref.MOSCOW_OFFSET_H
        self.buyer_offset = ref.region_offset_h(p.buyer.region)
        self.out: list[CarrierEvent] = []
        self.stall: tuple[datetime, datetime] | None = None
        self.lost_at: datetime | None = None
        self.damaged_at: datetime | None = None

    # --- emitting ------------------------------------------------------------------------
    def _cn(self, at: datetime, sub: str, en: str, leg: str, kind: str = "") -> None:
        ev = CarrierEvent(
            at, sub, en, en, self.origin, "CN", ref.CN_OFFSET_H, self.first, leg, kind
        )
        self.out.append(ev)

    def _entry(self, at: datetime, sub: str, en: str, leg: str, kind: str = "") -> None:
        city, off = self.arrival_city, self.arrival_offset
        self.out.append(CarrierEvent(at, sub, en, en, city, "RU", off, self.first, leg, kind))

    def _ru(
        self, at: datetime, sub: str, text: str, leg: str, kind: str = "", *, moscow: bool = False
    ) -> None:
        ru, en = RU_TEXTS[text]
        city, off = self.p.buyer.city, self.buyer_offset
        if moscow:  # the last-mile carrier takes the parcel over at its Moscow hub
            city, off = "Москва", ref.MOSCOW_OFFSET_H
        self.out.append(CarrierEvent(at, sub, ru, en, city, "RU", off, self.last, leg, kind))

    # --- time ----------------------------------------------------------------------------
    def _at(self, start: datetime, end: datetime, f: float) -> datetime:
        """The moment a fraction ``f`` of the parcel's moving time through [start, end] has
        passed; a stall inside the span pauses it (scans due then come when it ends)."""
        span = (end - start).total_seconds()
        stall = self.stall
        paused = 0.0
        if stall is not None and start <= stall[0] < end:
            paused = (min(stall[1], end) - stall[0]).total_seconds()
        at = start + timedelta(seconds=int(max(span - paused, 0.0) * f))
        if stall is not None and paused and at >= stall[0]:
            at += timedelta(seconds=paused)
        return at

    # --- the journey ---------------------------------------------------------------------
    def build(self, timeline: list[Event], median_days: float) -> list[CarrierEvent]:
        p = self.p
        k0 = next((i for i, ev in enumerate(timeline) if ev.kind == "in_transit"), None)
        if p.scheme is Scheme.RFBS_3PL:
            packed = next((ev for ev in timeline if ev.kind == "packed"), None)
            if packed is not None:
                self._cn(
                    packed.at, "InfoReceived", "Shipment information received", "first_mile_cn"
                )
        if k0 is None:
            return self.out
        t0 = timeline[k0].at
        self._troubles(t0)
        after = timeline[k0 + 1 :]
        by_kind: dict[str, Event] = {}
        for ev in after:
            by_kind.setdefault(ev.kind, ev)
        stop = next((ev for ev in after if ev.status == "cancelled"), None)
        city = by_kind.get("arrived_city")
        # Without an arrival in the city (lost, returned), scans follow the lane's median.
        t_city = city.at if city else t0 + timedelta(seconds=int(median_days * 0.8 * D))
        if self.stall is not None and city is None:
            t_city += self.stall[1] - self.stall[0]
        self._cn(
            t0, "InTransit_PickedUp", "Picked up by the carrier", "first_mile_cn", "in_transit"
        )
        hold = by_kind.get("customs_hold")
        if hold is not None:
            self._international(t0, hold.at, (0.05, 0.2, 0.35, 0.45, 0.8, 0.92))
            self._hold(hold)
            released = by_kind.get("customs_released")
            if released is not None:
                self._released(released.at, "customs_released")
                self._domestic(released.at, t_city, (0.1, 0.3, 0.8))
        else:
            self._international(t0, t_city, (0.03, 0.08, 0.14, 0.18, 0.36, 0.40))
            self._released(self._at(t0, t_city, 0.46), "")
            self._domestic(t0, t_city, (0.50, 0.58, 0.85))
        if city is not None:
            self._last_mile(after, city)
        self._cut(stop)
        self._ending(stop)
        return self.out

    def _troubles(self, t0: datetime) -> None:
        p = self.p
        step = next((s for s in p.plan if s.kind == "in_transit"), None)
        planned = p.in_process_at + timedelta(seconds=step.offset_s if step else 0)
        shift = t0 - planned  # seller actions move the whole physical plan
        for t in p.troubles:
            at = p.in_process_at + timedelta(seconds=t.offset_s) + shift
            if t.kind == "stall":
                days = _leading_float(t.detail, 5.0)
                self.stall = (at, at + timedelta(seconds=int(days * D)))
            elif t.kind == "lost":
                self.lost_at = at
            elif t.kind == "damaged":
                self.damaged_at = at

    def _international(self, start: datetime, end: datetime, f: tuple[float, ...]) -> None:
        at = [self._at(start, end, x) for x in f]
        self._cn(at[0], "InTransit_Other", "Arrived at the sorting center", "first_mile_cn")
        self._cn(at[1], "InTransit_Other", "Export customs clearance started", "export_customs")
        self._cn(at[2], "InTransit_Other", "Export customs clearance completed", "export_customs")
        self._cn(at[3], "InTransit_Departure", "Departed from the origin country", "line_haul")
        self._entry(at[4], "InTransit_Arrival", "Arrived in the destination country", "line_haul")
        self._entry(
            at[5],
            "InTransit_CustomsProcessing",
            "Import customs clearance started",
            "import_customs",
        )

    def _hold(self, hold: Event) -> None:
        if self.rng.random() < 0.5:
            sub, en = (
                "InTransit_CustomsRequiringInformation",
                "Customs requires the recipient's passport data",
            )
        else:
            sub, en = "Exception_Security", "Held by customs for inspection"
        self._entry(hold.at, sub, en, "import_customs", "customs_hold")

    def _released(self, at: datetime, kind: str) -> None:
        en = "Import customs clearance completed"
        self._entry(at, "InTransit_CustomsReleased", en, "import_customs", kind)

    def _domestic(self, start: datetime, end: datetime, f: tuple[float, ...]) -> None:
        at = [self._at(start, end, x) for x in f]
        for when, text in zip(at, ("handed", "left_sc", "at_sc"), strict=True):
            self._ru(when, "InTransit_Other", text, "last_mile_ru", moscow=text != "at_sc")

    def _last_mile(self, after: list[Event], city: Event) -> None:
        by_kind = {ev.kind: ev for ev in reversed(after)}
        leg = "last_mile_ru"
        self._ru(city.at, "InTransit_Other", "city", leg, "arrived_city")
        pp = by_kind.get("at_pickup_point")
        if pp is not None:
            self._ru(pp.at, "AvailableForPickup_Other", "pickup", "pickup_point", "at_pickup_point")
        ofd = by_kind.get("out_for_delivery")
        if ofd is not None:
            self._ru(ofd.at, "OutForDelivery_Other", "courier", leg, "out_for_delivery")
        failed = by_kind.get("not_collected")
        if failed is not None and ofd is not None:
            gap = (failed.at - ofd.at).total_seconds()
            at = ofd.at + timedelta(seconds=int(gap * self.rng.uniform(0.3, 0.7)))
            self._ru(at, "DeliveryFailure_NoBody", "attempt", leg)
        done = by_kind.get("conditionally_delivered") or by_kind.get("delivered")
        if done is None:
            return
        where = "pickup_point" if pp is not None else leg
        if self.damaged_at is not None:
            prev = max(e.at for e in self.out)
            early = done.at - timedelta(seconds=int(self.rng.uniform(2, 12) * 3600))
            at = min(max(prev + timedelta(minutes=1), early), done.at)
            self._ru(at, "Exception_Damage", "damaged", where)
        self._ru(done.at, "Delivered_Other", "delivered", where, done.kind)

    def _cut(self, stop: Event | None) -> None:
        """No scan after a parcel was lost, nor after the posting stopped."""
        limit = self.lost_at
        if stop is not None and (limit is None or stop.at < limit):
            limit = stop.at
        if limit is not None:
            self.out = [e for e in self.out if e.at <= limit]
        self.out.sort(key=lambda e: e.at)

    def _ending(self, stop: Event | None) -> None:
        if stop is None:
            return
        last_leg = self.out[-1].leg if self.out else "first_mile_cn"
        if stop.kind == "lost":
            self._ru(stop.at, "Exception_Lost", "lost", last_leg, "lost")
            return
        if stop.kind == "returned_to_sender":
            customs = last_leg == "import_customs"
            en = "Refused by customs, returning to sender" if customs else "Returning to sender"
            self._entry(stop.at, "Exception_Returning", en, last_leg, "returned_to_sender")
            back = stop.at + timedelta(seconds=int(self.rng.uniform(8, 15) * D))
        elif stop.kind == "not_collected":
            self._ru(stop.at, "Exception_Returning", "expired", last_leg, "not_collected")
            back = stop.at + timedelta(seconds=int(self.rng.uniform(15, 30) * D))
        else:  # the seller cancelled: the carrier is not told
            return
        self._cn(back, "Exception_Returned", "Returned to the sender", last_leg)


def _leading_float(text: str, default: float) -> float:
    """The number a trouble's detail starts with ("7.5 days without a scan")."""
    head = text.split(" ", 1)[0]
    try:
        return float(head)
    except ValueError:
        return default
