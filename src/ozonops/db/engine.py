"""``Database``: one store (an engine and its sessions), from a URL; nothing built at import.

SQLite (the default, a file) runs in WAL mode so the web app reads while the sync writes;
PostgreSQL takes ``postgresql://`` URLs (driven by psycopg 3).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.orm import Session, sessionmaker

from ozonops.db.errors import StoreUnavailable

__all__ = ["Database", "normalize_url"]

# SQLite waits this long for another writer's lock before failing (ms).
SQLITE_BUSY_TIMEOUT_MS = 30_000


def normalize_url(url: str) -> URL:
    """The SQLAlchemy URL for a settings URL: ``postgresql://`` means psycopg 3."""
    try:
        parsed = make_url(url)
    except Exception as exc:  # sqlalchemy.exc.ArgumentError, ValueError
        raise StoreUnavailable(
            f"OZONOPS_DATABASE_URL {url!r} is not a database URL; use e.g. "
            "sqlite:///./var/ozonops.db or postgresql://user@localhost/ozonops"
        ) from exc
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    if not parsed.drivername.startswith(("sqlite", "postgresql")):
        raise StoreUnavailable(
            f"database {parsed.drivername!r} is not supported; use SQLite or PostgreSQL"
        )
    return parsed


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    # NORMAL under WAL: a commit survives a crash of the process, not of the machine.
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.close()


class Database:
    """The store at ``url``. Sessions never commit by themselves: the caller owns the
    transaction (:meth:`transaction`)."""

    def __init__(self, url: str | URL, *, echo: bool = False) -> None:
        self.url = normalize_url(url) if isinstance(url, str) else url
        kwargs: dict[str, Any] = {"echo": echo}
        if self.is_sqlite:
            kwargs["connect_args"] = {"check_same_thread": False}
            path = self.url.database
            if path and path != ":memory:":
                Path(path).parent.mkdir(parents=True, exist_ok=True)
        else:
            kwargs["pool_pre_ping"] = True
        self.engine: Engine = create_engine(self.url, **kwargs)
        if self.is_sqlite:
            event.listen(self.engine, "connect", _sqlite_pragmas)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)

    def __repr__(self) -> str:
        return f"Database({self.url.render_as_string(hide_password=True)!r})"

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @property
    def is_sqlite(self) -> bool:
        return self.url.drivername.startswith("sqlite")

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A session in a transaction: committed on leaving the block, rolled back on error."""
        with self.sessions() as session, session.begin():
            yield session

    def dispose(self) -> None:
        self.engine.dispose()
