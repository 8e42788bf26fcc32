"""Group commit for the webhook inbox: many requests, one transaction, each answered after it.

Ozon wants an answer within 5 s and a 200 only for a push we really kept, so a push is
committed before it is acknowledged. One commit per request caps SQLite at a few hundred
pushes a second; instead every request queues its row and waits, and one writer thread takes
whatever has queued up while the previous commit ran, writes it in one transaction and wakes
those requests. Under light load a batch is one row (no added wait); under heavy load batches
grow by themselves.

A row whose ``(shop_id, dedupe_key)`` is already stored is skipped (``ON CONFLICT DO
NOTHING``): a duplicate is acknowledged like the first delivery and never stored twice. When a
batch fails, its rows are written one by one, so one bad row fails alone.

The thread keeps one connection of its own (a session and a pool checkout per batch cost more
than the insert on PostgreSQL); after an error it is dropped and the next batch opens another.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Insert
from sqlalchemy.dialects import postgresql, sqlite

from ozonops.db import Database
from ozonops.db.tables import InboxPush

__all__ = ["InboxRow", "InboxWriter"]

log = logging.getLogger(__name__)

#: Rows per transaction at most (one batch stays well under SQLite's variable limit).
MAX_BATCH = 400


@dataclass(frozen=True, slots=True)
class InboxRow:
    """One push to keep (``db.tables.InboxPush``)."""

    shop_id: int
    message_type: str
    dedupe_key: str
    body: dict[str, Any]
    source_ip: str | None
    received_at: datetime
    #: Set for pushes kept but never processed (an unknown type): stored as already done.
    outcome: str | None = None

    def values(self) -> dict[str, Any]:
        done = self.outcome is not None
        return {
            "shop_id": self.shop_id,
            "message_type": self.message_type,
            "dedupe_key": self.dedupe_key,
            "body": self.body,
            "source_ip": self.source_ip,
            "received_at": self.received_at,
            "processed_at": self.received_at if done else None,
            "outcome": self.outcome,
            "detail": "a message type this version does not know; kept as sent" if done else None,
        }


@dataclass(slots=True)
class _Waiting:
    row: InboxRow
    future: asyncio.Future[None]
    loop: asyncio.AbstractEventLoop


_STOP = object()


def _settle(future: asyncio.Future[None], error: BaseException | None) -> None:
    if future.done():  # the request went away (client disconnected, server stopping)
        return
    if error is None:
        future.set_result(None)
    else:
        future.set_exception(error)


class InboxWriter:
    """Commits queued inbox rows on one thread; :meth:`put` returns once its row is stored.

    ``on_stored`` is called on the writer thread after each commit that kept a row (wake a
    processor with ``loop.call_soon_threadsafe(event.set)``).
    """

    def __init__(
        self,
        db: Database,
        *,
        max_batch: int = MAX_BATCH,
        on_stored: Callable[[], None] | None = None,
    ) -> None:
        self.db = db
        self.max_batch = max_batch
        self.on_stored = on_stored
        self.batches = 0
        self.rows = 0
        self._queue: queue.SimpleQueue[_Waiting | object] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._conn: Connection | None = None
        table = InboxPush.__table__
        build = postgresql.insert if db.dialect == "postgresql" else sqlite.insert
        self._insert: Insert = build(table).on_conflict_do_nothing(  # type: ignore[arg-type]
            index_elements=["shop_id", "dedupe_key"]
        )

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="ozonops-inbox", daemon=True)
            self._thread.start()

    def close(self) -> None:
        """Write what is queued, then stop the thread."""
        if self._thread is not None:
            self._queue.put(_STOP)
            self._thread.join()
            self._thread = None

    async def put(self, row: InboxRow) -> None:
        """Return when ``row`` (or an earlier delivery of the same push) is committed."""
        if self._thread is None:
            raise RuntimeError("the inbox writer is not running (InboxWriter.start)")
        loop = asyncio.get_running_loop()
        future: asyncio.Future[None] = loop.create_future()
        self._queue.put(_Waiting(row, future, loop))
        await future

    # --- the writer thread --------------------------------------------------------------------
    def _run(self) -> None:
        stopping = False
        while not stopping:
            first = self._queue.get()
            if first is _STOP:
                break
            batch = [first]
            while len(batch) < self.max_batch:
                try:
                    item = self._queue.get_nowait()
                except queue.Empty:
                    break
                if item is _STOP:
                    stopping = True
                    break
                batch.append(item)
            self._commit([w for w in batch if isinstance(w, _Waiting)])
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def _write(self, rows: list[InboxRow]) -> None:
        unique = list({(r.shop_id, r.dedupe_key): r.values() for r in reversed(rows)}.values())
        if self._conn is None:
            self._conn = self.db.engine.connect()
        try:
            with self._conn.begin():
                self._conn.execute(self._insert, unique)
        except Exception:
            self._conn.close()
            self._conn = None
            raise

    def _commit(self, batch: list[_Waiting]) -> None:
        try:
            self._write([w.row for w in batch])
            results: list[BaseException | None] = [None] * len(batch)
        except Exception as exc:
            if len(batch) == 1:
                log.error("a push could not be stored: %s: %s", type(exc).__name__, exc)
                results = [exc]
            else:  # find the rows at fault; the others are kept
                results = []
                for w in batch:
                    try:
                        self._write([w.row])
                        results.append(None)
                    except Exception as one:
                        log.error("a push could not be stored: %s: %s", type(one).__name__, one)
                        results.append(one)
        self.batches += 1
        self.rows += len(batch)
        for w, error in zip(batch, results, strict=True):
            # RuntimeError: that request's event loop is closed, nobody waits for it.
            with contextlib.suppress(RuntimeError):
                w.loop.call_soon_threadsafe(_settle, w.future, error)
        if self.on_stored is not None and any(e is None for e in results):
            self.on_stored()
