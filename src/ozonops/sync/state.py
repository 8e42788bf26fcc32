"""Sync cursors: how far each resource of each shop is read, saved with the rows it covers.

A cursor is a small record (dlt's incremental state, style.md habit 7): ``last_value`` — the
server time up to which every change is in the store — and ``state``, what a resource needs to
resume (a backfill's progress, say). :func:`save` runs in the transaction that writes the rows,
so a crash never leaves a cursor ahead of its data.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from sqlalchemy.orm import Session

from ozonops.db import upsert
from ozonops.db.tables import SyncCursor

__all__ = ["Cursor", "CursorStatus", "load", "save"]

CursorStatus = Literal["ok", "unavailable", "failing"]


@dataclass(frozen=True, slots=True)
class Cursor:
    last_value: datetime | None = None
    state: dict[str, Any] = field(default_factory=dict)
    status: CursorStatus = "ok"
    detail: str | None = None


def load(session: Session, *, shop_id: int, resource: str) -> Cursor:
    row = session.get(SyncCursor, (shop_id, resource))
    if row is None:
        return Cursor()
    return Cursor(
        last_value=row.last_value,
        state=dict(row.state or {}),
        status=row.status,  # type: ignore[arg-type]
        detail=row.detail,
    )


def save(session: Session, *, shop_id: int, resource: str, cursor: Cursor, at: datetime) -> None:
    upsert(
        session,
        SyncCursor,
        [
            {
                "shop_id": shop_id,
                "resource": resource,
                "last_value": cursor.last_value,
                "state": cursor.state,
                "status": cursor.status,
                "detail": cursor.detail,
                "updated_at": at,
            }
        ],
        key=["shop_id", "resource"],
    )
