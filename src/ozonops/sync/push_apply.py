"""One round of the inbox processor inside its transaction: what to read, then the effects.

Pure of Ozon: :func:`plan` says which postings and chats a round must read from Ozon first;
:func:`apply_round` writes what was read and every push's effect, and marks each push with its
outcome — all in the caller's transaction, so a crash leaves the round wholly undone.

Outcomes (``InboxPush.outcome``): ``applied`` (the store changed or the posting was read
anew), ``stale`` (the store already knew it: a repeat, or older news), ``noted`` (kept for a
sync to act on: a chat the store does not hold yet, stock levels), ``ignored`` (a known type
we have nothing to store for), ``invalid`` (with the reason), ``unknown_type`` (set by the
receiver).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ozonops.db.tables import Chat, ChatMessage, InboxPush, Posting
from ozonops.domain import PUSH_TYPES, PushMessage, StatusEntry, parse_time, state_news
from ozonops.sync.mapping.postings import PostingRows
from ozonops.sync.write_postings import chunks, merge_states, write_postings
from ozonops.sync.write_rows import write_rows

__all__ = ["Fetched", "Item", "Needs", "Outcome", "apply_round", "plan"]

NEW_POSTING = frozenset({"TYPE_NEW_POSTING", "TYPE_FBO_POSTING_NEW"})
CANCELLED = frozenset({"TYPE_POSTING_CANCELLED", "TYPE_FBO_POSTING_CANCELLED"})
WINDOW = frozenset({"TYPE_DELIVERY_DATE_CHANGED", "TYPE_FBO_POSTING_DELIVERY_DATE_CHANGED"})
#: Ozon asks that the new cut-off be checked with /v3/posting/fbs/get: the posting is re-read.
REREAD = frozenset({"TYPE_CUTOFF_DATE_CHANGED"})
CHAT_READ = frozenset({"TYPE_NEW_MESSAGE", "TYPE_UPDATE_MESSAGE", "TYPE_MESSAGE_READ"})

#: (outcome, detail)
Outcome = tuple[str, str | None]
PostingKey = tuple[int, str, bool]  # shop id, posting number, fbo
ChatKey = tuple[int, str]  # shop id, chat id


@dataclass(frozen=True, slots=True)
class Item:
    """One pending inbox row."""

    id: int
    shop_id: int
    msg: PushMessage
    received_at: datetime

    @property
    def kind(self) -> str:
        return PUSH_TYPES[self.msg.message_type].kind if self.msg.known else "unknown"

    @property
    def fbo(self) -> bool:
        return self.kind == "fbo_posting"

    @property
    def posting(self) -> PostingKey | None:
        number = self.msg.body.get("posting_number")
        if self.kind not in ("posting", "fbo_posting") or not isinstance(number, str):
            return None
        return (self.shop_id, number, self.fbo)

    @property
    def chat(self) -> ChatKey | None:
        chat_id = self.msg.body.get("chat_id")
        return (self.shop_id, chat_id) if isinstance(chat_id, str) else None


@dataclass
class Needs:
    """What a round must read from Ozon before it can apply its pushes."""

    postings: set[PostingKey] = field(default_factory=set)
    chats: set[ChatKey] = field(default_factory=set)
    #: posting number → in_process_at, for the postings the store holds
    known: dict[str, datetime | None] = field(default_factory=dict)
    known_chats: set[str] = field(default_factory=set)


@dataclass
class Fetched:
    """What a round read from Ozon, and the pushes it could not serve."""

    postings: dict[PostingKey, tuple[PostingRows, datetime]] = field(default_factory=dict)
    chats: dict[ChatKey, list[dict[str, Any]]] = field(default_factory=dict)
    #: item id → why it waits for the next round (a transient error)
    deferred: dict[int, str] = field(default_factory=dict)
    #: item id → why it can never be applied (a terminal error)
    failed: dict[int, str] = field(default_factory=dict)


def plan(session: Session, items: Sequence[Item]) -> Needs:
    needs = Needs()
    numbers = sorted({p[1] for i in items if (p := i.posting)})
    for part in chunks(numbers):
        rows = session.execute(
            select(Posting.posting_number, Posting.in_process_at).where(
                Posting.posting_number.in_(part)
            )
        )
        needs.known.update({number: at for number, at in rows})
    chat_ids = sorted({c[1] for i in items if i.kind == "chat" and (c := i.chat)})
    for part in chunks(chat_ids):
        needs.known_chats.update(
            session.scalars(select(Chat.chat_id).where(Chat.chat_id.in_(part)))
        )
    for item in items:
        posting, chat = item.posting, item.chat
        if posting and (posting[1] not in needs.known or item.msg.message_type in REREAD):
            needs.postings.add(posting)
        if chat and item.msg.message_type in CHAT_READ and chat[1] in needs.known_chats:
            needs.chats.add(chat)
    return needs


def _window(body: dict[str, Any], prefix: str) -> tuple[datetime, datetime] | None:
    begin, end = body.get(f"{prefix}_delivery_date_begin"), body.get(f"{prefix}_delivery_date_end")
    if not begin or not end:
        return None
    return parse_time(begin, field=f"{prefix}_delivery_date_begin"), parse_time(
        end, field=f"{prefix}_delivery_date_end"
    )


def _move_window(session: Session, item: Item, number: str) -> Outcome:
    """The expected window (``eta_*``; the promise until it first moves) moves to the push's
    new one, unless the store is already past it. The promise itself stays as Ozon's posting
    methods show it, so a poll and a push never undo each other.

    Pushes carry no time, so order is told by the windows: the store at the push's old window
    (or before its new one) moves; at its new one or later, the push is a repeat or older news.
    """
    new = _window(item.msg.body, "new")
    if new is None:
        return "ignored", "Ozon removed the delivery interval; the next push brings the new one"
    stored = session.execute(
        select(
            Posting.eta_begin,
            Posting.eta_end,
            Posting.delivery_date_begin,
            Posting.delivery_date_end,
        ).where(Posting.posting_number == number)
    ).first()
    if stored is None:
        return "invalid", f"posting {number} is neither stored nor readable"
    current = (stored[0], stored[1]) if stored[1] is not None else (stored[2], stored[3])
    if current == new or (
        current != _window(item.msg.body, "old") and current[1] is not None and current[1] >= new[1]
    ):
        return "stale", None
    session.execute(
        update(Posting)
        .where(Posting.posting_number == number)
        .values(eta_begin=new[0], eta_end=new[1])
    )
    return "applied", None


def _cancel_reason(session: Session, item: Item, number: str) -> None:
    reason = item.msg.body.get("reason")
    if not isinstance(reason, dict) or not reason.get("id"):
        return
    session.execute(
        update(Posting)
        .where(Posting.posting_number == number, Posting.cancel_reason_id.is_(None))
        .values(cancel_reason_id=int(reason["id"]), cancel_reason=str(reason.get("message") or ""))
    )


def _chat(session: Session, item: Item, needs: Needs, fetched: Fetched) -> Outcome:
    chat = item.chat
    if chat is None or chat[1] not in needs.known_chats:
        return "noted", "the chat is not in the store yet; the chats sync reads it"
    if item.msg.message_type == "TYPE_CHAT_CLOSED":
        moved = session.execute(
            update(Chat)
            .where(Chat.chat_id == chat[1], Chat.chat_status != "CLOSED")
            .values(chat_status="CLOSED", updated_at=item.received_at)
        )
        return ("applied", None) if getattr(moved, "rowcount", 0) else ("stale", None)
    counts = write_rows(
        session, ChatMessage, fetched.chats.get(chat, []), key=["chat_id", "message_id"]
    )
    return ("applied", None) if counts.new + counts.changed else ("stale", None)


def _mark(session: Session, outcomes: dict[int, Outcome], at: datetime) -> None:
    rows = [
        {"id": i, "processed_at": at, "outcome": o, "detail": (d or None) and d[:2000]}
        for i, (o, d) in outcomes.items()
    ]
    if rows:
        session.execute(update(InboxPush), rows)


def _postings(session: Session, fetched: Fetched) -> None:
    for (shop_id, _number, _fbo), (rows, observed_at) in fetched.postings.items():
        write_postings(session, shop_id=shop_id, postings=[rows], observed_at=observed_at)


def apply_round(
    session: Session, items: Iterable[Item], needs: Needs, fetched: Fetched, *, now: datetime
) -> dict[int, Outcome]:
    """Write what was read, apply every push and mark it; returns each push's outcome."""
    _postings(session, fetched)
    outcomes: dict[int, Outcome] = {}
    news: list[tuple[Item, str, StatusEntry]] = []
    for item in items:
        if item.id in fetched.deferred:
            continue
        if item.id in fetched.failed:
            outcomes[item.id] = ("invalid", fetched.failed[item.id])
            continue
        posting = item.posting
        if posting is not None:
            number = posting[1]
            read = fetched.postings.get(posting)
            started = needs.known.get(number) or (
                read[0].row.get("in_process_at") if read else None
            )
            told = state_news(item.msg, received_at=item.received_at, in_process_at=started)
            if told is not None:
                news.append((item, number, told[1]))
                if item.msg.message_type in CANCELLED:
                    _cancel_reason(session, item, number)
            elif "new_state" in PUSH_TYPES[item.msg.message_type].key:
                state = item.msg.body.get("new_state")
                outcomes[item.id] = (
                    "ignored",
                    f"no status to record from new_state {state!r}; polling tells it",
                )
            elif item.msg.message_type in WINDOW:
                outcomes[item.id] = _move_window(session, item, number)
            elif read is not None:
                outcomes[item.id] = ("applied", "read again from Ozon")
            else:
                outcomes[item.id] = ("stale", None)
        elif item.kind == "chat":
            outcomes[item.id] = _chat(session, item, needs, fetched)
        elif item.kind == "stock":
            outcomes[item.id] = ("noted", "left to the stocks sync")
        elif item.kind in ("order", "other"):
            outcomes[item.id] = ("ignored", None)
        else:
            outcomes[item.id] = ("invalid", "a posting push without posting_number")
    changed, missing = merge_states(
        session, news=[(n, e) for _, n, e in news], fbo={n: i.fbo for i, n, _ in news}
    )
    for (item, number, _), moved in zip(news, changed, strict=True):
        if number in missing:
            outcomes[item.id] = ("invalid", f"posting {number} is neither stored nor readable")
        elif moved or (item.posting in fetched.postings and item.msg.message_type in NEW_POSTING):
            outcomes[item.id] = ("applied", None)
        else:
            outcomes[item.id] = ("stale", None)
    _mark(session, outcomes, now)
    return outcomes
