"""Schema migrations (Alembic), driven from code: no ``alembic.ini`` to keep beside the app."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.exc import OperationalError

from ozonops.db.engine import Database
from ozonops.db.errors import SchemaOutdated, StoreUnavailable

__all__ = ["current_revision", "ensure_current", "head_revision", "revision", "upgrade"]

MIGRATIONS = Path(__file__).parent / "migrations"


def _config(db: Database) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", db.url.render_as_string(hide_password=False))
    return config


def head_revision() -> str:
    head = ScriptDirectory(str(MIGRATIONS)).get_current_head()
    assert head is not None, "the package ships at least one migration"
    return head


def current_revision(db: Database) -> str | None:
    try:
        with db.engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()
    except OperationalError as exc:
        raise StoreUnavailable(f"cannot open the database {db!r}: {exc.orig}") from exc


def upgrade(db: Database, *, to: str = "head") -> None:
    """Bring the schema up to ``to`` (default: this version's newest); a no-op when it is."""
    config = _config(db)
    try:
        with db.engine.begin() as conn:
            config.attributes["connection"] = conn
            command.upgrade(config, to)
    except OperationalError as exc:
        raise StoreUnavailable(f"cannot migrate the database {db!r}: {exc.orig}") from exc


def ensure_current(db: Database) -> None:
    """Refuse to run on a schema this version does not know (run ``ozonops db upgrade``)."""
    current, head = current_revision(db), head_revision()
    if current != head:
        raise SchemaOutdated(
            f"the database is at schema {current or 'empty'!r}, this ozonops needs {head!r}: "
            "run `ozonops db upgrade` (it keeps your data)"
        )


def revision(db: Database, *, message: str) -> None:
    """Write a new migration from the difference between the models and ``db`` (developers)."""
    config = _config(db)
    with db.engine.begin() as conn:
        config.attributes["connection"] = conn
        command.revision(config, message=message, autogenerate=True)
