"""The engine's alerts against the simulator's ground truth, cycle by cycle.

A world with injected troubles runs on autopilot (the simulated seller takes every gate at
its planned time). Each cycle the clock moves ``cycle``, the postings are synced, and the
rules are evaluated at the simulator's now. Two comparisons per rule:

* **state** — at every evaluation, the postings the rule fires for against the postings its
  condition truly holds for, computed here in plain Python from the world's own postings
  (their realized timelines, deadlines and tracking numbers): true/false positives, misses.
* **troubles** — each injected trouble a rule exists to catch (``TROUBLE_RULES``), from the
  moment it becomes visible in Ozon's answers (``visible``) until it stops being visible:
  was an alert opened for its posting, and how long after it became visible (the goal: within
  one sync cycle). Precision: of the postings the rule alerted on, how many carry such a trouble.

Only troubles that become visible after the first sync count for recall and delay (the first
sync sees history it was not there for).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select

from ozonops.db import Database
from ozonops.db.tables import Alert, AlertEvent
from ozonops.rules import Context, RulesConfig, evaluate
from ozonops.simulator.app import create_app
from ozonops.simulator.config import SimConfig, TroubleRates
from ozonops.simulator.world import World
from ozonops.simulator.world.model import Event, Posting, Scheme
from ozonops.sync import SyncConfig
from tests.sync.kit import add_shops, syncer

NOT_PACKED = ("awaiting_approve", "awaiting_packaging")
NOT_HANDED_OVER = (*NOT_PACKED, "awaiting_registration", "awaiting_deliver")
FINAL = ("delivered", "cancelled", "cancelled_from_split_pending")
POSTINGS = ["fbs_postings", "fbo_postings"]

TROUBLES = TroubleRates(
    late_packing=0.12,
    ship_failed=0.08,
    stall=0.1,
    lost=0.05,
    customs_hold=0.05,
    return_to_sender=0.04,
    failed_delivery=0.05,
    buyer_cancellation=0.04,
    arbitration=0.05,
    not_accepted=0.05,
    damaged=0.02,
)


@dataclass(frozen=True)
class Scenario:
    sim: SimConfig
    cycle: timedelta
    cycles: int
    backfill_days: int = 40


SMALL = Scenario(
    SimConfig(
        seed=11,
        shops=2,
        orders_per_day=90,
        history_days=30,
        speed=0,
        autopilot=True,
        rate_limit_per_second=1000,
        troubles=TROUBLES,
    ),
    cycle=timedelta(hours=4),
    cycles=12,
)
BIG = Scenario(
    SimConfig(
        seed=23,
        shops=2,
        orders_per_day=400,
        history_days=40,
        speed=0,
        autopilot=True,
        rate_limit_per_second=1000,
        troubles=TROUBLES,
    ),
    cycle=timedelta(hours=3),
    cycles=40,
    backfill_days=50,
)


# --- the truth ---------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Seen:
    """A posting as the world knows it at one moment."""

    p: Posting
    ev: Event
    tracking: str

    @property
    def scheme(self) -> str:
        if self.p.scheme is Scheme.FBO:
            return "fbo"
        return "rfbs" if self.p.scheme.is_rfbs else "fbs"


Truth = Callable[[Seen, datetime, RulesConfig], bool]


def _ship_by_near(s: Seen, now: datetime, c: RulesConfig) -> bool:
    return (
        s.scheme != "fbo"
        and s.ev.status in NOT_PACKED
        and now < s.p.shipment_date <= now + timedelta(hours=c.ship_by_near.warn_hours)
    )


def _ship_by_missed(s: Seen, now: datetime, c: RulesConfig) -> bool:
    return s.scheme != "fbo" and s.ev.status in NOT_PACKED and s.p.shipment_date <= now


def _handover(s: Seen, now: datetime, c: RulesConfig) -> bool:
    days = c.ozon.handover_days - c.handover_deadline.warn_days
    return (
        s.scheme == "rfbs"
        and s.ev.status in NOT_HANDED_OVER
        and s.p.in_process_at <= now - timedelta(days=days)
    )


def _no_tracking(s: Seen, now: datetime, c: RulesConfig) -> bool:
    if s.p.scheme is not Scheme.RFBS_NON_INTEGRATED or s.tracking:
        return False
    late = s.p.shipment_date <= now - timedelta(hours=c.no_tracking_number.after_hours)
    return (s.ev.status == "awaiting_deliver" and late) or s.ev.status == "delivering"


def _late(s: Seen, now: datetime, c: RulesConfig) -> bool:
    return (
        s.scheme != "fbo"
        and s.ev.status not in FINAL
        and s.ev.substatus != "posting_conditionally_delivered"
        and s.p.delivery_date_end < now - timedelta(hours=c.delivery_late.grace_hours)
    )


def _may_cancel(s: Seen, now: datetime, c: RulesConfig) -> bool:
    days = c.ozon.buyer_cancel_overdue_days - c.buyer_may_cancel.warn_days
    return (
        s.scheme != "fbo"
        and s.ev.status not in FINAL
        and s.ev.substatus != "posting_conditionally_delivered"
        and s.p.delivery_date_end <= now - timedelta(days=days)
    )


STATE_RULES: dict[str, Truth] = {
    "ship_by_near": _ship_by_near,
    "ship_by_missed": _ship_by_missed,
    "packing_failed": lambda s, now, c: s.ev.substatus == "ship_failed",
    "handover_deadline": _handover,
    "no_tracking_number": _no_tracking,
    "not_accepted": lambda s, now, c: s.ev.status == "not_accepted",
    "arbitration_opened": lambda s, now, c: s.ev.status in ("arbitration", "client_arbitration"),
    "delivery_late": _late,
    "buyer_may_cancel": _may_cancel,
}

#: Rule → the trouble kinds it exists to catch.
TROUBLE_RULES: dict[str, tuple[str, ...]] = {
    "ship_by_missed": ("late_packing",),
    "packing_failed": ("ship_failed",),
    "not_accepted": ("not_accepted",),
    "arbitration_opened": ("arbitration", "not_accepted", "lost"),
    "return_to_sender": ("return_to_sender",),
    "lost": ("lost",),
    "failed_delivery": ("failed_delivery",),
    "stalled": ("stall",),
}


def _span(timeline: list[Event], ev: Event | None) -> tuple[datetime, datetime] | None:
    """From ``ev`` until the next event (the end of time when there is none)."""
    if ev is None:
        return None
    nxt = next((e for e in timeline if e.at > ev.at), None)
    return ev.at, nxt.at if nxt else datetime.max.replace(tzinfo=ev.at.tzinfo)


def visible(
    p: Posting, rule_id: str, kind: str, at: datetime, config: RulesConfig, first_sync: datetime
) -> tuple[datetime, datetime] | None:
    """When a trouble shows in Ozon's answers as ``rule_id`` sees it, and until when (None:
    it never does). Status ages count from the first sync at the earliest: a poll cannot
    know how long a posting had been in the status it first saw."""
    timeline = p.timeline
    after = [ev for ev in timeline if ev.at >= at]
    if rule_id == "arbitration_opened":
        disputed = ("arbitration", "client_arbitration")
        return _span(timeline, next((e for e in after if e.status in disputed), None))
    if kind == "late_packing":
        start = p.shipment_date
        packed = next((ev for ev in timeline if ev.status not in NOT_PACKED), None)
        return (start, packed.at) if packed and packed.at > start else None
    if kind in ("ship_failed", "not_accepted"):
        return _span(timeline, next((e for e in after if e.kind == kind), None))
    if kind in ("return_to_sender", "lost", "failed_delivery"):
        ev = next((e for e in after if e.status == "cancelled"), None)
        if ev is None:
            return None
        lookback = config.settings_of(kind)
        days = getattr(lookback, "lookback_days", 14)
        return ev.at, ev.at + timedelta(days=days)
    if kind == "stall":
        # No scan for days: the status stays as it was when the stall began.
        before = [ev for ev in timeline if ev.at <= at]
        nxt = next((e for e in timeline if e.at > at), None)
        if not before or nxt is None:
            return None
        days = config.stalled.days.get("rfbs" if p.scheme.is_rfbs else "fbs", 30.0)
        start = max(before[-1].at, first_sync) + timedelta(days=days)
        return (start, nxt.at) if start < nxt.at else None
    raise ValueError(kind)


def world_postings(world: World) -> Iterator[Posting]:
    since = world.config.start - timedelta(days=world.config.history_days + 1)
    for shop in world.shops:
        for fbo in (False, True):
            yield from world.postings(shop, fbo=fbo, since=since, to=world.now())


# --- the run -----------------------------------------------------------------------------------
@dataclass
class RuleFigures:
    rule_id: str
    tp: int = 0
    fp: int = 0
    fn: int = 0
    troubles: int = 0  # visible after the first sync, at an evaluation
    caught: int = 0
    alerted: int = 0  # postings alerted on (trouble rules)
    justified: int = 0  # of those, carrying a trouble the rule exists for
    delays: list[float] = field(default_factory=list)  # hours

    @staticmethod
    def _ratio(a: int, b: int) -> float | None:
        return a / b if b else None

    @property
    def precision(self) -> float | None:
        return self._ratio(self.tp, self.tp + self.fp)

    @property
    def recall(self) -> float | None:
        return self._ratio(self.tp, self.tp + self.fn)

    @property
    def trouble_recall(self) -> float | None:
        return self._ratio(self.caught, self.troubles)

    @property
    def trouble_precision(self) -> float | None:
        return self._ratio(self.justified, self.alerted)

    @property
    def max_delay(self) -> float | None:
        return max(self.delays) if self.delays else None


@dataclass
class Accuracy:
    scenario: Scenario
    figures: dict[str, RuleFigures]
    evaluations: int
    postings: int

    def cycle_hours(self) -> float:
        return self.scenario.cycle.total_seconds() / 3600


async def measure(db: Database, scenario: Scenario, config: RulesConfig | None = None) -> Accuracy:
    config = config or RulesConfig()
    app = create_app(scenario.sim)
    world: World = app.state.world
    add_shops(db, world)
    figures = {r: RuleFigures(r) for r in {*STATE_RULES, *TROUBLE_RULES}}
    times: list[datetime] = []
    async with syncer(db, app, config=SyncConfig(backfill_days=scenario.backfill_days)) as s:
        for k in range(scenario.cycles + 1):
            if k:
                world.clock.advance(scenario.cycle.total_seconds())
            await s.sync(resources=POSTINGS)
            now = world.now()
            times.append(now)
            ctx = Context(now=now, wall=now, config=config, dialect=db.dialect)
            with db.transaction() as session:
                evaluate(session, ctx=ctx)
                firing = set(
                    session.execute(
                        select(Alert.rule_id, Alert.object_id).where(Alert.firing)
                    ).all()
                )
            _compare_state(world, now, config, firing, figures)
    opened = _opened(db)
    postings = list(world_postings(world))
    _compare_troubles(postings, times, config, opened, figures)
    return Accuracy(scenario, figures, len(times), len(postings))


def _compare_state(
    world: World,
    now: datetime,
    config: RulesConfig,
    firing: set[tuple[str, str]],
    figures: dict[str, RuleFigures],
) -> None:
    truth: dict[str, set[str]] = defaultdict(set)
    for p in world_postings(world):
        seen = Seen(p, world.event(p, now), world.tracking_number(p, now))
        for rule_id, holds in STATE_RULES.items():
            if holds(seen, now, config):
                truth[rule_id].add(p.posting_number)
    for rule_id in STATE_RULES:
        fired = {o for r, o in firing if r == rule_id}
        f = figures[rule_id]
        f.tp += len(fired & truth[rule_id])
        f.fp += len(fired - truth[rule_id])
        f.fn += len(truth[rule_id] - fired)


def _opened(db: Database) -> dict[tuple[str, str], list[datetime]]:
    """When each (rule, object) alert opened or reopened."""
    out: dict[tuple[str, str], list[datetime]] = defaultdict(list)
    with db.transaction() as session:
        rows = session.execute(
            select(Alert.rule_id, Alert.object_id, AlertEvent.at)
            .join(AlertEvent, AlertEvent.alert_id == Alert.id)
            .where(AlertEvent.kind.in_(("opened", "reopened")))
        )
        for rule_id, object_id, at in rows:
            out[(rule_id, object_id)].append(at)
    return out


def _compare_troubles(
    postings: list[Posting],
    times: list[datetime],
    config: RulesConfig,
    opened: dict[tuple[str, str], list[datetime]],
    figures: dict[str, RuleFigures],
) -> None:
    first_sync = times[0]
    kinds_of = {p.posting_number: {t.kind for t in p.troubles} for p in postings}
    by_number = {p.posting_number: p for p in postings}
    for rule_id, kinds in TROUBLE_RULES.items():
        f = figures[rule_id]
        alerted = {o for (r, o) in opened if r == rule_id and o in by_number}
        f.alerted = len(alerted)
        f.justified = sum(1 for o in alerted if kinds_of[o] & set(kinds))
        for p in postings:
            for t in p.troubles:
                if t.kind not in kinds:
                    continue
                at = p.in_process_at + timedelta(seconds=t.offset_s)
                window = visible(p, rule_id, t.kind, at, config, first_sync)
                if window is None:
                    continue
                start, end = window
                evals = [at for at in times if start <= at < end]
                if start <= first_sync or not evals:
                    continue  # seen by the backfill, or never at an evaluation instant
                f.troubles += 1
                hits = [at for at in opened.get((rule_id, p.posting_number), []) if at >= start]
                if hits:
                    f.caught += 1
                    f.delays.append((min(hits) - start).total_seconds() / 3600)


def table(result: Accuracy) -> list[str]:
    """The per-rule table: state precision/recall, trouble recall/precision, delay."""

    def pct(x: float | None) -> str:
        return "—" if x is None else f"{x:.1%}"

    lines = [
        f"{'rule':<20} {'state P':>8} {'state R':>8} {'n':>6}  {'trouble R':>9} {'trouble P':>9}"
        f" {'troubles':>8}  {'max delay':>9}"
    ]
    for rule_id in sorted(result.figures):
        f = result.figures[rule_id]
        delay = "—" if f.max_delay is None else f"{f.max_delay:.1f} h"
        lines.append(
            f"{rule_id:<20} {pct(f.precision):>8} {pct(f.recall):>8} {f.tp + f.fn:>6}  "
            f"{pct(f.trouble_recall):>9} {pct(f.trouble_precision):>9} {f.troubles:>8}  {delay:>9}"
        )
    return lines
