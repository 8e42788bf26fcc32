"""The inbox processor: pushes the receiver kept become changes in the store.

A round takes up to ``batch_size`` unprocessed inbox rows in id order and:

1. plans (one read of the store): which postings the store lacks, which chats it holds;
2. reads from Ozon what the pushes need (concurrently): a posting the store does not hold
   yet — a new posting, or a state push that outran polling — with ``fbs_get``/``fbo_get``;
   a re-read for a cut-off change; the newest messages of a chat a chat push names;
3. applies everything in **one transaction** with the rows' outcomes
   (``sync.push_apply``): state changes, cancellations and new postings merge into the
   status histories (``domain.history``, order-independent, a repeat adds nothing), delivery
   windows move, chat messages are written, stock pushes are noted for the stocks sync.

A transient Ozon error leaves the rows that needed the read pending, for a later round; a
terminal one (the posting does not exist) marks them ``invalid`` with the reason. A crash
before the commit undoes the whole round; the next run does it again to the same end.
Polling stays the safety net: a lost push is a change the next sync sees.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import Counter
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ozonops.db import Database
from ozonops.db.tables import InboxPush
from ozonops.domain import PushMessage
from ozonops.errors import TerminalError, TransientError
from ozonops.ozon import OzonClient, answered_at
from ozonops.sync.job import Writer
from ozonops.sync.mapping.aftersales import message_row
from ozonops.sync.mapping.postings import PostingRows, fbo_rows, fbs_rows
from ozonops.sync.push_apply import ChatKey, Fetched, Item, Needs, PostingKey, apply_round, plan

if TYPE_CHECKING:
    from ozonops.sync.service import Syncer

__all__ = ["ProcessReport", "PushProcessor", "process_pending", "run_processor"]

log = logging.getLogger(__name__)

WITH = {"analytics_data": True, "financial_data": True}
#: Messages read per chat push (the newest; the chats sync reads whole histories).
CHAT_PAGE = 100


@dataclass
class ProcessReport:
    """What :meth:`PushProcessor.process_pending` did: outcomes counted, rows left pending."""

    outcomes: Counter[str] = field(default_factory=Counter)
    deferred: int = 0
    rounds: int = 0

    @property
    def processed(self) -> int:
        return sum(self.outcomes.values())


def _pending(session: Session, *, after: int, limit: int) -> list[Item]:
    rows = session.execute(
        select(
            InboxPush.id,
            InboxPush.shop_id,
            InboxPush.message_type,
            InboxPush.body,
            InboxPush.dedupe_key,
            InboxPush.received_at,
        )
        .where(InboxPush.processed_at.is_(None), InboxPush.id > after)
        .order_by(InboxPush.id)
        .limit(limit)
    )
    return [
        Item(id_, shop_id, PushMessage(mt, body, key), received)
        for id_, shop_id, mt, body, key, received in rows
    ]


class PushProcessor:
    """Applies the inbox's pending pushes; ``ozon`` holds each shop's client by shop id."""

    def __init__(
        self,
        *,
        db: Database,
        ozon: Mapping[int, OzonClient],
        writer: Writer | None = None,
        batch_size: int = 200,
        concurrency: int = 8,
    ) -> None:
        self.db = db
        self.ozon = ozon
        self.writer = writer or Writer(db)
        self._own_writer = writer is None
        self.batch_size = batch_size
        self._gate = asyncio.Semaphore(concurrency)

    @classmethod
    def for_syncer(cls, syncer: Syncer, **options: Any) -> PushProcessor:
        """Share the syncer's clients (one rate budget) and store writer (one writing thread)."""
        clients = {shop.id: syncer.clients[shop.name].ozon for shop in syncer.shops}
        return cls(db=syncer.db, ozon=clients, writer=syncer.writer, **options)

    def close(self) -> None:
        if self._own_writer:
            self.writer.close()

    async def process_pending(self) -> ProcessReport:
        """Every row pending now, round after round; rows left for later are counted."""
        report = ProcessReport()
        after = 0
        while True:
            items = await self.writer.run(partial(_pending, after=after, limit=self.batch_size))
            if not items:
                return report
            await self._round(items, report)
            after = items[-1].id

    async def run(self, *, interval: float = 2.0, wake: asyncio.Event | None = None) -> None:
        """Process forever: every ``interval`` seconds, or sooner when ``wake`` is set."""
        while True:
            try:
                report = await self.process_pending()
                if report.processed or report.deferred:
                    log.info(
                        "pushes: %s, %d left for later", dict(report.outcomes), report.deferred
                    )
            except asyncio.CancelledError:
                raise
            except Exception:  # one bad round must not stop the processing
                log.exception("processing pushes failed; trying again in %.0f s", interval)
            if wake is None:
                await asyncio.sleep(interval)
                continue
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(wake.wait(), interval)
            wake.clear()

    # --- one round --------------------------------------------------------------------------
    async def _round(self, items: list[Item], report: ProcessReport) -> None:
        needs = await self.writer.run(lambda s: plan(s, items))
        fetched = await self._read(items, needs)
        now = datetime.now(UTC)
        outcomes = await self.writer.run(lambda s: apply_round(s, items, needs, fetched, now=now))
        report.rounds += 1
        report.deferred += len(fetched.deferred)
        report.outcomes.update(o for o, _ in outcomes.values())

    async def _read(self, items: Sequence[Item], needs: Needs) -> Fetched:
        fetched = Fetched()
        errors: dict[tuple[Any, ...], BaseException] = {}

        async def guarded(key: tuple[Any, ...], read: Callable[[], Awaitable[None]]) -> None:
            async with self._gate:
                try:
                    await read()
                except (TransientError, TerminalError, ValueError) as exc:
                    errors[key] = exc  # ValueError: an answer without the posting's number

        async def posting(key: PostingKey) -> None:
            got = await self._posting(key)
            if got is None:
                errors[key] = LookupError(f"Ozon does not know posting {key[1]}")
            else:
                fetched.postings[key] = got

        async def chat(key: ChatKey) -> None:
            fetched.chats[key] = await self._chat(key)

        await asyncio.gather(
            *(guarded(k, partial(posting, k)) for k in sorted(needs.postings)),
            *(guarded(k, partial(chat, k)) for k in sorted(needs.chats)),
        )
        for item in items:
            key: tuple[Any, ...] | None = item.posting if item.posting in needs.postings else None
            if key is None and item.chat in needs.chats:
                key = item.chat
            if key is None:
                continue
            error = errors.get(key)
            if key[0] not in self.ozon:
                fetched.deferred[item.id] = "no Ozon client for this shop"
            elif isinstance(error, TransientError):
                fetched.deferred[item.id] = f"{type(error).__name__}: {error}"
            elif error is not None:
                fetched.failed[item.id] = f"{type(error).__name__}: {error}"
        return fetched

    async def _posting(self, key: PostingKey) -> tuple[PostingRows, datetime] | None:
        shop_id, number, fbo = key
        ozon = self.ozon.get(shop_id)
        if ozon is None:
            return None
        if fbo:
            fbo_answer = await ozon.fbo_get(posting_number=number, with_=WITH)
            found = fbo_rows(fbo_answer.result) if fbo_answer.result else None
        else:
            fbs_answer = await ozon.fbs_get(posting_number=number, with_=WITH)
            found = fbs_rows(fbs_answer.result) if fbs_answer.result else None
        if found is None:
            return None
        return found, answered_at() or datetime.now(UTC)

    async def _chat(self, key: ChatKey) -> list[dict[str, Any]]:
        ozon = self.ozon.get(key[0])
        if ozon is None:
            return []
        page = await ozon.chat_history(chat_id=key[1], direction="Backward", limit=CHAT_PAGE)
        return [message_row(m, chat_id=key[1]) for m in page.messages if m.message_id is not None]


async def process_pending(*, syncer: Syncer, batch_size: int = 200) -> ProcessReport:
    """One pass over the pending pushes with the syncer's clients and store writer."""
    return await PushProcessor.for_syncer(syncer, batch_size=batch_size).process_pending()


async def run_processor(
    *, syncer: Syncer, interval: float = 2.0, wake: asyncio.Event | None = None
) -> None:
    """The processor loop for ``ozonops run`` (cancel the task to stop it)."""
    await PushProcessor.for_syncer(syncer).run(interval=interval, wake=wake)
