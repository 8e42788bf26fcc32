"""Small helpers the rules' texts share: times and durations in Chinese and English."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ozonops.notify import LocalText

__all__ = ["at", "hours_between", "span", "text", "when"]


def when(value: Any) -> datetime | None:
    """A fact's time back as a datetime (facts keep ISO text)."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value
    return datetime.fromisoformat(str(value))


def at(value: Any) -> str:
    """A fact's time as ``2026-12-01 09:30 UTC`` (empty when unknown)."""
    moment = when(value)
    return "" if moment is None else moment.strftime("%Y-%m-%d %H:%M UTC")


def hours_between(start: Any, end: Any) -> float:
    a, b = when(start), when(end)
    if a is None or b is None:
        return 0.0
    return (b - a).total_seconds() / 3600


def span(hours: float) -> LocalText:
    """A duration: ``5 h`` / ``5 小时`` under two days, else days."""
    magnitude = abs(hours)
    if magnitude < 48:
        n = f"{magnitude:.0f}"
        return LocalText(zh=f"{n} 小时", en=f"{n} h")
    d = f"{magnitude / 24:.1f}".rstrip("0").rstrip(".")
    return LocalText(zh=f"{d} 天", en=f"{d} days")


def text(zh: str, en: str) -> LocalText:
    return LocalText(zh=zh, en=en)
