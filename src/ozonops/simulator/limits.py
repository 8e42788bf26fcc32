"""Ozon's request limits: 50 requests/s per Client-Id across methods, plus per-method limits.

Limits count real (wall-clock) time, not simulated time: they protect a server, and a client
must pace itself in real seconds whatever the simulated clock does.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from datetime import datetime

from ozonops.simulator.errors import rate_limited


class RateLimiter:
    """Sliding-window counters; refusals are 429 with ``code`` 8 as Ozon answers."""

    def __init__(
        self, *, per_second: int = 50, monotonic: Callable[[], float] = time.monotonic
    ) -> None:
        self.per_second = per_second
        self._monotonic = monotonic
        self._lock = threading.Lock()
        self._second: dict[str, deque[float]] = {}
        self._minute: dict[tuple[str, str], deque[float]] = {}
        self.refused = 0

    def check(
        self, client_id: str, path: str, now: datetime, *, per_minute: int | None = None
    ) -> None:
        t = self._monotonic()
        with self._lock:
            window = self._second.setdefault(client_id, deque())
            while window and window[0] <= t - 1.0:
                window.popleft()
            if len(window) >= self.per_second:
                self.refused += 1
                raise rate_limited()
            if per_minute is not None:
                mwin = self._minute.setdefault((client_id, path), deque())
                while mwin and mwin[0] <= t - 60.0:
                    mwin.popleft()
                if len(mwin) >= per_minute:
                    self.refused += 1
                    retry = max(1, int(60 - (t - mwin[0])) + 1)
                    err = rate_limited("You have reached request rate limit per minute")
                    err.headers["Retry-After"] = str(retry)
                    raise err
                mwin.append(t)
            window.append(t)

    def reset(self) -> None:
        with self._lock:
            self._second.clear()
            self._minute.clear()
