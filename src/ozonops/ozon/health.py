"""Noticing a method that used to work and now fails (ozon-rules.md "API churn").

Ozon switches methods off or changes their shape on dated deadlines; a sync that keeps calling
such a method loses data quietly. The detector is fed every call's outcome and judges each
method on its own history. Each outcome falls in one of four kinds (:func:`classify`)::

    ok         the call succeeded
    broken     the method itself looks changed or gone: a 2xx body that does not parse
               (UnexpectedResponse), a 400 (BadRequest) or a 404 that names no object
               ("Not Found", "404 page not found": the path is gone, not a posting)
    transient  5xx, timeouts, dropped connections, "Circle is open", 429 after retries
    neutral    says nothing about the method: the shop's key or plan (AuthError,
               PermissionDenied, SubscriptionRequired), a refusal before sending
               (InvalidArguments), an object in the wrong state (Conflict) or missing
               ("posting 123 not found")

A method becomes DEGRADED when it has worked (``min_successes`` in its history) and then
either ``consecutive_failures`` broken outcomes follow each other, or more than
``max_failure_rate`` of its last ``window`` calls failed (broken or transient; judged once
``min_window_calls`` are in). It clears after ``recover_after`` successes in a row. Each change
produces an :class:`Alert`. State lives in memory; :meth:`DegradationDetector.snapshot` copies it.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum
from typing import Literal

from ozonops.ozon.errors import (
    ApiError,
    AuthError,
    BadRequest,
    Conflict,
    InvalidArguments,
    NotFound,
    PermissionDenied,
    SubscriptionRequired,
    TransientApiError,
    UnexpectedResponse,
)

__all__ = [
    "Alert",
    "DegradationDetector",
    "DetectorConfig",
    "Failure",
    "MethodHealth",
    "Outcome",
    "classify",
]


class Outcome(Enum):
    OK = "ok"
    BROKEN = "broken"
    TRANSIENT = "transient"
    NEUTRAL = "neutral"


# 404 answers that name no object: the route itself is missing. grpc-gateway (Ozon's front)
# answers an unknown path with {"code": 5, "message": "Not Found"} [inferred]; proxies with text.
_GENERIC_NOT_FOUND = frozenset(
    {"not found", "404 not found", "404 page not found", "page not found", "no error body"}
)


def _method_gone(error: NotFound) -> bool:
    message = error.ozon_message.strip().lower().rstrip(".")
    if message in _GENERIC_NOT_FOUND or message.startswith("<"):  # an HTML error page
        return True
    return "not found" in message and any(w in message for w in ("method", "route", "path"))


def classify(error: BaseException | None) -> Outcome:
    """Which kind of outcome a call's error (None: success) is; see the module docstring."""
    if error is None:
        return Outcome.OK
    if isinstance(error, NotFound):
        return Outcome.BROKEN if _method_gone(error) else Outcome.NEUTRAL
    if isinstance(error, UnexpectedResponse | BadRequest):
        return Outcome.BROKEN
    if isinstance(error, TransientApiError):
        return Outcome.TRANSIENT
    if isinstance(
        error, AuthError | PermissionDenied | SubscriptionRequired | InvalidArguments | Conflict
    ):
        return Outcome.NEUTRAL
    if isinstance(error, ApiError):  # a future subclass: count it against the method
        return Outcome.BROKEN
    return Outcome.NEUTRAL


@dataclass(frozen=True, slots=True)
class DetectorConfig:
    min_successes: int = 3
    consecutive_failures: int = 3
    window: int = 20
    min_window_calls: int = 10
    max_failure_rate: float = 0.5
    recover_after: int = 2
    keep_failures: int = 5  # per method, newest last
    keep_alerts: int = 200


@dataclass(frozen=True, slots=True)
class Failure:
    """One failed call, as kept for the doctor: when, which error class, what Ozon said."""

    at: datetime
    error: str
    message: str
    status: int | None
    outcome: Outcome


@dataclass(frozen=True, slots=True)
class Alert:
    """A method changed state. ``count`` is the failures seen since it started failing."""

    method: str
    kind: Literal["degraded", "recovered"]
    since: datetime
    at: datetime
    reason: str
    count: int
    last_error: Failure | None


@dataclass(frozen=True, slots=True)
class MethodHealth:
    method: str
    state: Literal["ok", "degraded"]
    successes: int
    failures: int
    consecutive_failures: int
    recent_failure_rate: float | None
    since: datetime | None
    reason: str | None
    last_failures: tuple[Failure, ...]


@dataclass
class _State:
    window: int
    keep: int
    successes: int = 0
    failures: int = 0
    consecutive_broken: int = 0
    consecutive_ok: int = 0
    streak_failures: int = 0  # failures since the last success
    recent: deque[bool] = field(init=False)
    last_failures: deque[Failure] = field(init=False)
    degraded_since: datetime | None = None
    reason: str | None = None

    def __post_init__(self) -> None:
        self.recent = deque(maxlen=self.window)
        self.last_failures = deque(maxlen=self.keep)

    def failure_rate(self) -> float | None:
        if not self.recent:
            return None
        return sum(1 for ok in self.recent if not ok) / len(self.recent)


class DegradationDetector:
    """Per-method health judged from call outcomes; pure apart from the optional ``on_alert``.

    ``observe`` takes the time from the caller, so tests (and replays) control the clock.
    """

    def __init__(
        self,
        config: DetectorConfig | None = None,
        *,
        on_alert: Callable[[Alert], None] | None = None,
    ) -> None:
        self.config = config or DetectorConfig()
        self._on_alert = on_alert
        self._methods: dict[str, _State] = {}
        self._alerts: deque[Alert] = deque(maxlen=self.config.keep_alerts)

    def observe(self, method: str, error: BaseException | None, *, at: datetime) -> Alert | None:
        """Record one call's outcome; the alert if the method changed state, else None."""
        cfg = self.config
        state = self._methods.get(method)
        if state is None:
            state = self._methods[method] = _State(window=cfg.window, keep=cfg.keep_failures)
        outcome = classify(error)
        if error is not None:
            state.last_failures.append(_failure(error, outcome, at))
        if outcome is Outcome.NEUTRAL:
            return None
        if outcome is Outcome.OK:
            state.successes += 1
            state.consecutive_ok += 1
            state.consecutive_broken = 0
            state.streak_failures = 0
            state.recent.append(True)
            if state.degraded_since is not None and state.consecutive_ok >= cfg.recover_after:
                alert = Alert(
                    method=method,
                    kind="recovered",
                    since=state.degraded_since,
                    at=at,
                    reason=f"{state.consecutive_ok} successful calls in a row",
                    count=0,
                    last_error=state.last_failures[-1] if state.last_failures else None,
                )
                state.degraded_since = state.reason = None
                return self._emit(alert)
            return None
        state.failures += 1
        state.streak_failures += 1
        state.consecutive_ok = 0
        state.recent.append(False)
        if outcome is Outcome.BROKEN:
            state.consecutive_broken += 1
        if state.degraded_since is not None or state.successes < cfg.min_successes:
            return None
        reason = self._reason(state)
        if reason is None:
            return None
        state.degraded_since, state.reason = at, reason
        return self._emit(
            Alert(
                method=method,
                kind="degraded",
                since=at,
                at=at,
                reason=reason,
                count=state.streak_failures,
                last_error=state.last_failures[-1],
            )
        )

    def _reason(self, state: _State) -> str | None:
        cfg = self.config
        if state.consecutive_broken >= cfg.consecutive_failures:
            return f"{state.consecutive_broken} failures in a row after it used to work"
        rate = state.failure_rate()
        enough = len(state.recent) >= cfg.min_window_calls
        if enough and rate is not None and rate > cfg.max_failure_rate:
            return f"{rate:.0%} of the last {len(state.recent)} calls failed"
        return None

    def _emit(self, alert: Alert) -> Alert:
        self._alerts.append(alert)
        if self._on_alert is not None:
            self._on_alert(alert)
        return alert

    def alerts(self) -> list[Alert]:
        """Every alert still kept, oldest first."""
        return list(self._alerts)

    def degraded(self) -> list[MethodHealth]:
        return [h for h in self.snapshot().values() if h.state == "degraded"]

    def snapshot(self) -> dict[str, MethodHealth]:
        """A copy of every method's health, by path."""
        return {
            method: MethodHealth(
                method=method,
                state="ok" if s.degraded_since is None else "degraded",
                successes=s.successes,
                failures=s.failures,
                consecutive_failures=s.streak_failures,
                recent_failure_rate=s.failure_rate(),
                since=s.degraded_since,
                reason=s.reason,
                last_failures=tuple(s.last_failures),
            )
            for method, s in sorted(self._methods.items())
        }


def _failure(error: BaseException, outcome: Outcome, at: datetime) -> Failure:
    if isinstance(error, ApiError):
        return Failure(at, type(error).__name__, error.ozon_message, error.status, outcome)
    return Failure(at, type(error).__name__, str(error), None, outcome)
