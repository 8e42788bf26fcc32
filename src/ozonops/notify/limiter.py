"""In-process sliding-window rate limits per channel endpoint (one robot, one bot chat).

Each channel declares its platform's budget as :class:`Rate` values (WeCom and DingTalk:
20 per minute per robot; Feishu: 100 per minute and 5 per second per bot; Telegram: 20 per
minute in a group and about one per second in any chat). :class:`Limiters` keeps one window
per (endpoint, rate) and makes a sender wait — on the injected clock — until the send fits.
After a platform's own "too fast" answer, ``pause`` holds the endpoint for the wait the
retry policy chose, since someone else may be using the same robot.

Keys are derived from the endpoint's identity (a hash of its key or token, never the secret
itself), so two configured channels that point at the same robot share one budget.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass

from ozonops.notify.clock import Clock

__all__ = ["Limiters", "Rate"]


@dataclass(frozen=True, slots=True)
class Rate:
    """At most ``limit`` sends in any ``per``-second window."""

    limit: int
    per: float

    def __post_init__(self) -> None:
        if self.limit < 1 or self.per <= 0:
            raise ValueError(f"a rate needs limit >= 1 and per > 0, got {self.limit}/{self.per}s")


class Limiters:
    """The windows of every endpoint this process sends to; keep one for the process."""

    def __init__(self, *, margin: float = 0.05) -> None:
        self._margin = margin  # our clock and the platform's never agree to the millisecond
        self._sent: dict[tuple[str, Rate], deque[float]] = {}
        self._paused_until: dict[str, float] = {}
        self._locks: dict[str, asyncio.Lock] = {}

    async def acquire(
        self, key: str, rates: Sequence[Rate], clock: Clock, *, max_wait: float = float("inf")
    ) -> float | None:
        """Wait until one more send to ``key`` fits every rate and count it.

        Returns the seconds waited, or ``None`` (nothing counted) when the send would have to
        wait longer than ``max_wait`` in total — the caller fails it as rate-limited instead.
        """
        lock = self._locks.setdefault(key, asyncio.Lock())
        waited = 0.0
        async with lock:  # FIFO: senders to one endpoint are served in arrival order
            while True:
                now = clock.time()
                wait = max(0.0, self._paused_until.get(key, 0.0) - now)
                for rate in rates:
                    window = self._sent.setdefault((key, rate), deque())
                    horizon = rate.per + self._margin
                    while window and window[0] <= now - horizon:
                        window.popleft()
                    if len(window) >= rate.limit:
                        wait = max(wait, window[0] + horizon - now)
                if wait <= 0:
                    for rate in rates:
                        self._sent[(key, rate)].append(now)
                    return waited
                if waited + wait > max_wait:
                    return None
                await clock.sleep(wait)
                waited += wait

    def pause(self, key: str, seconds: float, clock: Clock) -> None:
        """Hold every send to ``key`` for ``seconds`` from now."""
        until = clock.time() + seconds
        self._paused_until[key] = max(self._paused_until.get(key, 0.0), until)
