"""Writing postings into the store: rows, lines, tracking numbers and status history at once.

Set-based per batch (a list page or a run of pushes): one read of what the store holds for the
batch's postings, the history merge in Python (``domain.history``), then bulk writes. The
caller's transaction holds it all, with the cursor that covers it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import delete, insert, select, update
from sqlalchemy.orm import Session

from ozonops.db import insert_missing, upsert
from ozonops.db.tables import Posting, PostingItem, PostingTracking, StatusHistory
from ozonops.domain import StatusEntry, merge_observation, push_state
from ozonops.sync.mapping.postings import PostingRows

__all__ = ["Counts", "chunks", "merge_states", "write_postings"]

#: Posting numbers per ``IN (...)``: well under SQLite's 32,766 variables and PG's plans.
IN_CHUNK = 500


@dataclass
class Counts:
    """What a write did to the store."""

    new: int = 0
    changed: int = 0
    unchanged: int = 0
    history: int = 0

    def __iadd__(self, other: Counts) -> Counts:
        self.new += other.new
        self.changed += other.changed
        self.unchanged += other.unchanged
        self.history += other.history
        return self


T = TypeVar("T")


def chunks(items: Sequence[T], size: int = IN_CHUNK) -> Iterable[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _histories(session: Session, numbers: Sequence[str]) -> dict[str, list[StatusHistory]]:
    out: dict[str, list[StatusHistory]] = defaultdict(list)
    for part in chunks(numbers):
        rows = session.scalars(
            select(StatusHistory)
            .where(StatusHistory.posting_number.in_(part))
            .order_by(StatusHistory.posting_number, StatusHistory.at, StatusHistory.id)
        )
        for row in rows:
            out[row.posting_number].append(row)
    return out


def _entry(row: StatusHistory) -> StatusEntry:
    return StatusEntry(
        status=row.status,
        substatus=row.substatus,
        at=row.at,
        exact=row.exact,
        source=row.source,  # type: ignore[arg-type]
        observed_at=row.observed_at,
    )


def _history_row(number: str, e: StatusEntry, *, fbo: bool) -> dict[str, Any]:
    return {
        "posting_number": number,
        "status": e.status,
        "substatus": e.substatus,
        "state": push_state(e.status, e.substatus, fbo=fbo),
        "at": e.at,
        "exact": e.exact,
        "source": e.source,
        "observed_at": e.observed_at,
    }


def _merge(
    session: Session, rows: list[StatusHistory], news: StatusEntry, *, fbo: bool, number: str
) -> bool:
    """Apply ``news`` to one posting's loaded history rows (kept sorted); True if it changed."""
    change = merge_observation([_entry(r) for r in rows], news, fbo=fbo)
    if change is None:
        return False
    values = _history_row(number, change.new, fbo=fbo)
    if change.old is not None:
        target = next(r for r in rows if _entry(r) == change.old)
        for key, value in values.items():
            setattr(target, key, value)
    else:
        target = StatusHistory(**values)
        session.add(target)
        rows.append(target)
    rows.sort(key=lambda r: r.at)
    return True


def write_postings(
    session: Session, *, shop_id: int, postings: Sequence[PostingRows], observed_at: datetime
) -> Counts:
    """Upsert a batch of postings as a poll saw them at ``observed_at`` (Ozon's clock)."""
    counts = Counts()
    unique = list({p.posting_number: p for p in postings}.values())  # a page may repeat one
    if not unique:
        return counts
    numbers = [p.posting_number for p in unique]
    known: dict[str, tuple[str, str | None, datetime]] = {}
    for part in chunks(numbers):
        for number, digest, old_tracking, first_seen in session.execute(
            select(
                Posting.posting_number,
                Posting.content_hash,
                Posting.tracking_number,
                Posting.first_seen_at,
            ).where(Posting.posting_number.in_(part))
        ):
            known[number] = (digest, old_tracking, first_seen)
    # Postings seen for the first time have no history yet (a backfill's usual case).
    histories = _histories(session, list(known)) if known else defaultdict(list)

    rows: list[dict[str, Any]] = []
    items: list[dict[str, Any]] = []
    tracking: list[dict[str, Any]] = []
    replaced: list[str] = []
    first_states: list[dict[str, Any]] = []
    for p in unique:
        digest = p.content_hash
        before = known.get(p.posting_number)
        if before is None:
            counts.new += 1
        elif before[0] != digest:
            counts.changed += 1
        else:
            counts.unchanged += 1
        history = histories[p.posting_number]
        news = StatusEntry(p.status, p.substatus, observed_at, False, "poll", observed_at)
        if before is None and not history:
            # First sight: the history row is written after the posting row it refers to.
            first_states.append(_history_row(p.posting_number, news, fbo=p.fbo))
            counts.history += 1
        elif _merge(session, history, news, fbo=p.fbo, number=p.posting_number):
            counts.history += 1
        current = history[-1] if history else None
        rows.append(
            {
                "posting_number": p.posting_number,
                "shop_id": shop_id,
                **p.row,
                "status": current.status if current else p.status,
                "substatus": current.substatus if current else p.substatus,
                "status_at": current.at if current else observed_at,
                "content_hash": digest,
                "first_seen_at": before[2] if before else observed_at,
                "last_seen_at": observed_at,
            }
        )
        if before is None or before[0] != digest:
            replaced.append(p.posting_number)
            items.extend({"posting_number": p.posting_number, **i} for i in p.items)
        tracking_number = p.row.get("tracking_number")
        if tracking_number:
            tracking.append(
                {
                    "posting_number": p.posting_number,
                    "tracking_number": tracking_number,
                    "first_seen_at": observed_at,
                    "last_seen_at": observed_at,
                    "details": {},
                }
            )
    upsert(session, Posting, rows, key=["posting_number"])
    if first_states:
        session.execute(insert(StatusHistory), first_states)
    for part in chunks(replaced):
        session.execute(delete(PostingItem).where(PostingItem.posting_number.in_(part)))
    upsert(session, PostingItem, items, key=["posting_number", "line"])
    if tracking:
        insert_missing(
            session, PostingTracking, tracking, key=["posting_number", "tracking_number"]
        )
        for part in chunks([t["posting_number"] for t in tracking]):
            session.execute(
                update(PostingTracking)
                .where(
                    PostingTracking.posting_number.in_(part),
                    PostingTracking.last_seen_at < observed_at,
                )
                .values(last_seen_at=observed_at)
            )
    session.flush()
    return counts


def merge_states(
    session: Session, *, news: Sequence[tuple[str, StatusEntry]], fbo: dict[str, bool]
) -> tuple[list[bool], list[str]]:
    """Merge pushed states (posting number, entry) into known postings' histories.

    Returns, per piece of news in order, whether it changed the history, and the posting
    numbers the store does not hold yet (the caller reads those postings from Ozon first; their
    news is left out). A posting's row follows its history.
    """
    numbers = sorted({n for n, _ in news})
    present: set[str] = set()
    for part in chunks(numbers):
        present.update(
            session.scalars(select(Posting.posting_number).where(Posting.posting_number.in_(part)))
        )
    histories = _histories(session, [n for n in numbers if n in present])
    touched: set[str] = set()
    changed: list[bool] = []
    for number, entry in news:
        moved = number in present and _merge(
            session, histories[number], entry, fbo=fbo.get(number, False), number=number
        )
        changed.append(moved)
        if moved:
            touched.add(number)
    session.flush()
    for number in touched:
        last = histories[number][-1]
        session.execute(
            update(Posting)
            .where(Posting.posting_number == number)
            .values(status=last.status, substatus=last.substatus, status_at=last.at)
        )
    missing = [n for n in numbers if n not in present]
    return changed, missing
