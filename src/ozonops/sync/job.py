"""What a resource's code works with during one run: the shop, its client, the store, the clock.

The store is written from one thread (:class:`Writer`): list pages keep arriving on the event
loop while the previous batch is written, and SQLite sees one writer at a time.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from typing import TypeVar

from sqlalchemy.orm import Session

from ozonops.db import Database, StoredShop
from ozonops.ozon import OzonClient
from ozonops.sync import state
from ozonops.sync.config import SyncConfig
from ozonops.sync.state import Cursor
from ozonops.sync.write_postings import Counts

__all__ = ["Job", "Progress", "Writer"]

T = TypeVar("T")

#: Hears a run's progress: (shop, resource, rows written so far, total if known).
Progress = Callable[[str, str, int, int | None], None]


class Writer:
    """Runs store transactions on one dedicated thread, in the order they are submitted."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="ozonops-store")

    async def run(self, work: Callable[[Session], T]) -> T:
        def in_transaction() -> T:
            with self.db.transaction() as session:
                return work(session)

        return await asyncio.get_running_loop().run_in_executor(self._pool, in_transaction)

    def close(self) -> None:
        self._pool.shutdown(wait=True)


@dataclass
class Job:
    """One resource of one shop, being read now."""

    resource: str
    shop: StoredShop
    ozon: OzonClient
    writer: Writer
    config: SyncConfig
    cursor: Cursor
    #: Ozon's clock when the run began (``Date`` of its answers): every change up to here is
    #: in the store once the run ends.
    now: datetime
    counts: Counts = field(default_factory=Counts)
    progress: Progress | None = None
    total: int | None = None

    @property
    def since_backfill(self) -> datetime:
        """Where a first run starts: ``--since``, else ``backfill_days`` before Ozon's now."""
        if self.config.since is not None:
            return datetime.combine(self.config.since, time(), UTC)
        return self.now - timedelta(days=self.config.backfill_days)

    async def commit(self, work: Callable[[Session], Counts] | None, cursor: Cursor) -> None:
        """Write a batch and the cursor that covers it, in one transaction."""

        def both(session: Session) -> Counts:
            counts = work(session) if work is not None else Counts()
            state.save(
                session, shop_id=self.shop.id, resource=self.resource, cursor=cursor, at=self.now
            )
            return counts

        counts = await self.writer.run(both)
        self.cursor = cursor
        self.counts += counts
        if self.progress is not None:
            done = self.counts.new + self.counts.changed + self.counts.unchanged
            self.progress(self.shop.name, self.resource, done, self.total)
