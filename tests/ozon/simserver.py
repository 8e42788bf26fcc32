"""The simulator for client tests: in-process (ASGI) or over a real socket (uvicorn thread)."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
from pydantic import SecretStr
from starlette.applications import Starlette
from tests import live

from ozonops.ozon.http import OzonHttp
from ozonops.simulator.app import create_app
from ozonops.simulator.config import SimConfig

SIM = SimConfig(seed=7, shops=2, orders_per_day=20, history_days=5)
BASE_URL = "https://api-seller.ozon.ru"


def make_app(**overrides: Any) -> Starlette:
    return create_app(SIM.model_copy(update=overrides))


def shop_http(app: Starlette, *, shop: int = 0, **kwargs: Any) -> OzonHttp:
    """An ``OzonHttp`` for one of the app's shops, sending through ASGI unless told otherwise."""
    s = app.state.world.shops[shop]
    kwargs.setdefault("transport", httpx.ASGITransport(app=app))
    kwargs.setdefault("base_url", BASE_URL)
    return OzonHttp(client_id=s.client_id, api_key=SecretStr(s.api_key), **kwargs)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def serve(app: Starlette) -> Iterator[str]:
    """Serve ``app`` on a free 127.0.0.1 port in a thread; yields the base URL."""
    with live.serve(app, lifespan="off", ws="none", date_header=False) as url:
        yield url
