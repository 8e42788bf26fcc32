"""the watchtower: alerts and their history, deliveries and the delivery journal, observed
facts, buyer messages

Revision ID: 0003
Revises: 0001 (the lead re-points it at 0002 when merging the tracking issue)
Create Date: 2026-12-04
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import ozonops.db.tables.base

revision: str = "0003"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "notify_journal",
        sa.Column("delivery_key", sa.String(length=40), nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("updated_at", ozonops.db.tables.base.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("delivery_key", name=op.f("pk_notify_journal")),
    )
    op.create_table(
        "alerts",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("rule_id", sa.String(length=40), nullable=False),
        sa.Column("shop_id", sa.Integer(), nullable=False),
        sa.Column("object_type", sa.String(length=20), nullable=False),
        sa.Column("object_id", sa.String(length=120), nullable=False),
        sa.Column("severity", sa.String(length=10), nullable=False),
        sa.Column("state", sa.String(length=14), nullable=False),
        sa.Column("firing", sa.Boolean(), nullable=False),
        sa.Column(
            "facts",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("digest", sa.String(length=32), nullable=False),
        sa.Column("path", sa.String(length=200), nullable=True),
        sa.Column("occurrence", sa.Integer(), nullable=False),
        sa.Column("created_at", ozonops.db.tables.base.UtcDateTime(timezone=True), nullable=False),
        sa.Column("opened_at", ozonops.db.tables.base.UtcDateTime(timezone=True), nullable=False),
        sa.Column(
            "last_fired_at", ozonops.db.tables.base.UtcDateTime(timezone=True), nullable=False
        ),
        sa.Column("cleared_at", ozonops.db.tables.base.UtcDateTime(timezone=True), nullable=True),
        sa.Column(
            "acknowledged_at", ozonops.db.tables.base.UtcDateTime(timezone=True), nullable=True
        ),
        sa.Column("acknowledged_by", sa.String(length=100), nullable=True),
        sa.Column(
            "snoozed_until", ozonops.db.tables.base.UtcDateTime(timezone=True), nullable=True
        ),
        sa.Column("resolved_at", ozonops.db.tables.base.UtcDateTime(timezone=True), nullable=True),
        sa.Column("resolved_by", sa.String(length=100), nullable=True),
        sa.Column("notify_due", sa.Boolean(), nullable=False),
        sa.Column("notice", sa.Integer(), nullable=False),
        sa.Column("updated_at", ozonops.db.tables.base.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["shop_id"], ["shops.id"], name=op.f("fk_alerts_shop_id_shops"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alerts")),
        sa.UniqueConstraint(
            "rule_id", "shop_id", "object_id", name=op.f("uq_alerts_rule_id_shop_id_object_id")
        ),
    )
    with op.batch_alter_table("alerts", schema=None) as batch_op:
        batch_op.create_index("ix_alerts_rule_firing", ["rule_id", "firing"], unique=False)
        batch_op.create_index(batch_op.f("ix_alerts_shop_id"), ["shop_id"], unique=False)
        batch_op.create_index("ix_alerts_state_rule", ["state", "rule_id"], unique=False)
        batch_op.create_index("ix_alerts_notify_due", ["notify_due"], unique=False)

    op.create_table(
        "watch_facts",
        sa.Column("shop_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("subject", sa.String(length=120), nullable=False),
        sa.Column("since", ozonops.db.tables.base.UtcDateTime(timezone=True), nullable=False),
        sa.Column(
            "details",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("observed_at", ozonops.db.tables.base.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["shop_id"], ["shops.id"], name=op.f("fk_watch_facts_shop_id_shops"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("shop_id", "kind", "subject", name=op.f("pk_watch_facts")),
    )
    op.create_table(
        "alert_deliveries",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("alert_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("dedupe_key", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("via", sa.String(length=10), nullable=False),
        sa.Column("route", sa.String(length=100), nullable=True),
        sa.Column("channel", sa.String(length=100), nullable=True),
        sa.Column("window", sa.String(length=80), nullable=True),
        sa.Column("delivery_key", sa.String(length=40), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("retryable", sa.Boolean(), nullable=True),
        sa.Column("resent", sa.Boolean(), nullable=False),
        sa.Column("at", ozonops.db.tables.base.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["alert_id"],
            ["alerts.id"],
            name=op.f("fk_alert_deliveries_alert_id_alerts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alert_deliveries")),
    )
    with op.batch_alter_table("alert_deliveries", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_alert_deliveries_alert_id"), ["alert_id"], unique=False
        )
        batch_op.create_index(
            "ix_alert_deliveries_pending", ["status", "route", "window"], unique=False
        )

    op.create_table(
        "alert_events",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("alert_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("at", ozonops.db.tables.base.UtcDateTime(timezone=True), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column(
            "details",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["alert_id"],
            ["alerts.id"],
            name=op.f("fk_alert_events_alert_id_alerts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alert_events")),
    )
    with op.batch_alter_table("alert_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_alert_events_alert_id"), ["alert_id"], unique=False)

    op.create_table(
        "buyer_messages",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("shop_id", sa.Integer(), nullable=False),
        sa.Column("posting_number", sa.String(length=40), nullable=False),
        sa.Column("template", sa.String(length=40), nullable=False),
        sa.Column("event_key", sa.String(length=200), nullable=False),
        sa.Column("alert_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("chat_id", sa.String(length=64), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("claimed_at", ozonops.db.tables.base.UtcDateTime(timezone=True), nullable=False),
        sa.Column("sent_at", ozonops.db.tables.base.UtcDateTime(timezone=True), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["alert_id"],
            ["alerts.id"],
            name=op.f("fk_buyer_messages_alert_id_alerts"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["shop_id"],
            ["shops.id"],
            name=op.f("fk_buyer_messages_shop_id_shops"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_buyer_messages")),
        sa.UniqueConstraint("event_key", name=op.f("uq_buyer_messages_event_key")),
    )
    with op.batch_alter_table("buyer_messages", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_buyer_messages_posting_number"), ["posting_number"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_buyer_messages_shop_id"), ["shop_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("buyer_messages", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_buyer_messages_shop_id"))
        batch_op.drop_index(batch_op.f("ix_buyer_messages_posting_number"))

    op.drop_table("buyer_messages")
    with op.batch_alter_table("alert_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_alert_events_alert_id"))

    op.drop_table("alert_events")
    with op.batch_alter_table("alert_deliveries", schema=None) as batch_op:
        batch_op.drop_index("ix_alert_deliveries_pending")
        batch_op.drop_index(batch_op.f("ix_alert_deliveries_alert_id"))

    op.drop_table("alert_deliveries")
    op.drop_table("watch_facts")
    with op.batch_alter_table("alerts", schema=None) as batch_op:
        batch_op.drop_index("ix_alerts_notify_due")
        batch_op.drop_index("ix_alerts_state_rule")
        batch_op.drop_index(batch_op.f("ix_alerts_shop_id"))
        batch_op.drop_index("ix_alerts_rule_firing")

    op.drop_table("alerts")
    op.drop_table("notify_journal")
