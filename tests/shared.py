"""Where the project's shared material (Ozon's spec editions, other SDKs' payloads) lies.

It sits beside the repository (``../shared``), as on developers' machines and in CI;
``OZONOPS_SHARED_DIR`` overrides. Tests that need it skip with a visible reason on a laptop
without it, and fail in CI (``CI=true``), where it must be present.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

_REPO = Path(__file__).resolve().parents[1]


def shared_dir() -> Path:
    override = os.environ.get("OZONOPS_SHARED_DIR")
    return Path(override) if override else _REPO.parent / "shared"


SHARED = shared_dir()
PAYLOADS = SHARED / "ozon-payloads"
ENGLISH_SPEC = SHARED / "ozon-openapi" / "seller-api-swagger-2026-08-02.json"


def require(path: Path) -> Path:
    """``path``, or skip (fail in CI) when the shared material is not on this machine."""
    if not path.exists():
        message = f"{path} is not on this machine (shared material lives beside the repository)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return path
