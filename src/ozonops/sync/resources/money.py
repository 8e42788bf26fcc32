"""Money: daily accruals, the legacy transaction list, monthly realization reports.

- **accruals** (``/v1/finance/accrual/by-day``): one window per day, from the cursor's day
  minus ``accrual_lag_days`` (Ozon books some a day or two late) to today;
- **transactions** (``/v3/finance/transaction/list``, off at Ozon since 8 Sep 2026 but still
  served by shops' old accounts and the simulator): by ``operation_date``, a month per walk;
- **realization** (``/v2/finance/realization``): each month from the backfill's first to the
  last one; a month is final once read after the 10th of the month that follows (Ozon has the
  report ready by about the 5th), later ones are read again each run.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import delete
from sqlalchemy.orm import Session

from ozonops.db.tables import Accrual, RealizationRow, Transaction
from ozonops.ozon import answered_at
from ozonops.ozon import errors as api
from ozonops.sync.job import Job
from ozonops.sync.mapping.money import accrual_row, operation_row, realization_row
from ozonops.sync.resource import Batch, ResourceSpec, Window
from ozonops.sync.resources.common import backfill_then_changes
from ozonops.sync.state import Cursor
from ozonops.sync.write_postings import Counts
from ozonops.sync.write_rows import write_rows

__all__ = ["ACCRUALS", "REALIZATION", "TRANSACTIONS"]

#: A month's realization report is ready by this day of the next month...
REPORT_READY_DAY = 5
#: ...and final once read after this one.
REPORT_FINAL_DAY = 10
EARLIEST_ACCRUAL_DAY = date(2022, 1, 1)


def _midnight(d: date) -> datetime:
    return datetime.combine(d, time(), UTC)


# --- accruals by day ---------------------------------------------------------------------------
def _accrual_days(job: Job) -> Sequence[Window]:
    last = job.cursor.last_value
    if last is None:
        first = job.since_backfill.date()
    else:
        first = last.date() - timedelta(days=job.config.accrual_lag_days)
    first = max(first, EARLIEST_ACCRUAL_DAY)
    today = job.now.date()
    days = (today - first).days + 1
    return [
        Window(
            "day",
            start=_midnight(first + timedelta(days=k)),
            end=_midnight(first + timedelta(days=k + 1)),
            began_at=job.now,
        )
        for k in range(max(days, 1))
    ]


async def _fetch_accruals(job: Job, window: Window) -> AsyncIterator[Batch[dict[str, Any]]]:
    assert window.start is not None
    day = window.start.date()
    last_id = ""
    while True:
        page = await job.ozon.accrual_by_day(date=day, last_id=last_id)
        at = answered_at() or job.now
        yield Batch([accrual_row(a, shop_id=job.shop.id, day=day) for a in page.accruals], {}, at)
        if not page.last_id or not page.accruals:
            return
        last_id = page.last_id


def _accrual_done(job: Job, window: Window, read_from: datetime | None) -> Cursor:
    assert window.end is not None
    reached = min(window.end, read_from or job.now)
    return Cursor(last_value=max(reached, job.cursor.last_value or reached))


def _write_accruals(session: Session, job: Job, batch: Batch[dict[str, Any]]) -> Counts:
    return write_rows(session, Accrual, batch.items, key=["accrual_id"], ignore=())


ACCRUALS: ResourceSpec[dict[str, Any]] = ResourceSpec(
    name="accruals",
    cursor_field="accrual date (a day at a time)",
    interval=timedelta(hours=1),
    windows=_accrual_days,
    fetch=_fetch_accruals,
    write=_write_accruals,
    done=_accrual_done,
    description="Daily accruals (/v1/finance/accrual/by-day)",
)


# --- legacy transactions -----------------------------------------------------------------------
async def _fetch_transactions(job: Job, window: Window) -> AsyncIterator[Batch[dict[str, Any]]]:
    assert window.start is not None
    assert window.end is not None
    # Ozon's clock, a day ahead: the month walk asks for no empty future months.
    end = min(window.end, job.now + job.config.lead)
    batch: list[dict[str, Any]] = []
    first_at: datetime | None = None
    async for op in job.ozon.iter_transactions(window.start, end):
        first_at = first_at or answered_at()
        batch.append(operation_row(op, shop_id=job.shop.id))
        if len(batch) >= job.config.batch_size:
            yield Batch(batch, {}, first_at)
            batch = []
    yield Batch(batch, {}, first_at or answered_at())


def _transactions_done(job: Job, window: Window, read_from: datetime | None) -> Cursor:
    end = window.end or job.now
    if window.kind == "backfill":
        return Cursor(last_value=min(window.began_at or job.now, end))
    return Cursor(last_value=min(read_from or job.now, job.now + job.config.lead, end))


def _write_transactions(session: Session, job: Job, batch: Batch[dict[str, Any]]) -> Counts:
    return write_rows(session, Transaction, batch.items, key=["operation_id"], ignore=())


TRANSACTIONS: ResourceSpec[dict[str, Any]] = ResourceSpec(
    name="transactions",
    cursor_field="operation_date",
    interval=timedelta(hours=1),
    windows=backfill_then_changes,
    fetch=_fetch_transactions,
    write=_write_transactions,
    done=_transactions_done,
    description="Finance operations (/v3/finance/transaction/list)",
)


# --- realization reports -----------------------------------------------------------------------
def _month_start(d: date) -> date:
    return d.replace(day=1)


def _next_month(d: date) -> date:
    return (d.replace(day=28) + timedelta(days=4)).replace(day=1)


def _realization_months(job: Job) -> Sequence[Window]:
    final = job.cursor.state.get("final_month")
    first = (
        _next_month(date.fromisoformat(final)) if final else _month_start(job.since_backfill.date())
    )
    current = _month_start(job.now.date())
    out = []
    month = max(first, date(2023, 8, 1))  # Ozon has reports from August 2023 on
    # A report is formed by the 5th of the month after (ozon-rules.md "Money").
    while month < current and job.now.date() >= _next_month(month).replace(day=REPORT_READY_DAY):
        out.append(Window("month", start=_midnight(month), began_at=job.now))
        month = _next_month(month)
    return out


async def _fetch_realization(job: Job, window: Window) -> AsyncIterator[Batch[Any]]:
    assert window.start is not None
    year, month = window.start.year, window.start.month
    try:
        report = await job.ozon.realization(year=year, month=month)
    except (api.NotFound, api.BadRequest) as exc:
        if isinstance(exc, api.BadRequest) and "not ready" not in str(exc):
            raise
        return  # not formed yet: asked again next run
    rows = [
        realization_row(r, shop_id=job.shop.id, year=year, month=month, position=k + 1)
        for k, r in enumerate(report.result.rows)
    ]
    yield Batch([("month", (year, month, rows))], {}, answered_at())


def _realization_done(job: Job, window: Window, read_from: datetime | None) -> Cursor:
    assert window.start is not None
    month = window.start.date()
    after = _next_month(month).replace(day=REPORT_FINAL_DAY)
    final = job.cursor.state.get("final_month")
    if (read_from or job.now).date() >= after and (final is None or month.isoformat() > final):
        final = month.isoformat()
    state = {"final_month": final} if final else {}
    return Cursor(last_value=read_from or job.now, state=state)


def _write_realization(session: Session, job: Job, batch: Batch[Any]) -> Counts:
    counts = Counts()
    for _kind, (year, month, rows) in batch.items:
        counts += write_rows(
            session, RealizationRow, rows, key=["shop_id", "year", "month", "row_number"], ignore=()
        )
        session.execute(  # rows Ozon no longer lists for the month
            delete(RealizationRow).where(
                RealizationRow.shop_id == job.shop.id,
                RealizationRow.year == year,
                RealizationRow.month == month,
                RealizationRow.row_number.not_in([r["row_number"] for r in rows]),
            )
        )
    return counts


REALIZATION: ResourceSpec[Any] = ResourceSpec(
    name="realization",
    cursor_field="report month",
    interval=timedelta(hours=6),
    windows=_realization_months,
    fetch=_fetch_realization,
    write=_write_realization,
    done=_realization_done,
    description="Monthly realization reports (/v2/finance/realization)",
)
