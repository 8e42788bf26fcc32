"""The watchtower's tables: alerts and their history, deliveries, observed facts, buyer messages.

- ``alerts`` — one row per (rule, shop, object), ever: its lifecycle state (open,
  acknowledged, snoozed, resolved), whether its condition holds now (``firing``), the facts
  that fired it, and which occurrence this is (a condition that clears and comes back reopens
  the same row with ``occurrence + 1``).
- ``alert_events`` — the history of every alert: opened, reopened, acknowledged, snoozed,
  woke, resolved, notified.
- ``alert_deliveries`` — every notification outcome per alert (sent, failed, deferred to a
  digest window, skipped); ``notify_journal`` is the delivery journal (a key *started* and never
  *done* is a delivery in doubt, see ``ozonops.notify.outcome``).
- ``watch_facts`` — facts the store's Ozon mirror does not hold, observed by the watchtower:
  the key's expiry (``/v1/roles``), degraded methods (the client's detector), a shop whose plan
  refused chat writing. Rules read them with SQL like any other table.
- ``buyer_messages`` — every message sent (or being sent) to a buyer, one per event key: the
  row is claimed before the call, so the same event is never messaged twice.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ozonops.db.tables.base import Base, shop_fk

__all__ = ["Alert", "AlertDelivery", "AlertEvent", "BuyerMessage", "NotifyJournal", "WatchFact"]

_ID = BigInteger().with_variant(Integer(), "sqlite")


class Alert(Base):
    """One rule's alert about one object of one shop (see the module docstring)."""

    __tablename__ = "alerts"
    __table_args__ = (
        UniqueConstraint("rule_id", "shop_id", "object_id"),
        Index("ix_alerts_state_rule", "state", "rule_id"),
        Index("ix_alerts_rule_firing", "rule_id", "firing"),
        Index("ix_alerts_notify_due", "notify_due"),
    )

    id: Mapped[int] = mapped_column(_ID, primary_key=True)
    rule_id: Mapped[str] = mapped_column(String(40))
    shop_id: Mapped[int] = mapped_column(shop_fk(), index=True)
    #: posting | return | review | chat | stock | shop | method | resource
    object_type: Mapped[str] = mapped_column(String(20))
    object_id: Mapped[str] = mapped_column(String(120))
    severity: Mapped[str] = mapped_column(String(10))
    #: open | acknowledged | snoozed | resolved
    state: Mapped[str] = mapped_column(String(14))
    #: The rule's condition held at the last evaluation.
    firing: Mapped[bool] = mapped_column(default=True)
    facts: Mapped[dict[str, Any]] = mapped_column(default=dict)
    #: A hash of ``facts``: the engine tells changed facts without reading them back.
    digest: Mapped[str] = mapped_column(String(32), default="")
    #: Where the object's timeline is, relative to the dashboard (``/postings/{number}``).
    path: Mapped[str | None] = mapped_column(String(200))
    occurrence: Mapped[int] = mapped_column(default=1)
    #: Times on Ozon's clock (the evaluation's ``now``).
    created_at: Mapped[datetime]
    opened_at: Mapped[datetime]
    last_fired_at: Mapped[datetime]
    cleared_at: Mapped[datetime | None]
    acknowledged_at: Mapped[datetime | None]
    acknowledged_by: Mapped[str | None] = mapped_column(String(100))
    snoozed_until: Mapped[datetime | None]
    resolved_at: Mapped[datetime | None]
    #: "engine" when the condition cleared by itself, else who resolved it.
    resolved_by: Mapped[str | None] = mapped_column(String(100))
    #: The alert waits to be handed to the notifier (set on open, reopen and wake).
    notify_due: Mapped[bool] = mapped_column(default=True)
    #: How many times it became due: part of the notification's dedupe key.
    notice: Mapped[int] = mapped_column(default=1)
    updated_at: Mapped[datetime]


class AlertEvent(Base):
    """One step in an alert's life."""

    __tablename__ = "alert_events"

    id: Mapped[int] = mapped_column(_ID, primary_key=True)
    alert_id: Mapped[int] = mapped_column(ForeignKey("alerts.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime]
    #: opened | reopened | acknowledged | snoozed | woke | resolved | notified
    kind: Mapped[str] = mapped_column(String(20))
    actor: Mapped[str] = mapped_column(String(100), default="engine")
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)


class AlertDelivery(Base):
    """One notification outcome of one alert (``ozonops.notify.Outcome``)."""

    __tablename__ = "alert_deliveries"
    __table_args__ = (Index("ix_alert_deliveries_pending", "status", "route", "window"),)

    id: Mapped[int] = mapped_column(_ID, primary_key=True)
    alert_id: Mapped[int] = mapped_column(ForeignKey("alerts.id", ondelete="CASCADE"), index=True)
    dedupe_key: Mapped[str] = mapped_column(String(200))
    #: sent | failed | deferred | skipped
    status: Mapped[str] = mapped_column(String(10))
    via: Mapped[str] = mapped_column(String(10))
    route: Mapped[str | None] = mapped_column(String(100))
    channel: Mapped[str | None] = mapped_column(String(100))
    window: Mapped[str | None] = mapped_column(String(80))
    delivery_key: Mapped[str | None] = mapped_column(String(40))
    error: Mapped[str | None] = mapped_column(Text)
    retryable: Mapped[bool | None]
    resent: Mapped[bool] = mapped_column(default=False)
    #: Wall-clock time (the notifier's clock: digest windows and signatures use it).
    at: Mapped[datetime]


class NotifyJournal(Base):
    """The delivery journal: ``started`` before the first attempt, ``done`` once sent."""

    __tablename__ = "notify_journal"

    delivery_key: Mapped[str] = mapped_column(String(40), primary_key=True)
    #: started | done | new (finished without success: send again)
    state: Mapped[str] = mapped_column(String(10))
    updated_at: Mapped[datetime]


class WatchFact(Base):
    """A fact about a shop observed outside the sync (key expiry, a degraded method, ...)."""

    __tablename__ = "watch_facts"

    shop_id: Mapped[int] = mapped_column(shop_fk(), primary_key=True)
    #: key_expiry | method_degraded | chat_write_refused
    kind: Mapped[str] = mapped_column(String(30), primary_key=True)
    subject: Mapped[str] = mapped_column(String(120), primary_key=True)
    since: Mapped[datetime]
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)
    observed_at: Mapped[datetime]


class BuyerMessage(Base):
    """A message to a buyer through Ozon chat, claimed before it is sent (one per event)."""

    __tablename__ = "buyer_messages"

    id: Mapped[int] = mapped_column(_ID, primary_key=True)
    shop_id: Mapped[int] = mapped_column(shop_fk(), index=True)
    posting_number: Mapped[str] = mapped_column(String(40), index=True)
    template: Mapped[str] = mapped_column(String(40))
    #: The event the message is about (template + posting + occurrence): unique.
    event_key: Mapped[str] = mapped_column(String(200), unique=True)
    alert_id: Mapped[int | None] = mapped_column(ForeignKey("alerts.id", ondelete="SET NULL"))
    chat_id: Mapped[str | None] = mapped_column(String(64))
    text: Mapped[str] = mapped_column(Text)
    #: sending (claimed) | sent | in_doubt (the call failed after it may have arrived)
    status: Mapped[str] = mapped_column(String(10))
    actor: Mapped[str] = mapped_column(String(100))
    claimed_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]
    error: Mapped[str | None] = mapped_column(Text)
