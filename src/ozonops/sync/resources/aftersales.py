"""Returns, rFBS return requests, reviews with their comments, chats with their messages.

Ozon's change filters differ per method, so each resource says what it follows:

- **returns**: ``visual_status_change_moment`` — every status move of a return, paged by id;
- **rfbs_returns**: no change filter; new requests by ``created_at``, then each request still
  open in the store is read again (``/v2/returns/rfbs/get``, which also gives its actions);
- **reviews**: new reviews by ``published_at``, then those not yet PROCESSED (their status and
  comments still move); comments are read for reviews whose count changed;
- **chats**: the chat list (short), then the history of each chat whose last message, unread
  count or first unread message changed.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from ozonops.db.tables import Chat, ChatMessage, Return, Review, ReviewComment, RfbsReturn
from ozonops.ozon import answered_at
from ozonops.ozon import models as m
from ozonops.sync.job import Job
from ozonops.sync.mapping.aftersales import (
    chat_row,
    comment_row,
    message_row,
    return_row,
    review_row,
    rfbs_row,
)
from ozonops.sync.resource import Batch, ResourceSpec, Window, resume_or
from ozonops.sync.resources.common import (
    ITEM_CONCURRENCY,
    backfill_then_changes,
    gather_bounded,
)
from ozonops.sync.write_postings import Counts
from ozonops.sync.write_rows import write_rows

__all__ = ["CHATS", "RETURNS", "REVIEWS", "RFBS_RETURNS"]

RETURNS_PAGE = 500
REVIEWS_PAGE = 100
COMMENTS_PAGE = 100
CHATS_PAGE = 100
HISTORY_PAGE = 1000
#: rFBS requests read again while open: not approved, and decided less than this long ago
#: (a refusal can still go to arbitration for 5 days; ozon-rules.md "Returns").
RFBS_OPEN_FOR = timedelta(days=60)
#: How long a seller's unread message is watched for the buyer reading it.
SELLER_READ_WATCH = timedelta(days=7)


# --- returns -----------------------------------------------------------------------------------
async def _fetch_returns(job: Job, window: Window) -> AsyncIterator[Batch[dict[str, Any]]]:
    last_id = int(window.resume.get("last_id") or 0)
    span = {"time_from": window.start, "time_to": window.end}
    while True:
        page = await job.ozon.returns_list(
            filter={"visual_status_change_moment": span},
            limit=RETURNS_PAGE,
            last_id=last_id or None,
        )
        at = answered_at() or job.now
        rows = [return_row(r, shop_id=job.shop.id, at=at) for r in page.returns]
        if rows:
            last_id = max(last_id, *(int(r["id"]) for r in rows))
        yield Batch(rows, {"last_id": last_id}, at)
        if not page.has_next or not rows:
            return


def _write_returns(session: Session, job: Job, batch: Batch[dict[str, Any]]) -> Counts:
    return write_rows(session, Return, batch.items, key=["id"])


RETURNS: ResourceSpec[dict[str, Any]] = ResourceSpec(
    name="returns",
    cursor_field="visual_status_change_moment",
    interval=timedelta(minutes=15),
    windows=backfill_then_changes,
    fetch=_fetch_returns,
    write=_write_returns,
    description="FBO and FBS returns (/v1/returns/list)",
)


# --- rFBS return requests ----------------------------------------------------------------------
def _open_rfbs(session: Session, shop_id: int, now: datetime) -> list[int]:
    return list(
        session.scalars(
            select(RfbsReturn.return_id)
            .where(
                RfbsReturn.shop_id == shop_id,
                RfbsReturn.group_state.is_distinct_from("Approved"),
                RfbsReturn.created_at >= now - RFBS_OPEN_FOR,
            )
            .order_by(RfbsReturn.return_id)
        )
    )


async def _rfbs_page(job: Job, last_id: int, span: dict[str, Any] | None) -> m.RfbsReturn | None:
    """The request after ``last_id`` (Ozon lists one per call, ids ascending)."""
    page = await job.ozon.rfbs_returns_list(
        filter={"created_at": span} if span else None, limit=1, last_id=last_id or None
    )
    return next((r for r in page.returns if r.return_id is not None), None)


async def _rfbs_batch(job: Job, listed: m.RfbsReturn, resume: dict[str, Any]) -> Batch[Any]:
    assert listed.return_id is not None
    at = answered_at() or job.now
    detail = (await job.ozon.rfbs_return_get(return_id=listed.return_id)).returns
    return Batch([rfbs_row(listed, detail, shop_id=job.shop.id, at=at)], resume, at)


async def _fetch_rfbs(job: Job, window: Window) -> AsyncIterator[Batch[dict[str, Any]]]:
    # New requests: Ozon lists one per call, each then read in full.
    last_id = int(window.resume.get("last_id") or 0)
    span = {"from": window.start, "to": window.end}
    while (listed := await _rfbs_page(job, last_id, span)) is not None:
        assert listed.return_id is not None
        last_id = max(last_id, listed.return_id)
        yield await _rfbs_batch(job, listed, {"last_id": last_id})
    if window.kind == "backfill":
        return
    # Open requests created before the window: the one after id - 1 is the request itself.
    open_ids = await job.writer.run(lambda s: _open_rfbs(s, job.shop.id, job.now))
    open_ids = [i for i in open_ids if i <= last_id or not last_id]
    for start in range(0, len(open_ids), ITEM_CONCURRENCY * 4):
        part = open_ids[start : start + ITEM_CONCURRENCY * 4]
        stored = await job.writer.run(lambda s, part=part: _rfbs_states(s, part))  # type: ignore[misc]
        found = await gather_bounded(_rfbs_refresh(job, i, last_id, stored.get(i)) for i in part)
        yield Batch(
            [row for b in found if b is not None for row in b.items],
            {"last_id": last_id},
            min((b.observed_at for b in found if b and b.observed_at), default=job.now),
        )


async def _rfbs_refresh(
    job: Job, return_id: int, last_id: int, stored: tuple[Any, ...] | None
) -> Batch[Any] | None:
    listed = await _rfbs_page(job, return_id - 1, None)
    if listed is None or listed.return_id != return_id:
        return None
    state = listed.state
    now = (state.state, state.money_return_state_name) if state else (None, None)
    if stored is not None and now == stored:
        return None  # the same state offers the same actions: nothing to read again
    return await _rfbs_batch(job, listed, {"last_id": last_id})


def _rfbs_states(session: Session, ids: Sequence[int]) -> dict[int, tuple[Any, ...]]:
    rows = session.execute(
        select(RfbsReturn.return_id, RfbsReturn.state, RfbsReturn.money_return_state_name).where(
            RfbsReturn.return_id.in_(ids)
        )
    )
    return {r[0]: (r[1], r[2]) for r in rows}


def _write_rfbs(session: Session, job: Job, batch: Batch[dict[str, Any]]) -> Counts:
    return write_rows(session, RfbsReturn, batch.items, key=["return_id"])


RFBS_RETURNS: ResourceSpec[dict[str, Any]] = ResourceSpec(
    name="rfbs_returns",
    cursor_field="created_at (+ every open request)",
    interval=timedelta(minutes=15),
    windows=backfill_then_changes,
    fetch=_fetch_rfbs,
    write=_write_rfbs,
    description="rFBS return requests (/v2/returns/rfbs/list, /get)",
)


# --- reviews and comments ----------------------------------------------------------------------
def _comment_counts(session: Session, ids: Sequence[str]) -> dict[str, tuple[int, int]]:
    """(stored comments_amount, comments stored) per review id."""
    stored: dict[str, int] = {
        i: n
        for i, n in session.execute(
            select(Review.id, Review.comments_amount).where(Review.id.in_(ids))
        )
    }
    held: dict[str, int] = {
        i: n
        for i, n in session.execute(
            select(ReviewComment.review_id, func.count())
            .where(ReviewComment.review_id.in_(ids))
            .group_by(ReviewComment.review_id)
        )
    }
    return {i: (stored[i], held.get(i, 0)) for i in stored}


async def _review_pages(
    job: Job, filters: dict[str, Any]
) -> AsyncIterator[tuple[list[m.Review], datetime]]:
    last_id: str | None = None
    while True:
        page = await job.ozon.review_list(
            limit=REVIEWS_PAGE, last_id=last_id, sort_dir="ASC", filters=filters
        )
        yield list(page.reviews), answered_at() or job.now
        if not page.has_next or not page.last_id or not page.reviews:
            return
        last_id = page.last_id


async def _comments(job: Job, review_id: str) -> list[m.Comment]:
    out: list[m.Comment] = []
    offset = 0
    while True:
        page = await job.ozon.review_comment_list(
            review_id=review_id, limit=COMMENTS_PAGE, offset=offset, sort_dir="ASC"
        )
        out.extend(page.comments)
        if len(page.comments) < COMMENTS_PAGE:
            return out
        offset += len(page.comments)


async def _review_batch(job: Job, reviews: list[m.Review], at: datetime) -> Batch[tuple[str, Any]]:
    ids = [r.id for r in reviews if r.id]
    counts = await job.writer.run(lambda s: _comment_counts(s, ids))
    items: list[tuple[str, Any]] = [
        ("review", review_row(r, shop_id=job.shop.id, at=at)) for r in reviews if r.id
    ]
    moved = []
    for r in reviews:
        if not r.id:
            continue
        amount = r.comments_amount or 0
        stored = counts.get(r.id)
        if (stored is None and amount) or (stored is not None and stored[1] != amount):
            moved.append(r.id)
    found = await gather_bounded(_comments(job, review_id) for review_id in moved)
    for review_id, comments in zip(moved, found, strict=True):
        rows = [comment_row(c, review_id=review_id) for c in comments]
        items.append(("comments", (review_id, rows)))
    return Batch(items, {}, at)


async def _fetch_reviews(job: Job, window: Window) -> AsyncIterator[Batch[tuple[str, Any]]]:
    assert window.start is not None
    assert window.end is not None
    span = {"published_from": window.start, "published_to": window.end}
    async for reviews, at in _review_pages(job, span):
        yield await _review_batch(job, reviews, at)
    if window.kind == "backfill":
        return
    for status in ("NEW", "VIEWED"):  # their status and comments may still move
        async for reviews, at in _review_pages(
            job, {"status": status, "published_to": window.start}
        ):
            yield await _review_batch(job, reviews, at)


def _write_reviews(session: Session, job: Job, batch: Batch[tuple[str, Any]]) -> Counts:
    reviews = [row for kind, row in batch.items if kind == "review"]
    counts = write_rows(session, Review, reviews, key=["id"])
    for kind, payload in batch.items:
        if kind != "comments":
            continue
        review_id, rows = payload
        session.execute(delete(ReviewComment).where(ReviewComment.review_id == review_id))
        write_rows(session, ReviewComment, rows, key=["id"])
    return counts


REVIEWS: ResourceSpec[tuple[str, Any]] = ResourceSpec(
    name="reviews",
    cursor_field="published_at (+ every review not yet PROCESSED)",
    interval=timedelta(minutes=30),
    windows=backfill_then_changes,
    fetch=_fetch_reviews,
    write=_write_reviews,
    feature="reviews",
    description="Reviews and comments (/v2/review/list, /v1/review/comment/list)",
)


# --- chats and messages ------------------------------------------------------------------------
def _chat_marks(session: Session, shop_id: int, now: datetime) -> dict[str, tuple[Any, ...]]:
    """Per chat: (last message, unread count, first unread, awaiting a read, order).

    A chat is read again when one of the first three moved (a new message; the seller read
    the buyer's), or while a recent message of the seller's is still unread: the buyer
    reading it changes nothing else in the list."""
    unread = {
        chat_id
        for (chat_id,) in session.execute(
            select(ChatMessage.chat_id)
            .join(Chat, Chat.chat_id == ChatMessage.chat_id)
            .where(
                Chat.shop_id == shop_id,
                ChatMessage.is_read.is_(False),
                ChatMessage.user_type == "Seller",
                ChatMessage.created_at >= now - SELLER_READ_WATCH,
            )
            .distinct()
        )
    }
    rows = session.execute(
        select(
            Chat.chat_id,
            Chat.last_message_id,
            Chat.unread_count,
            Chat.first_unread_message_id,
            Chat.order_number,
        ).where(Chat.shop_id == shop_id)
    )
    return {r[0]: (r[1], r[2], r[3], r[0] in unread, r[4]) for r in rows}


def _chats_window(job: Job) -> Sequence[Window]:
    return resume_or(job, lambda: [Window("snapshot", began_at=job.now)])


async def _history(job: Job, chat_id: str) -> list[m.ChatMessage]:
    out: list[m.ChatMessage] = []
    from_id: int | None = None
    while True:
        page = await job.ozon.chat_history(
            chat_id=chat_id, direction="Backward", limit=HISTORY_PAGE, from_message_id=from_id
        )
        fresh = [msg for msg in page.messages if from_id is None or msg.message_id != from_id]
        out.extend(fresh)
        if not page.has_next or not fresh:
            return out
        from_id = fresh[-1].message_id


async def _fetch_chats(job: Job, window: Window) -> AsyncIterator[Batch[tuple[str, Any]]]:
    marks = await job.writer.run(lambda s: _chat_marks(s, job.shop.id, job.now))
    cursor: str | None = None
    while True:
        page = await job.ozon.chat_list(limit=CHATS_PAGE, cursor=cursor)
        at = answered_at() or job.now
        rows = [chat_row(info, shop_id=job.shop.id, at=at) for info in page.chats]
        moved = []
        for row in rows:
            known = marks.get(row["chat_id"])
            mark = (row["last_message_id"], row["unread_count"], row["first_unread_message_id"])
            if known is None or known[:3] != mark or known[3]:
                moved.append(row)
            else:  # its status may still have moved; its messages did not
                row["order_number"] = known[4]
        histories = await gather_bounded(_history(job, row["chat_id"]) for row in moved)
        items: list[tuple[str, Any]] = [("chat", row) for row in rows]
        for row, history in zip(moved, histories, strict=True):
            messages = [message_row(msg, chat_id=row["chat_id"]) for msg in history]
            row["order_number"] = next(
                (r["order_number"] for r in messages if r["order_number"]), None
            )
            items.append(("messages", messages))
        yield Batch(items, {}, at)
        if not page.has_next or not page.cursor or not page.chats:
            return
        cursor = page.cursor


def _write_chats(session: Session, job: Job, batch: Batch[tuple[str, Any]]) -> Counts:
    counts = write_rows(
        session, Chat, [row for kind, row in batch.items if kind == "chat"], key=["chat_id"]
    )
    for kind, rows in batch.items:
        if kind == "messages":
            write_rows(session, ChatMessage, rows, key=["chat_id", "message_id"])
    return counts


CHATS: ResourceSpec[tuple[str, Any]] = ResourceSpec(
    name="chats",
    cursor_field="the chat list (+ history of every chat that moved)",
    interval=timedelta(minutes=5),
    windows=_chats_window,
    fetch=_fetch_chats,
    write=_write_chats,
    description="Chats and messages (/v3/chat/list, /v3/chat/history)",
)
