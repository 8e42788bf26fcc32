"""The clock the delivery side reads and sleeps on: real by default, replaceable in tests.

Rate-limit windows, backoff waits, signature timestamps and digest windows all read the
same clock, so a test that advances a fake clock moves all of them at once.
"""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime
from typing import Protocol

__all__ = ["Clock", "SystemClock"]


class Clock(Protocol):
    def time(self) -> float:
        """Seconds since the Unix epoch (wall time: platforms check signed timestamps)."""

    async def sleep(self, seconds: float) -> None:
        """Wait ``seconds``."""


class SystemClock:
    """The machine's clock and ``asyncio.sleep``."""

    def time(self) -> float:
        return time.time()

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(max(0.0, seconds))


def utc(clock: Clock) -> datetime:
    """The clock's current time as an aware UTC datetime."""
    return datetime.fromtimestamp(clock.time(), tz=UTC)
