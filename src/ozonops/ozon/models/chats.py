"""Chats with buyers: list, history, start, send (ozon-api.md §6).

``has_next`` arrives as a string in Ozon's chat-list example (§14); ``bool`` reads both.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from ozonops.ozon.models.common import (
    Many,
    OzonInt,
    OzonTime,
    Request,
    Response,
)

# --- requests ---------------------------------------------------------------------------------


class ChatListFilter(Request):
    chat_status: Literal["ALL", "OPENED", "CLOSED"] | None = None
    unread_only: bool | None = None


class ChatListRequest(Request):
    limit: int = Field(30, ge=1, le=100)
    cursor: str | None = None
    filter: ChatListFilter | None = None


class ChatHistoryFilter(Request):
    message_ids: list[str] | None = None


class ChatHistoryRequest(Request):
    """``from_message_id`` is required when reading ``Forward``."""

    chat_id: str = Field(min_length=1)
    direction: Literal["Forward", "Backward"] | None = None
    from_message_id: int | None = Field(None, ge=0)
    limit: int | None = Field(None, ge=1, le=1000)
    filter: ChatHistoryFilter | None = None


class ChatStartRequest(Request):
    posting_number: str = Field(min_length=1)


class ChatSendMessageRequest(Request):
    chat_id: str = Field(min_length=1)
    text: str = Field(min_length=1, max_length=1000)


# --- responses --------------------------------------------------------------------------------


class ChatDetails(Response):
    chat_id: str | None = None
    chat_status: str | None = None
    chat_type: str | None = None
    created_at: OzonTime = None


class ChatInfo(Response):
    chat: ChatDetails | None = None
    first_unread_message_id: OzonInt = None
    last_message_id: OzonInt = None
    unread_count: OzonInt = None


class ChatListResponse(Response):
    chats: Many[ChatInfo] = Field(default_factory=list)
    total_unread_count: OzonInt = None
    cursor: str | None = None
    has_next: bool = False


class ChatUser(Response):
    id: str | None = None
    type: str | None = None


class ChatMessageContext(Response):
    order_number: str | None = None
    sku: OzonInt = None


class ChatMessage(Response):
    message_id: OzonInt = None
    created_at: OzonTime = None
    user: ChatUser | None = None
    data: Many[str] = Field(default_factory=list)
    is_read: bool = False
    is_image: bool = False
    moderate_image_status: str | None = None
    context: ChatMessageContext | None = None


class ChatHistoryResponse(Response):
    messages: Many[ChatMessage] = Field(default_factory=list)
    has_next: bool = False


class ChatStartResult(Response):
    chat_id: str | None = None


class ChatStartResponse(Response):
    result: ChatStartResult | None = None


class ChatSendMessageResponse(Response):
    result: str | None = None


__all__ = [
    "ChatDetails",
    "ChatHistoryFilter",
    "ChatHistoryRequest",
    "ChatHistoryResponse",
    "ChatInfo",
    "ChatListFilter",
    "ChatListRequest",
    "ChatListResponse",
    "ChatMessage",
    "ChatMessageContext",
    "ChatSendMessageRequest",
    "ChatSendMessageResponse",
    "ChatStartRequest",
    "ChatStartResponse",
    "ChatStartResult",
    "ChatUser",
]
