"""Per-method API figures kept in the store, so every process's calls add up in one place."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ozonops.db.tables import ApiMethodStats, Shop

__all__ = ["add_api_stats", "read_api_stats"]

_COUNTERS = ("calls", "ok", "retries", "throttles", "attempts", "limiter_wait_s")


def add_api_stats(
    session: Session,
    *,
    shop_id: int,
    delta: Mapping[str, Mapping[str, Any]],
    latest: Mapping[str, Mapping[str, Any]],
    at: datetime,
) -> None:
    """Add ``delta`` (per method: counters since the last flush) to the stored figures; the
    percentiles are taken from ``latest``."""
    for method, d in delta.items():
        row = session.get(ApiMethodStats, (shop_id, method))
        if row is None:
            row = ApiMethodStats(shop_id=shop_id, method=method, errors={}, updated_at=at)
            for name in _COUNTERS:
                setattr(row, name, 0)
            session.add(row)
        for name in _COUNTERS:
            setattr(row, name, (getattr(row, name) or 0) + d.get(name, 0))
        errors = dict(row.errors or {})
        for kind, n in (d.get("errors") or {}).items():
            errors[kind] = errors.get(kind, 0) + n
        row.errors = errors
        now = latest.get(method, {})
        row.latency_p50_ms = now.get("latency_p50_ms", row.latency_p50_ms)
        row.latency_p95_ms = now.get("latency_p95_ms", row.latency_p95_ms)
        row.updated_at = at


def read_api_stats(session: Session) -> dict[str, dict[str, dict[str, Any]]]:
    """Shop name → method → figures, in the shape of ``ozon.MethodSnapshot``."""
    out: dict[str, dict[str, dict[str, Any]]] = {}
    rows = session.execute(
        select(Shop.name, ApiMethodStats)
        .join(Shop, Shop.id == ApiMethodStats.shop_id)
        .order_by(Shop.name, ApiMethodStats.method)
    )
    for name, row in rows:
        out.setdefault(name, {})[row.method] = {
            "calls": row.calls,
            "ok": row.ok,
            "errors": dict(row.errors or {}),
            "retries": row.retries,
            "throttles": row.throttles,
            "attempts": row.attempts,
            "limiter_wait_s": round(row.limiter_wait_s, 3),
            "latency_p50_ms": row.latency_p50_ms,
            "latency_p95_ms": row.latency_p95_ms,
        }
    return out
