"""Rate limits and injected faults, in process and over a real socket.

Rate limits run on a fake monotonic clock, so they are exact. Faults are checked against a
real uvicorn server on a free port, because a dropped connection or a client timeout only
exists on a socket. A bounded fuzz loop throws random bytes and JSON at the Ozon paths: it must
never get a 5xx (no faults injected) and never change what the control API says is true.
"""

from __future__ import annotations

import json
import logging
import statistics
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from ozonops.cli.app import app as cli_app
from ozonops.ozon.spec import default_validator
from ozonops.simulator.app import create_app
from ozonops.simulator.config import SimConfig
from ozonops.simulator.errors import OzonApiError
from ozonops.simulator.limits import RateLimiter
from ozonops.simulator.routing import REGISTRY, Ctx
from ozonops.simulator.world import Shop, World
from tests.live import serve
from tests.simulator.conftest import AsgiClient
from tests.simulator.spec_subset import SIMULATED_PATHS

CONFIG = SimConfig(seed=3, shops=2, orders_per_day=30, history_days=15)
RATE_LIMITED = {
    "code": 8,
    "message": "You have reached request rate limit per second",
    "details": [],
}


def _headers(shop: Shop) -> dict[str, str]:
    return {"Client-Id": shop.client_id, "Api-Key": shop.api_key}


class FakeMonotonic:
    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


# --- rate limits --------------------------------------------------------------------------
def test_fifty_per_second_per_client_id_then_429_and_refill() -> None:
    clock = FakeMonotonic()
    world = World(CONFIG)
    client = AsgiClient(create_app(CONFIG, world=world, monotonic=clock))
    a, b = world.shops
    try:
        for n in range(50):
            resp = client.post("/v1/roles", json={}, headers=_headers(a))
            assert resp.status_code == 200, (n, resp.text)
        refused = client.post("/v1/roles", json={}, headers=_headers(a))
        assert refused.status_code == 429
        assert refused.json() == RATE_LIMITED
        assert not default_validator().validate_response("/v1/roles", 429, refused.json())
        # Another Client-Id has its own budget.
        assert client.post("/v1/roles", json={}, headers=_headers(b)).status_code == 200
        # Refusals do not use up budget, and the window slides with real (monotonic) time.
        clock.t += 0.999
        assert client.post("/v1/roles", json={}, headers=_headers(a)).status_code == 429
        clock.t += 0.002
        for _ in range(50):
            assert client.post("/v1/roles", json={}, headers=_headers(a)).status_code == 200
        assert client.post("/v1/roles", json={}, headers=_headers(a)).status_code == 429
        # The simulated clock does not refill it: limits count real seconds.
        world.clock.advance(3600)
        assert client.post("/v1/roles", json={}, headers=_headers(a)).status_code == 429
        # Bad keys are refused before they count against anyone.
        assert (
            client.post("/v1/roles", json={}, headers={"Client-Id": a.client_id}).status_code == 401
        )
    finally:
        client.close()


def test_per_minute_limit_in_the_limiter() -> None:
    clock = FakeMonotonic()
    limiter = RateLimiter(per_second=50, monotonic=clock)
    now = CONFIG.start
    for _ in range(2):
        limiter.check("1", "/v1/x", now, per_minute=2)
    with pytest.raises(OzonApiError) as info:
        limiter.check("1", "/v1/x", now, per_minute=2)
    err = info.value
    assert (err.http_status, err.code) == (429, 8)
    assert err.message == "You have reached request rate limit per minute"
    assert 1 <= int(err.headers["Retry-After"]) <= 61
    limiter.check("1", "/v1/other", now, per_minute=2)  # per method
    limiter.check("2", "/v1/x", now, per_minute=2)  # per Client-Id
    clock.t += 59.0
    with pytest.raises(OzonApiError):
        limiter.check("1", "/v1/x", now, per_minute=2)
    clock.t += 1.5
    limiter.check("1", "/v1/x", now, per_minute=2)
    assert limiter.refused == 2


def test_per_minute_limit_through_the_app() -> None:
    path = "/v1/test-only/per-minute"

    def handler(ctx: Ctx) -> Any:
        return {"ok": True}

    REGISTRY.route(path, http_method="GET", per_minute=1)(handler)
    clock = FakeMonotonic()
    world = World(CONFIG)
    client = AsgiClient(create_app(CONFIG, world=world, monotonic=clock))
    try:
        shop = world.shops[0]
        assert client.get(path, headers=_headers(shop)).status_code == 200
        refused = client.get(path, headers=_headers(shop))
        assert refused.status_code == 429
        assert refused.json()["code"] == 8
        assert "per minute" in refused.json()["message"]
        assert int(refused.headers["retry-after"]) >= 1
        clock.t += 61
        assert client.get(path, headers=_headers(shop)).status_code == 200
    finally:
        client.close()
        del REGISTRY.routes[path]


# --- Ozon-shaped refusals ------------------------------------------------------------------
@pytest.fixture
def asgi() -> Iterator[tuple[AsgiClient, World]]:
    world = World(CONFIG.model_copy(update={"rate_limit_per_second": 10**6}))
    client = AsgiClient(create_app(world.config, world=world))
    yield client, world
    client.close()


def _rpc(resp: httpx.Response, status: int) -> dict[str, Any]:
    assert resp.status_code == status, resp.text
    data: dict[str, Any] = resp.json()
    assert set(data) == {"code", "message", "details"}
    assert isinstance(data["code"], int)
    assert isinstance(data["message"], str)
    assert isinstance(data["details"], list)
    return data


def test_malformed_wrong_types_and_unknown_methods_are_ozon_shaped(
    asgi: tuple[AsgiClient, World],
) -> None:
    client, world = asgi
    h = {**_headers(world.shops[0]), "Content-Type": "application/json"}
    assert _rpc(client.post("/v1/roles", content=b"{not json", headers=h), 400)["code"] == 3
    assert _rpc(client.post("/v1/roles", content=b"[]", headers=h), 400)["code"] == 3
    assert _rpc(client.post("/v1/roles", content=b"\xff\xfe", headers=h), 400)["code"] == 3
    text = {**h, "Content-Type": "text/plain"}
    assert _rpc(client.post("/v1/roles", content=b"{}", headers=text), 400)["code"] == 3
    assert _rpc(client.post("/v9/nope", json={}, headers=h), 404)["code"] == 5
    assert _rpc(client.get("/v1/roles", headers=h), 405)["code"] == 12
    assert _rpc(client.post("/v1/roles", json={}), 401)["code"] == 16
    for path in SIMULATED_PATHS:
        schema = default_validator().request_schema(path)
        if path not in REGISTRY.routes or schema is None:
            continue
        data = _rpc(client.post(path, content=b'{"limit": "ten"', headers=h), 400)
        assert "syntax error" in data["message"]


# --- fuzzing --------------------------------------------------------------------------------
_JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False)
    | st.text(max_size=20),
    lambda kids: (
        st.lists(kids, max_size=4) | st.dictionaries(st.text(max_size=12), kids, max_size=5)
    ),
    max_leaves=12,
)
_KEYS = st.sampled_from(
    [
        "posting_number",
        "limit",
        "filter",
        "with",
        "cursor",
        "last_id",
        "review_id",
        "chat_id",
        "return_id",
        "since",
        "to",
        "page",
        "page_size",
        "tracking_numbers",
        "packages",
        "cancel_reason_id",
        "text",
        "skus",
    ]
)
_OBJECTS = st.dictionaries(_KEYS, _JSON, max_size=5)
_PATHS = st.sampled_from([*SIMULATED_PATHS, "/v1/unknown", "/v3/posting/fbs", "/"])
_BODIES = st.one_of(
    st.binary(max_size=60),
    _JSON.map(lambda v: json.dumps(v).encode()),
    _OBJECTS.map(lambda v: json.dumps(v).encode()),
)


def _truth(client: AsgiClient, numbers: list[str]) -> list[Any]:
    return [client.get(f"/_sim/postings/{n}").json() for n in numbers]


def test_fuzzed_requests_never_give_5xx_nor_change_the_world(
    asgi: tuple[AsgiClient, World],
) -> None:
    client, world = asgi
    shop = world.shops[0]
    now = world.now()
    numbers = [
        p.posting_number
        for p in world.postings(shop, fbo=False, since=now.replace(year=now.year - 1), to=now)
    ][-25:]
    before = _truth(client, numbers)
    seen: list[int] = []

    @settings(
        max_examples=250,
        derandomize=True,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        database=None,
    )
    @given(path=_PATHS, body=_BODIES, ctype=st.sampled_from(["application/json", "text/plain"]))
    def fuzz(path: str, body: bytes, ctype: str) -> None:
        h = {**_headers(shop), "Content-Type": ctype}
        resp = client.post(path, content=body, headers=h)
        seen.append(resp.status_code)
        assert resp.status_code < 500, (path, body, resp.text[:300])
        if resp.status_code >= 400:
            data = resp.json()
            assert set(data) == {"code", "message", "details"}, data
            if path in SIMULATED_PATHS:
                assert not default_validator().validate_response(path, resp.status_code, data)

    fuzz()
    assert _truth(client, numbers) == before
    assert any(s == 400 for s in seen)
    assert any(s == 404 for s in seen)


# --- a real socket ----------------------------------------------------------------------------
class _Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture(scope="module")
def live() -> Iterator[tuple[str, Any, _Records]]:
    """A uvicorn server on a free port, serving a small world, in a background thread."""
    app = create_app(CONFIG.model_copy(update={"rate_limit_per_second": 10**6}))
    records = _Records()
    loggers = [logging.getLogger(n) for n in ("uvicorn.error", "uvicorn", "ozonops")]
    for lg in loggers:
        lg.addHandler(records)
    try:
        with serve(app, log_level="info", access_log=False, timeout_graceful_shutdown=2) as url:
            yield url, app, records
    finally:
        for lg in loggers:
            lg.removeHandler(records)


def _set_faults(url: str, **changes: float) -> dict[str, Any]:
    resp = httpx.put(f"{url}/_sim/faults", json=changes, timeout=5)
    assert resp.status_code == 200, resp.text
    data: dict[str, Any] = resp.json()
    return data


def _no_faults(url: str) -> None:
    _set_faults(
        url,
        error_5xx_rate=0,
        latency_ms_p50=0,
        latency_ms_p99=0,
        timeout_rate=0,
        drop_rate=0,
        circuit_open_rate=0,
    )


def _roles(http: httpx.Client, shop: dict[str, Any]) -> httpx.Response:
    return http.post(
        "/v1/roles", json={}, headers={"Client-Id": shop["client_id"], "Api-Key": shop["api_key"]}
    )


def _problems(records: _Records) -> list[str]:
    return [
        f"{r.levelname} {r.name}: {r.getMessage()}"
        for r in records.records
        if r.levelno >= logging.ERROR or r.exc_info
    ]


def test_faults_over_a_real_socket(live: tuple[str, Any, _Records]) -> None:
    url, app, records = live
    shop = httpx.get(f"{url}/_sim/shops").json()[0]
    with httpx.Client(base_url=url, timeout=5) as http:
        assert _roles(http, shop).status_code == 200

        _set_faults(url, error_5xx_rate=1.0)
        for _ in range(5):
            resp = _roles(http, shop)
            assert resp.status_code in (500, 502, 503)
            assert _rpc(resp, resp.status_code)["code"] == 13
        _no_faults(url)

        _set_faults(url, circuit_open_rate=1.0)
        resp = _roles(http, shop)
        assert resp.status_code == 503
        assert resp.json() == {"code": 14, "message": "Circle is open", "details": []}
        _no_faults(url)

        # Latency: log-normal with the configured median and p99, measured roughly.
        def timed(n: int) -> list[float]:
            out = []
            for _ in range(n):
                t0 = time.perf_counter()
                assert _roles(http, shop).status_code == 200
                out.append((time.perf_counter() - t0) * 1000)
            return sorted(out)

        base = statistics.median(timed(20))
        _set_faults(url, latency_ms_p50=60, latency_ms_p99=200)
        took = timed(40)
        added_p50 = statistics.median(took) - base
        added_p99 = took[-1] - base
        assert 40 <= added_p50 <= 100, (base, took)
        assert added_p99 >= added_p50 * 1.3, (base, took)  # a tail exists
        _no_faults(url)

        # Timeout: the server hangs longer than the client waits.
        app.state.faults.timeout_hang_s = 1.5
        _set_faults(url, timeout_rate=1.0)
        with pytest.raises(httpx.TimeoutException):
            http.post(
                "/v1/roles",
                json={},
                headers={"Client-Id": shop["client_id"], "Api-Key": shop["api_key"]},
                timeout=0.3,
            )
        _no_faults(url)
        assert _roles(http, shop).status_code == 200

    injected = httpx.get(f"{url}/_sim/faults").json()["injected"]
    assert injected["5xx"] == 5
    assert injected["circuit_open"] == 1
    assert injected["timeout"] == 1
    assert not _problems(records), _problems(records)


def test_dropped_connections_break_the_socket_not_the_server(
    live: tuple[str, Any, _Records],
) -> None:
    url, app, records = live
    world: World = app.state.world
    shop_info = httpx.get(f"{url}/_sim/shops").json()[0]
    shop = world.shops[0]
    now = world.now()
    numbers = [
        p.posting_number
        for p in world.postings(shop, fbo=False, since=now.replace(year=now.year - 1), to=now)
    ][-10:]
    before = [httpx.get(f"{url}/_sim/postings/{n}").json() for n in numbers]
    health = httpx.get(f"{url}/_sim/health").json()
    _set_faults(url, drop_rate=1.0)
    for _ in range(3):
        with (
            httpx.Client(base_url=url, timeout=5) as http,
            pytest.raises((httpx.RemoteProtocolError, httpx.ReadError)),
        ):
            _roles(http, shop_info)
    _no_faults(url)
    with httpx.Client(base_url=url, timeout=5) as http:
        assert _roles(http, shop_info).status_code == 200
    assert [httpx.get(f"{url}/_sim/postings/{n}").json() for n in numbers] == before
    assert httpx.get(f"{url}/_sim/health").json() == health
    assert httpx.get(f"{url}/_sim/faults").json()["injected"]["drop"] == 3
    assert not _problems(records), _problems(records)


def test_faults_control_api_and_cli(live: tuple[str, Any, _Records]) -> None:
    url, app, _records = live
    bad = httpx.put(f"{url}/_sim/faults", json={"error_5xx_rate": 2.0})
    assert bad.status_code == 400
    assert httpx.get(f"{url}/_sim/faults").json()["error_5xx_rate"] == 0  # unchanged
    runner = CliRunner()
    result = runner.invoke(
        cli_app, ["simulator", "faults", "--url", url, "--circuit-open-rate", "1"]
    )
    assert result.exit_code == 0, result.output
    assert app.state.faults.config.circuit_open_rate == 1.0
    shop = httpx.get(f"{url}/_sim/shops").json()[0]
    with httpx.Client(base_url=url, timeout=5) as http:
        assert _roles(http, shop).status_code == 503
    result = runner.invoke(cli_app, ["simulator", "faults", "--url", url])
    assert result.exit_code == 0, result.output
    result = runner.invoke(
        cli_app, ["simulator", "faults", "--url", url, "--circuit-open-rate", "0"]
    )
    assert result.exit_code == 0, result.output
    with httpx.Client(base_url=url, timeout=5) as http:
        assert _roles(http, shop).status_code == 200
    result = runner.invoke(cli_app, ["simulator", "faults", "--url", url, "--drop-rate", "3"])
    assert result.exit_code != 0
    assert app.state.faults.config.drop_rate == 0
