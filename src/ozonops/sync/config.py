"""How the sync reads: history depth, overlaps, intervals. Defaults are what a shop needs."""

from __future__ import annotations

from datetime import timedelta

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["SyncConfig"]


class SyncConfig(BaseModel):
    """Sync settings (``OZONOPS_SYNC__*`` in the environment)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    #: How much history the first run reads.
    backfill_days: int = Field(90, ge=1, le=365)
    #: Re-read this far behind each cursor: late writes on Ozon's side land inside it, and
    #: rows seen twice at the boundary are merged by their ids.
    overlap: timedelta = timedelta(minutes=10)
    #: Windows end this far after Ozon's now, so nothing created during a read falls outside.
    lead: timedelta = timedelta(days=1)
    #: Postings per store transaction during a backfill.
    batch_size: int = Field(500, ge=1, le=5000)
    #: Concurrent sub-windows of a backfill (the rate limit still caps the calls).
    concurrency: int = Field(10, ge=1, le=50)
    #: Days of daily accruals re-read behind the cursor (Ozon books some a day or two late).
    accrual_lag_days: int = Field(3, ge=0, le=30)
