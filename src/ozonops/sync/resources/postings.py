"""FBS/rFBS and FBO postings: a backfill in concurrent windows, then only what changed.

- **FBS/rFBS** (``/v4/posting/fbs/list``): the first run reads ``backfill_days`` of postings by
  ``in_process_at`` with the client's window splitter, committing as it goes (a dead backfill
  resumes where it stopped). Later runs ask for ``last_changed_status_date`` from the cursor
  minus the overlap: calls grow with the changes, not the shop. The creation window of those
  runs starts at the oldest posting still open in the store (Ozon requires one, of at most a
  year): postings older than that are final and change no more.
- **FBO** (``/v3/posting/fbo/list``): Ozon has no change filter for FBO, so later runs read the
  postings created since the cursor plus every FBO posting still open in the store, by number.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ozonops.db.tables import Posting
from ozonops.domain import FINAL_STATUSES
from ozonops.ozon import answered_at
from ozonops.ozon import models as m
from ozonops.sync.job import Job
from ozonops.sync.mapping.postings import PostingRows, fbo_rows, fbs_rows
from ozonops.sync.resource import Batch, ResourceSpec, Window
from ozonops.sync.resources.common import MAX_GAP, MAX_PERIOD, backfill_then_changes
from ozonops.sync.write_postings import Counts, chunks, write_postings

__all__ = ["FBO_POSTINGS", "FBS_POSTINGS", "FBS_UNFULFILLED"]

WITH = {"analytics_data": True, "financial_data": True}
PAGE = 100
#: FBO postings asked for by number per request (the filter takes at most 1,000).
NUMBERS_PER_CALL = 1000


def _write(session: Session, job: Job, batch: Batch[PostingRows]) -> Counts:
    return write_postings(
        session,
        shop_id=job.shop.id,
        postings=batch.items,
        observed_at=batch.observed_at or job.now,
    )


async def _batches(
    job: Job,
    items: AsyncIterator[Any],
    rows: Callable[[Any], PostingRows],
    key: Callable[[Any], datetime | None],
) -> AsyncIterator[Batch[PostingRows]]:
    """Group a backfill's postings (oldest first) into batches that say where to resume."""
    batch: list[PostingRows] = []
    last: datetime | None = None
    async for posting in items:
        batch.append(rows(posting))
        last = key(posting) or last
        if len(batch) >= job.config.batch_size:
            yield Batch(batch, {"done_until": last.isoformat() if last else None}, job.now)
            batch = []
    if batch:
        yield Batch(batch, {"done_until": last.isoformat() if last else None}, job.now)


def _resume_start(window: Window) -> datetime:
    done = window.resume.get("done_until")
    assert window.start is not None
    return max(window.start, datetime.fromisoformat(done)) if done else window.start


def _oldest_open(session: Session, shop_id: int, *, fbo: bool) -> datetime | None:
    schemes = ("fbo",) if fbo else ("fbs", "rfbs")
    return session.scalar(
        select(func.min(Posting.in_process_at)).where(
            Posting.shop_id == shop_id,
            Posting.scheme.in_(schemes),
            Posting.status.not_in(FINAL_STATUSES),
        )
    )


# --- FBS / rFBS ---------------------------------------------------------------------------------
async def _fetch_fbs(job: Job, window: Window) -> AsyncIterator[Batch[PostingRows]]:
    assert window.end is not None
    assert window.start is not None
    if window.kind == "backfill":
        items = job.ozon.iter_fbs_postings(
            _resume_start(window), window.end, concurrency=job.config.concurrency, with_=WITH
        )
        async for batch in _batches(job, items, fbs_rows, lambda p: p.in_process_at):
            yield batch
        return
    oldest = await job.writer.run(lambda s: _oldest_open(s, job.shop.id, fbo=False))
    # Postings created before the oldest open one are all final: they change no more.
    created_from = min(window.start, oldest or window.start) - timedelta(days=1)
    created_from = max(created_from, window.start - MAX_GAP)
    request: dict[str, Any] = {
        "filter": {
            "since": created_from,
            "to": created_from + MAX_PERIOD,
            "last_changed_status_date": {"from": window.start, "to": window.end},
        },
        "limit": PAGE,
        "sort_dir": "ASC",
        "with_": WITH,
    }
    cursor: str | None = None
    while True:
        page = await job.ozon.fbs_list(**request, cursor=cursor)
        yield Batch([fbs_rows(p) for p in page.postings], {}, answered_at())
        if not page.has_next or not page.cursor:
            return
        cursor = page.cursor


# --- FBS / rFBS still to ship ------------------------------------------------------------------
#: The unfulfilled list by packing deadline: from this far back (overdue ones) to this far on.
UNFULFILLED_BACK = timedelta(days=30)
UNFULFILLED_AHEAD = timedelta(days=30)


def _unfulfilled_window(job: Job) -> Sequence[Window]:
    start = job.now - UNFULFILLED_BACK
    return [Window("snapshot", start=start, end=job.now + UNFULFILLED_AHEAD, began_at=job.now)]


async def _fetch_unfulfilled(job: Job, window: Window) -> AsyncIterator[Batch[PostingRows]]:
    cursor: str | None = None
    filters = {"cutoff_from": window.start, "cutoff_to": window.end}
    while True:
        page = await job.ozon.fbs_unfulfilled_list(
            filter=filters, limit=PAGE, sort_dir="ASC", with_=WITH, cursor=cursor
        )
        yield Batch([fbs_rows(p) for p in page.postings], {}, answered_at())
        if not page.has_next or not page.cursor:
            return
        cursor = page.cursor


#: Ozon: "the new-posting push may arrive late; also poll the unfulfilled list" (ozon-api.md
#: §11). Every posting still to pack or hand over, often: the ship-by clock is short.
FBS_UNFULFILLED: ResourceSpec[PostingRows] = ResourceSpec(
    name="fbs_unfulfilled",
    cursor_field="(snapshot by packing deadline)",
    interval=timedelta(minutes=2),
    windows=_unfulfilled_window,
    fetch=_fetch_unfulfilled,
    write=_write,
    description="FBS/rFBS postings still to ship (/v4/posting/fbs/unfulfilled/list)",
)


FBS_POSTINGS: ResourceSpec[PostingRows] = ResourceSpec(
    name="fbs_postings",
    cursor_field="last_changed_status_date",
    interval=timedelta(minutes=5),
    windows=backfill_then_changes,
    fetch=_fetch_fbs,
    write=_write,
    description="FBS and rFBS postings (/v4/posting/fbs/list)",
)


# --- FBO ----------------------------------------------------------------------------------------
def _open_fbo(session: Session, shop_id: int, created_before: datetime) -> list[str]:
    return list(
        session.scalars(
            select(Posting.posting_number)
            .where(
                Posting.shop_id == shop_id,
                Posting.scheme == "fbo",
                Posting.status.not_in(FINAL_STATUSES),
                Posting.created_at < created_before,
            )
            .order_by(Posting.posting_number)
        )
    )


async def _fbo_pages(job: Job, filters: dict[str, Any]) -> AsyncIterator[Batch[PostingRows]]:
    cursor: str | None = None
    while True:
        page: m.FboListV3Response = await job.ozon.fbo_list(
            filter=filters, limit=PAGE, sort_dir="ASC", with_=WITH, cursor=cursor
        )
        yield Batch([fbo_rows(p) for p in page.postings], {}, answered_at())
        if not page.has_next or not page.cursor:
            return
        cursor = page.cursor


async def _fetch_fbo(job: Job, window: Window) -> AsyncIterator[Batch[PostingRows]]:
    assert window.end is not None
    assert window.start is not None
    if window.kind == "backfill":
        items = job.ozon.iter_fbo_postings(
            _resume_start(window), window.end, concurrency=job.config.concurrency, with_=WITH
        )
        async for batch in _batches(job, items, fbo_rows, lambda p: p.created_at):
            yield batch
        return
    # New postings first, then the open ones the store holds (their status may have moved).
    async for batch in _fbo_pages(job, {"since": window.start, "to": window.end}):
        yield batch
    numbers = await job.writer.run(lambda s: _open_fbo(s, job.shop.id, window.start))  # type: ignore[arg-type]
    for part in _parts(numbers):
        oldest = window.start - MAX_GAP
        async for batch in _fbo_pages(
            job, {"since": oldest, "to": oldest + MAX_PERIOD, "posting_numbers": list(part)}
        ):
            yield batch


def _parts(numbers: Sequence[str]) -> Iterable[Sequence[str]]:
    return chunks(numbers, NUMBERS_PER_CALL)


FBO_POSTINGS: ResourceSpec[PostingRows] = ResourceSpec(
    name="fbo_postings",
    cursor_field="created_at (+ every open posting by number)",
    interval=timedelta(minutes=15),
    windows=backfill_then_changes,
    fetch=_fetch_fbo,
    write=_write,
    description="FBO postings (/v3/posting/fbo/list)",
)
