"""The retry policy: an immutable value; ``next()`` returns a new policy, never mutates.

Exponential backoff with full jitter (``sleep = U(0, min(cap, base * 2**attempt))``), a cap
on attempts and a total deadline. A server hint (``Retry-After``) wins over the computed
delay; "Circle is open" waits at least ``circuit_pause`` (Ozon blocks the method for minutes).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace

from ozonops.ozon.errors import ApiError, CircuitOpen, TransientApiError


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    max_attempts: int = 6
    base_delay: float = 0.25
    max_delay: float = 20.0
    deadline: float = 120.0  # seconds for the whole call, retries included
    circuit_pause: float = 60.0
    attempt: int = 0
    elapsed: float = 0.0

    def should_retry(self, error: ApiError, *, idempotent: bool, sent: bool) -> bool:
        """Retry transient failures of calls that are safe to repeat.

        A non-idempotent write is retried only when the request provably never reached Ozon
        (``sent`` is False: the connection failed before the request was written).
        """
        if not isinstance(error, TransientApiError):
            return False
        if not idempotent and sent:
            return False
        return self.attempt + 1 < self.max_attempts

    def delay(self, error: ApiError, rng: random.Random) -> float:
        if error.retry_after is not None:
            wanted = error.retry_after
        else:
            wanted = rng.uniform(0, min(self.max_delay, self.base_delay * 2**self.attempt))
        if isinstance(error, CircuitOpen):
            wanted = max(wanted, self.circuit_pause)
        return wanted

    def fits(self, delay: float) -> bool:
        """Whether waiting ``delay`` more seconds stays inside the deadline."""
        return self.elapsed + delay <= self.deadline

    def remaining(self) -> float:
        """Seconds left before the deadline (never negative)."""
        return max(0.0, self.deadline - self.elapsed)

    def spent(self, seconds: float) -> RetryPolicy:
        """The same attempt, ``seconds`` later (time spent sending or waiting for the limiter)."""
        return replace(self, elapsed=self.elapsed + seconds)

    def next(self, waited: float) -> RetryPolicy:
        return replace(self, attempt=self.attempt + 1, elapsed=self.elapsed + waited)


NO_RETRY = RetryPolicy(max_attempts=1)
