"""Set-based evaluation: each rule's query against the store, merged into the alerts table.

For every rule, in the caller's transaction::

    hits     = the rule's SELECT (one row per object its condition holds for)
    firing   = the rule's alerts whose condition held last time
    hits − firing   → a new alert (open), or the object's old alert reopened (occurrence + 1)
    hits ∩ firing   → facts refreshed where they changed (state untouched: an acknowledged
                      or snoozed alert stays so; one resolved by hand stays resolved)
    firing − hits   → the condition cleared: resolved by itself ("engine")

Then snoozed alerts whose time is up wake (open again, notified again). Work is proportional
to the rows the queries return and the alerts that change, never to the store's size: the
queries filter on indexed columns, and the merge touches only changed rows, in bulk.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from ozonops.db.tables import Alert, AlertEvent
from ozonops.rules.catalogue import CATALOGUE
from ozonops.rules.rule import Context, Hit, Rule

__all__ = ["Evaluation", "RuleReport", "evaluate", "evaluate_rule", "find_hits"]

_CHUNK = 500


@dataclass(frozen=True, slots=True)
class RuleReport:
    """What one rule's evaluation found and changed."""

    rule_id: str
    firing: int
    opened: int
    reopened: int
    resolved: int
    updated: int
    seconds: float


@dataclass(frozen=True, slots=True)
class Evaluation:
    """One evaluation of the catalogue."""

    now: datetime
    rules: tuple[RuleReport, ...]
    woke: int
    seconds: float
    errors: tuple[str, ...] = field(default=())

    def total(self, what: str) -> int:
        return sum(int(getattr(r, what)) for r in self.rules)

    def report(self, rule_id: str) -> RuleReport:
        for r in self.rules:
            if r.rule_id == rule_id:
                return r
        raise KeyError(rule_id)


def evaluate(session: Session, *, ctx: Context, rules: Sequence[Rule] = CATALOGUE) -> Evaluation:
    """Every rule against the store at ``ctx.now``; alerts opened, refreshed and resolved."""
    started = time.perf_counter()
    reports = [evaluate_rule(session, rule=rule, ctx=ctx) for rule in rules]
    woke = _wake(session, ctx)
    return Evaluation(ctx.now, tuple(reports), woke, time.perf_counter() - started)


def find_hits(session: Session, *, rule: Rule, ctx: Context) -> list[Hit]:
    """The objects ``rule``'s condition holds for now (none while it is switched off)."""
    if not rule.settings(ctx.config).enabled:
        return []
    rows = session.execute(rule.query(ctx)).all()
    return rule.collect(rows, ctx)


def evaluate_rule(session: Session, *, rule: Rule, ctx: Context) -> RuleReport:
    started = time.perf_counter()
    hits = {(h.shop_id, h.object_id): h for h in find_hits(session, rule=rule, ctx=ctx)}
    firing = {
        (r.shop_id, r.object_id): r
        for r in session.execute(
            select(Alert.id, Alert.shop_id, Alert.object_id, Alert.state, Alert.digest).where(
                Alert.rule_id == rule.id, Alert.firing
            )
        )
    }
    severity = rule.severity_in(ctx.config).value
    fresh = [key for key in hits if key not in firing]
    old = _existing(session, rule.id, fresh)
    events: list[dict[str, Any]] = []

    new_rows = [_new_alert(rule, hits[key], severity, ctx.now) for key in fresh if key not in old]
    if new_rows:
        ids = session.execute(
            insert(Alert).returning(Alert.id, sort_by_parameter_order=True), new_rows
        ).scalars()
        events += [
            _event(i, "opened", ctx.now, {"facts": r["facts"]})
            for i, r in zip(ids, new_rows, strict=True)
        ]

    reopened = [old[key] for key in fresh if key in old]
    if reopened:
        session.execute(
            update(Alert),
            [
                {
                    "id": a.id,
                    "state": "open",
                    "firing": True,
                    "facts": hits[(a.shop_id, a.object_id)].facts,
                    "digest": hits[(a.shop_id, a.object_id)].digest,
                    "severity": severity,
                    "occurrence": a.occurrence + 1,
                    "opened_at": ctx.now,
                    "last_fired_at": ctx.now,
                    "cleared_at": None,
                    "acknowledged_at": None,
                    "acknowledged_by": None,
                    "snoozed_until": None,
                    "resolved_at": None,
                    "resolved_by": None,
                    "notify_due": True,
                    "notice": a.notice + 1,
                    "updated_at": ctx.now,
                }
                for a in reopened
            ],
        )
        events += [
            _event(a.id, "reopened", ctx.now, {"occurrence": a.occurrence + 1}) for a in reopened
        ]

    changed = [
        {
            "id": row.id,
            "facts": hits[key].facts,
            "digest": digest,
            "severity": severity,
            "updated_at": ctx.now,
        }
        for key, row in firing.items()
        if key in hits and row.digest != (digest := hits[key].digest)
    ]
    if changed:
        session.execute(update(Alert), changed)

    cleared = [row for key, row in firing.items() if key not in hits]
    if cleared:
        stay = [r for r in cleared if r.state == "resolved"]
        close = [r for r in cleared if r.state != "resolved"]
        if stay:
            session.execute(
                update(Alert),
                [
                    {"id": r.id, "firing": False, "cleared_at": ctx.now, "updated_at": ctx.now}
                    for r in stay
                ],
            )
        if close:
            session.execute(
                update(Alert),
                [
                    {
                        "id": r.id,
                        "firing": False,
                        "cleared_at": ctx.now,
                        "state": "resolved",
                        "resolved_at": ctx.now,
                        "resolved_by": "engine",
                        "notify_due": False,
                        "updated_at": ctx.now,
                    }
                    for r in close
                ],
            )
            events += [_event(r.id, "resolved", ctx.now, {"by": "engine"}) for r in close]
    if events:
        session.execute(insert(AlertEvent), events)
    return RuleReport(
        rule_id=rule.id,
        firing=len(hits),
        opened=len(new_rows),
        reopened=len(reopened),
        resolved=len([r for r in cleared if r.state != "resolved"]),
        updated=len(changed),
        seconds=time.perf_counter() - started,
    )


def _existing(session: Session, rule_id: str, keys: Iterable[tuple[int, str]]) -> dict[Any, Any]:
    """The alerts (not firing) that ``keys`` of ``rule_id`` already have."""
    wanted = list(keys)
    found: dict[tuple[int, str], Any] = {}
    for start in range(0, len(wanted), _CHUNK):
        chunk = wanted[start : start + _CHUNK]
        rows = session.execute(
            select(Alert.id, Alert.shop_id, Alert.object_id, Alert.occurrence, Alert.notice).where(
                Alert.rule_id == rule_id, Alert.object_id.in_({o for _, o in chunk})
            )
        )
        keep = set(chunk)
        for row in rows:
            if (row.shop_id, row.object_id) in keep:
                found[(row.shop_id, row.object_id)] = row
    return found


def _new_alert(rule: Rule, hit: Hit, severity: str, now: datetime) -> dict[str, Any]:
    return {
        "rule_id": rule.id,
        "shop_id": hit.shop_id,
        "object_type": rule.object_type,
        "object_id": hit.object_id,
        "severity": severity,
        "state": "open",
        "firing": True,
        "facts": hit.facts,
        "digest": hit.digest,
        "path": rule.path(hit.object_id),
        "occurrence": 1,
        "created_at": now,
        "opened_at": now,
        "last_fired_at": now,
        "cleared_at": None,
        "acknowledged_at": None,
        "acknowledged_by": None,
        "snoozed_until": None,
        "resolved_at": None,
        "resolved_by": None,
        "notify_due": True,
        "notice": 1,
        "updated_at": now,
    }


def _event(alert_id: int, kind: str, at: datetime, details: dict[str, Any]) -> dict[str, Any]:
    return {"alert_id": alert_id, "kind": kind, "at": at, "actor": "engine", "details": details}


def _wake(session: Session, ctx: Context) -> int:
    """Snoozed alerts whose time is up: open again (and due for a notification)."""
    rows = session.execute(
        select(Alert.id, Alert.notice).where(
            Alert.state == "snoozed", Alert.snoozed_until <= ctx.now
        )
    ).all()
    if not rows:
        return 0
    session.execute(
        update(Alert),
        [
            {
                "id": r.id,
                "state": "open",
                "snoozed_until": None,
                "notify_due": True,
                "notice": r.notice + 1,
                "updated_at": ctx.now,
            }
            for r in rows
        ],
    )
    session.execute(insert(AlertEvent), [_event(r.id, "woke", ctx.now, {}) for r in rows])
    return len(rows)
