"""ShopClients: one client per configured shop, one shared limiter with per-Client-Id budgets."""

from __future__ import annotations

import asyncio
import time

import httpx
import pytest
from tests.ozon.simserver import make_app

from ozonops.config import load_settings
from ozonops.ozon.ratelimit import memory_limiter
from ozonops.ozon.shops import ShopClients, UnknownShop

pytestmark = pytest.mark.anyio

SHOPS = [
    {"name": "main", "client_id": "111", "api_key": "key-main"},
    {"name": "second", "client_id": "222", "api_key": "key-second"},
]


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


def _echo(request: httpx.Request) -> httpx.Response:
    return httpx.Response(200, json={"client_id": request.headers["client-id"]})


async def test_from_settings_builds_one_client_per_shop_sharing_one_limiter() -> None:
    settings = load_settings(env_file=None, shops=SHOPS)
    async with ShopClients.from_settings(settings, transport=httpx.MockTransport(_echo)) as clients:
        assert clients.names == ["main", "second"]
        assert len(clients) == 2
        main, second = clients
        assert clients["main"] is main
        assert clients["222"] is second
        assert main.http.limiter is second.http.limiter is clients.limiter
        assert main.metrics is not second.metrics
        assert main.detector is not second.detector
        assert main.base_url == settings.ozon_base_url
        assert await second.post("/v1/roles") == {"client_id": "222"}
        assert second.metrics.snapshot()["/v1/roles"]["calls"] == 1
        assert main.metrics.snapshot() == {}
        assert "key-main" not in repr(main) + repr(main.http)
        with pytest.raises(UnknownShop, match="known shops: 'main', 'second'"):
            clients["third"]
    with pytest.raises(RuntimeError):  # closed with the context
        await main.http.post("/v1/roles")


async def test_base_url_override_and_the_simulator_over_asgi() -> None:
    app = make_app()
    world = app.state.world
    shops = [{"name": s.name, "client_id": s.client_id, "api_key": s.api_key} for s in world.shops]
    settings = load_settings(env_file=None, shops=shops, ozon_base_url="http://unused.invalid")
    async with ShopClients.from_settings(
        settings, transport=httpx.ASGITransport(app=app), base_url="https://api-seller.ozon.ru"
    ) as clients:
        assert clients[world.shops[1].client_id].base_url == "https://api-seller.ozon.ru"
        for shop in clients:
            answer = await shop.post("/v1/roles", {})
            assert "expires_at" in answer


async def test_one_shops_burst_does_not_spend_another_shops_budget() -> None:
    """The limiter is one instance, but its windows are per Client-Id."""
    settings = load_settings(env_file=None, shops=SHOPS)
    limiter = memory_limiter(per_second=5)
    async with ShopClients.from_settings(
        settings, transport=httpx.MockTransport(_echo), limiter=limiter
    ) as clients:
        busy, quiet = clients["main"], clients["second"]
        finished: dict[str, list[float]] = {"111": [], "222": []}
        started = time.monotonic()

        async def call(shop_client_id: str) -> None:
            answer = await clients[shop_client_id].post("/v1/roles")
            finished[answer["client_id"]].append(time.monotonic() - started)

        await asyncio.gather(*(call("111") for _ in range(12)), *(call("222") for _ in range(5)))
        # 12 calls at 5/s need three windows for the busy shop; the quiet one fits in the first.
        assert max(finished["111"]) >= 2.0
        assert max(finished["222"]) < 0.5
        assert busy.metrics.snapshot()["/v1/roles"]["limiter_wait_s"] > 1.0
        assert quiet.metrics.snapshot()["/v1/roles"]["limiter_wait_s"] < 0.5
