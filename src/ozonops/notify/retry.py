"""When to try a failed send again: an immutable policy, full-jitter exponential backoff.

``delay(attempt)`` is ``U(0, min(cap, base * 2**attempt))`` unless the platform named a wait
(Telegram's ``retry_after``, a ``Retry-After`` header) or the channel knows its platform's
window (a robot's per-minute budget): then that wait, which never comes out shorter than
the hint. A send gives up after ``max_attempts`` or when the next wait would pass
``deadline`` seconds since the first attempt; only transient errors are retried at all.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

__all__ = ["Backoff"]


@dataclass(frozen=True, slots=True)
class Backoff:
    max_attempts: int = 5
    base: float = 1.0
    cap: float = 30.0
    deadline: float = 180.0

    def delay(self, attempt: int, *, hint: float | None, rng: random.Random) -> float:
        """Seconds to wait after failed attempt number ``attempt`` (0-based)."""
        if hint is not None:
            return max(0.0, hint)
        return rng.uniform(0.0, min(self.cap, self.base * 2**attempt))

    def allows(self, *, attempts: int, elapsed: float, wait: float) -> bool:
        """Whether one more attempt may follow ``attempts``, ``elapsed`` s in, after ``wait``."""
        return attempts < self.max_attempts and elapsed + wait <= self.deadline
