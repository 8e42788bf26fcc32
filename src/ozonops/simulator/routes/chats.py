"""Chats: ``/v3/chat/list``, ``/v3/chat/history``, ``/v1/chat/start``, ``/v1/chat/send/message``.

Rules (ozon-api.md §6, ozon-rules.md "Chats", "Paid-tier gates"): start and send need Premium
Plus or Premium Pro (403 otherwise); list and history do not. Refusals of the time windows are
409 FAILED_PRECONDITION with a code-like message [inferred: Ozon's exact message is unknown].
``from_message_id`` is inclusive in both directions [inferred].
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ozonops.simulator.errors import bad_request, conflict, forbidden, not_found
from ozonops.simulator.paging import check_limit, decode_cursor, encode_cursor, invalid_cursor
from ozonops.simulator.routing import JSON, Ctx, get, iso, route
from ozonops.simulator.world import chats as ch

LIST_DEFAULT, LIST_MAX = 30, 100
HISTORY_DEFAULT, HISTORY_MAX = 50, 1000
NO_SUBSCRIPTION = "This method is available with Premium Plus or Premium Pro subscription only"


def _render_chat(chat: ch.Chat) -> dict[str, Any]:
    unread = ch.unread(chat)
    return {
        "chat": {
            "chat_id": chat.chat_id,
            "chat_status": chat.status,
            "chat_type": chat.chat_type,
            "created_at": iso(chat.created_at),
        },
        "first_unread_message_id": unread[0].message_id if unread else 0,
        "last_message_id": chat.messages[-1].message_id if chat.messages else 0,
        "unread_count": len(unread),
    }


def _render_message(chat: ch.Chat, m: ch.Message, now: datetime) -> dict[str, Any]:
    context: dict[str, str] = {}
    if chat.posting is not None:
        context = {
            "order_number": chat.posting.order_number,
            "sku": str(chat.posting.lines[0].sku.sku),
        }
    return {
        "message_id": m.message_id,
        "created_at": iso(m.created_at),
        "user": {"id": m.user_id, "type": m.user_type},
        "data": [m.text],
        "is_read": ch.is_read(chat, m, now),
        "is_image": False,
        "context": context,
    }


def _limit(body: dict[str, Any], default: int, maximum: int) -> int:
    limit = body.get("limit")
    return default if limit is None else check_limit(limit, maximum)


def _encode_cursor(chat: ch.Chat) -> str:
    return encode_cursor({"t": int(chat.created_at.timestamp() * 1000), "id": chat.chat_id})


def _decode_cursor(cursor: str) -> tuple[int, str]:
    data = decode_cursor(cursor)
    try:
        return int(data["t"]), str(data["id"])
    except (ValueError, KeyError, TypeError):
        raise invalid_cursor() from None


@route("/v3/chat/list")
def chat_list(ctx: Ctx) -> JSON:
    limit = _limit(ctx.body, LIST_DEFAULT, LIST_MAX)
    status = get(ctx.body, "filter", "chat_status", default="ALL")
    unread_only = bool(get(ctx.body, "filter", "unread_only", default=False))
    chats = ch.shop_chats(ctx.world, ctx.shop, ctx.now)
    total_unread = sum(len(ch.unread(c)) for c in chats)
    if status != "ALL":
        chats = [c for c in chats if c.status == status]
    if unread_only:
        chats = [c for c in chats if ch.unread(c)]
    cursor = ctx.body.get("cursor") or ""
    if cursor:
        t, cid = _decode_cursor(cursor)
        key = (-t, cid)
        chats = [c for c in chats if (-int(c.created_at.timestamp() * 1000), c.chat_id) > key]
    page = chats[:limit]
    has_next = len(chats) > limit
    return {
        "chats": [_render_chat(c) for c in page],
        "total_unread_count": total_unread,
        "cursor": _encode_cursor(page[-1]) if page else "",
        "has_next": has_next,
    }


@route("/v3/chat/history")
def chat_history(ctx: Ctx) -> JSON:
    body = ctx.body
    chat_id = body.get("chat_id") or ""
    if not chat_id:
        raise bad_request("chat_id is required", field="chat_id")
    direction = body.get("direction") or "Backward"
    if direction not in ("Forward", "Backward"):
        raise bad_request("direction must be Forward or Backward", field="direction")
    limit = _limit(body, HISTORY_DEFAULT, HISTORY_MAX)
    from_id = body.get("from_message_id")
    if direction == "Forward" and not from_id:
        raise bad_request(
            "from_message_id is required when direction is Forward", field="from_message_id"
        )
    chat = ch.find_chat(ctx.world, ctx.shop, chat_id, ctx.now)
    if chat is None:
        raise not_found("CHAT_NOT_FOUND")
    msgs = chat.messages
    wanted = get(body, "filter", "message_ids", default=[])
    if wanted:
        try:
            ids = {int(x) for x in wanted}
        except (TypeError, ValueError):
            raise bad_request("invalid message id", field="filter.message_ids") from None
        msgs = [m for m in msgs if m.message_id in ids]
    if direction == "Forward":
        selected = [m for m in msgs if m.message_id >= int(str(from_id))]
    else:
        selected = list(reversed(msgs))
        if from_id:
            selected = [m for m in selected if m.message_id <= int(from_id)]
    page = selected[:limit]
    return {
        "messages": [_render_message(chat, m, ctx.now) for m in page],
        "has_next": len(selected) > limit,
    }


@route("/v1/chat/start")
def chat_start(ctx: Ctx) -> JSON:
    if not ctx.shop.has_chat_write_access:
        raise forbidden(NO_SUBSCRIPTION)
    number = ctx.body.get("posting_number") or ""
    if not number:
        raise bad_request("posting_number is required", field="posting_number")
    p = ctx.world.find_posting(ctx.shop, number)
    if p is None:
        raise not_found("POSTING_NOT_FOUND")
    refusal = ch.start_refusal(ctx.world, p, ctx.now)
    if refusal is not None:
        raise conflict(refusal)
    return {"result": {"chat_id": ch.start(ctx.world, p, ctx.now)}}


@route("/v1/chat/send/message")
def chat_send_message(ctx: Ctx) -> JSON:
    if not ctx.shop.has_chat_write_access:
        raise forbidden(NO_SUBSCRIPTION)
    chat_id = ctx.body.get("chat_id") or ""
    text = ctx.body.get("text")
    if not chat_id:
        raise bad_request("chat_id is required", field="chat_id")
    if not isinstance(text, str) or not text.strip():
        raise bad_request("text must not be empty", field="text")
    if len(text) > ch.TEXT_MAX:
        raise bad_request(f"text must be at most {ch.TEXT_MAX} characters", field="text")
    chat = ch.find_chat(ctx.world, ctx.shop, chat_id, ctx.now)
    if chat is None:
        raise not_found("CHAT_NOT_FOUND")
    refusal = ch.send_refusal(ctx.world, chat, ctx.now)
    if refusal is not None:
        raise conflict(refusal)
    ch.send(ctx.world, ctx.shop, chat, text, ctx.now)
    return {"result": "success"}
