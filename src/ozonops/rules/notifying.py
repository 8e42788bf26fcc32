"""Alerts into ``ozonops.notify``: which alerts are due, their notifications, the outcomes kept.

An alert is *due* when it opens, reopens or wakes from a snooze (``alerts.notify_due``): due
alerts are read from the store, so a crash between evaluation and delivery loses nothing.
Each one becomes a :class:`~ozonops.notify.Notification` (the rule's zh/en texts, the facts,
the timeline link, ``dedupe_key = rule:shop:object:notice``). Every outcome is kept in
``alert_deliveries``; ``deferred`` ones wait there for their digest window, and
:func:`pending_digests` gives them back once per route until a digest carrying them is sent.
:class:`StoreJournal` is the notify journal over ``notify_journal``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from sqlalchemy import and_, func, insert, select, update
from sqlalchemy.orm import Session

from ozonops.db import Database, upsert
from ozonops.db.tables import Alert, AlertDelivery, AlertEvent, NotifyJournal, Shop
from ozonops.notify import Notification, Outcome
from ozonops.rules.catalogue import RULES_BY_ID
from ozonops.rules.rule import Context

__all__ = [
    "Due",
    "StoreJournal",
    "due_alerts",
    "handed",
    "mark_handed",
    "notification_for",
    "pending_digests",
    "record_outcomes",
]

#: Facts shown in a message (beyond the object), at most.
SHOWN_FACTS = 6
#: A notification failing for a passing reason is tried again next round, this many times.
MAX_ROUNDS = 5
#: Deferred notifications older than this are not sent in a digest any more.
DIGEST_HORIZON = timedelta(days=3)
#: The fact key that names the object, per object type (``ozonops.notify`` labels them).
OBJECT_FACT = {"posting": "posting_number", "return": "return_id", "chat": "chat_id"}


@dataclass(frozen=True, slots=True)
class Due:
    """An alert waiting to be handed to the notifier."""

    alert_id: int
    notification: Notification


def dedupe_key(alert: Alert) -> str:
    return f"{alert.rule_id}:{alert.shop_id}:{alert.object_id}:{alert.notice}"


def notification_for(
    alert: Alert, *, shop: str, ctx: Context, created_at: datetime, dashboard_url: str | None
) -> Notification:
    """The notification of ``alert``, in both languages."""
    rule = RULES_BY_ID[alert.rule_id]
    facts = {**alert.facts, "object_id": alert.object_id}
    title, body = rule.describe(facts, ctx)
    shown = [(OBJECT_FACT.get(alert.object_type, alert.object_type), alert.object_id)]
    for key, value in alert.facts.items():
        if len(shown) > SHOWN_FACTS:
            break
        if value is not None and value != "" and not isinstance(value, dict | list):
            shown.append((key, str(value)))
    link = None
    if dashboard_url and alert.path:
        link = dashboard_url.rstrip("/") + alert.path
    return Notification(
        alert_id=str(alert.id),
        rule_id=alert.rule_id,
        severity=alert.severity,
        shop=shop,
        title=title,
        body=body,
        created_at=created_at,
        dedupe_key=dedupe_key(alert),
        facts=tuple(shown),
        link=link,
    )


def _shop_names(session: Session) -> dict[int, str]:
    return {i: n for i, n in session.execute(select(Shop.id, Shop.name))}


def due_alerts(
    session: Session, *, ctx: Context, wall: datetime, dashboard_url: str | None, limit: int = 500
) -> list[Due]:
    """Open alerts due for a notification; due alerts no longer open stop being due."""
    session.execute(
        update(Alert).where(Alert.notify_due, Alert.state != "open").values(notify_due=False)
    )
    shops = _shop_names(session)
    rows = session.scalars(
        select(Alert).where(Alert.notify_due, Alert.state == "open").order_by(Alert.id).limit(limit)
    )
    return [
        Due(
            a.id,
            notification_for(
                a,
                shop=shops.get(a.shop_id, str(a.shop_id)),
                ctx=ctx,
                created_at=wall,
                dashboard_url=dashboard_url,
            ),
        )
        for a in rows
    ]


def mark_handed(session: Session, *, alert_ids: Sequence[int], at: datetime) -> None:
    """The alerts were handed to the notifier: no longer due."""
    if alert_ids:
        session.execute(update(Alert).where(Alert.id.in_(alert_ids)).values(notify_due=False))


def handed(session: Session, due: Sequence[Due], outcomes: Sequence[Outcome]) -> list[int]:
    """The due alerts that are done with: all but those with a failure worth retrying (a
    platform's budget, a 5xx) and fewer than ``MAX_ROUNDS`` failed rounds — those stay due for
    the next round (the journal skips the channels that already have them)."""
    again = {o.alert_id for o in outcomes if o.status == "failed" and o.retryable}
    ids = [d.alert_id for d in due if str(d.alert_id) in again]
    failures: dict[int, int] = {}
    if ids:
        failures = {
            alert_id: n
            for alert_id, n in session.execute(
                select(AlertDelivery.alert_id, func.count())
                .where(AlertDelivery.alert_id.in_(ids), AlertDelivery.status == "failed")
                .group_by(AlertDelivery.alert_id)
            )
        }
    return [
        d.alert_id
        for d in due
        if str(d.alert_id) not in again or failures.get(d.alert_id, 0) >= MAX_ROUNDS
    ]


def record_outcomes(
    session: Session, *, outcomes: Sequence[Outcome], at: datetime, event_at: datetime
) -> None:
    """Keep every outcome; a sent one also goes into the alert's history."""
    rows = []
    events = []
    for o in outcomes:
        if not o.alert_id.isdigit():
            continue
        rows.append(
            {
                "alert_id": int(o.alert_id),
                "dedupe_key": o.dedupe_key,
                "status": o.status,
                "via": o.via,
                "route": o.route,
                "channel": o.channel,
                "window": o.window,
                "delivery_key": o.delivery_key,
                "error": o.error,
                "retryable": o.retryable,
                "resent": o.resent,
                "at": at,
            }
        )
        if o.status == "sent":
            events.append(
                {
                    "alert_id": int(o.alert_id),
                    "at": event_at,
                    "kind": "notified",
                    "actor": "engine",
                    "details": {"route": o.route, "channel": o.channel, "via": o.via},
                }
            )
    if rows:
        session.execute(insert(AlertDelivery), rows)
    if events:
        session.execute(insert(AlertEvent), events)


def pending_digests(
    session: Session, *, route: str, ctx: Context, wall: datetime, dashboard_url: str | None
) -> list[Notification]:
    """The notifications deferred to ``route`` that no sent digest has carried yet."""
    sent = (
        select(AlertDelivery.id)
        .where(
            AlertDelivery.alert_id == Alert.id,
            AlertDelivery.route == route,
            AlertDelivery.via == "digest",
            AlertDelivery.status == "sent",
        )
        .correlate(Alert)
    )
    deferred = session.execute(
        select(Alert, AlertDelivery.at, AlertDelivery.dedupe_key)
        .join(AlertDelivery, AlertDelivery.alert_id == Alert.id)
        .where(
            and_(
                AlertDelivery.route == route,
                AlertDelivery.status == "deferred",
                AlertDelivery.at >= wall - DIGEST_HORIZON,
            ),
            ~sent.exists(),
        )
        .order_by(AlertDelivery.id)
    ).all()
    shops = _shop_names(session)
    seen: set[str] = set()
    out = []
    for alert, at, key in deferred:
        if key in seen:
            continue
        seen.add(key)
        n = notification_for(
            alert,
            shop=shops.get(alert.shop_id, str(alert.shop_id)),
            ctx=ctx,
            created_at=at,
            dashboard_url=dashboard_url,
        )
        out.append(n)
    return out


class StoreJournal:
    """The notify journal in the store (``notify_journal``), written from the loop's thread."""

    def __init__(self, db: Database, *, clock: Callable[[], datetime]) -> None:
        self.db = db
        self._clock = clock

    async def state(self, key: str) -> Literal["new", "started", "done"]:
        with self.db.transaction() as s:
            value = s.scalar(select(NotifyJournal.state).where(NotifyJournal.delivery_key == key))
        if value == "started":
            return "started"
        return "done" if value == "done" else "new"

    async def started(self, key: str) -> None:
        self._write(key, "started")

    async def finished(self, outcome: Outcome) -> None:
        if outcome.delivery_key is not None:
            self._write(outcome.delivery_key, "done" if outcome.status == "sent" else "new")

    def _write(self, key: str, state: str) -> None:
        with self.db.transaction() as s:
            upsert(
                s,
                NotifyJournal,
                [{"delivery_key": key, "state": state, "updated_at": self._clock()}],
                key=["delivery_key"],
            )
