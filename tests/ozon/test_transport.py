"""The sending stack against the real simulator: limits, retries, faults, error mapping."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from pydantic import SecretStr
from starlette.applications import Starlette
from tests.ozon.simserver import make_app, serve, shop_http

from ozonops.ozon import errors
from ozonops.ozon.http import OzonHttp
from ozonops.ozon.ratelimit import memory_limiter
from ozonops.ozon.retry import RetryPolicy

pytestmark = pytest.mark.anyio

FAST = RetryPolicy(max_attempts=20, base_delay=0.001, max_delay=0.01, deadline=20.0)
SHIP = "/v4/posting/fbs/ship"
BAD_SHIP = {"posting_number": "0-0-1", "packages": []}


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def app() -> Starlette:
    return make_app()


@pytest.fixture(scope="module")
def socket_app() -> Iterator[tuple[Starlette, str]]:
    """One simulator behind uvicorn for the module; each test sets its own faults."""
    app = make_app()
    app.state.faults.timeout_hang_s = 1.0  # keep the server's hung requests short
    with serve(app) as url:
        yield app, url


@pytest.fixture
def live(socket_app: tuple[Starlette, str]) -> Iterator[tuple[Starlette, str]]:
    app, _ = socket_app
    app.state.faults.update(timeout_rate=0.0, drop_rate=0.0, error_5xx_rate=0.0)
    app.state.limiter.reset()
    yield socket_app
    app.state.faults.update(timeout_rate=0.0, drop_rate=0.0, error_5xx_rate=0.0)


# --- (a) (b) rate limits ------------------------------------------------------------------


async def test_limiter_keeps_200_calls_under_the_servers_50_rps(app: Starlette) -> None:
    async with shop_http(app) as http:
        started = time.monotonic()
        answers = await asyncio.gather(*(http.post("/v1/roles", {}) for _ in range(200)))
        elapsed = time.monotonic() - started
    assert app.state.limiter.refused == 0
    assert all("roles" in a for a in answers)
    # 50 now, then 50 more as each 1.1-s window frees: about 3.3 s; never much faster.
    assert 3.0 <= elapsed <= 6.0, elapsed
    stats = http.metrics.snapshot()["/v1/roles"]
    assert (stats["calls"], stats["ok"], stats["retries"], stats["throttles"]) == (200, 200, 0, 0)
    assert stats["limiter_wait_s"] > 100  # 150 calls waited 1-3 s each


async def test_limiter_above_the_server_limit_gets_429s_and_loses_no_call(
    app: Starlette,
) -> None:
    policy = RetryPolicy(max_attempts=12, base_delay=0.05, max_delay=0.5, deadline=30.0)
    async with shop_http(app, limiter=memory_limiter(per_second=200), policy=policy) as http:
        answers = await asyncio.gather(*(http.post("/v1/roles", {}) for _ in range(200)))
    refused = app.state.limiter.refused
    stats = http.metrics.snapshot()["/v1/roles"]
    assert len(answers) == 200
    assert refused > 0
    assert stats["throttles"] == refused == stats["retries"]
    assert (stats["ok"], stats["errors"]) == (200, {})


# --- (c) 5xx ------------------------------------------------------------------------------


async def test_reads_survive_a_5xx_burst_and_writes_are_not_repeated(app: Starlette) -> None:
    faults = app.state.faults
    faults.update(error_5xx_rate=0.5)
    async with shop_http(app, policy=FAST) as http:
        for _ in range(30):
            assert "roles" in await http.post("/v1/roles", {})
        read_5xx = faults.injected["5xx"]
        outcomes = []
        for _ in range(20):
            with pytest.raises((errors.ServerError, errors.BadRequest)) as caught:
                await http.post(SHIP, BAD_SHIP)
            outcomes.append(type(caught.value))
    roles, ship = http.metrics.snapshot()["/v1/roles"], http.metrics.snapshot()[SHIP]
    assert read_5xx > 0
    assert roles["retries"] == read_5xx
    assert roles["ok"] == 30
    # Each ship call reached the server exactly once: one 5xx at most, never retried.
    assert ship["retries"] == 0
    assert ship["attempts"] == 20
    assert outcomes.count(errors.ServerError) == faults.injected["5xx"] - read_5xx > 0
    assert ship["errors"]["ServerError"] == outcomes.count(errors.ServerError)


async def test_circle_is_open_pauses_the_method_not_the_shop(app: Starlette) -> None:
    app.state.faults.update(circuit_open_rate=1.0)
    limiter = memory_limiter()
    policy = RetryPolicy(deadline=5.0, circuit_pause=60.0)
    async with shop_http(app, limiter=limiter, policy=policy) as http:
        with pytest.raises(errors.CircuitOpen):
            await http.post("/v1/roles", {})
        app.state.faults.update(circuit_open_rate=0.0)
        # The method is paused (60 s > the deadline, so no retry was tried) ...
        with pytest.raises(TimeoutError):
            await asyncio.wait_for(http.post("/v1/roles", {}), 0.3)
        # ... the shop's other methods are not.
        assert "result" in await http.post("/v2/posting/fbs/cancel-reason/list", {})
    assert http.metrics.snapshot()["/v1/roles"]["retries"] == 0


# --- (d) (e) timeouts and dropped connections, over a real socket ---------------------------


async def test_timeouts_retry_until_the_deadline_then_raise(live: tuple[Starlette, str]) -> None:
    app, url = live
    app.state.faults.update(timeout_rate=1.0)
    policy = RetryPolicy(max_attempts=50, base_delay=0.02, max_delay=0.05, deadline=0.8)
    async with shop_http(
        app, transport=None, base_url=url, policy=policy, timeout=httpx.Timeout(0.2)
    ) as http:
        started = time.monotonic()
        with pytest.raises(errors.ApiTimeout) as caught:
            await http.post("/v1/roles", {})
        elapsed = time.monotonic() - started
        with pytest.raises(errors.ApiTimeout):
            await http.post(SHIP, BAD_SHIP)
    assert caught.value.sent
    assert 0.6 <= elapsed <= 1.6, elapsed
    snap = http.metrics.snapshot()
    assert snap["/v1/roles"]["retries"] >= 2
    assert snap["/v1/roles"]["errors"] == {"ApiTimeout": 1}
    assert snap[SHIP]["attempts"] == 1  # a write that may have arrived is not repeated


async def test_dropped_connections_are_retried_for_reads_only(
    live: tuple[Starlette, str],
) -> None:
    app, url = live
    app.state.faults.update(drop_rate=0.5)
    async with shop_http(app, transport=None, base_url=url, policy=FAST) as http:
        for _ in range(20):
            assert "roles" in await http.post("/v1/roles", {})
        app.state.faults.update(drop_rate=1.0)
        with pytest.raises(errors.ConnectionLost) as caught:
            await http.post(SHIP, BAD_SHIP)
    assert caught.value.sent
    snap = http.metrics.snapshot()
    assert app.state.faults.injected["drop"] > 1
    assert snap["/v1/roles"]["retries"] > 0
    assert snap["/v1/roles"]["ok"] == 20
    assert snap[SHIP]["attempts"] == 1


async def test_a_write_is_retried_when_it_never_left(app: Starlette) -> None:
    closed = f"http://127.0.0.1:{_closed_port()}"
    policy = RetryPolicy(max_attempts=3, base_delay=0.001, max_delay=0.01)
    async with shop_http(app, transport=None, base_url=closed, policy=policy) as http:
        with pytest.raises(errors.ConnectionLost) as caught:
            await http.post(SHIP, BAD_SHIP)
    assert not caught.value.sent
    assert http.metrics.snapshot()[SHIP]["attempts"] == 3


def _closed_port() -> int:
    from tests.ozon.simserver import free_port

    return free_port()  # bound then released: nothing listens there


# --- (g) error mapping and secrecy --------------------------------------------------------

KEY = "s3cr3t-api-key-0123456789"


@pytest.mark.parametrize(
    ("status", "body", "expected"),
    [
        (
            429,
            {"code": 8, "message": "You have reached request rate limit per second"},
            errors.RateLimited,
        ),
        (503, {"code": 14, "message": "Circle is open", "details": []}, errors.CircuitOpen),
        (500, {"code": 13, "message": "internal error"}, errors.ServerError),
        (502, b"<html>Bad Gateway</html>", errors.ServerError),
        (
            401,
            {"code": 16, "message": "Client-Id and Api-Key headers are required"},
            errors.AuthError,
        ),
        (
            403,
            {"code": 7, "message": f"Invalid Api-Key {KEY}, please contact support"},
            errors.AuthError,
        ),
        (
            403,
            {"code": 7, "message": "not available with existing subscription"},
            errors.SubscriptionRequired,
        ),
        (403, {"code": 7, "message": "access denied"}, errors.PermissionDenied),
        (400, {"code": "INVALID_ARGUMENT", "message": "limit: must be <= 1000"}, errors.BadRequest),
        (404, {"error": {"code": 5, "message": "POSTING_NOT_FOUND", "data": []}}, errors.NotFound),
        (409, {"code": 9, "message": "TRANSITION_IS_NOT_POSSIBLE"}, errors.Conflict),
    ],
)
async def test_each_answer_maps_to_its_error_without_the_key(
    status: int, body: Any, expected: type[errors.ApiError], caplog: pytest.LogCaptureFixture
) -> None:
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(status, content=raw)

    caplog.set_level(logging.DEBUG)
    policy = RetryPolicy(max_attempts=2, base_delay=0.001, max_delay=0.001, circuit_pause=0.01)
    async with _mock_http(handler, policy=policy) as http:
        with pytest.raises(errors.ApiError) as caught:
            await http.post("/v3/posting/fbs/get", {"posting_number": "1-2-3"})
    assert type(caught.value) is expected
    assert caught.value.status == status
    for text in (str(caught.value), repr(caught.value), caplog.text, repr(http)):
        assert KEY not in text
    if status == 403 and "Invalid" in raw.decode():
        assert "***" in str(caught.value)


async def test_a_2xx_that_is_not_a_json_object_is_unexpected() -> None:
    bodies = iter([b"<html>maintenance</html>", b"[1, 2]"])

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=next(bodies))

    async with _mock_http(handler) as http:
        for _ in range(2):
            with pytest.raises(errors.UnexpectedResponse):
                await http.post("/v1/roles", {})


async def test_the_simulator_refuses_a_wrong_key_and_the_error_hides_it(
    app: Starlette, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    shop = app.state.world.shops[0]
    async with OzonHttp(
        client_id=shop.client_id,
        api_key=SecretStr(KEY),
        transport=httpx.ASGITransport(app=app),
    ) as http:
        with pytest.raises(errors.AuthError) as caught:
            await http.post("/v1/roles", {})
    assert KEY not in str(caught.value)
    assert KEY not in caplog.text


async def test_headers_sent_are_the_shops_and_the_body_is_json() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"result": []})

    async with _mock_http(handler) as http:
        assert await http.post("/v2/posting/fbs/cancel-reason/list") == {"result": []}
    (request,) = seen
    assert request.headers["Client-Id"] == "123"
    assert request.headers["Api-Key"] == KEY
    assert request.headers["Content-Type"] == "application/json"
    assert json.loads(request.content) == {}


def _mock_http(handler: Any, **kwargs: Any) -> OzonHttp:
    kwargs.setdefault("throttle_pause", 0.01)
    return OzonHttp(
        client_id="123", api_key=SecretStr(KEY), transport=httpx.MockTransport(handler), **kwargs
    )
