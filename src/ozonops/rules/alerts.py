"""The alert lifecycle a person drives: list, acknowledge, snooze, resolve; and the history.

::

    open ──ack──► acknowledged ──snooze──► snoozed ──(time up)──► open
      │  └───────────snooze───────────────►  │
      └──────────────resolve (a person) ─────┴──► resolved
    (any) ──condition clears──► resolved by "engine" ──condition again──► open (occurrence+1)

A person's ``resolve`` while the condition still holds keeps the alert resolved until the
condition clears; if it comes back after that, the alert reopens. Functions here run in the
caller's transaction and never commit.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import case, insert, select
from sqlalchemy.orm import Session

from ozonops.db.tables import Alert, AlertEvent, Shop, SyncRun
from ozonops.rules.errors import InvalidTransition, UnknownAlert

__all__ = [
    "ACTIVE",
    "STATES",
    "AlertEntry",
    "AlertView",
    "acknowledge",
    "history",
    "list_alerts",
    "resolve",
    "snooze",
    "store_now",
]

STATES = ("open", "acknowledged", "snoozed", "resolved")
#: The states a person still has to look at.
ACTIVE = ("open", "acknowledged", "snoozed")


@dataclass(frozen=True, slots=True)
class AlertView:
    """One alert as the CLI and the dashboard show it."""

    id: int
    rule_id: str
    shop: str
    severity: str
    state: str
    firing: bool
    object_type: str
    object_id: str
    facts: dict[str, Any]
    path: str | None
    occurrence: int
    opened_at: datetime
    snoozed_until: datetime | None
    resolved_by: str | None


@dataclass(frozen=True, slots=True)
class AlertEntry:
    at: datetime
    kind: str
    actor: str
    details: dict[str, Any]


def _view(alert: Alert, shop: str) -> AlertView:
    return AlertView(
        id=alert.id,
        rule_id=alert.rule_id,
        shop=shop,
        severity=alert.severity,
        state=alert.state,
        firing=alert.firing,
        object_type=alert.object_type,
        object_id=alert.object_id,
        facts=dict(alert.facts),
        path=alert.path,
        occurrence=alert.occurrence,
        opened_at=alert.opened_at,
        snoozed_until=alert.snoozed_until,
        resolved_by=alert.resolved_by,
    )


def list_alerts(
    session: Session,
    *,
    states: Sequence[str] = ACTIVE,
    rules: Sequence[str] | None = None,
    shops: Sequence[str] | None = None,
    limit: int = 200,
) -> list[AlertView]:
    """Alerts in ``states`` (default: every active one), most severe and newest first."""
    unknown = sorted(set(states) - set(STATES))
    if unknown:
        raise InvalidTransition(f"unknown state(s) {unknown}; states are {', '.join(STATES)}")
    rank = case({"critical": 2, "warning": 1}, value=Alert.severity, else_=0)
    query = (
        select(Alert, Shop.name)
        .join(Shop, Shop.id == Alert.shop_id)
        .where(Alert.state.in_(states))
        .order_by(rank.desc(), Alert.opened_at.desc(), Alert.id.desc())
        .limit(limit)
    )
    if rules:
        query = query.where(Alert.rule_id.in_(rules))
    if shops:
        query = query.where(Shop.name.in_(shops) | Shop.client_id.in_(shops))
    return [_view(alert, name) for alert, name in session.execute(query)]


def _load(session: Session, alert_id: int) -> Alert:
    alert = session.get(Alert, alert_id, with_for_update=True)
    if alert is None:
        raise UnknownAlert(f"no alert #{alert_id}; `ozonops alerts list` shows their ids")
    return alert


def _record(
    session: Session, alert: Alert, kind: str, at: datetime, actor: str, **details: Any
) -> None:
    session.execute(
        insert(AlertEvent).values(alert_id=alert.id, at=at, kind=kind, actor=actor, details=details)
    )


def acknowledge(session: Session, *, alert_id: int, actor: str, now: datetime) -> AlertView:
    """Someone is on it: no more reminders, it stays until it resolves."""
    alert = _load(session, alert_id)
    if alert.state == "resolved":
        raise InvalidTransition(f"alert #{alert_id} is resolved; nothing to acknowledge")
    if alert.state != "acknowledged":
        alert.state, alert.acknowledged_at, alert.acknowledged_by = "acknowledged", now, actor
        alert.snoozed_until, alert.notify_due, alert.updated_at = None, False, now
        _record(session, alert, "acknowledged", now, actor)
    return _view(alert, _shop(session, alert))


def snooze(
    session: Session, *, alert_id: int, until: datetime, actor: str, now: datetime
) -> AlertView:
    """Quiet until ``until``; then it is open (and notified) again if it still holds."""
    if until <= now:
        raise InvalidTransition(f"snooze until {until.isoformat()} is not in the future")
    alert = _load(session, alert_id)
    if alert.state == "resolved":
        raise InvalidTransition(f"alert #{alert_id} is resolved; nothing to snooze")
    alert.state, alert.snoozed_until, alert.notify_due, alert.updated_at = (
        "snoozed",
        until,
        False,
        now,
    )
    _record(session, alert, "snoozed", now, actor, until=until.isoformat())
    return _view(alert, _shop(session, alert))


def resolve(session: Session, *, alert_id: int, actor: str, now: datetime) -> AlertView:
    """Handled by a person (see the module docstring for what happens if it still holds)."""
    alert = _load(session, alert_id)
    if alert.state == "resolved":
        raise InvalidTransition(f"alert #{alert_id} is already resolved (by {alert.resolved_by})")
    alert.state, alert.resolved_at, alert.resolved_by = "resolved", now, actor
    alert.snoozed_until, alert.notify_due, alert.updated_at = None, False, now
    _record(session, alert, "resolved", now, actor, still_firing=alert.firing)
    return _view(alert, _shop(session, alert))


def history(session: Session, *, alert_id: int) -> list[AlertEntry]:
    """Every step of the alert's life, oldest first."""
    _load(session, alert_id)
    rows = session.scalars(
        select(AlertEvent).where(AlertEvent.alert_id == alert_id).order_by(AlertEvent.id)
    )
    return [AlertEntry(r.at, r.kind, r.actor, dict(r.details)) for r in rows]


def _shop(session: Session, alert: Alert) -> str:
    return session.scalar(select(Shop.name).where(Shop.id == alert.shop_id)) or str(alert.shop_id)


def store_now(session: Session, *, wall: datetime) -> datetime:
    """Ozon's clock as the store last saw it, moved on by the time since (the machine's clock
    when nothing was synced yet). Alerts live on Ozon's clock; a command that snoozes until
    "4 h from now" must mean Ozon's now, or a simulated Ozon's."""
    row = session.execute(
        select(SyncRun.started_at, SyncRun.finished_at)
        .where(SyncRun.finished_at.is_not(None))
        .order_by(SyncRun.id.desc())
        .limit(1)
    ).first()
    if row is None or row.finished_at is None:
        return wall
    started: datetime = row.started_at
    finished: datetime = row.finished_at
    return started + max(wall - finished, timedelta(0))
