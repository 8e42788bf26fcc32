"""Fixtures for simulator tests: a small seeded world served over ASGI through httpx."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import anyio.from_thread
import httpx
import pytest

from ozonops.ozon.spec import default_validator
from ozonops.simulator.app import create_app
from ozonops.simulator.config import SimConfig
from ozonops.simulator.world import Shop, World

SMALL = SimConfig(seed=7, shops=2, orders_per_day=60, history_days=40)


def make_world(**overrides: Any) -> World:
    """A fresh small world; override any ``SimConfig`` field."""
    return World(SMALL.model_copy(update=overrides))


class AsgiClient:
    """A synchronous httpx client that sends into an ASGI app (no socket) on its own loop."""

    def __init__(self, app: Any, base_url: str = "https://api-seller.ozon.ru") -> None:
        self._portal_cm = anyio.from_thread.start_blocking_portal()
        self._portal = self._portal_cm.__enter__()
        self._client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=base_url)

    def request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        return self._portal.call(lambda: self._client.request(method, path, **kwargs))

    def post(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("POST", path, **kwargs)

    def get(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("GET", path, **kwargs)

    def close(self) -> None:
        self._portal.call(self._client.aclose)
        self._portal_cm.__exit__(None, None, None)


class OzonCaller:
    """Calls the simulator as a shop would and checks every answer against the spec."""

    def __init__(self, client: AsgiClient, world: World) -> None:
        self.client = client
        self.world = world
        self.validator = default_validator()

    def headers(self, shop: Shop) -> dict[str, str]:
        return {"Client-Id": shop.client_id, "Api-Key": shop.api_key}

    def post(
        self, path: str, body: Any = None, *, shop: Shop | None = None, validate: bool = True
    ) -> httpx.Response:
        shop = shop or self.world.shops[0]
        resp = self.client.post(
            path, json=body if body is not None else {}, headers=self.headers(shop)
        )
        if validate and self.validator.has_method(path):
            problems = self.validator.validate_response(path, resp.status_code, resp.json())
            assert not problems, f"{path} {resp.status_code} breaks the spec: {problems[:5]}"
        return resp

    def ok(self, path: str, body: Any = None, *, shop: Shop | None = None) -> Any:
        resp = self.post(path, body, shop=shop)
        assert resp.status_code == 200, f"{path}: {resp.status_code} {resp.text[:500]}"
        return resp.json()

    def error(
        self, path: str, body: Any, status: int, *, shop: Shop | None = None
    ) -> dict[str, Any]:
        resp = self.post(path, body, shop=shop)
        assert resp.status_code == status, f"{path}: {resp.status_code} {resp.text[:500]}"
        data: dict[str, Any] = resp.json()
        assert set(data) == {"code", "message", "details"}, data
        return data


@pytest.fixture
def world() -> World:
    return make_world()


@pytest.fixture
def ozon(world: World) -> Iterator[OzonCaller]:
    app = create_app(world.config, world=world)
    client = AsgiClient(app)
    try:
        yield OzonCaller(client, world)
    finally:
        client.close()
