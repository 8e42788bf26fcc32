"""Postings of every scheme (FBS, rFBS, FBO), their lines, status history and tracking numbers.

A posting number is unique across Ozon, so it is the key that every child row carries.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import BigInteger, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ozonops.db.tables.base import Base, Json, posting_fk, shop_fk

__all__ = ["Posting", "PostingItem", "PostingTracking", "StatusHistory"]


class Posting(Base):
    """The newest we know of a posting. ``status``/``substatus`` are its history's last entry."""

    __tablename__ = "postings"
    __table_args__ = (
        Index("ix_postings_shop_status", "shop_id", "status"),
        Index("ix_postings_shop_in_process_at", "shop_id", "in_process_at"),
        Index("ix_postings_status_shipment_date", "status", "shipment_date"),
        Index("ix_postings_status_status_at", "status", "status_at"),
        Index("ix_postings_tracking_number", "tracking_number"),
    )

    posting_number: Mapped[str] = mapped_column(String(40), primary_key=True)
    shop_id: Mapped[int] = mapped_column(shop_fk())
    #: fbs (Ozon delivers) | rfbs (the seller's carrier) | fbo (from Ozon's warehouse)
    scheme: Mapped[str] = mapped_column(String(8))
    order_id: Mapped[int | None] = mapped_column(BigInteger)
    order_number: Mapped[str | None] = mapped_column(String(40))
    parent_posting_number: Mapped[str | None] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(40))
    substatus: Mapped[str] = mapped_column(String(60), default="")
    #: When the current status began (exact from a push), or when we first saw it.
    status_at: Mapped[datetime]
    tpl_integration_type: Mapped[str | None] = mapped_column(String(30))
    tracking_number: Mapped[str | None] = mapped_column(String(60))
    delivery_method_id: Mapped[int | None] = mapped_column(BigInteger)
    delivery_method_name: Mapped[str | None] = mapped_column(String(200))
    warehouse_id: Mapped[int | None] = mapped_column(BigInteger)
    warehouse_name: Mapped[str | None] = mapped_column(String(200))
    tpl_provider_id: Mapped[int | None] = mapped_column(BigInteger)
    tpl_provider: Mapped[str | None] = mapped_column(String(200))
    is_express: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime | None]
    in_process_at: Mapped[datetime | None]
    shipment_date: Mapped[datetime | None]
    shipment_date_without_delay: Mapped[datetime | None]
    delivering_date: Mapped[datetime | None]
    #: The delivery window Ozon promised the buyer, as the posting methods show it.
    delivery_date_begin: Mapped[datetime | None]
    delivery_date_end: Mapped[datetime | None]
    #: Where the window moved since (``TYPE_DELIVERY_DATE_CHANGED``: a customs hold, a stall);
    #: None while it has not moved. Polls never write these, pushes never the promise.
    eta_begin: Mapped[datetime | None]
    eta_end: Mapped[datetime | None]
    region: Mapped[str | None] = mapped_column(String(200))
    city: Mapped[str | None] = mapped_column(String(200))
    cluster_from: Mapped[str | None] = mapped_column(String(200))
    cluster_to: Mapped[str | None] = mapped_column(String(200))
    cancel_reason_id: Mapped[int | None] = mapped_column(BigInteger)
    cancel_reason: Mapped[str | None] = mapped_column(Text)
    cancellation_type: Mapped[str | None] = mapped_column(String(40))
    cancellation_initiator: Mapped[str | None] = mapped_column(String(60))
    cancelled_after_ship: Mapped[bool] = mapped_column(default=False)
    affect_cancellation_rating: Mapped[bool] = mapped_column(default=False)
    available_actions: Mapped[list[str]] = mapped_column(Json, default=list)
    #: A hash of the fields above as Ozon last sent them: tells changed from unchanged.
    content_hash: Mapped[str] = mapped_column(String(32))
    first_seen_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]


class PostingItem(Base):
    """One line of a posting, with its money as Ozon's ``financial_data`` gives it."""

    __tablename__ = "posting_items"

    posting_number: Mapped[str] = mapped_column(posting_fk(), primary_key=True)
    line: Mapped[int] = mapped_column(primary_key=True)
    sku: Mapped[int] = mapped_column(BigInteger, index=True)
    offer_id: Mapped[str | None] = mapped_column(String(100))
    name: Mapped[str | None] = mapped_column(Text)
    quantity: Mapped[int]
    price: Mapped[Decimal | None]
    currency: Mapped[str | None] = mapped_column(String(8))
    old_price: Mapped[Decimal | None]
    payout: Mapped[Decimal | None]
    commission_amount: Mapped[Decimal | None]
    commission_percent: Mapped[Decimal | None]
    total_discount_value: Mapped[Decimal | None]
    customer_price: Mapped[Decimal | None]


class StatusHistory(Base):
    """One state of a posting (``domain.history``): entries only ever get added or sharpened."""

    __tablename__ = "status_history"
    __table_args__ = (Index("ix_status_history_posting_at", "posting_number", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    posting_number: Mapped[str] = mapped_column(posting_fk())
    status: Mapped[str] = mapped_column(String(40))
    substatus: Mapped[str] = mapped_column(String(60), default="")
    #: The push model's word for this state (``domain.statuses.push_state``).
    state: Mapped[str] = mapped_column(String(60))
    at: Mapped[datetime]
    #: ``at`` is the change time (from a push) rather than when a poll first saw the state.
    exact: Mapped[bool] = mapped_column(default=False)
    #: poll | push | poll+push
    source: Mapped[str] = mapped_column(String(10))
    observed_at: Mapped[datetime]


class PostingTracking(Base):
    """Every tracking number a posting has carried, with when we first and last saw it."""

    __tablename__ = "posting_tracking"

    posting_number: Mapped[str] = mapped_column(posting_fk(), primary_key=True)
    tracking_number: Mapped[str] = mapped_column(String(60), primary_key=True)
    first_seen_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)
