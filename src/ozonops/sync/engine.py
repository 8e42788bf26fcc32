"""The one loop that runs every resource (``resource.ResourceSpec``) for a shop.

A run: load the cursor, read Ozon's clock, then window by window, batch by batch, write the
rows and the cursor in one transaction. Errors end the run, not the shop's sync: a paid-tier
403 marks the resource "not available for this shop"; anything else marks it failing with the
reason, and the next run resumes from the last committed batch.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import update
from sqlalchemy.orm import Session

from ozonops.db import StoredShop
from ozonops.db.tables import SyncRun
from ozonops.errors import OzonOpsError
from ozonops.ozon import OzonClient
from ozonops.ozon import errors as api
from ozonops.sync import state
from ozonops.sync.config import SyncConfig
from ozonops.sync.job import Job, Progress, Writer
from ozonops.sync.resource import Batch, ResourceSpec
from ozonops.sync.state import Cursor
from ozonops.sync.write_postings import Counts

__all__ = ["RunResult", "run", "server_now"]

log = logging.getLogger(__name__)

#: Cursor state keys the engine writes while a window is being read.
PROGRESS_KEYS = frozenset({"window", "resume"})


@dataclass(frozen=True, slots=True)
class RunResult:
    """What one run of one resource did."""

    shop: str
    resource: str
    outcome: str  # ok | unavailable | failed
    new: int
    changed: int
    unchanged: int
    calls: int
    retries: int
    seconds: float
    error: str | None = None
    #: Ozon could not be reached at all (no connection): the shop's other resources wait.
    unreachable: bool = False


async def server_now(ozon: OzonClient) -> datetime:
    """Ozon's clock: the newest ``Date`` it answered with; one cheap call if none yet."""
    if ozon.http.server_time is None:
        await ozon.roles()
    return ozon.http.server_time or datetime.now(UTC)


def _totals(ozon: OzonClient) -> tuple[int, int]:
    t = ozon.metrics.totals()
    return t["calls"], t["retries"]


async def run(
    spec: ResourceSpec[object],
    *,
    shop: StoredShop,
    ozon: OzonClient,
    writer: Writer,
    config: SyncConfig,
    progress: Progress | None = None,
) -> RunResult:
    """Read ``spec`` for ``shop`` from its cursor up to Ozon's now; never raises for Ozon."""
    started = time.monotonic()
    calls0, retries0 = _totals(ozon)
    cursor = await writer.run(lambda s: state.load(s, shop_id=shop.id, resource=spec.name))
    if config.since is not None:  # read again from --since, as a first run would
        cursor = Cursor(status=cursor.status)
    outcome, error, unreachable = "ok", None, False
    job: Job | None = None
    run_id: int | None = None
    try:
        now = await server_now(ozon)
        run_id = await writer.run(lambda s: _open_run(s, shop.id, spec.name, now))
        job = Job(spec.name, shop, ozon, writer, config, cursor, now, progress=progress)
        await _drive(spec, job)
    except api.SubscriptionRequired as exc:
        outcome, error = "unavailable", f"not available with this shop's subscription: {exc}"
        await _mark(writer, shop, spec.name, job, cursor, "unavailable", error)
    except (api.ApiError, OzonOpsError, OSError) as exc:
        outcome, error = "failed", f"{type(exc).__name__}: {exc}"
        unreachable = isinstance(exc, api.ConnectionLost)
        log.warning("sync of %s for shop %s failed: %s", spec.name, shop.name, error)
        await _mark(writer, shop, spec.name, job, cursor, "failing", error)
    counts = job.counts if job is not None else Counts()
    calls1, retries1 = _totals(ozon)
    result = RunResult(
        shop=shop.name,
        resource=spec.name,
        outcome=outcome,
        new=counts.new,
        changed=counts.changed,
        unchanged=counts.unchanged,
        calls=calls1 - calls0,
        retries=retries1 - retries0,
        seconds=time.monotonic() - started,
        error=error,
        unreachable=unreachable,
    )
    if run_id is not None:
        await writer.run(lambda s: _close_run(s, run_id, result))
    return result


async def _drive(spec: ResourceSpec[object], job: Job) -> None:
    for window in spec.windows(job):
        read_from: datetime | None = None
        async for batch in spec.fetch(job, window):
            if batch.observed_at is not None:
                read_from = min(read_from or batch.observed_at, batch.observed_at)
            kept = {k: v for k, v in job.cursor.state.items() if k not in PROGRESS_KEYS}
            progress = Cursor(
                last_value=job.cursor.last_value,
                state={**kept, "window": window.to_state(), "resume": batch.resume},
            )
            await job.commit(_writing(spec, job, batch), progress)
        await job.commit(None, spec.done(job, window, read_from))


def _writing(
    spec: ResourceSpec[object], job: Job, batch: Batch[object]
) -> Callable[[Session], Counts]:
    return lambda session: spec.write(session, job, batch)


async def _mark(
    writer: Writer,
    shop: StoredShop,
    resource: str,
    job: Job | None,
    loaded: Cursor,
    status: state.CursorStatus,
    detail: str,
) -> None:
    """Keep the cursor's progress, note why the run stopped."""
    current = job.cursor if job is not None else loaded
    marked = Cursor(current.last_value, current.state, status, detail[:2000])
    at = job.now if job is not None else datetime.now(UTC)
    await writer.run(
        lambda s: state.save(s, shop_id=shop.id, resource=resource, cursor=marked, at=at)
    )


def _open_run(session: Session, shop_id: int, resource: str, now: datetime) -> int:
    row = SyncRun(shop_id=shop_id, resource=resource, started_at=now)
    session.add(row)
    session.flush()
    return row.id


def _close_run(session: Session, run_id: int, result: RunResult) -> None:
    session.execute(
        update(SyncRun)
        .where(SyncRun.id == run_id)
        .values(
            finished_at=datetime.now(UTC),
            outcome=result.outcome,
            new_rows=result.new,
            changed_rows=result.changed,
            unchanged_rows=result.unchanged,
            calls=result.calls,
            retries=result.retries,
            error=result.error,
        )
    )
