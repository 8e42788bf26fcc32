"""the first schema: shops, postings, after-sales, money, stock, sync state, inbox, audit

Revision ID: 0001
Revises:
Create Date: 2026-12-04
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import ozonops.db.tables.base

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table(
        "shops",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("client_id", sa.String(length=32), nullable=False),
        sa.Column("api_key_encrypted", sa.LargeBinary(), nullable=False),
        sa.Column("push_token", sa.String(length=64), nullable=False),
        sa.Column("base_url", sa.String(length=200), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", ozonops.db.tables.base.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shops")),
        sa.UniqueConstraint("client_id", name=op.f("uq_shops_client_id")),
        sa.UniqueConstraint("name", name=op.f("uq_shops_name")),
        sa.UniqueConstraint("push_token", name=op.f("uq_shops_push_token")),
    )
    op.create_table(
        "accruals",
        sa.Column("accrual_id", sa.BigInteger(), nullable=False),
        sa.Column("shop_id", sa.Integer(), nullable=False),
        sa.Column("accrual_date", sa.Date(), nullable=False),
        sa.Column("unit_number", sa.String(length=60), nullable=True),
        sa.Column("accrued_category", sa.String(length=30), nullable=True),
        sa.Column(
            "total_amount", ozonops.db.tables.base.Amount(precision=20, scale=4), nullable=True
        ),
        sa.Column("currency", sa.String(length=8), nullable=True),
        sa.Column(
            "raw",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["shop_id"], ["shops.id"], name=op.f("fk_accruals_shop_id_shops"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("accrual_id", name=op.f("pk_accruals")),
    )
    with op.batch_alter_table("accruals", schema=None) as batch_op:
        batch_op.create_index("ix_accruals_shop_date", ["shop_id", "accrual_date"], unique=False)
        batch_op.create_index(batch_op.f("ix_accruals_unit_number"), ["unit_number"], unique=False)

    op.create_table(
        "api_method_stats",
        sa.Column("shop_id", sa.Integer(), nullable=False),
        sa.Column("method", sa.String(length=120), nullable=False),
        sa.Column("calls", sa.BigInteger(), nullable=False),
        sa.Column("ok", sa.BigInteger(), nullable=False),
        sa.Column(
            "errors",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("retries", sa.BigInteger(), nullable=False),
        sa.Column("throttles", sa.BigInteger(), nullable=False),
        sa.Column("attempts", sa.BigInteger(), nullable=False),
        sa.Column("limiter_wait_s", sa.Double(), nullable=False),
        sa.Column("latency_p50_ms", sa.Double(), nullable=True),
        sa.Column("latency_p95_ms", sa.Double(), nullable=True),
        sa.Column("updated_at", ozonops.db.tables.base.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["shop_id"], ["shops.id"], name=op.f("fk_api_method_stats_shop_id_shops")
        ),
        sa.PrimaryKeyConstraint("shop_id", "method", name=op.f("pk_api_method_stats")),
    )
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", ozonops.db.tables.base.UtcDateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("action", sa.String(length=60), nullable=False),
        sa.Column("shop_id", sa.Integer(), nullable=True),
        sa.Column("object_type", sa.String(length=40), nullable=True),
        sa.Column("object_id", sa.String(length=100), nullable=True),
        sa.Column(
            "details",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(["shop_id"], ["shops.id"], name=op.f("fk_audit_log_shop_id_shops")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
    )
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_log_at"), ["at"], unique=False)
        batch_op.create_index("ix_audit_log_object", ["object_type", "object_id"], unique=False)

    op.create_table(
        "chats",
        sa.Column("chat_id", sa.String(length=64), nullable=False),
        sa.Column("shop_id", sa.Integer(), nullable=False),
        sa.Column("chat_type", sa.String(length=30), nullable=True),
        sa.Column("chat_status", sa.String(length=20), nullable=True),
        sa.Column("created_at", ozonops.db.tables.base.UtcDateTime(timezone=True), nullable=True),
        sa.Column("unread_count", sa.Integer(), nullable=False),
        sa.Column("last_message_id", sa.String(length=30), nullable=True),
        sa.Column("first_unread_message_id", sa.String(length=30), nullable=True),
        sa.Column("order_number", sa.String(length=40), nullable=True),
        sa.Column("updated_at", ozonops.db.tables.base.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["shop_id"], ["shops.id"], name=op.f("fk_chats_shop_id_shops"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("chat_id", name=op.f("pk_chats")),
    )
    with op.batch_alter_table("chats", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_chats_order_number"), ["order_number"], unique=False)
        batch_op.create_index(batch_op.f("ix_chats_shop_id"), ["shop_id"], unique=False)

    op.create_table(
        "delivery_methods",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("shop_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=True),
        sa.Column("warehouse_id", sa.BigInteger(), nullable=True),
        sa.Column("provider_id", sa.BigInteger(), nullable=True),
        sa.Column("status", sa.String(length=30), nullable=True),
        sa.Column("tpl_integration_type", sa.String(length=30), nullable=True),
        sa.Column(
            "raw",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("updated_at", ozonops.db.tables.base.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["shop_id"],
            ["shops.id"],
            name=op.f("fk_delivery_methods_shop_id_shops"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_delivery_methods")),
    )
    with op.batch_alter_table("delivery_methods", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_delivery_methods_shop_id"), ["shop_id"], unique=False)

    op.create_table(
        "postings",
        sa.Column("posting_number", sa.String(length=40), nullable=False),
        sa.Column("shop_id", sa.Integer(), nullable=False),
        sa.Column("scheme", sa.String(length=8), nullable=False),
        sa.Column("order_id", sa.BigInteger(), nullable=True),
        sa.Column("order_number", sa.String(length=40), nullable=True),
        sa.Column("parent_posting_number", sa.String(length=40), nullable=True),
        sa.Column("status", sa.String(length=40), nullable=False),
        sa.Column("substatus", sa.String(length=60), nullable=False),
        sa.Column("status_at", ozonops.db.tables.base.UtcDateTime(timezone=True), nullable=False),
        sa.Column("tpl_integration_type", sa.String(length=30), nullable=True),
        sa.Column("tracking_number", sa.String(length=60), nullable=True),
        sa.Column("delivery_method_id", sa.BigInteger(), nullable=True),
        sa.Column("delivery_method_name", sa.String(length=200), nullable=True),
        sa.Column("warehouse_id", sa.BigInteger(), nullable=True),
        sa.Column("warehouse_name", sa.String(length=200), nullable=True),
        sa.Column("tpl_provider_id", sa.BigInteger(), nullable=True),
        sa.Column("tpl_provider", sa.String(length=200), nullable=True),
        sa.Column("is_express", sa.Boolean(), nullable=False),
        sa.Column("created_at", ozonops.db.tables.base.UtcDateTime(timezone=True), nullable=True),
        sa.Column(
            "in_process_at", ozonops.db.tables.base.UtcDateTime(timezone=True), nullable=True
        ),
        sa.Column(
            "shipment_date", ozonops.db.tables.base.UtcDateTime(timezone=True), nullable=True
        ),
        sa.Column(
            "shipment_date_without_delay",
            ozonops.db.tables.base.UtcDateTime(timezone=True),
            nullable=True,
        ),
        sa.Column(
            "delivering_date", ozonops.db.tables.base.UtcDateTime(timezone=True), nullable=True
        ),
        sa.Column(
            "delivery_date_begin", ozonops.db.tables.base.UtcDateTime(timezone=True), nullable=True
        ),
        sa.Column(
            "delivery_date_end", ozonops.db.tables.base.UtcDateTime(timezone=True), nullable=True
        ),
        sa.Column("eta_begin", ozonops.db.tables.base.UtcDateTime(timezone=True), nullable=True),
        sa.Column("eta_end", ozonops.db.tables.base.UtcDateTime(timezone=True), nullable=True),
        sa.Column("region", sa.String(length=200), nullable=True),
        sa.Column("city", sa.String(length=200), nullable=True),
        sa.Column("cluster_from", sa.String(length=200), nullable=True),
        sa.Column("cluster_to", sa.String(length=200), nullable=True),
        sa.Column("cancel_reason_id", sa.BigInteger(), nullable=True),
        sa.Column("cancel_reason", sa.Text(), nullable=True),
        sa.Column("cancellation_type", sa.String(length=40), nullable=True),
        sa.Column("cancellation_initiator", sa.String(length=60), nullable=True),
        sa.Column("cancelled_after_ship", sa.Boolean(), nullable=False),
        sa.Column("affect_cancellation_rating", sa.Boolean(), nullable=False),
        sa.Column(
            "available_actions",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("content_hash", sa.String(length=32), nullable=False),
        sa.Column(
            "first_seen_at", ozonops.db.tables.base.UtcDateTime(timezone=True), nullable=False
        ),
        sa.Column(
            "last_seen_at", ozonops.db.tables.base.UtcDateTime(timezone=True), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["shop_id"], ["shops.id"], name=op.f("fk_postings_shop_id_shops"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("posting_number", name=op.f("pk_postings")),
    )
    with op.batch_alter_table("postings", schema=None) as batch_op:
        batch_op.create_index(
            "ix_postings_shop_in_process_at", ["shop_id", "in_process_at"], unique=False
        )
        batch_op.create_index("ix_postings_shop_status", ["shop_id", "status"], unique=False)
        batch_op.create_index(
            "ix_postings_status_shipment_date", ["status", "shipment_date"], unique=False
        )
        batch_op.create_index("ix_postings_status_status_at", ["status", "status_at"], unique=False)
        batch_op.create_index("ix_postings_tracking_number", ["tracking_number"], unique=False)

    op.create_table(
        "realization_rows",
        sa.Column("shop_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("month", sa.Integer(), nullable=False),
        sa.Column("row_number", sa.Integer(), nullable=False),
        sa.Column("sku", sa.BigInteger(), nullable=True),
        sa.Column("offer_id", sa.String(length=100), nullable=True),
        sa.Column("name", sa.Text(), nullable=True),
        sa.Column(
            "commission_ratio", ozonops.db.tables.base.Amount(precision=20, scale=4), nullable=True
        ),
        sa.Column(
            "seller_price_per_instance",
            ozonops.db.tables.base.Amount(precision=20, scale=4),
            nullable=True,
        ),
        sa.Column("delivery_quantity", sa.Integer(), nullable=True),
        sa.Column(
            "delivery_amount", ozonops.db.tables.base.Amount(precision=20, scale=4), nullable=True
        ),
        sa.Column(
            "delivery_total", ozonops.db.tables.base.Amount(precision=20, scale=4), nullable=True
        ),
        sa.Column("return_quantity", sa.Integer(), nullable=True),
        sa.Column(
            "return_amount", ozonops.db.tables.base.Amount(precision=20, scale=4), nullable=True
        ),
        sa.Column(
            "return_total", ozonops.db.tables.base.Amount(precision=20, scale=4), nullable=True
        ),
        sa.Column(
            "raw",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["shop_id"],
            ["shops.id"],
            name=op.f("fk_realization_rows_shop_id_shops"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "shop_id", "year", "month", "row_number", name=op.f("pk_realization_rows")
        ),
    )
    with op.batch_alter_table("realization_rows", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_realization_rows_sku"), ["sku"], unique=False)

    op.create_table(
        "returns",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("shop_id", sa.Integer(), nullable=False),
        sa.Column("posting_number", sa.String(length=40), nullable=True),
        sa.Column("order_number", sa.String(length=40), nullable=True),
        sa.Column("schema", sa.String(length=8), nullable=True),
        sa.Column("type", sa.String(length=30), nullable=True),
        sa.Column("return_reason_name", sa.Text(), nullable=True),
        sa.Column("sku", sa.BigInteger(), nullable=True),
        sa.Column("offer_id", sa.String(length=100), nullable=True),
        sa.Column("quantity", sa.Integer(), nullable=True),
        sa.Column("price", ozonops.db.tables.base.Amount(precision=20, scale=4), nullable=True),
        sa.Column("currency", sa.String(length=8), nullable=True),
        sa.Column("visual_status", sa.String(length=60), nullable=True),
        sa.Column(
            "visual_status_changed_at",
            ozonops.db.tables.base.UtcDateTime(timezone=True),
            nullable=True,
        ),
        sa.Column("return_date", ozonops.db.tables.base.UtcDateTime(timezone=True), nullable=True),
        sa.Column("final_moment", ozonops.db.tables.base.UtcDateTime(timezone=True), nullable=True),
        sa.Column("compensation_status", sa.String(length=40), nullable=True),
        sa.Column(
            "raw",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("updated_at", ozonops.db.tables.base.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["shop_id"], ["shops.id"], name=op.f("fk_returns_shop_id_shops"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_returns")),
    )
    with op.batch_alter_table("returns", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_returns_posting_number"), ["posting_number"], unique=False
        )
        batch_op.create_index(
            "ix_returns_shop_visual_status", ["shop_id", "visual_status"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_returns_sku"), ["sku"], unique=False)

    op.create_table(
        "reviews",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("shop_id", sa.Integer(), nullable=False),
        sa.Column("sku", sa.BigInteger(), nullable=True),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("rating", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=True),
        sa.Column("order_status", sa.String(length=20), nullable=True),
        sa.Column("published_at", ozonops.db.tables.base.UtcDateTime(timezone=True), nullable=True),
        sa.Column("comments_amount", sa.Integer(), nullable=False),
        sa.Column("photos_amount", sa.Integer(), nullable=False),
        sa.Column("videos_amount", sa.Integer(), nullable=False),
        sa.Column("is_rating_participant", sa.Boolean(), nullable=False),
        sa.Column(
            "raw",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("updated_at", ozonops.db.tables.base.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["shop_id"], ["shops.id"], name=op.f("fk_reviews_shop_id_shops"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reviews")),
    )
    with op.batch_alter_table("reviews", schema=None) as batch_op:
        batch_op.create_index("ix_reviews_shop_rating", ["shop_id", "rating"], unique=False)
        batch_op.create_index("ix_reviews_shop_status", ["shop_id", "status"], unique=False)
        batch_op.create_index(batch_op.f("ix_reviews_sku"), ["sku"], unique=False)

    op.create_table(
        "rfbs_returns",
        sa.Column("return_id", sa.BigInteger(), nullable=False),
        sa.Column("shop_id", sa.Integer(), nullable=False),
        sa.Column("return_number", sa.String(length=60), nullable=True),
        sa.Column("posting_number", sa.String(length=40), nullable=True),
        sa.Column("created_at", ozonops.db.tables.base.UtcDateTime(timezone=True), nullable=True),
        sa.Column("sku", sa.BigInteger(), nullable=True),
        sa.Column("offer_id", sa.String(length=100), nullable=True),
        sa.Column("price", ozonops.db.tables.base.Amount(precision=20, scale=4), nullable=True),
        sa.Column("group_state", sa.String(length=30), nullable=True),
        sa.Column("state", sa.String(length=60), nullable=True),
        sa.Column("state_name", sa.Text(), nullable=True),
        sa.Column("money_return_state_name", sa.Text(), nullable=True),
        sa.Column("return_reason", sa.Text(), nullable=True),
        sa.Column("is_defect", sa.Boolean(), nullable=True),
        sa.Column(
            "available_actions",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "raw",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("updated_at", ozonops.db.tables.base.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["shop_id"],
            ["shops.id"],
            name=op.f("fk_rfbs_returns_shop_id_shops"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("return_id", name=op.f("pk_rfbs_returns")),
    )
    with op.batch_alter_table("rfbs_returns", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_rfbs_returns_posting_number"), ["posting_number"], unique=False
        )
        batch_op.create_index(
            "ix_rfbs_returns_shop_group_state", ["shop_id", "group_state"], unique=False
        )

    op.create_table(
        "stock_snapshots",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("shop_id", sa.Integer(), nullable=False),
        sa.Column("sku", sa.BigInteger(), nullable=False),
        sa.Column("warehouse_id", sa.BigInteger(), nullable=False),
        sa.Column("taken_at", ozonops.db.tables.base.UtcDateTime(timezone=True), nullable=False),
        sa.Column("offer_id", sa.String(length=100), nullable=True),
        sa.Column("warehouse_name", sa.String(length=200), nullable=True),
        sa.Column("cluster_id", sa.BigInteger(), nullable=True),
        sa.Column("available", sa.Integer(), nullable=False),
        sa.Column("valid", sa.Integer(), nullable=False),
        sa.Column("transit", sa.Integer(), nullable=False),
        sa.Column("requested", sa.Integer(), nullable=False),
        sa.Column("returning_from_customer", sa.Integer(), nullable=False),
        sa.Column("defect", sa.Integer(), nullable=False),
        sa.Column("ads", ozonops.db.tables.base.Amount(precision=20, scale=4), nullable=True),
        sa.Column("idc", ozonops.db.tables.base.Amount(precision=20, scale=4), nullable=True),
        sa.Column("turnover_grade", sa.String(length=30), nullable=True),
        sa.ForeignKeyConstraint(
            ["shop_id"],
            ["shops.id"],
            name=op.f("fk_stock_snapshots_shop_id_shops"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stock_snapshots")),
    )
    with op.batch_alter_table("stock_snapshots", schema=None) as batch_op:
        batch_op.create_index(
            "ix_stock_snapshots_key_taken",
            ["shop_id", "sku", "warehouse_id", "taken_at"],
            unique=False,
        )

    op.create_table(
        "sync_cursors",
        sa.Column("shop_id", sa.Integer(), nullable=False),
        sa.Column("resource", sa.String(length=40), nullable=False),
        sa.Column("last_value", ozonops.db.tables.base.UtcDateTime(timezone=True), nullable=True),
        sa.Column(
            "state",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("detail", sa.Text(), nullable=True),
        sa.Column("updated_at", ozonops.db.tables.base.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["shop_id"], ["shops.id"], name=op.f("fk_sync_cursors_shop_id_shops")
        ),
        sa.PrimaryKeyConstraint("shop_id", "resource", name=op.f("pk_sync_cursors")),
    )
    op.create_table(
        "sync_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("shop_id", sa.Integer(), nullable=False),
        sa.Column("resource", sa.String(length=40), nullable=False),
        sa.Column("started_at", ozonops.db.tables.base.UtcDateTime(timezone=True), nullable=False),
        sa.Column("finished_at", ozonops.db.tables.base.UtcDateTime(timezone=True), nullable=True),
        sa.Column("outcome", sa.String(length=20), nullable=False),
        sa.Column("new_rows", sa.Integer(), nullable=False),
        sa.Column("changed_rows", sa.Integer(), nullable=False),
        sa.Column("unchanged_rows", sa.Integer(), nullable=False),
        sa.Column("calls", sa.Integer(), nullable=False),
        sa.Column("retries", sa.Integer(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["shop_id"], ["shops.id"], name=op.f("fk_sync_runs_shop_id_shops")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sync_runs")),
    )
    with op.batch_alter_table("sync_runs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sync_runs_shop_id"), ["shop_id"], unique=False)

    op.create_table(
        "transactions",
        sa.Column("operation_id", sa.BigInteger(), nullable=False),
        sa.Column("shop_id", sa.Integer(), nullable=False),
        sa.Column("operation_type", sa.String(length=100), nullable=True),
        sa.Column("operation_type_name", sa.Text(), nullable=True),
        sa.Column(
            "operation_date", ozonops.db.tables.base.UtcDateTime(timezone=True), nullable=True
        ),
        sa.Column("type", sa.String(length=30), nullable=True),
        sa.Column("amount", ozonops.db.tables.base.Amount(precision=20, scale=4), nullable=True),
        sa.Column(
            "accruals_for_sale", ozonops.db.tables.base.Amount(precision=20, scale=4), nullable=True
        ),
        sa.Column(
            "sale_commission", ozonops.db.tables.base.Amount(precision=20, scale=4), nullable=True
        ),
        sa.Column(
            "delivery_charge", ozonops.db.tables.base.Amount(precision=20, scale=4), nullable=True
        ),
        sa.Column(
            "return_delivery_charge",
            ozonops.db.tables.base.Amount(precision=20, scale=4),
            nullable=True,
        ),
        sa.Column("posting_number", sa.String(length=60), nullable=True),
        sa.Column("delivery_schema", sa.String(length=20), nullable=True),
        sa.Column(
            "raw",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["shop_id"],
            ["shops.id"],
            name=op.f("fk_transactions_shop_id_shops"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("operation_id", name=op.f("pk_transactions")),
    )
    with op.batch_alter_table("transactions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_transactions_posting_number"), ["posting_number"], unique=False
        )
        batch_op.create_index(
            "ix_transactions_shop_date", ["shop_id", "operation_date"], unique=False
        )

    op.create_table(
        "warehouses",
        sa.Column("warehouse_id", sa.BigInteger(), nullable=False),
        sa.Column("shop_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=True),
        sa.Column("status", sa.String(length=30), nullable=True),
        sa.Column("is_rfbs", sa.Boolean(), nullable=False),
        sa.Column("is_express", sa.Boolean(), nullable=False),
        sa.Column(
            "raw",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("updated_at", ozonops.db.tables.base.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["shop_id"], ["shops.id"], name=op.f("fk_warehouses_shop_id_shops"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("warehouse_id", name=op.f("pk_warehouses")),
    )
    with op.batch_alter_table("warehouses", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_warehouses_shop_id"), ["shop_id"], unique=False)

    op.create_table(
        "webhook_inbox",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("shop_id", sa.Integer(), nullable=False),
        sa.Column("received_at", ozonops.db.tables.base.UtcDateTime(timezone=True), nullable=False),
        sa.Column("message_type", sa.String(length=60), nullable=False),
        sa.Column("dedupe_key", sa.String(length=300), nullable=False),
        sa.Column(
            "body",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("source_ip", sa.String(length=45), nullable=True),
        sa.Column("processed_at", ozonops.db.tables.base.UtcDateTime(timezone=True), nullable=True),
        sa.Column("outcome", sa.String(length=20), nullable=True),
        sa.Column("detail", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["shop_id"], ["shops.id"], name=op.f("fk_webhook_inbox_shop_id_shops")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_webhook_inbox")),
        sa.UniqueConstraint(
            "shop_id", "dedupe_key", name=op.f("uq_webhook_inbox_shop_id_dedupe_key")
        ),
    )
    with op.batch_alter_table("webhook_inbox", schema=None) as batch_op:
        batch_op.create_index("ix_webhook_inbox_pending", ["processed_at", "id"], unique=False)

    op.create_table(
        "chat_messages",
        sa.Column("chat_id", sa.String(length=64), nullable=False),
        sa.Column("message_id", sa.String(length=30), nullable=False),
        sa.Column("created_at", ozonops.db.tables.base.UtcDateTime(timezone=True), nullable=True),
        sa.Column("user_id", sa.String(length=64), nullable=True),
        sa.Column("user_type", sa.String(length=30), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("is_read", sa.Boolean(), nullable=False),
        sa.Column("is_image", sa.Boolean(), nullable=False),
        sa.Column("order_number", sa.String(length=40), nullable=True),
        sa.Column("sku", sa.BigInteger(), nullable=True),
        sa.ForeignKeyConstraint(
            ["chat_id"],
            ["chats.chat_id"],
            name=op.f("fk_chat_messages_chat_id_chats"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("chat_id", "message_id", name=op.f("pk_chat_messages")),
    )
    with op.batch_alter_table("chat_messages", schema=None) as batch_op:
        batch_op.create_index(
            "ix_chat_messages_chat_created", ["chat_id", "created_at"], unique=False
        )

    op.create_table(
        "posting_items",
        sa.Column("posting_number", sa.String(length=40), nullable=False),
        sa.Column("line", sa.Integer(), nullable=False),
        sa.Column("sku", sa.BigInteger(), nullable=False),
        sa.Column("offer_id", sa.String(length=100), nullable=True),
        sa.Column("name", sa.Text(), nullable=True),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("price", ozonops.db.tables.base.Amount(precision=20, scale=4), nullable=True),
        sa.Column("currency", sa.String(length=8), nullable=True),
        sa.Column("old_price", ozonops.db.tables.base.Amount(precision=20, scale=4), nullable=True),
        sa.Column("payout", ozonops.db.tables.base.Amount(precision=20, scale=4), nullable=True),
        sa.Column(
            "commission_amount", ozonops.db.tables.base.Amount(precision=20, scale=4), nullable=True
        ),
        sa.Column(
            "commission_percent",
            ozonops.db.tables.base.Amount(precision=20, scale=4),
            nullable=True,
        ),
        sa.Column(
            "total_discount_value",
            ozonops.db.tables.base.Amount(precision=20, scale=4),
            nullable=True,
        ),
        sa.Column(
            "customer_price", ozonops.db.tables.base.Amount(precision=20, scale=4), nullable=True
        ),
        sa.ForeignKeyConstraint(
            ["posting_number"],
            ["postings.posting_number"],
            name=op.f("fk_posting_items_posting_number_postings"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("posting_number", "line", name=op.f("pk_posting_items")),
    )
    with op.batch_alter_table("posting_items", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_posting_items_sku"), ["sku"], unique=False)

    op.create_table(
        "posting_tracking",
        sa.Column("posting_number", sa.String(length=40), nullable=False),
        sa.Column("tracking_number", sa.String(length=60), nullable=False),
        sa.Column(
            "first_seen_at", ozonops.db.tables.base.UtcDateTime(timezone=True), nullable=False
        ),
        sa.Column(
            "last_seen_at", ozonops.db.tables.base.UtcDateTime(timezone=True), nullable=False
        ),
        sa.Column(
            "details",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["posting_number"],
            ["postings.posting_number"],
            name=op.f("fk_posting_tracking_posting_number_postings"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "posting_number", "tracking_number", name=op.f("pk_posting_tracking")
        ),
    )
    op.create_table(
        "review_comments",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("review_id", sa.String(length=64), nullable=False),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("published_at", ozonops.db.tables.base.UtcDateTime(timezone=True), nullable=True),
        sa.Column("parent_comment_id", sa.String(length=64), nullable=True),
        sa.Column("is_owner", sa.Boolean(), nullable=False),
        sa.Column("is_official", sa.Boolean(), nullable=False),
        sa.Column(
            "raw",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["review_id"],
            ["reviews.id"],
            name=op.f("fk_review_comments_review_id_reviews"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_comments")),
    )
    with op.batch_alter_table("review_comments", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_review_comments_review_id"), ["review_id"], unique=False
        )

    op.create_table(
        "status_history",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("posting_number", sa.String(length=40), nullable=False),
        sa.Column("status", sa.String(length=40), nullable=False),
        sa.Column("substatus", sa.String(length=60), nullable=False),
        sa.Column("state", sa.String(length=60), nullable=False),
        sa.Column("at", ozonops.db.tables.base.UtcDateTime(timezone=True), nullable=False),
        sa.Column("exact", sa.Boolean(), nullable=False),
        sa.Column("source", sa.String(length=10), nullable=False),
        sa.Column("observed_at", ozonops.db.tables.base.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["posting_number"],
            ["postings.posting_number"],
            name=op.f("fk_status_history_posting_number_postings"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_status_history")),
    )
    with op.batch_alter_table("status_history", schema=None) as batch_op:
        batch_op.create_index(
            "ix_status_history_posting_at", ["posting_number", "at"], unique=False
        )


def downgrade() -> None:

    with op.batch_alter_table("status_history", schema=None) as batch_op:
        batch_op.drop_index("ix_status_history_posting_at")

    op.drop_table("status_history")
    with op.batch_alter_table("review_comments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_review_comments_review_id"))

    op.drop_table("review_comments")
    op.drop_table("posting_tracking")
    with op.batch_alter_table("posting_items", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_posting_items_sku"))

    op.drop_table("posting_items")
    with op.batch_alter_table("chat_messages", schema=None) as batch_op:
        batch_op.drop_index("ix_chat_messages_chat_created")

    op.drop_table("chat_messages")
    with op.batch_alter_table("webhook_inbox", schema=None) as batch_op:
        batch_op.drop_index("ix_webhook_inbox_pending")

    op.drop_table("webhook_inbox")
    with op.batch_alter_table("warehouses", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_warehouses_shop_id"))

    op.drop_table("warehouses")
    with op.batch_alter_table("transactions", schema=None) as batch_op:
        batch_op.drop_index("ix_transactions_shop_date")
        batch_op.drop_index(batch_op.f("ix_transactions_posting_number"))

    op.drop_table("transactions")
    with op.batch_alter_table("sync_runs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sync_runs_shop_id"))

    op.drop_table("sync_runs")
    op.drop_table("sync_cursors")
    with op.batch_alter_table("stock_snapshots", schema=None) as batch_op:
        batch_op.drop_index("ix_stock_snapshots_key_taken")

    op.drop_table("stock_snapshots")
    with op.batch_alter_table("rfbs_returns", schema=None) as batch_op:
        batch_op.drop_index("ix_rfbs_returns_shop_group_state")
        batch_op.drop_index(batch_op.f("ix_rfbs_returns_posting_number"))

    op.drop_table("rfbs_returns")
    with op.batch_alter_table("reviews", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_reviews_sku"))
        batch_op.drop_index("ix_reviews_shop_status")
        batch_op.drop_index("ix_reviews_shop_rating")

    op.drop_table("reviews")
    with op.batch_alter_table("returns", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_returns_sku"))
        batch_op.drop_index("ix_returns_shop_visual_status")
        batch_op.drop_index(batch_op.f("ix_returns_posting_number"))

    op.drop_table("returns")
    with op.batch_alter_table("realization_rows", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_realization_rows_sku"))

    op.drop_table("realization_rows")
    with op.batch_alter_table("postings", schema=None) as batch_op:
        batch_op.drop_index("ix_postings_tracking_number")
        batch_op.drop_index("ix_postings_status_status_at")
        batch_op.drop_index("ix_postings_status_shipment_date")
        batch_op.drop_index("ix_postings_shop_status")
        batch_op.drop_index("ix_postings_shop_in_process_at")

    op.drop_table("postings")
    with op.batch_alter_table("delivery_methods", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_delivery_methods_shop_id"))

    op.drop_table("delivery_methods")
    with op.batch_alter_table("chats", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_chats_shop_id"))
        batch_op.drop_index(batch_op.f("ix_chats_order_number"))

    op.drop_table("chats")
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_log_object")
        batch_op.drop_index(batch_op.f("ix_audit_log_at"))

    op.drop_table("audit_log")
    op.drop_table("api_method_stats")
    with op.batch_alter_table("accruals", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_accruals_unit_number"))
        batch_op.drop_index("ix_accruals_shop_date")

    op.drop_table("accruals")
    op.drop_table("shops")
