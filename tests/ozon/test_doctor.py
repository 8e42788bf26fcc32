"""``diagnose`` against the simulator: plans, key expiry, wrong keys, no network."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import httpx
import pytest
from pydantic import SecretStr
from starlette.applications import Starlette
from tests.ozon.simserver import BASE_URL, free_port, make_app

from ozonops.config import ShopCredentials
from ozonops.ozon import errors
from ozonops.ozon.doctor import diagnose
from ozonops.ozon.retry import NO_RETRY
from ozonops.ozon.shops import ShopClients

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def app() -> Starlette:
    return make_app()


def _creds(app: Starlette, **keys: str) -> list[ShopCredentials]:
    """The world's shops; ``keys`` replaces a shop's Api-Key by its name."""
    return [
        ShopCredentials(
            name=s.name, client_id=s.client_id, api_key=SecretStr(keys.get(s.name, s.api_key))
        )
        for s in app.state.world.shops
    ]


@pytest.fixture
async def clients(app: Starlette) -> AsyncIterator[ShopClients]:
    async with ShopClients.from_credentials(
        _creds(app), base_url=BASE_URL, transport=httpx.ASGITransport(app=app)
    ) as shops:
        yield shops


async def test_a_premium_pro_shop_is_fine(app: Starlette, clients: ShopClients) -> None:
    report = await diagnose(clients["Shop 1"], now=app.state.world.now())
    assert report.ok, report.problems
    assert report.reachability.ok
    assert report.reachability.latency_ms is not None
    assert report.key.state == "ok"
    assert report.key.days_left is not None
    assert report.key.days_left >= 14
    assert report.reviews.state == "available"
    assert report.chat_read.state == "available"
    assert report.chat_write.state == "unknown"  # never probed by writing
    assert "Chat" in report.roles
    assert report.degraded == ()
    assert report.last_failures == {}
    assert set(report.metrics) == {"/v1/roles", "/v2/review/count", "/v3/chat/list"}


async def test_a_shop_without_a_plan_and_an_old_key(app: Starlette, clients: ShopClients) -> None:
    report = await diagnose(clients["Shop 2"], now=app.state.world.now())
    assert report.reviews.state == "not_on_plan"
    assert not report.reviews.problem  # a fact about the plan, not an outage
    assert (report.key.state, report.key.days_left) == ("expiring", 8)
    assert not report.ok
    assert report.problems == [f"key expiring: {report.key.message}"]
    [failure] = report.last_failures["/v2/review/count"]
    assert failure.error == "SubscriptionRequired"
    assert report.degraded == ()


async def test_the_key_is_judged_against_the_given_now(
    app: Starlette, clients: ShopClients
) -> None:
    world_now = app.state.world.now()
    report = await diagnose(clients["Shop 2"], now=world_now - timedelta(days=30))
    assert report.key.state == "ok"
    report = await diagnose(clients["Shop 2"], now=world_now + timedelta(days=9))
    assert (report.key.state, report.key.days_left) == ("expired", -1)


async def test_a_key_the_simulator_says_has_expired(app: Starlette, clients: ShopClients) -> None:
    app.state.world.clock.advance(9 * 86400)
    report = await diagnose(clients["Shop 2"], now=app.state.world.now())
    assert report.key.state == "expired"
    assert report.reachability.ok
    assert report.reviews.state == "unknown"
    assert "key expired" in report.problems[0]


async def test_a_wrong_key_is_invalid(app: Starlette) -> None:
    async with ShopClients.from_credentials(
        _creds(app, **{"Shop 1": "not-the-key"}),
        base_url=BASE_URL,
        transport=httpx.ASGITransport(app=app),
    ) as shops:
        report = await diagnose(shops["Shop 1"], now=app.state.world.now())
    assert report.key.state == "invalid"
    assert "not-the-key" not in report.key.message
    assert report.reachability.ok  # Ozon answered; the key is what's wrong
    assert (report.reviews.state, report.chat_read.state) == ("unknown", "unknown")
    assert report.problems[0].startswith("key invalid: Ozon refused the Client-Id / Api-Key")


async def test_an_unreachable_url_says_so(app: Starlette) -> None:
    base = f"http://127.0.0.1:{free_port()}"
    async with ShopClients.from_credentials(_creds(app), base_url=base, policy=NO_RETRY) as shops:
        report = await diagnose(shops["Shop 1"], now=app.state.world.now())
    assert not report.reachability.ok
    assert report.reachability.message.startswith(f"cannot connect to {base}")
    assert report.key.state == "unknown"
    assert report.problems == [f"unreachable: {report.reachability.message}"]


async def test_degraded_methods_show_up(app: Starlette, clients: ShopClients) -> None:
    shop = clients["Shop 1"]
    at = app.state.world.now()
    path = "/v3/posting/fbo/list"
    for _ in range(3):
        shop.detector.observe(path, None, at=at)
    for _ in range(3):
        shop.detector.observe(path, errors.NotFound("Not Found", method=path, status=404), at=at)
    report = await diagnose(shop, now=at)
    [health] = report.degraded
    assert health.method == path
    assert not report.ok
    assert report.problems == [f"{path} degraded: {health.reason}"]
    assert report.last_failures[path][-1].error == "NotFound"


async def test_a_5xx_on_roles_means_ozon_is_not_healthy(app: Starlette) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(503, json={"code": 14, "message": "unavailable", "details": []})

    async with ShopClients.from_credentials(
        _creds(app), base_url=BASE_URL, transport=httpx.MockTransport(handler), policy=NO_RETRY
    ) as shops:
        report = await diagnose(shops["Shop 1"], now=app.state.world.now())
    assert not report.reachability.ok
    assert "HTTP 503" in report.reachability.message
    assert report.key.state == "error"
