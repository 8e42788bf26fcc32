"""Wire returns, reviews, comments, chats and messages → store rows (pure)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel

from ozonops.ozon import models as m

__all__ = [
    "chat_row",
    "comment_row",
    "message_row",
    "raw",
    "return_row",
    "review_row",
    "rfbs_row",
]


def raw(model: BaseModel) -> dict[str, Any]:
    """Ozon's answer as JSON, unknown fields included: the evidence behind each row."""
    return model.model_dump(mode="json", by_alias=True, exclude_none=True)


#: Fields of a return that Ozon derives from its clock while the item waits in storage: they
#: change every day without any event, so they are not kept (days follow from
#: ``storage.arrived_moment``; the fees themselves arrive as accruals).
VOLATILE_STORAGE = ("days", "sum")


def return_row(r: m.Return, *, shop_id: int, at: datetime) -> dict[str, Any]:
    if r.id is None:
        raise ValueError("a return without id")
    evidence = raw(r)
    storage = evidence.get("storage")
    if isinstance(storage, dict):
        for name in VOLATILE_STORAGE:
            storage.pop(name, None)
    product, visual, logistic = r.product, r.visual, r.logistic
    compensation = r.compensation_status
    return {
        "id": r.id,
        "shop_id": shop_id,
        "posting_number": r.posting_number,
        "order_number": r.order_number,
        "schema": r.schema_,
        "type": r.type,
        "return_reason_name": r.return_reason_name,
        "sku": product.sku if product else None,
        "offer_id": product.offer_id if product else None,
        "quantity": product.quantity if product else None,
        "price": product.price.price if product and product.price else None,
        "currency": product.price.currency_code if product and product.price else None,
        "visual_status": visual.status.sys_name if visual and visual.status else None,
        "visual_status_changed_at": visual.change_moment if visual else None,
        "return_date": logistic.return_date if logistic else None,
        "final_moment": logistic.final_moment if logistic else None,
        "compensation_status": compensation.status.sys_name
        if compensation and compensation.status
        else None,
        "raw": evidence,
        "updated_at": at,
    }


def rfbs_row(
    listed: m.RfbsReturn, detail: m.RfbsReturnDetail | None, *, shop_id: int, at: datetime
) -> dict[str, Any]:
    """A request as the list shows it (id, group state, money state) with its detail's actions,
    reason and comment (``/get`` names neither the id nor the group state)."""
    if listed.return_id is None:
        raise ValueError("an rFBS return without return_id")
    state, product = listed.state, listed.product
    reason = detail.return_reason if detail else None
    evidence = raw(listed)
    if detail is not None:
        evidence["detail"] = raw(detail)
    return {
        "return_id": listed.return_id,
        "shop_id": shop_id,
        "return_number": listed.return_number,
        "posting_number": listed.posting_number,
        "created_at": listed.created_at,
        "sku": product.sku if product else None,
        "offer_id": product.offer_id if product else None,
        "price": product.price if product else None,
        "group_state": state.group_state if state else None,
        "state": state.state if state else None,
        "state_name": state.state_name if state else None,
        "money_return_state_name": state.money_return_state_name if state else None,
        "return_reason": reason.name if reason else None,
        "is_defect": reason.is_defect if reason else None,
        "available_actions": [
            {"id": a.id, "name": a.name} for a in (detail.available_actions if detail else [])
        ],
        "raw": evidence,
        "updated_at": at,
    }


def review_row(r: m.Review, *, shop_id: int, at: datetime) -> dict[str, Any]:
    if not r.id:
        raise ValueError("a review without id")
    return {
        "id": r.id,
        "shop_id": shop_id,
        "sku": r.sku,
        "text": r.text,
        "rating": r.rating,
        "status": r.status,
        "order_status": r.order_status,
        "published_at": r.published_at,
        "comments_amount": r.comments_amount or 0,
        "photos_amount": r.photos_amount or 0,
        "videos_amount": r.videos_amount or 0,
        "is_rating_participant": r.is_rating_participant,
        "raw": raw(r),
        "updated_at": at,
    }


def comment_row(c: m.Comment, *, review_id: str) -> dict[str, Any]:
    if not c.id:
        raise ValueError("a comment without id")
    return {
        "id": c.id,
        "review_id": review_id,
        "text": c.text,
        "published_at": c.published_at,
        "parent_comment_id": c.parent_comment_id or None,
        "is_owner": c.is_owner,
        "is_official": c.is_official,
        "raw": raw(c),
    }


def chat_row(c: m.ChatInfo, *, shop_id: int, at: datetime) -> dict[str, Any]:
    chat = c.chat
    if chat is None or not chat.chat_id:
        raise ValueError("a chat without chat_id")
    return {
        "chat_id": chat.chat_id,
        "shop_id": shop_id,
        "chat_type": chat.chat_type,
        "chat_status": chat.chat_status,
        "created_at": chat.created_at,
        "unread_count": c.unread_count or 0,
        "last_message_id": str(c.last_message_id) if c.last_message_id else None,
        "first_unread_message_id": str(c.first_unread_message_id)
        if c.first_unread_message_id
        else None,
        "order_number": None,
        "updated_at": at,
    }


def message_row(msg: m.ChatMessage, *, chat_id: str) -> dict[str, Any]:
    if msg.message_id is None:
        raise ValueError("a message without message_id")
    user, context = msg.user, msg.context
    return {
        "chat_id": chat_id,
        "message_id": str(msg.message_id),
        "created_at": msg.created_at,
        "user_id": user.id if user else None,
        "user_type": user.type if user else None,
        "text": "\n".join(msg.data),
        "is_read": msg.is_read,
        "is_image": msg.is_image,
        "order_number": context.order_number if context else None,
        "sku": context.sku if context else None,
    }
