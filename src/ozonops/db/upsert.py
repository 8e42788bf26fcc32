"""Idempotent writes keyed on Ozon's ids, for SQLite and PostgreSQL alike. They never commit."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import DeclarativeBase, Session

__all__ = ["insert_missing", "upsert"]

Rows = Sequence[Mapping[str, Any]]


def _insert(session: Session, table: Table) -> Any:
    name = session.get_bind().dialect.name
    if name == "postgresql":
        return postgresql.insert(table)
    if name == "sqlite":
        return sqlite.insert(table)
    raise NotImplementedError(f"upsert on {name}")


def _table(model: type[DeclarativeBase] | Table) -> Table:
    return model if isinstance(model, Table) else model.__table__  # type: ignore[return-value]


def upsert(
    session: Session,
    model: type[DeclarativeBase] | Table,
    rows: Rows,
    *,
    key: Sequence[str],
    update: Sequence[str] | None = None,
) -> None:
    """Insert ``rows``, or update the ``update`` columns (default: all but ``key``) of the rows
    whose ``key`` already exists. Every row must carry the same columns."""
    if not rows:
        return
    table = _table(model)
    columns = list(rows[0])
    targets = [c for c in (update if update is not None else columns) if c not in key]
    stmt = _insert(session, table)
    if targets:
        stmt = stmt.on_conflict_do_update(
            index_elements=list(key), set_={c: stmt.excluded[c] for c in targets}
        )
    else:
        stmt = stmt.on_conflict_do_nothing(index_elements=list(key))
    session.execute(stmt, [dict(r) for r in rows])


def insert_missing(
    session: Session, model: type[DeclarativeBase] | Table, rows: Rows, *, key: Sequence[str]
) -> None:
    """Insert the ``rows`` whose ``key`` is not there yet; leave the others alone."""
    upsert(session, model, rows, key=key, update=())
