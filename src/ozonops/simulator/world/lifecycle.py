"""Posting lifecycles: the plan for each scheme, the troubles injected into it, and how the
seller's actions turn the plan into the realized timeline.

A plan is a list of :class:`Step` s with offsets from ``in_process_at``. A step with a ``gate``
waits for a seller action of that name ("ship", "delivering", "last_mile", "delivered",
"arbitration"); a gate name starting with ``?`` is optional (skipped when a later gate is
taken first). Postings on autopilot (the world's history) take every gate at its planned time.
When a gate is taken through the API at ``t``, the rest of the plan moves by ``t - planned``.
An untaken gate with a deadline turns into a cancellation when the deadline passes.

Statuses and substatuses are the spec's (``ozon-api.md`` §2); where the spec leaves an order
unstated we choose and say so: rFBS "delivered" by the seller gives
``delivering/posting_conditionally_delivered`` and the buyer's confirmation 1–3 days later gives
``delivered/posting_delivered`` [inferred].
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from ozonops.simulator.config import TroubleRates
from ozonops.simulator.world.model import (
    Cancellation,
    Event,
    Posting,
    Scheme,
    Step,
    Trouble,
    new_event,
    new_step,
)

H = 3600
D = 86400

#: How long after the API call an asynchronous seller action shows (packing, status moves).
GATE_DELAY_S = {"ship": 45, "delivering": 20, "last_mile": 20, "delivered": 20, "arbitration": 60}

#: Cross-border rule (ozon-rules.md): not handed to delivery within 10 days => cancelled.
HANDOVER_DEADLINE_S = 10 * D
#: A posting stuck unscanned (not accepted at the sort centre, or handed over and never
#: scanned) with no dispute opened is cancelled a week after it got stuck [inferred: Ozon
#: documents the dispute, not a deadline for it].
ARBITRATION_DEADLINE_S = 7 * D

# Cancellation reasons the lifecycle uses (ids from ozon-api.md §1.7; 5xx ids are ours).
NOT_SHIPPED_IN_TIME = Cancellation(
    352, "Товар закончился у продавца", "seller", "seller", False, True
)
BUYER_CANCELLED = Cancellation(501, "Покупатель отменил заказ", "client", "client", False, False)
NOT_COLLECTED = Cancellation(665, "Покупатель не забрал заказ", "client", "client", True, False)
LOST_BY_CARRIER = Cancellation(
    667, "Заказ утерян службой доставки", "delivery", "delivery", True, False
)
RETURNED_TO_SENDER = Cancellation(
    666,
    "Возврат отправителю: служба доставки не смогла доставить",
    "delivery",
    "delivery",
    True,
    False,
)
NOT_ACCEPTED_CANCEL = Cancellation(
    504, "Отправление не принято в сортировочном центре", "ozon", "ozon", True, False
)


@dataclass(frozen=True, slots=True)
class LaneTiming:
    """What the planner needs to know of a carrier lane (see ``reference.carriers.Lane``)."""

    median_days: tuple[float, ...]  # per delivery zone 1..5
    sigma: float
    first_scan_delay_hours: float
    customs_days: float


@dataclass(slots=True)
class Plan:
    steps: list[Step]
    troubles: list[Trouble]
    cancellation: Cancellation | None
    shipment_offset_s: int
    promised_begin_s: int
    promised_end_s: int


def _lognormal_days(rng: random.Random, median: float, sigma: float) -> float:
    return median * math.exp(rng.gauss(0.0, sigma))


def _pick_major_trouble(rng: random.Random, rates: TroubleRates, scheme: Scheme) -> str | None:
    """At most one trouble that decides a posting's fate."""
    options = [
        ("buyer_cancellation", rates.buyer_cancellation),
        ("lost", rates.lost),
        ("return_to_sender", rates.return_to_sender),
        ("failed_delivery", rates.failed_delivery),
    ]
    if scheme is Scheme.FBS:
        options += [("not_accepted", rates.not_accepted), ("arbitration", rates.arbitration)]
    if scheme is Scheme.FBO:
        options = [o for o in options if o[0] in ("buyer_cancellation", "failed_delivery")]
    u = rng.random()
    acc = 0.0
    for name, p in options:
        acc += p
        if u < acc:
            return name
    return None


class _Builder:
    __slots__ = ("steps", "t", "u")

    def __init__(self, rng: random.Random) -> None:
        self.steps: list[Step] = []
        self.t = 0  # seconds after in_process_at
        self.u: Callable[[], float] = rng.random

    def uniform(self, a: float, b: float) -> float:
        """``rng.uniform(a, b)`` (the same draw), without its method-call overhead."""
        return a + (b - a) * self.u()

    def at(self, offset_s: float) -> None:
        self.t = max(self.t, int(offset_s))

    def wait(self, seconds: float) -> None:
        self.t += max(1, int(seconds))

    def add(
        self,
        status: str,
        substatus: str,
        kind: str,
        *,
        gate: str | None = None,
        provider_status: str = "",
    ) -> None:
        self.steps.append(new_step(self.t, status, substatus, kind, gate, provider_status))


def plan_posting(
    rng: random.Random,
    *,
    scheme: Scheme,
    lane: LaneTiming,
    zone: int,
    rates: TroubleRates,
    fragility: float,
    pickup: bool,
) -> Plan:
    """Plan one posting's whole life (pure: the same rng state gives the same plan)."""
    troubles: list[Trouble] = []
    major = _pick_major_trouble(rng, rates, scheme)
    b = _Builder(rng)
    zone_i = min(max(zone, 1), len(lane.median_days)) - 1
    transit_days = _lognormal_days(rng, lane.median_days[zone_i], lane.sigma)

    if scheme is Scheme.FBO:
        shipment_offset = int(b.uniform(2, 10) * H)
        transit_days = _lognormal_days(rng, (1.0, 1.5, 2.5, 3.5, 5.0)[zone_i], 0.35)
    elif scheme.is_rfbs:
        shipment_offset = (3 + int(b.u() * 3)) * D
    else:
        shipment_offset = (2 + int(b.u() * 2)) * D
    promised_begin = shipment_offset + int(lane.median_days[zone_i] * D * 0.9)
    promised_end = shipment_offset + int(lane.median_days[zone_i] * D * 1.4) + D
    if scheme is Scheme.FBO:
        promised_begin = shipment_offset + int((zone_i + 1) * D)
        promised_end = promised_begin + 2 * D

    b.add("awaiting_packaging", "posting_created", "created")

    def end(cancellation: Cancellation | None) -> Plan:
        return Plan(b.steps, troubles, cancellation, shipment_offset, promised_begin, promised_end)

    if major == "buyer_cancellation":
        b.wait(b.uniform(0.2, 0.8) * shipment_offset)
        troubles.append(Trouble("buyer_cancellation", b.t))
        b.add("cancelled", "posting_canceled", "buyer_cancelled")
        return end(BUYER_CANCELLED)

    # --- packing --------------------------------------------------------------------------
    if scheme is Scheme.FBO:
        b.wait(b.uniform(0.5, 3) * H)
        b.add("awaiting_packaging", "posting_packing", "packing")
        b.wait(b.uniform(1, 6) * H)
        b.add("awaiting_deliver", "posting_transferring_to_delivery", "packed")
    else:
        late = b.u() < rates.late_packing
        if late:
            pack_at = shipment_offset + b.uniform(0.2, 3) * D
            troubles.append(Trouble("late_packing", int(pack_at)))
        else:
            pack_at = b.uniform(0.1, 0.8) * shipment_offset
        b.at(pack_at)
        if b.u() < rates.ship_failed:
            troubles.append(Trouble("ship_failed", b.t))
            b.add("awaiting_packaging", "ship_failed", "ship_failed", gate="ship")
            b.wait(b.uniform(1, 6) * H)
        if scheme is Scheme.RFBS_AGGREGATOR:
            b.add("awaiting_registration", "posting_awaiting_registration", "packed", gate="ship")
            b.wait(b.uniform(2, 20) * H)
            b.add("awaiting_deliver", "posting_registered", "registered")
        else:
            b.add("awaiting_deliver", "posting_not_in_carriage", "packed", gate="ship")

    # --- first mile -----------------------------------------------------------------------
    if scheme is Scheme.FBS:
        b.wait(b.uniform(2, 20) * H)
        b.add("awaiting_deliver", "posting_in_carriage", "in_carriage")
        b.wait(b.uniform(4, 24) * H)
        b.add("awaiting_deliver", "posting_transferring_to_delivery", "handed_over")
        if major == "not_accepted":
            b.wait(b.uniform(6, 30) * H)
            troubles.append(Trouble("not_accepted", b.t))
            b.add("not_accepted", "posting_not_in_sort_center", "not_accepted")
            b.wait(b.uniform(2, 48) * H)
            b.add("arbitration", "posting_in_arbitration", "arbitration", gate="arbitration")
            b.wait(b.uniform(2, 6) * D)
            b.add("cancelled", "posting_canceled", "arbitration_cancelled")
            return end(NOT_ACCEPTED_CANCEL)
        if major == "arbitration":
            b.wait(b.uniform(1, 3) * D)
            troubles.append(Trouble("arbitration", b.t, "handed over but not scanned"))
            b.add("arbitration", "posting_in_arbitration", "arbitration", gate="arbitration")
            b.wait(b.uniform(2, 5) * D)
            b.add("awaiting_deliver", "posting_transferring_to_delivery", "arbitration_resolved")
        b.wait(lane.first_scan_delay_hours * H * b.uniform(0.5, 1.5))
        b.add("acceptance_in_progress", "posting_acceptance_in_progress", "sort_center")
        b.wait(b.uniform(4, 20) * H)
        b.add("delivering", "posting_on_way_to_city", "in_transit", provider_status="В пути")
    elif scheme is Scheme.FBO:
        b.wait(b.uniform(2, 12) * H)
        b.add("delivering", "posting_on_way_to_city", "in_transit")
    elif scheme is Scheme.RFBS_NON_INTEGRATED:
        b.wait(lane.first_scan_delay_hours * H * b.uniform(0.5, 1.5))
        b.add(
            "delivering",
            "posting_on_way_to_city",
            "in_transit",
            gate="delivering",
            provider_status="Принято перевозчиком",
        )
    else:  # 3PL tracking and aggregator: the carrier picks up and reports
        b.wait(lane.first_scan_delay_hours * H * b.uniform(0.5, 1.5))
        b.add(
            "delivering",
            "posting_on_way_to_city",
            "in_transit",
            provider_status="Принято перевозчиком",
        )

    transit_s = transit_days * D
    # --- line haul, customs, stalls -------------------------------------------------------
    if scheme is not Scheme.FBO and b.u() < rates.customs_hold:
        b.wait(transit_s * 0.35)
        troubles.append(Trouble("customs_hold", b.t))
        b.add(
            "delivering",
            "posting_on_way_to_city",
            "customs_hold",
            provider_status="Задержано на таможне",
        )
        b.wait(_lognormal_days(rng, max(lane.customs_days, 1.0) * 3, 0.4) * D)
        if major == "return_to_sender":
            troubles.append(Trouble("return_to_sender", b.t, "refused at customs"))
            b.add(
                "cancelled",
                "posting_canceled",
                "returned_to_sender",
                provider_status="Возврат отправителю",
            )
            return end(RETURNED_TO_SENDER)
        b.add(
            "delivering",
            "posting_on_way_to_city",
            "customs_released",
            provider_status="Таможенное оформление завершено",
        )
        transit_s *= 0.65
    if b.u() < rates.stall:
        b.wait(transit_s * b.uniform(0.2, 0.5))
        stall_days = b.uniform(5, 14)
        troubles.append(Trouble("stall", b.t, f"{stall_days:.1f} days without a scan"))
        b.wait(stall_days * D)
    if major == "lost":
        b.wait(transit_s * 0.3)
        troubles.append(Trouble("lost", b.t))
        b.wait(b.uniform(20, 30) * D)
        if scheme.is_fbs_family and b.u() < 0.5:
            b.add("client_arbitration", "posting_in_client_arbitration", "client_arbitration")
            b.wait(b.uniform(2, 5) * D)
        b.add("cancelled", "posting_canceled", "lost", provider_status="Утеряно")
        return end(LOST_BY_CARRIER)
    if major == "return_to_sender":
        b.wait(transit_s * 0.5)
        troubles.append(Trouble("return_to_sender", b.t))
        b.add(
            "cancelled",
            "posting_canceled",
            "returned_to_sender",
            provider_status="Возврат отправителю",
        )
        return end(RETURNED_TO_SENDER)
    b.wait(transit_s * 0.8)

    # --- last mile ------------------------------------------------------------------------
    seller_moves = scheme is Scheme.RFBS_NON_INTEGRATED
    if pickup:
        b.add(
            "delivering",
            "posting_on_way_to_pickup_point",
            "arrived_city",
            gate="?last_mile" if seller_moves else None,
            provider_status="Прибыло в город",
        )
        b.wait(transit_s * 0.2)
        b.add(
            "delivering",
            "posting_in_pickup_point",
            "at_pickup_point",
            provider_status="Ожидает в пункте выдачи",
        )
        if major == "failed_delivery":
            b.wait(b.uniform(5, 7) * D)
            troubles.append(Trouble("failed_delivery", b.t, "not collected"))
            b.add("cancelled", "posting_canceled", "not_collected")
            return end(NOT_COLLECTED)
        b.wait(b.uniform(0.2, 4) * D)
    else:
        b.add(
            "delivering",
            "posting_transferred_to_courier_service",
            "arrived_city",
            provider_status="Прибыло в город",
        )
        b.wait(transit_s * 0.15)
        b.add(
            "delivering",
            "posting_in_courier_service",
            "out_for_delivery",
            gate="?last_mile" if seller_moves else None,
            provider_status="Передано курьеру",
        )
        if major == "failed_delivery":
            b.wait(b.uniform(1, 3) * D)
            troubles.append(Trouble("failed_delivery", b.t, "buyer unreachable"))
            b.add("cancelled", "posting_canceled", "not_collected")
            return end(NOT_COLLECTED)
        b.wait(b.uniform(2, 12) * H)
    if b.u() < rates.damaged * (0.5 + fragility):
        troubles.append(Trouble("damaged", b.t))
    if seller_moves:
        b.add(
            "delivering",
            "posting_conditionally_delivered",
            "conditionally_delivered",
            gate="delivered",
        )
        b.wait(b.uniform(1, 3) * D)
    b.add(
        "delivered",
        "posting_received" if pickup else "posting_delivered",
        "delivered",
        provider_status="Вручено",
    )
    return end(None)


#: The event kinds a missed deadline produces, and the cancellation each stands for.
DEADLINE_REASONS: dict[str, Cancellation] = {}


def _gate_deadline(posting: Posting, gate: str, last: Event | None) -> tuple[datetime, str] | None:
    """When an untaken gate cancels the posting, and the event kind that says why."""
    if gate in ("ship", "delivering"):
        return posting.in_process_at + timedelta(seconds=HANDOVER_DEADLINE_S), "not_shipped_in_time"
    if gate == "arbitration" and last is not None:
        # Not accepted at the sort centre (or handed over unscanned) and no dispute opened.
        return last.at + timedelta(seconds=ARBITRATION_DEADLINE_S), "dispute_not_opened"
    return None


def realize(posting: Posting, *, ignore_gates: frozenset[str] = frozenset()) -> list[Event]:
    """Turn the plan plus the seller's actions into the timeline (see module docstring).

    ``ignore_gates`` names gates that do not hold the parcel up: their steps happen at the
    planned time whatever the seller does. The carrier's own view of an rFBS parcel uses it
    (``simulator/track17``): the seller only *reports* last mile and delivery to Ozon, the
    parcel moves anyway.
    """
    base = posting.in_process_at
    events: list[Event] = []
    if posting.autopilot and posting.cancelled_at is None:
        # Every gate is taken at its planned time: the plan as is (the loop below, minus gates).
        # Offsets never decrease (the planner only moves forward), so times are non-decreasing.
        if base.tzinfo is UTC and not base.microsecond:
            # Whole UTC seconds (every built posting): the same times as the general path below.
            base_s = int(base.timestamp())
            fromts = datetime.fromtimestamp
            last_off = 0
            for step in posting.plan:
                if step.offset_s > last_off:
                    last_off = step.offset_s
                events.append(
                    new_event(
                        fromts(base_s + last_off, UTC),
                        step.status,
                        step.substatus,
                        step.kind,
                        step.provider_status,
                    )
                )
            return events
        last: datetime | None = None
        for step in posting.plan:
            at = base + timedelta(seconds=step.offset_s)
            if last is not None and at < last:
                at = last
            events.append(Event(at, step.status, step.substatus, step.kind, step.provider_status))
            last = at
        return events
    shift = timedelta(0)
    used: dict[str, int] = {}
    gates_taken = {g for g, times in posting.actions.items() if times}
    plan = posting.plan
    blocked: str | None = None
    for i, step in enumerate(plan):
        planned = base + timedelta(seconds=step.offset_s)
        at = planned + shift
        gate = step.gate
        if gate is not None and not posting.autopilot and gate.lstrip("?") not in ignore_gates:
            name = gate.lstrip("?")
            times = posting.actions.get(name, [])
            k = used.get(name, 0)
            if k < len(times):
                used[name] = k + 1
                at = times[k] + timedelta(seconds=GATE_DELAY_S.get(name, 20))
                if events and at < events[-1].at:  # taken before the parcel got there
                    at = events[-1].at
                shift = at - planned
            elif gate.startswith("?") and _later_gate_taken(plan, i, gates_taken):
                continue
            else:
                blocked = name
                break
        if events and at < events[-1].at:
            at = events[-1].at
        events.append(Event(at, step.status, step.substatus, step.kind, step.provider_status))
    if blocked is not None:
        deadline = _gate_deadline(posting, blocked, events[-1] if events else None)
        if deadline is not None and posting.cancellation is None:
            when, kind = deadline
            when = max(when, events[-1].at) if events else when
            events.append(Event(when, "cancelled", "posting_canceled", kind))
    if posting.cancelled_at is not None:
        events = [ev for ev in events if ev.at < posting.cancelled_at]
        events.append(
            Event(posting.cancelled_at, "cancelled", "posting_canceled", "seller_cancelled")
        )
    return events


def _later_gate_taken(plan: tuple[Step, ...], i: int, taken: set[str]) -> bool:
    return any(s.gate is not None and s.gate.lstrip("?") in taken for s in plan[i + 1 :])


DEADLINE_REASONS.update(
    {"not_shipped_in_time": NOT_SHIPPED_IN_TIME, "dispute_not_opened": NOT_ACCEPTED_CANCEL}
)
