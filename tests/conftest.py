from __future__ import annotations

import os

import pytest


@pytest.fixture(autouse=True)
def clean_ozonops_environ(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests ignore the developer's shell: no OZONOPS_* variable is visible to them."""
    for name in list(os.environ):
        if name.upper().startswith("OZONOPS_"):
            monkeypatch.delenv(name)
