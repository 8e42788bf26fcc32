"""Fresh stores for tests: a SQLite file, or a new database on the local PostgreSQL.

PostgreSQL comes from ``OZONOPS_TEST_POSTGRES_URL`` (default: the local server's ``postgres``
database as user ``postgres``). Where it cannot be reached, PostgreSQL tests skip with the
reason — and fail in CI (``CI=true``), where ``.ci/run`` makes sure it runs.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
import pytest
from sqlalchemy.engine import make_url

from ozonops.db import Database, upgrade

ADMIN_URL = os.environ.get(
    "OZONOPS_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)


def _admin_dsn() -> str:
    return make_url(ADMIN_URL).set(drivername="postgresql").render_as_string(hide_password=False)


def require_postgres() -> None:
    """Skip (or fail in CI) when the test PostgreSQL server does not answer."""
    try:
        with psycopg.connect(_admin_dsn(), connect_timeout=3):
            return
    except psycopg.Error as exc:
        message = f"PostgreSQL at {ADMIN_URL} is not reachable ({exc.__class__.__name__}: {exc})"
        if os.environ.get("CI") == "true":
            pytest.fail(message + " — in CI it must run (.ci/run starts it)")
        pytest.skip(message)


@contextmanager
def postgres_url() -> Iterator[str]:
    """A new, empty PostgreSQL database for one test (or module); dropped afterwards."""
    require_postgres()
    name = f"ozonops_test_{os.getpid()}_{secrets.token_hex(4)}"
    with psycopg.connect(_admin_dsn(), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield make_url(ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(_admin_dsn(), autocommit=True) as conn:
            conn.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s",
                (name,),
            )
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')


@contextmanager
def store(kind: str, tmp_path: Path) -> Iterator[Database]:
    """A migrated store of ``kind`` (sqlite | postgresql)."""
    if kind == "sqlite":
        db = Database(f"sqlite:///{tmp_path / 'ozonops.db'}")
        upgrade(db)
        try:
            yield db
        finally:
            db.dispose()
        return
    with postgres_url() as url:
        db = Database(url)
        upgrade(db)
        try:
            yield db
        finally:
            db.dispose()
