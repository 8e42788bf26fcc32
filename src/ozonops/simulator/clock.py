"""The simulated clock: frozen, moved on demand, or running N times faster than real time."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import datetime, timedelta


class SimClock:
    """A clock whose "now" the simulator and its tests control.

    ``speed == 0`` freezes time; ``advance()`` always works, whatever the speed.
    Readings never go backwards.
    """

    def __init__(
        self,
        start: datetime,
        *,
        speed: float = 0.0,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        if start.tzinfo is None:
            raise ValueError("SimClock needs an aware datetime (UTC)")
        self._monotonic = monotonic
        self._lock = threading.Lock()
        self._base_sim = start
        self._base_real = monotonic()
        self._speed = speed

    @property
    def speed(self) -> float:
        return self._speed

    def now(self) -> datetime:
        with self._lock:
            return self._now_locked()

    def _now_locked(self) -> datetime:
        if self._speed == 0:
            return self._base_sim
        elapsed = (self._monotonic() - self._base_real) * self._speed
        return self._base_sim + timedelta(seconds=elapsed)

    def advance(self, seconds: float) -> datetime:
        """Move simulated time forward by ``seconds`` (negative values are refused)."""
        if seconds < 0:
            raise ValueError("the simulated clock only moves forward")
        with self._lock:
            self._base_sim = self._now_locked() + timedelta(seconds=seconds)
            self._base_real = self._monotonic()
            return self._base_sim

    def set_speed(self, speed: float) -> None:
        if speed < 0:
            raise ValueError("speed must be >= 0 (0 freezes the clock)")
        with self._lock:
            self._base_sim = self._now_locked()
            self._base_real = self._monotonic()
            self._speed = speed
