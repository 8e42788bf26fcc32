from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from ozonops.db import Database
from tests.stores import store


@pytest.fixture(autouse=True)
def clean_ozonops_environ(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests ignore the developer's shell: no OZONOPS_* variable is visible to them."""
    for name in list(os.environ):
        if name.upper().startswith("OZONOPS_"):
            monkeypatch.delenv(name)


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """A fresh, migrated store: each test that takes it runs on SQLite and on PostgreSQL."""
    with store(request.param, tmp_path) as database:
        yield database
