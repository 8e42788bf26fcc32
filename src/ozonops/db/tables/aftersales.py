"""After the sale: returns (FBO/FBS and rFBS requests), reviews and comments, chats and messages.

Each row keeps Ozon's last answer in ``raw`` beside the columns the rules and reports query:
the evidence a seller needs through the after-sales window.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import BigInteger, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ozonops.db.tables.base import Base, Json, shop_fk

__all__ = ["Chat", "ChatMessage", "Return", "Review", "ReviewComment", "RfbsReturn"]


class Return(Base):
    """An FBO or FBS return (``/v1/returns/list``), one product line each."""

    __tablename__ = "returns"
    __table_args__ = (Index("ix_returns_shop_visual_status", "shop_id", "visual_status"),)

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    shop_id: Mapped[int] = mapped_column(shop_fk())
    posting_number: Mapped[str | None] = mapped_column(String(40), index=True)
    order_number: Mapped[str | None] = mapped_column(String(40))
    schema: Mapped[str | None] = mapped_column(String(8))
    type: Mapped[str | None] = mapped_column(String(30))
    return_reason_name: Mapped[str | None] = mapped_column(Text)
    sku: Mapped[int | None] = mapped_column(BigInteger, index=True)
    offer_id: Mapped[str | None] = mapped_column(String(100))
    quantity: Mapped[int | None]
    price: Mapped[Decimal | None]
    currency: Mapped[str | None] = mapped_column(String(8))
    visual_status: Mapped[str | None] = mapped_column(String(60))
    visual_status_changed_at: Mapped[datetime | None]
    return_date: Mapped[datetime | None]
    final_moment: Mapped[datetime | None]
    compensation_status: Mapped[str | None] = mapped_column(String(40))
    raw: Mapped[dict[str, Any]]
    updated_at: Mapped[datetime]


class RfbsReturn(Base):
    """An rFBS return request; ``available_actions`` from its detail (``/v2/returns/rfbs/get``)."""

    __tablename__ = "rfbs_returns"
    __table_args__ = (Index("ix_rfbs_returns_shop_group_state", "shop_id", "group_state"),)

    return_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    shop_id: Mapped[int] = mapped_column(shop_fk())
    return_number: Mapped[str | None] = mapped_column(String(60))
    posting_number: Mapped[str | None] = mapped_column(String(40), index=True)
    created_at: Mapped[datetime | None]
    sku: Mapped[int | None] = mapped_column(BigInteger)
    offer_id: Mapped[str | None] = mapped_column(String(100))
    price: Mapped[Decimal | None]
    group_state: Mapped[str | None] = mapped_column(String(30))
    state: Mapped[str | None] = mapped_column(String(60))
    state_name: Mapped[str | None] = mapped_column(Text)
    money_return_state_name: Mapped[str | None] = mapped_column(Text)
    return_reason: Mapped[str | None] = mapped_column(Text)
    is_defect: Mapped[bool | None]
    available_actions: Mapped[list[dict[str, Any]]] = mapped_column(Json, default=list)
    raw: Mapped[dict[str, Any]]
    updated_at: Mapped[datetime]


class Review(Base):
    """A buyer's review of a product (``/v2/review/list``)."""

    __tablename__ = "reviews"
    __table_args__ = (
        Index("ix_reviews_shop_status", "shop_id", "status"),
        Index("ix_reviews_shop_rating", "shop_id", "rating"),
    )

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    shop_id: Mapped[int] = mapped_column(shop_fk())
    sku: Mapped[int | None] = mapped_column(BigInteger, index=True)
    text: Mapped[str | None] = mapped_column(Text)
    rating: Mapped[int | None]
    status: Mapped[str | None] = mapped_column(String(20))
    order_status: Mapped[str | None] = mapped_column(String(20))
    published_at: Mapped[datetime | None]
    comments_amount: Mapped[int] = mapped_column(default=0)
    photos_amount: Mapped[int] = mapped_column(default=0)
    videos_amount: Mapped[int] = mapped_column(default=0)
    is_rating_participant: Mapped[bool] = mapped_column(default=False)
    raw: Mapped[dict[str, Any]]
    updated_at: Mapped[datetime]


class ReviewComment(Base):
    """A comment under a review: the seller's answers and others' (``/v1/review/comment/list``)."""

    __tablename__ = "review_comments"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    review_id: Mapped[str] = mapped_column(ForeignKey("reviews.id", ondelete="CASCADE"), index=True)
    text: Mapped[str | None] = mapped_column(Text)
    published_at: Mapped[datetime | None]
    parent_comment_id: Mapped[str | None] = mapped_column(String(64))
    is_owner: Mapped[bool] = mapped_column(default=False)
    is_official: Mapped[bool] = mapped_column(default=False)
    raw: Mapped[dict[str, Any]]


class Chat(Base):
    """A chat with a buyer (or support), as ``/v3/chat/list`` shows it."""

    __tablename__ = "chats"

    chat_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    shop_id: Mapped[int] = mapped_column(shop_fk(), index=True)
    chat_type: Mapped[str | None] = mapped_column(String(30))
    chat_status: Mapped[str | None] = mapped_column(String(20))
    created_at: Mapped[datetime | None]
    unread_count: Mapped[int] = mapped_column(default=0)
    last_message_id: Mapped[str | None] = mapped_column(String(30))
    first_unread_message_id: Mapped[str | None] = mapped_column(String(30))
    #: The order the buyer wrote about, from the messages' context.
    order_number: Mapped[str | None] = mapped_column(String(40), index=True)
    updated_at: Mapped[datetime]


class ChatMessage(Base):
    """One message of a chat. Ids are uint64, kept as text; order by ``created_at``."""

    __tablename__ = "chat_messages"
    __table_args__ = (Index("ix_chat_messages_chat_created", "chat_id", "created_at"),)

    chat_id: Mapped[str] = mapped_column(
        ForeignKey("chats.chat_id", ondelete="CASCADE"), primary_key=True
    )
    message_id: Mapped[str] = mapped_column(String(30), primary_key=True)
    created_at: Mapped[datetime | None]
    user_id: Mapped[str | None] = mapped_column(String(64))
    user_type: Mapped[str | None] = mapped_column(String(30))
    text: Mapped[str] = mapped_column(Text, default="")
    is_read: Mapped[bool] = mapped_column(default=False)
    is_image: Mapped[bool] = mapped_column(default=False)
    order_number: Mapped[str | None] = mapped_column(String(40))
    sku: Mapped[int | None] = mapped_column(BigInteger)
