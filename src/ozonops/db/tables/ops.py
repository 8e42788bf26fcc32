"""The store's own bookkeeping: shops, sync cursors and runs, the webhook inbox, the audit log."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from ozonops.db.tables.base import Base

__all__ = ["ApiMethodStats", "AuditEntry", "InboxPush", "Shop", "SyncCursor", "SyncRun"]


class Shop(Base):
    """One Ozon seller account. The Api-Key is only ever stored encrypted (``db.secrets``)."""

    __tablename__ = "shops"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    client_id: Mapped[str] = mapped_column(String(32), unique=True)
    api_key_encrypted: Mapped[bytes] = mapped_column(LargeBinary)
    #: The secret path segment of this shop's push URL (``/ozon/push/{push_token}``).
    push_token: Mapped[str] = mapped_column(String(64), unique=True)
    #: Where this shop's Ozon answers (None: the settings' URL); the demo's shops live on the
    #: simulator.
    base_url: Mapped[str | None] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime]


class SyncCursor(Base):
    """How far one resource of one shop is read: committed with the rows it covers.

    ``last_value`` is the server time up to which every change is in the store; ``state`` holds
    what a resource needs to resume (a backfill's progress, ids seen at the boundary).
    """

    __tablename__ = "sync_cursors"

    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id"), primary_key=True)
    resource: Mapped[str] = mapped_column(String(40), primary_key=True)
    last_value: Mapped[datetime | None]
    state: Mapped[dict[str, Any]] = mapped_column(default=dict)
    #: ok | unavailable (the shop's plan does not include it) | failing
    status: Mapped[str] = mapped_column(String(20), default="ok")
    detail: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[datetime]


class SyncRun(Base):
    """One run of one resource: what it read and wrote, for the summary and the dashboard."""

    __tablename__ = "sync_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id"), index=True)
    resource: Mapped[str] = mapped_column(String(40))
    started_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]
    #: running | ok | unavailable | failed
    outcome: Mapped[str] = mapped_column(String(20), default="running")
    new_rows: Mapped[int] = mapped_column(default=0)
    changed_rows: Mapped[int] = mapped_column(default=0)
    unchanged_rows: Mapped[int] = mapped_column(default=0)
    calls: Mapped[int] = mapped_column(default=0)
    retries: Mapped[int] = mapped_column(default=0)
    error: Mapped[str | None] = mapped_column(Text)


class InboxPush(Base):
    """A push as Ozon sent it, written before we answer; processed after."""

    __tablename__ = "webhook_inbox"
    __table_args__ = (
        UniqueConstraint("shop_id", "dedupe_key"),
        Index("ix_webhook_inbox_pending", "processed_at", "id"),
    )

    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer(), "sqlite"), primary_key=True
    )
    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id"))
    received_at: Mapped[datetime]
    message_type: Mapped[str] = mapped_column(String(60))
    #: ``uuid`` where Ozon gives one, else type + posting + state + time (ozon-api.md §11).
    dedupe_key: Mapped[str] = mapped_column(String(300))
    body: Mapped[dict[str, Any]]
    source_ip: Mapped[str | None] = mapped_column(String(45))
    processed_at: Mapped[datetime | None]
    #: applied | stale | unknown_type | invalid
    outcome: Mapped[str | None] = mapped_column(String(20))
    detail: Mapped[str | None] = mapped_column(Text)


class AuditEntry(Base):
    """Who did what to which object, and when: every write to Ozon and every setting change."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_object", "object_type", "object_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(index=True)
    actor: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(60))
    shop_id: Mapped[int | None] = mapped_column(ForeignKey("shops.id"))
    object_type: Mapped[str | None] = mapped_column(String(40))
    object_id: Mapped[str | None] = mapped_column(String(100))
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)


class ApiMethodStats(Base):
    """Per shop and Seller API method, what every ozonops process's calls did, summed; the
    latency percentiles are the last process's (``ozonops metrics`` reads this)."""

    __tablename__ = "api_method_stats"

    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id"), primary_key=True)
    method: Mapped[str] = mapped_column(String(120), primary_key=True)
    calls: Mapped[int] = mapped_column(BigInteger, default=0)
    ok: Mapped[int] = mapped_column(BigInteger, default=0)
    #: Failed calls by error class (RateLimited, ServerError, …).
    errors: Mapped[dict[str, Any]] = mapped_column(default=dict)
    retries: Mapped[int] = mapped_column(BigInteger, default=0)
    throttles: Mapped[int] = mapped_column(BigInteger, default=0)
    attempts: Mapped[int] = mapped_column(BigInteger, default=0)
    limiter_wait_s: Mapped[float] = mapped_column(default=0.0)
    latency_p50_ms: Mapped[float | None]
    latency_p95_ms: Mapped[float | None]
    updated_at: Mapped[datetime]
