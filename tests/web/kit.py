"""Helpers for the receiver's tests: the app over a store, served over a real socket."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from pydantic import SecretStr
from sqlalchemy import select
from starlette.applications import Starlette

from ozonops.config import load_settings
from ozonops.db import Database, KeyBox, save_shop
from ozonops.db.tables import InboxPush
from ozonops.web import UVICORN_OPTIONS, create_app
from tests.live import serve

KEYS = KeyBox(SecretStr("web-tests"))
LOCAL = ["127.0.0.0/8"]


def add_shop(db: Database, name: str = "main", client_id: str = "100") -> str:
    """A shop in the store; returns its push token."""
    with db.transaction() as s:
        shop = save_shop(
            s, keys=KEYS, name=name, client_id=client_id, api_key=SecretStr("k-" + client_id)
        )
        return shop.push_token


def receiver_app(db: Database, **push: Any) -> Starlette:
    push.setdefault("allowed_networks", LOCAL)
    settings = load_settings(env_file=None, push=push)
    return create_app(settings, db)


@contextmanager
def served(app: Any) -> Iterator[str]:
    with serve(app, **{**UVICORN_OPTIONS, "log_level": "warning"}) as url:
        yield url


def inbox(db: Database) -> list[InboxPush]:
    with db.transaction() as s:
        return list(s.scalars(select(InboxPush).order_by(InboxPush.id)))
