"""Per-method counters of what the client did: calls, outcomes, retries, throttling, latency.

In-process and cheap; ``snapshot()`` gives plain dicts for the CLI or a log line.
"""

from __future__ import annotations

from collections import Counter, deque
from dataclasses import dataclass, field
from typing import TypedDict

__all__ = ["MethodSnapshot", "Metrics"]

_LATENCY_SAMPLES = 2048  # the most recent attempts per method used for percentiles


class MethodSnapshot(TypedDict):
    calls: int
    ok: int
    errors: dict[str, int]
    retries: int
    throttles: int
    limiter_wait_s: float
    attempts: int
    latency_p50_ms: float | None
    latency_p95_ms: float | None


@dataclass
class _Stats:
    calls: int = 0
    ok: int = 0
    errors: Counter[str] = field(default_factory=Counter)
    retries: int = 0
    throttles: int = 0
    limiter_wait_s: float = 0.0
    attempts: int = 0
    latencies: deque[float] = field(default_factory=lambda: deque(maxlen=_LATENCY_SAMPLES))


class Metrics:
    """Counters keyed by method path.

    ``calls`` are logical calls, ``attempts`` the HTTP exchanges they took (``retries`` =
    attempts beyond the first); ``errors`` counts calls that finally failed, by error class;
    ``throttles`` the 429 answers seen; latency is per attempt, without limiter waits.
    """

    def __init__(self) -> None:
        self._by_path: dict[str, _Stats] = {}

    def _get(self, path: str) -> _Stats:
        stats = self._by_path.get(path)
        if stats is None:
            stats = self._by_path[path] = _Stats()
        return stats

    def call_started(self, path: str) -> None:
        self._get(path).calls += 1

    def call_succeeded(self, path: str) -> None:
        self._get(path).ok += 1

    def call_failed(self, path: str, error: str) -> None:
        self._get(path).errors[error] += 1

    def attempt(self, path: str, seconds: float) -> None:
        stats = self._get(path)
        stats.attempts += 1
        stats.latencies.append(seconds)

    def retried(self, path: str) -> None:
        self._get(path).retries += 1

    def throttled(self, path: str) -> None:
        self._get(path).throttles += 1

    def waited(self, path: str, seconds: float) -> None:
        self._get(path).limiter_wait_s += seconds

    def snapshot(self) -> dict[str, MethodSnapshot]:
        """A copy of every method's figures, safe to keep or print."""
        return {path: _snap(stats) for path, stats in sorted(self._by_path.items())}

    def totals(self) -> MethodSnapshot:
        """All methods summed (percentiles over all recent attempts)."""
        total = _Stats()
        for stats in self._by_path.values():
            total.calls += stats.calls
            total.ok += stats.ok
            total.errors.update(stats.errors)
            total.retries += stats.retries
            total.throttles += stats.throttles
            total.limiter_wait_s += stats.limiter_wait_s
            total.attempts += stats.attempts
        samples = sorted(s for stats in self._by_path.values() for s in stats.latencies)
        return _snap(total, samples)


def _snap(stats: _Stats, samples: list[float] | None = None) -> MethodSnapshot:
    ordered = samples if samples is not None else sorted(stats.latencies)
    return MethodSnapshot(
        calls=stats.calls,
        ok=stats.ok,
        errors=dict(stats.errors),
        retries=stats.retries,
        throttles=stats.throttles,
        limiter_wait_s=round(stats.limiter_wait_s, 3),
        attempts=stats.attempts,
        latency_p50_ms=_percentile_ms(ordered, 0.50),
        latency_p95_ms=_percentile_ms(ordered, 0.95),
    )


def _percentile_ms(ordered: list[float], q: float) -> float | None:
    if not ordered:
        return None
    index = min(len(ordered) - 1, round(q * (len(ordered) - 1)))
    return round(ordered[index] * 1000.0, 2)
