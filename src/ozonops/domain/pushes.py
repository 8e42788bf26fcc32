"""Ozon's push messages (spec tags ``push_types``, ``service_response``; ozon-api.md §11).

Pure rules, shared by the receiver (``ozonops.web``) and the inbox processor
(``ozonops.sync.pushes``): which fields each type needs, how a push is recognised when Ozon
sends it again, and what a posting push says about the posting's status.

- :func:`read_push` checks a decoded body and gives a :class:`PushMessage` with its
  **dedupe key**: ``uuid`` where Ozon gives one (FBO and order types), else the type and the
  fields that name the change (posting number, new state, change time; chat and message ids
  for chat pushes), else — for types without such fields, and types we do not know — a hash of
  the whole body (Ozon's retries repeat the body byte for byte).
- :func:`state_news` turns a state change, a cancellation or a new posting into the
  ``StatusEntry`` that ``domain.history`` merges.

Errors::

    OzonOpsError
    └── PushInvalid (+ TerminalError)   the body is not a push we can keep: ``code`` is the
                                        spec's error code, ``field`` the field at fault
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

from ozonops.domain.history import StatusEntry
from ozonops.domain.statuses import status_of_push_state
from ozonops.errors import TerminalError

__all__ = [
    "MISSED",
    "PING",
    "PUSH_TYPES",
    "UNKNOWN",
    "PushInvalid",
    "PushKind",
    "PushMessage",
    "PushType",
    "parse_time",
    "read_push",
    "state_news",
]

PING = "TYPE_PING"
#: The spec's error codes (``service_response``).
UNKNOWN = "ERROR_UNKNOWN"
MISSED = "ERROR_PARAMETER_VALUE_MISSED"
#: The inbox column's width (``db.tables.InboxPush.dedupe_key``).
KEY_WIDTH = 300

PushKind = Literal["posting", "fbo_posting", "chat", "stock", "order", "other"]


class PushInvalid(TerminalError):
    """Fires when a body is not a push we can keep: not an object, or a field is missing or
    malformed. ``code`` is the spec's error code for the answer."""

    def __init__(self, message: str, *, code: str = MISSED, field: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.field = field


@dataclass(frozen=True, slots=True)
class PushType:
    """What one message type must carry and which fields name its change."""

    kind: PushKind
    #: Fields that must be present and not empty.
    required: tuple[str, ...] = ()
    #: Fields that name the change when there is no ``uuid`` (empty: hash the body).
    key: tuple[str, ...] = ()
    #: Fields that must be ISO 8601 date-times when present and not empty.
    times: tuple[str, ...] = ()


_STATE = ("posting_number", "new_state", "changed_state_date")
_WINDOW = (
    "new_delivery_date_begin",
    "new_delivery_date_end",
    "old_delivery_date_begin",
    "old_delivery_date_end",
)

#: Every type the spec's ``push_types`` lists, TYPE_PING aside.
PUSH_TYPES: dict[str, PushType] = {
    "TYPE_NEW_POSTING": PushType(
        "posting",
        ("posting_number",),
        ("posting_number",),
        ("in_process_at", "shipment_date", "delivery_date_begin", "delivery_date_end"),
    ),
    "TYPE_POSTING_CANCELLED": PushType(
        "posting", ("posting_number", "changed_state_date"), _STATE, ("changed_state_date",)
    ),
    "TYPE_STATE_CHANGED": PushType("posting", _STATE, _STATE, ("changed_state_date",)),
    "TYPE_CUTOFF_DATE_CHANGED": PushType(
        "posting",
        ("posting_number",),
        ("posting_number", "new_cutoff_date", "old_cutoff_date"),
        ("new_cutoff_date", "old_cutoff_date"),
    ),
    "TYPE_DELIVERY_DATE_CHANGED": PushType(
        "posting", ("posting_number",), ("posting_number", *_WINDOW), _WINDOW
    ),
    "TYPE_CREATE_OR_UPDATE_ITEM": PushType("other", times=("changed_at",)),
    "TYPE_CREATE_ITEM": PushType("other", times=("changed_at",)),
    "TYPE_UPDATE_ITEM": PushType("other", times=("changed_at",)),
    "TYPE_PRICE_INDEX_CHANGED": PushType("other", times=("updated_at",)),
    "TYPE_STOCKS_CHANGED": PushType("stock", ("items",)),
    "TYPE_NEW_MESSAGE": PushType(
        "chat", ("chat_id", "message_id"), ("chat_id", "message_id"), ("created_at",)
    ),
    "TYPE_UPDATE_MESSAGE": PushType(
        "chat",
        ("chat_id", "message_id"),
        ("chat_id", "message_id", "updated_at"),
        ("created_at", "updated_at"),
    ),
    "TYPE_MESSAGE_READ": PushType(
        "chat", ("chat_id",), ("chat_id", "message_id", "last_read_message_id"), ("created_at",)
    ),
    "TYPE_CHAT_CLOSED": PushType("chat", ("chat_id",), ("chat_id",)),
    "TYPE_DESCRIPTION_CATEGORY_TREE_CHANGED": PushType("other", times=("changed_at",)),
    "TYPE_FBO_POSTING_NEW": PushType(
        "fbo_posting", ("posting_number",), ("posting_number",), ("creation_date",)
    ),
    "TYPE_FBO_POSTING_CANCELLED": PushType(
        "fbo_posting",
        ("posting_number",),
        ("posting_number", "new_state", "cancel_date"),
        ("cancel_date",),
    ),
    "TYPE_FBO_POSTING_STATE_CHANGED": PushType(
        "fbo_posting", _STATE, _STATE, ("changed_state_date",)
    ),
    "TYPE_FBO_POSTING_DELIVERY_DATE_CHANGED": PushType(
        "fbo_posting", ("posting_number",), ("posting_number", *_WINDOW), _WINDOW
    ),
    "TYPE_FBO_STOCKS_CHANGED": PushType("stock", ("sku",), ("sku", "updated_at"), ("updated_at",)),
    "TYPE_ORDER_NEW": PushType("order", (), ("order_number",), ("created_at",)),
    "TYPE_ORDER_CANCELLED": PushType("order", (), ("order_number",), ("cancelled_at",)),
    "TYPE_ORDER_STATE_CHANGED": PushType(
        "order", (), ("order_number", "new_state", "updated_at"), ("updated_at",)
    ),
}


@dataclass(frozen=True, slots=True)
class PushMessage:
    """A checked push: its type, body and the key a repeat of it has too."""

    message_type: str
    body: dict[str, Any]
    dedupe_key: str

    @property
    def known(self) -> bool:
        return self.message_type in PUSH_TYPES


def parse_time(value: Any, *, field: str) -> datetime:
    """An aware UTC time from Ozon's ISO 8601 text (``Z``, offsets, up to nanoseconds)."""
    if not isinstance(value, str):
        raise PushInvalid(
            f"{field} must be an ISO 8601 date-time string, got {value!r}", field=field
        )
    try:
        at = datetime.fromisoformat(value.strip())
    except ValueError:
        raise PushInvalid(
            f"{field} must be an ISO 8601 date-time such as 2021-01-26T06:56:36.294Z, "
            f"got {value!r}",
            field=field,
        ) from None
    return at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def _key_part(body: Mapping[str, Any], name: str, times: tuple[str, ...]) -> str:
    value = body.get(name)
    if _empty(value):
        return ""
    if name in times:
        return parse_time(value, field=name).isoformat()
    return str(value)


def _body_hash(body: Mapping[str, Any]) -> str:
    canonical = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def _dedupe_key(message_type: str, body: Mapping[str, Any], rule: PushType | None) -> str:
    uuid = body.get("uuid")
    if isinstance(uuid, str) and uuid.strip():
        key = f"uuid:{uuid.strip()}"
    elif rule is not None and rule.key:
        key = "|".join([message_type, *(_key_part(body, f, rule.times) for f in rule.key)])
    else:
        key = f"{message_type}|sha256:{_body_hash(body)}"
    if len(key) > KEY_WIDTH:
        key = f"{message_type[:60]}|sha256:{hashlib.sha256(key.encode()).hexdigest()}"
    return key


def read_push(body: Any) -> PushMessage:
    """Check a decoded push body; raises :class:`PushInvalid` naming what is wrong."""
    if not isinstance(body, dict):
        raise PushInvalid(
            f"a push is a JSON object, got {type(body).__name__}", code=UNKNOWN, field=None
        )
    message_type = body.get("message_type")
    if _empty(message_type):
        raise PushInvalid("message_type is missing", field="message_type")
    if not isinstance(message_type, str) or len(message_type) > 60:
        raise PushInvalid(
            f"message_type must be a type name such as TYPE_STATE_CHANGED, got {message_type!r}",
            field="message_type",
        )
    rule = PUSH_TYPES.get(message_type)
    if rule is not None:
        for name in rule.required:
            if _empty(body.get(name)):
                raise PushInvalid(f"{message_type} needs {name}, which is missing", field=name)
        for name in ("posting_number", "new_state", "chat_id"):
            if name in rule.required and not isinstance(body[name], str):
                raise PushInvalid(f"{name} must be a string, got {body[name]!r}", field=name)
        for name in rule.times:
            if not _empty(body.get(name)):
                parse_time(body[name], field=name)
    return PushMessage(message_type, body, _dedupe_key(message_type, body, rule))


def state_news(
    msg: PushMessage, *, received_at: datetime, in_process_at: datetime | None = None
) -> tuple[str, StatusEntry] | None:
    """(posting number, the entry it adds to the history) for a push that tells a status.

    State changes and cancellations carry their state and time; a new posting enters
    ``posting_created`` when its processing began (``in_process_at``: the push's, else the one
    the caller read from Ozon). None for other types, and for a state the push-state table
    does not know (the next poll tells it).
    """
    body = msg.body
    fbo = PUSH_TYPES[msg.message_type].kind == "fbo_posting" if msg.known else False
    number = body.get("posting_number")
    if not isinstance(number, str) or not number:
        return None
    if msg.message_type in ("TYPE_NEW_POSTING", "TYPE_FBO_POSTING_NEW"):
        state = "posting_created"
        pushed = body.get("in_process_at")
        at = parse_time(pushed, field="in_process_at") if pushed else in_process_at
    elif msg.message_type in ("TYPE_POSTING_CANCELLED", "TYPE_FBO_POSTING_CANCELLED"):
        state = "posting_canceled"
        when = "cancel_date" if fbo else "changed_state_date"
        at = parse_time(body[when], field=when) if body.get(when) else None
    elif msg.message_type in ("TYPE_STATE_CHANGED", "TYPE_FBO_POSTING_STATE_CHANGED"):
        state = str(body["new_state"])
        at = parse_time(body["changed_state_date"], field="changed_state_date")
    else:
        return None
    status = status_of_push_state(state, fbo=fbo)
    if status is None or at is None:
        return None
    return number, StatusEntry(status, state, at, True, "push", received_at)
