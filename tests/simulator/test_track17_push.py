"""The simulated 17TRACK's pushes over real HTTP: TRACKING_UPDATED when a registered parcel gets
a scan on the simulated clock, TRACKING_STOPPED on an automatic stop, signed per §2.5."""

from __future__ import annotations

import asyncio
import hashlib
import json
import threading
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from ozonops.simulator import track17
from ozonops.simulator.app import create_app
from ozonops.simulator.track17.accounts import Account
from ozonops.simulator.webhooks import RETRY_GAPS_S
from ozonops.simulator.world import World
from tests.live import serve

from .conftest import AsgiClient, make_world
from .test_webhooks import Served


class Receiver(Served):
    """A seller's 17TRACK webhook endpoint that records raw bodies and signatures."""

    def __init__(self) -> None:
        self.received: list[tuple[bytes, str]] = []
        self.fail = False
        self._lock = threading.Lock()

        async def hook(request: Request) -> Response:
            body = await request.body()
            with self._lock:
                self.received.append((body, request.headers.get("sign", "")))
            return PlainTextResponse("no", 500) if self.fail else PlainTextResponse("ok")

        super().__init__(Starlette(routes=[Route("/17track", hook, methods=["POST"])]))

    @property
    def url(self) -> str:
        return f"{self.base}/17track"

    def events(self) -> list[dict[str, Any]]:
        return [json.loads(body) for body, _ in self.received]


@pytest.fixture(scope="module")
def receiver() -> Iterator[Receiver]:
    r = Receiver()
    r.start()
    yield r
    r.stop()


@pytest.fixture
def rx(receiver: Receiver) -> Receiver:
    receiver.received.clear()
    receiver.fail = False
    return receiver


def expected_sign(body: bytes, token: str) -> str:
    return hashlib.sha256(body + b"/" + token.encode()).hexdigest()


def setup(world: World, url: str, n: int) -> tuple[Account, list[str], track17.Track17Pusher]:
    service = track17.service_for(world)
    pusher = track17.pusher_for(world)
    account = service.open_account(quota_total=1000, per_second=1000)
    numbers = service.book.trackable_numbers(world.now(), 400)
    # parcels still on their way: they get new scans when the clock moves
    moving = [
        num
        for num in numbers
        if (parcel := service.book.parcel(num, world.now())) is not None
        and any(e.at > world.now() for e in parcel.events)
        and parcel.visible(world.now())
    ][:n]
    assert len(moving) == n
    client = AsgiClient(create_app(world.config, world=world), base_url="http://sim")
    try:
        resp = client.request(
            "PUT", "/_sim/17track/webhook", json={"token": account.token, "url": url}
        )
        assert resp.status_code == 200
        out = client.post(
            "/17track/track/v2.2/register",
            json=[{"number": m} for m in moving],
            headers={"17token": account.token},
        ).json()
        assert len(out["data"]["accepted"]) == n
    finally:
        client.close()
    return account, moving, pusher


def tick(pusher: track17.Track17Pusher) -> int:
    return asyncio.run(pusher.dispatch_once())


def test_updates_follow_the_simulated_clock(rx: Receiver) -> None:
    world = make_world()
    account, numbers, pusher = setup(world, rx.url, 5)
    assert tick(pusher) == 5  # each number already had scans: one push each
    first = rx.events()
    assert {e["event"] for e in first} == {"TRACKING_UPDATED"}
    assert sorted(e["data"]["number"] for e in first) == sorted(numbers)
    for body, sign in rx.received:
        assert sign == expected_sign(body, account.token)
    assert tick(pusher) == 0  # nothing new, nothing sent
    service = track17.service_for(world)
    nxt = min(
        e.at
        for n in numbers
        if (p := service.book.parcel(n, world.now())) is not None
        for e in p.events
        if e.at > world.now()
    )
    before = world.now()
    world.clock.advance((nxt - world.now()).total_seconds() + 1)
    rx.received.clear()
    assert tick(pusher) >= 1
    for event in rx.events():
        info = event["data"]["track_info"]
        assert info["latest_event"]["time_utc"] <= world.now().isoformat()
        number = event["data"]["number"]
        parcel = service.book.parcel(number, world.now())
        assert parcel is not None
        assert info["latest_status"]["sub_status"] == parcel.visible(world.now())[-1].sub_status
    pushed = [e["data"]["number"] for e in rx.events()]
    news = set()  # exactly the numbers that got a scan in the meantime, once each
    for number in numbers:
        parcel = service.book.parcel(number, world.now())
        assert parcel is not None
        if any(before < e.at <= world.now() for e in parcel.events):
            news.add(number)
    assert sorted(pushed) == sorted(news)


def test_stopped_push_after_30_quiet_days(rx: Receiver) -> None:
    world = make_world()
    _, numbers, pusher = setup(world, rx.url, 2)
    tick(pusher)
    world.clock.advance(200 * 86400)
    rx.received.clear()
    tick(pusher)
    kinds = sorted((e["event"], e["data"]["number"]) for e in rx.events())
    assert ("TRACKING_STOPPED", numbers[0]) in kinds
    assert ("TRACKING_STOPPED", numbers[1]) in kinds
    stopped = [e for e in rx.events() if e["event"] == "TRACKING_STOPPED"]
    assert all(set(e["data"]) == {"number", "carrier", "param", "tag"} for e in stopped)
    rx.received.clear()
    tick(pusher)
    assert rx.received == []  # once


def test_failed_pushes_are_retried_on_the_simulated_clock(rx: Receiver) -> None:
    world = make_world()
    account, numbers, pusher = setup(world, rx.url, 1)
    rx.fail = True
    assert tick(pusher) == 1
    assert tick(pusher) == 0  # not yet due
    reg = account.registrations[numbers[0]]
    assert (reg.push_status, reg.push_status_code) == ("Failure", 500)
    world.clock.advance(RETRY_GAPS_S[0])
    rx.fail = False
    assert tick(pusher) == 1
    assert reg.push_status == "Success"
    assert len(rx.received) == 2
    assert rx.received[0][0] == rx.received[1][0]
    hook = pusher.hook(account).status(account)
    assert (hook["delivered"], hook["failed"], hook["queue"]) == (1, 1, 0)


def test_pushes_run_in_the_served_app(rx: Receiver) -> None:
    world = make_world()
    app = create_app(world.config, world=world)
    with serve(app) as base:
        service = track17.service_for(world)
        account = service.open_account(quota_total=10)
        (number,) = service.book.trackable_numbers(world.now(), 1)
        httpx.put(f"{base}/_sim/17track/webhook", json={"token": account.token, "url": rx.url})
        httpx.post(
            f"{base}/17track/track/v2.2/register",
            json=[{"number": number}],
            headers={"17token": account.token},
        ).raise_for_status()
        deadline = time.monotonic() + 10
        while not rx.received and time.monotonic() < deadline:
            time.sleep(0.05)
    assert [e["data"]["number"] for e in rx.events()] == [number]
    body, sign = rx.received[0]
    assert sign == expected_sign(body, account.token)
