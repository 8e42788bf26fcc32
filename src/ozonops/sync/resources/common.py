"""Window plans shared by the resources: a backfill first, then changes since the cursor."""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Awaitable, Iterable, Sequence
from datetime import timedelta
from typing import TypeVar

from ozonops.sync.job import Job
from ozonops.sync.resource import Window, resume_or, since

__all__ = ["ITEM_CONCURRENCY", "MAX_GAP", "MAX_PERIOD", "backfill_then_changes", "gather_bounded"]

T = TypeVar("T")

#: The longest period one list request may span (Ozon's calendar-year rule, a day spare).
MAX_PERIOD = timedelta(days=364)
#: A cursor older than this is read again as a backfill (a changes window must reach now).
MAX_GAP = timedelta(days=300)


def backfill_then_changes(job: Job) -> Sequence[Window]:
    """The first run reads ``backfill_days``; later ones from the cursor minus the overlap.

    A changes window is anchored on the cursor, not on "now" (Ozon's clock as last seen may
    lag), and spans :data:`MAX_PERIOD`, far past now.
    """

    def plan() -> Sequence[Window]:
        last = job.cursor.last_value
        if last is None or job.now - last > MAX_GAP:
            start = job.since_backfill if last is None else last - job.config.overlap
            end = job.now + job.config.lead
            return [Window("backfill", start=start, end=end, began_at=job.now)]
        start = since(job, last)
        return [Window("changes", start=start, end=start + MAX_PERIOD, began_at=job.now)]

    return resume_or(job, plan)


#: Per-item reads (a chat's history, a review's comments, a request's detail) in flight at
#: once: enough to keep a shop near its rate limit, few enough to stay polite.
ITEM_CONCURRENCY = 8


async def gather_bounded(
    calls: Iterable[Awaitable[T]], *, limit: int = ITEM_CONCURRENCY
) -> list[T]:
    """Await ``calls`` with at most ``limit`` running at once; results in the given order."""
    gate = asyncio.Semaphore(limit)

    async def one(call: Awaitable[T]) -> T:
        try:
            await gate.acquire()
        except BaseException:  # cancelled while waiting: the call never starts, close it
            if inspect.iscoroutine(call):
                call.close()
            raise
        try:
            return await call
        finally:
            gate.release()

    return list(await asyncio.gather(*(one(c) for c in calls)))
