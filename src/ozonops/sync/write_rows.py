"""Counted upserts for the simple entities: new, changed, unchanged — and only the first two
are written (a row's ``updated_at`` then says when Ozon last changed it)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import select, tuple_
from sqlalchemy.orm import DeclarativeBase, Session

from ozonops.db import upsert
from ozonops.sync.write_postings import Counts, chunks

__all__ = ["write_rows"]


def write_rows(
    session: Session,
    model: type[DeclarativeBase],
    rows: Sequence[Mapping[str, Any]],
    *,
    key: Sequence[str],
    ignore: Sequence[str] = ("updated_at",),
) -> Counts:
    """Upsert ``rows`` keyed on ``key``; a row equal to the stored one but for ``ignore`` is
    left alone and counted unchanged."""
    counts = Counts()
    unique = list({tuple(r[k] for k in key): r for r in rows}.values())
    if not unique:
        return counts
    table = model.__table__
    columns = [c for c in unique[0] if c not in ignore]
    key_cols = [table.c[k] for k in key]
    stored: dict[tuple[Any, ...], tuple[Any, ...]] = {}
    for part in chunks(unique):
        wanted = [tuple(r[k] for k in key) for r in part]
        where = (
            key_cols[0].in_([w[0] for w in wanted])
            if len(key) == 1
            else tuple_(*key_cols).in_(wanted)
        )
        query = select(*key_cols, *(table.c[c] for c in columns)).where(where)
        for found in session.execute(query):
            stored[tuple(found[: len(key)])] = tuple(found[len(key) :])
    changed = []
    for r in unique:
        before = stored.get(tuple(r[k] for k in key))
        if before is None:
            counts.new += 1
        elif before != tuple(r[c] for c in columns):
            counts.changed += 1
        else:
            counts.unchanged += 1
            continue
        changed.append(r)
    upsert(session, model, changed, key=key)
    return counts
