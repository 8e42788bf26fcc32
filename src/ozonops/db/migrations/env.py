"""Alembic's entry point; run through ``ozonops.db.migrate`` (``ozonops db upgrade``)."""

from __future__ import annotations

from alembic import context

from ozonops.db.tables import Base

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",  # SQLite alters tables by copying
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
