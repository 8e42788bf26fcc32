"""The 17TRACK client against the simulated 17TRACK (over ASGI and over a real socket)."""

from __future__ import annotations

import asyncio
import json
import math
import time
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest
from pydantic import SecretStr

from ozonops.carriers import (
    ErrorCode,
    NumberRef,
    Registration,
    Track17AuthError,
    Track17Client,
    Track17RateLimited,
    Track17RequestError,
    Track17Retry,
    Track17Unavailable,
    Track17UnexpectedResponse,
    TrackingStatus,
    from_ozon,
)
from ozonops.simulator import track17
from ozonops.simulator.app import create_app
from ozonops.simulator.config import SimConfig
from ozonops.simulator.world import World
from tests.live import serve

pytestmark = pytest.mark.anyio
CONFIG = SimConfig(seed=5, shops=1, orders_per_day=80, history_days=45)


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


class Sim:
    def __init__(self) -> None:
        self.world = World(CONFIG)
        self.app = create_app(CONFIG, world=self.world)
        self.service = track17.service_for(self.world)
        self.account = self.service.open_account(quota_total=10_000)
        self.numbers = self.service.book.trackable_numbers(self.world.now(), 400)

    def client(self, token: str | None = None, **kwargs: Any) -> Track17Client:
        return Track17Client(
            api_key=SecretStr(token or self.account.token),
            base_url="http://sim/17track",
            transport=httpx.ASGITransport(app=self.app),
            **kwargs,
        )

    def truth(self, number: str) -> list[tuple[str, str]]:
        parcel = self.service.book.parcel(number, self.world.now())
        assert parcel is not None
        return [
            (e.at.strftime("%Y-%m-%dT%H:%M:%SZ"), e.sub_status)
            for e in parcel.visible(self.world.now())
        ]


@pytest.fixture
def sim() -> Sim:
    return Sim()


@pytest.fixture
async def client(sim: Sim) -> AsyncIterator[Track17Client]:
    async with sim.client() as c:
        yield c


async def nosleep(_: float) -> None:
    return None


async def test_register_in_batches_of_40_with_per_number_outcomes(
    sim: Sim, client: Track17Client
) -> None:
    numbers = sim.numbers[:95]
    items: list[Registration | str] = [*numbers, "x", Registration(numbers[0], tag="again")]
    result = await client.register(items)
    assert result.calls == math.ceil(len(items) / 40) == 3
    assert [a.number for a in result.accepted] == numbers
    assert all(a.carrier for a in result.accepted)
    assert [(r.number, r.known) for r in result.rejected] == [
        ("x", ErrorCode.INVALID_FORMAT),
        (numbers[0], ErrorCode.ALREADY_REGISTERED),
    ]
    assert [r.number for r in result.failed] == ["x"]  # "already registered" is not a failure
    quota = await client.get_quota()
    assert (quota.quota_used, quota.quota_remain) == (95, 10_000 - 95)
    again = await client.register(numbers[:3])  # a retried register costs nothing
    assert again.accepted == ()
    assert all(r.already_registered for r in again.rejected)
    assert (await client.get_quota()).quota_used == 95


async def test_track_info_agrees_with_the_world(sim: Sim, client: Track17Client) -> None:
    numbers = sim.numbers[:120]
    await client.register(numbers)
    result = await client.get_track_info([*numbers, NumberRef("LX000000000CN")])
    assert result.calls == 4
    assert [r.known for r in result.rejected] == [ErrorCode.NOT_REGISTERED]
    assert [p.number for p in result.accepted] == numbers
    delivered = 0
    for parcel in result.accepted:
        assert parcel.track_info is not None
        merged = [
            (e.time_utc.strftime("%Y-%m-%dT%H:%M:%SZ") if e.time_utc else "", e.sub_status or "")
            for _, e in parcel.track_info.events()
        ]
        assert merged == sim.truth(parcel.number)
        posting = sim.service.book.posting(parcel.number, sim.world.now())
        assert posting is not None
        ozon = from_ozon(sim.world.event(posting).substatus)
        if ozon.status is TrackingStatus.DELIVERED:  # what Ozon says, the carrier said first
            assert parcel.normalized.status is TrackingStatus.DELIVERED
            delivered += 1
    assert delivered > 20


async def test_stop_retrack_and_track_list(sim: Sim, client: Track17Client) -> None:
    numbers = sim.numbers[:50]
    await client.register(numbers)
    stopped = await client.stop_track([numbers[0], NumberRef(numbers[1])])
    assert [s.number for s in stopped.accepted] == numbers[:2]
    twice = await client.stop_track([numbers[0]])
    assert [r.known for r in twice.rejected] == [ErrorCode.STOP_ONLY_TRACKING]
    again = await client.retrack([numbers[0]])
    assert [a.number for a in again.accepted] == [numbers[0]]
    page = await client.get_track_list(tracking_status="Stopped")
    assert [i.number for i in page.items] == [numbers[1]]
    assert page.items[0].stop_track_reason == "ByRequest"
    first = await client.get_track_list()
    second = await client.get_track_list(page_no=2)
    assert (first.data_total, first.page_total, first.has_next, second.has_next) == (
        50,
        2,
        True,
        False,
    )
    assert {i.number for i in first.items + second.items} == set(numbers)
    deleted = await client.delete_track([numbers[2]])
    assert [d.number for d in deleted.accepted] == [numbers[2]]
    assert (await client.get_track_list()).data_total == 49


async def test_bad_key_raises_and_never_shows_the_key(sim: Sim) -> None:
    secret = "F" * 32
    async with sim.client(secret) as c:
        with pytest.raises(Track17AuthError) as err:
            await c.get_quota()
        assert err.value.code == ErrorCode.INVALID_KEY
        assert err.value.status == 401
        assert secret not in str(err.value)
        assert secret not in repr(c)


async def test_the_limiter_keeps_under_3_per_second(sim: Sim, client: Track17Client) -> None:
    started = time.monotonic()
    for _ in range(7):
        await client.get_quota()
    assert client.throttled == 0
    assert client.calls == 7
    assert time.monotonic() - started >= 2.0  # 3 + 3 + 1 calls: two full windows waited


async def test_without_the_limiter_429s_are_retried(sim: Sim) -> None:
    async with sim.client(limit_rate=False, concurrency=8) as c:
        quotas = await asyncio.gather(*(c.get_quota() for _ in range(6)))
        assert all(q.quota_total == 10_000 for q in quotas)
        assert c.throttled >= 3
        assert c.calls == 6 + c.throttled
    async with sim.client(limit_rate=False, concurrency=8, retry=Track17Retry(max_attempts=1)) as c:
        outcomes = await asyncio.gather(*(c.get_quota() for _ in range(6)), return_exceptions=True)
        refused = [o for o in outcomes if isinstance(o, Exception)]
        assert refused
        assert all(isinstance(o, Track17RateLimited) for o in refused)
        assert all(o.retry_after == 1.0 for o in refused if isinstance(o, Track17RateLimited))


async def test_server_errors_are_retried_then_raised(sim: Sim) -> None:
    faults = sim.app.state.faults
    faults.update(error_5xx_rate=1.0)
    async with sim.client(sleep=nosleep, retry=Track17Retry(max_attempts=4)) as c:
        with pytest.raises(Track17Unavailable):
            await c.get_quota()
        assert c.calls == 4
    faults.update(error_5xx_rate=0.5)
    injected = faults.injected["5xx"]
    async with sim.client(sleep=nosleep, retry=Track17Retry(max_attempts=20)) as c:
        result = await c.register(sim.numbers[:240])
        assert len(result.accepted) == 240
        assert result.rejected == ()
        assert result.calls == 6
        assert c.calls == 6 + faults.injected["5xx"] - injected > 6


def _mock(body: Any, status: int = 200) -> httpx.MockTransport:
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    return httpx.MockTransport(lambda request: httpx.Response(status, content=raw))


@pytest.mark.parametrize(
    ("body", "error", "code"),
    [
        ({"code": 0, "data": {"errors": [{"code": -18010013, "message": "Invalid data."}]}},
         Track17RequestError, -18010013),
        ({"code": -18010014, "data": {}}, Track17RequestError, -18010014),
        ({"code": -18010002, "data": {}}, Track17AuthError, -18010002),
        ({"code": -18010003, "data": {}}, Track17Unavailable, -18010003),
        (b"<html>gateway</html>", Track17UnexpectedResponse, None),
        ({"data": {"accepted": []}}, Track17UnexpectedResponse, None),
        ({"code": 0, "data": {"accepted": [{"carrier": 1}]}}, Track17UnexpectedResponse, None),
    ],
)  # fmt: skip
async def test_failures_are_never_an_empty_success(
    body: Any, error: type[Exception], code: int | None
) -> None:
    async with Track17Client(
        api_key=SecretStr("k"), transport=_mock(body), sleep=nosleep, limit_rate=False
    ) as c:
        with pytest.raises(error) as caught:
            await c.register(["LX100000082CN"])
    assert getattr(caught.value, "code", None) == code
    assert "register" in str(caught.value)


async def test_sends_17track_requests() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"code": 0, "data": {"accepted": [], "rejected": []}})

    async with Track17Client(
        api_key=SecretStr("KEY"), transport=httpx.MockTransport(handler), limit_rate=False
    ) as c:
        await c.register([Registration("LX100000082CN", carrier=3011, tag="42-1")])
    (request,) = seen
    assert str(request.url) == "https://api.17track.net/track/v2.2/register"
    assert request.method == "POST"
    assert request.headers["17token"] == "KEY"
    assert json.loads(request.content) == [
        {"number": "LX100000082CN", "carrier": 3011, "tag": "42-1"}
    ]


@pytest.fixture
def served(sim: Sim) -> Iterator[str]:
    with serve(sim.app) as url:
        yield url


async def test_over_a_real_socket(sim: Sim, served: str) -> None:
    async with Track17Client(
        api_key=SecretStr(sim.account.token), base_url=f"{served}/17track"
    ) as c:
        await c.register(sim.numbers[:5])
        result = await c.get_track_info(sim.numbers[:5])
    assert [p.number for p in result.accepted] == sim.numbers[:5]
    assert all(p.normalized.status is not TrackingStatus.UNKNOWN for p in result.accepted)


async def test_iter_track_info_yields_call_by_call_in_order(
    sim: Sim, client: Track17Client
) -> None:
    numbers = sim.numbers[:130]
    await client.register(numbers)
    parts = [part async for part in client.iter_track_info(numbers)]
    assert [len(p.accepted) for p in parts] == [40, 40, 40, 10]
    assert [t.number for p in parts for t in p.accepted] == numbers
    whole = await client.get_track_info(numbers)
    assert [t.number for t in whole.accepted] == numbers
