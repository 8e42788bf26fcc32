"""Long-running work: the embedded scheduler behind ``ozonops run``."""

from __future__ import annotations

from ozonops.worker.scheduler import Schedule, run_schedule

__all__ = ["Schedule", "run_schedule"]
