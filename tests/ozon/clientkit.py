"""Helpers for client tests: an ``OzonClient`` on the simulator and a recording transport."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import httpx
from pydantic import SecretStr
from starlette.applications import Starlette
from tests.ozon.simserver import BASE_URL

from ozonops.ozon import OzonClient


@dataclass
class Recorder(httpx.AsyncBaseTransport):
    """Passes requests to ``inner`` and keeps each Ozon-path request's (path, JSON body)."""

    inner: httpx.AsyncBaseTransport
    sent: list[tuple[str, Any]] = field(default_factory=list)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        body = await request.aread()
        self.sent.append((request.url.path, json.loads(body) if body else None))
        return await self.inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self.inner.aclose()

    def paths(self) -> list[str]:
        return [path for path, _ in self.sent]


def client_for(
    app: Starlette, *, shop: int = 0, transport: httpx.AsyncBaseTransport | None = None, **kw: Any
) -> tuple[OzonClient, Recorder]:
    """An ``OzonClient`` for one of the app's shops, through ASGI, recording what it sends."""
    s = app.state.world.shops[shop]
    recorder = Recorder(transport or httpx.ASGITransport(app=app))
    kw.setdefault("base_url", BASE_URL)
    client = OzonClient(
        client_id=s.client_id, api_key=SecretStr(s.api_key), transport=recorder, **kw
    )
    return client, recorder
