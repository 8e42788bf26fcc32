"""Seller actions on FBS/rFBS postings: check one against the posting's state, then record it.

Every action here is a function ``(world, shop, ..., now)`` that either raises
:class:`ActionRefused` with Ozon's error code or records the action and re-derives the
posting's timeline (``World.refresh``). Callers hold ``world.lock``. The lifecycle's gates
(``lifecycle.realize``) then move the rest of the plan, so every action is asynchronous: its
effect shows ``GATE_DELAY_S`` after the call, or later when the parcel physically gets there.

A posting of the world's history (``autopilot``) whose seller acts through the API is taken
over: the gates it already passed are recorded as actions at the times they were taken, so
its past is unchanged and its future waits for the seller like any new posting.

Our readings where the docs are silent [inferred]:

- A status move is accepted when the plan is waiting for it and the visible status allows it;
  it shows ``GATE_DELAY_S`` later, or when the parcel reaches that point of the plan
  (a last-mile call made while the parcel is still in transit shows on its arrival).
- ``delivering`` needs a tracking number set first (the docs say to send it with this move).
- The seller may cancel until the posting is handed to delivery: ``awaiting_packaging``,
  ``awaiting_registration``, ``awaiting_deliver`` (FBS: not once in
  ``posting_transferring_to_delivery``). An rFBS posting the seller's own carrier delivers may
  also be cancelled while ``delivering`` (not conditionally delivered) with 667 "lost by the
  carrier", which does not count against the seller's rating.
- Packing a posting whose buyer is about to cancel is accepted and has no effect: the
  buyer's cancellation lands as planned.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Sequence
from datetime import datetime, timedelta

from ozonops.simulator.reference.ozon_codes import CANCEL_REASONS, CancelReason
from ozonops.simulator.world import lifecycle
from ozonops.simulator.world.model import Cancellation, Event, Line, Posting, Scheme, Shop, Step
from ozonops.simulator.world.world import World

#: Tracking numbers set per call at most (``/v2/fbs/posting/tracking-number/set``).
MAX_TRACKING_PAIRS = 20
#: Longest tracking number we accept [inferred].
MAX_TRACKING_LENGTH = 64
#: Reason that needs ``cancel_reason_message`` (spec).
REASON_OTHER = 402
#: "Lost by the carrier": the only reason once an rFBS parcel is on its way [inferred].
REASON_LOST = 667

_SHIPPED = frozenset(
    {
        "awaiting_registration",
        "awaiting_deliver",
        "acceptance_in_progress",
        "arbitration",
        "client_arbitration",
        "delivering",
        "driver_pickup",
        "delivered",
        "not_accepted",
        "sent_by_seller",
    }
)
_BEFORE_HANDOVER = frozenset({"awaiting_packaging", "awaiting_registration", "awaiting_deliver"})
_MOVE_GATES = {"delivering": "delivering", "last_mile": "last_mile", "delivered": "delivered"}


class ActionRefused(Exception):
    """An action Ozon would refuse; ``code`` is Ozon's error string."""

    def __init__(self, code: str, detail: str = "") -> None:
        super().__init__(code)
        self.code = code
        self.detail = detail


@dataclasses.dataclass(frozen=True, slots=True)
class Package:
    """One package of a ``ship`` call: SKU -> quantity."""

    products: tuple[tuple[int, int], ...]


# --- reading a posting's state ------------------------------------------------------------
def find(world: World, shop: Shop, posting_number: str) -> Posting:
    """The shop's FBS/rFBS posting, or POSTING_NOT_FOUND."""
    p = world.find_posting(shop, posting_number)
    if p is None or p.is_fbo:
        raise ActionRefused("POSTING_NOT_FOUND")
    return p


def _taken_over(p: Posting, now: datetime) -> dict[str, list[datetime]]:
    """The actions that reproduce ``p``'s realized past if the seller takes it over now."""
    actions = {name: list(times) for name, times in p.actions.items()}
    if not p.autopilot:
        return actions
    # On autopilot every planned step is realized in order, one event per step.
    for step, ev in zip(p.plan, p.timeline, strict=False):
        if step.gate is None or ev.at > now:
            continue
        name = step.gate.lstrip("?")
        delay = timedelta(seconds=lifecycle.GATE_DELAY_S.get(name, 20))
        actions.setdefault(name, []).append(ev.at - delay)
    return actions


@dataclasses.dataclass(slots=True)
class _View:
    """A posting as the seller would drive it: its actions, waiting gate and visible event."""

    posting: Posting
    actions: dict[str, list[datetime]]
    timeline: list[Event]
    event: Event
    gate: str | None  # the gate the plan waits for ("?last_mile" keeps its "?")
    reached: bool  # every event before the waiting gate has happened (nothing in flight)


def _view(world: World, p: Posting, now: datetime) -> _View:
    actions = _taken_over(p, now)
    if p.autopilot:
        trial = dataclasses.replace(p, actions=actions, autopilot=False, extra=dict(p.extra))
        timeline = lifecycle.realize(trial)
    else:
        timeline = p.timeline
    ev = world.event(p, now)
    reached = all(e.at <= now for e in timeline if e.kind not in lifecycle.DEADLINE_REASONS)
    return _View(p, actions, timeline, ev, waiting_gate(p.plan, actions), reached)


def waiting_gate(plan: Sequence[Step], actions: dict[str, list[datetime]]) -> str | None:
    """The first gate of ``plan`` the actions do not take (as ``lifecycle.realize`` reads it)."""
    used: Counter[str] = Counter()
    taken = {name for name, times in actions.items() if times}
    for i, step in enumerate(plan):
        if step.gate is None:
            continue
        name = step.gate.lstrip("?")
        if used[name] < len(actions.get(name, [])):
            used[name] += 1
            continue
        if step.gate.startswith("?") and any(
            s.gate is not None and s.gate.lstrip("?") in taken for s in plan[i + 1 :]
        ):
            continue
        return step.gate
    return None


def _commit(world: World, view: _View, name: str, now: datetime) -> None:
    p = view.posting
    view.actions.setdefault(name, []).append(now)
    p.actions = view.actions
    p.autopilot = False
    world.refresh(p)


# --- packing ------------------------------------------------------------------------------
def ship(
    world: World, shop: Shop, posting_number: str, packages: Sequence[Package], now: datetime
) -> list[Posting]:
    """Pack a posting (``/v4/posting/fbs/ship``); returns the postings it becomes.

    The first package stays on the posting; each further one becomes a new posting
    (``<order_number>-2``, ``-3``, ...). A posting planned to fail packing first shows
    ``ship_failed`` and is split only by the call that packs it.
    """
    p = find(world, shop, posting_number)
    view = _view(world, p, now)
    status = view.event.status
    if status == "cancelled":
        raise ActionRefused("POSTING_ALREADY_CANCELLED")
    if status in _SHIPPED:
        raise ActionRefused("POSTING_ALREADY_SHIPPED")
    if status != "awaiting_packaging":
        raise ActionRefused("HAS_INCORRECT_STATUS")
    ship_gates = sum(1 for s in p.plan if s.gate == "ship")
    taken = len(view.actions.get("ship", []))
    if ship_gates and view.gate != "ship":
        raise ActionRefused("POSTING_ALREADY_SHIPPED", "packing is in progress")
    if ship_gates and not view.reached:
        raise ActionRefused("HAS_INCORRECT_STATUS", "the previous packing is still in progress")
    lines = _package_lines(world, p, packages)
    _commit(world, view, "ship", now)
    out = [p]
    if taken + 1 == ship_gates and len(lines) > 1:
        p.lines = lines[0]
        world.touch(p)
        existing = p.extra.get("splits")
        k = 2 + (len(existing) if isinstance(existing, list) else 0)
        for extra in lines[1:]:
            out.append(world.add_split(p, extra, k))
            k += 1
    return out


def _package_lines(world: World, p: Posting, packages: Sequence[Package]) -> list[tuple[Line, ...]]:
    """Each package's lines; the packages must hold exactly the posting's goods."""
    if not packages or any(not pkg.products for pkg in packages):
        raise ActionRefused("HAS_INCORRECT_PRODUCT_QUANTITY", "empty package")
    by_sku = {line.sku.sku: line for line in p.lines}
    per_package: list[Counter[int]] = []
    for pkg in packages:
        qty: Counter[int] = Counter()
        for sku, n in pkg.products:
            known = world.sku_by_id.get(sku)
            if known is None or known.shop_index != p.shop_index:
                raise ActionRefused("UNKNOWN_PRODUCT_DEFINED", f"unknown SKU {sku}")
            if n <= 0:
                raise ActionRefused("HAS_INCORRECT_PRODUCT_QUANTITY", f"quantity {n}")
            qty[sku] += n
        per_package.append(qty)
    total: Counter[int] = Counter()
    for qty in per_package:
        total.update(qty)
    if total != Counter({line.sku.sku: line.quantity for line in p.lines}):
        raise ActionRefused(
            "HAS_INCORRECT_PRODUCT_QUANTITY", "packages must hold exactly the posting's goods"
        )
    return [
        tuple(Line(by_sku[s].sku, n, by_sku[s].price) for s, n in qty.items())
        for qty in per_package
    ]


# --- rFBS delivered by the seller -----------------------------------------------------------
def _non_integrated(p: Posting) -> None:
    if p.scheme is not Scheme.RFBS_NON_INTEGRATED:
        raise ActionRefused("HAS_INCORRECT_TPL_INTEGRATION_TYPE")


def set_tracking_number(
    world: World, shop: Shop, posting_number: str, tracking_number: str, now: datetime
) -> None:
    """Set the tracking number of an rFBS posting the seller's carrier delivers."""
    p = find(world, shop, posting_number)
    _non_integrated(p)
    number = tracking_number.strip()
    if not number:
        raise ActionRefused("TRACKING_NUMBER_IS_EMPTY")
    if len(number) > MAX_TRACKING_LENGTH or any(c.isspace() for c in number):
        raise ActionRefused("INVALID_TRACKING_NUMBER")
    ev = world.event(p, now)
    if ev.status == "cancelled":
        raise ActionRefused("POSTING_ALREADY_CANCELLED")
    if ev.status not in ("awaiting_deliver", "delivering") or (
        ev.substatus == "posting_conditionally_delivered"
    ):
        raise ActionRefused("HAS_INCORRECT_STATUS")
    p.tracking_number = number
    p.tracking_set_at = now
    world.by_tracking_number[number] = p
    world.touch(p)  # no timeline change (no refresh), but the posting reads differently


def move(world: World, shop: Shop, posting_number: str, name: str, now: datetime) -> None:
    """An rFBS status move: ``delivering``, ``last_mile`` or ``delivered``."""
    gate = _MOVE_GATES[name]
    p = find(world, shop, posting_number)
    _non_integrated(p)
    view = _view(world, p, now)
    ev = view.event
    if ev.status == "cancelled":
        raise ActionRefused("POSTING_ALREADY_CANCELLED")
    waiting = (view.gate or "").lstrip("?")
    if gate == "delivering":
        ok = ev.status == "awaiting_deliver" and waiting == "delivering" and view.reached
        # Our reading of "send the tracking number when moving to delivering".
        if ok and not p.tracking_number:
            raise ActionRefused("TRACKING_NUMBER_REQUIRED")
    elif gate == "last_mile":
        ok = view.gate == "?last_mile"
    else:
        ok = waiting == "delivered" or (
            view.gate == "?last_mile" and any(s.gate == "delivered" for s in p.plan)
        )
    in_transit = ev.status == "delivering" and ev.substatus != "posting_conditionally_delivered"
    if not ok or (gate != "delivering" and not in_transit):
        raise ActionRefused("TRANSITION_IS_NOT_POSSIBLE")
    _commit(world, view, gate, now)


# --- cancel and disputes ------------------------------------------------------------------
def cancel_reason(reason_id: int) -> CancelReason | None:
    return next((r for r in CANCEL_REASONS if r.id == reason_id), None)


def cancel(
    world: World, shop: Shop, posting_number: str, reason_id: int, message: str, now: datetime
) -> None:
    """Cancel a posting by the seller (``/v2/posting/fbs/cancel``)."""
    p = find(world, shop, posting_number)
    reason = cancel_reason(reason_id)
    if reason is None or reason.type_id != "seller" or not reason.is_available_for_cancellation:
        raise ActionRefused("HAS_INCORRECT_CANCEL_REASON")
    if reason_id == REASON_OTHER and not message.strip():
        raise ActionRefused("CANCEL_REASON_MESSAGE_REQUIRED")
    ev = world.event(p, now)
    if ev.status == "cancelled":
        raise ActionRefused("POSTING_ALREADY_CANCELLED")
    on_way = (
        p.scheme is Scheme.RFBS_NON_INTEGRATED
        and ev.status == "delivering"
        and ev.substatus != "posting_conditionally_delivered"
    )
    before = ev.status in _BEFORE_HANDOVER and not (
        p.scheme is Scheme.FBS and ev.substatus == "posting_transferring_to_delivery"
    )
    if not (before or on_way):
        raise ActionRefused("HAS_INCORRECT_STATUS")
    if (reason_id == REASON_LOST) != on_way:
        raise ActionRefused("HAS_INCORRECT_CANCEL_REASON")
    p.cancellation = Cancellation(
        reason_id=reason.id,
        reason=reason.title_ru,
        cancellation_type="seller",
        initiator="seller",
        cancelled_after_ship=ev.status != "awaiting_packaging",
        affect_cancellation_rating=reason_id != REASON_LOST,
    )
    p.cancelled_at = now
    world.refresh(p)


def arbitrate(world: World, shop: Shop, posting_numbers: Sequence[str], now: datetime) -> None:
    """Open disputes (``/v2/posting/fbs/arbitration``): all postings or none."""
    views: list[_View] = []
    for number in posting_numbers:
        view = _view(world, find(world, shop, number), now)
        ev = view.event
        disputable = ev.status == "not_accepted" or (
            ev.status == "awaiting_deliver"
            and ev.substatus in ("posting_in_carriage", "posting_transferring_to_delivery")
        )
        if not (disputable and view.gate == "arbitration" and view.reached):
            raise ActionRefused("TRANSITION_IS_NOT_POSSIBLE", number)
        views.append(view)
    for view in views:
        _commit(world, view, "arbitration", now)
