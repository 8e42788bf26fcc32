"""17TRACK pushes: the signature check (accepted / rejected) and the parser, on the bodies the
simulated 17TRACK really sends and on malformed ones."""

from __future__ import annotations

import asyncio
import hashlib
import json
import threading
from collections.abc import Iterator

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import SecretStr
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from ozonops.carriers import (
    Leg,
    PushError,
    TrackingStatus,
    TrackingStopped,
    TrackingUpdated,
    UnknownPush,
    parse_push,
    push_signature,
    verify_push,
)
from ozonops.simulator import track17
from ozonops.simulator.config import SimConfig, TroubleRates
from ozonops.simulator.world import World
from tests.simulator.test_webhooks import Served

KEY = "0123456789ABCDEF0123456789ABCDEF"


def test_signature_is_sha256_of_body_slash_key() -> None:
    body = b'{"event":"TRACKING_STOPPED","data":{"number":"LX100000082CN"}}'
    expected = hashlib.sha256(body + b"/" + KEY.encode()).hexdigest()
    assert push_signature(body, KEY) == expected
    assert push_signature(body, SecretStr(KEY)) == expected
    assert verify_push(body, expected, SecretStr(KEY))
    assert verify_push(body, expected.upper(), KEY)  # hex case does not matter
    assert not verify_push(body, expected, "another key")
    assert not verify_push(body + b" ", expected, KEY)  # the exact bytes, not the JSON
    assert not verify_push(body, "", KEY)
    assert not verify_push(body, None, KEY)
    assert not verify_push(body, expected[:-1], KEY)


@given(st.binary(min_size=1, max_size=300), st.data())
def test_any_changed_byte_fails(body: bytes, data: st.DataObject) -> None:
    sign = push_signature(body, KEY)
    assert verify_push(body, sign, KEY)
    i = data.draw(st.integers(0, len(body) - 1))
    flipped = body[:i] + bytes([body[i] ^ data.draw(st.integers(1, 255))]) + body[i + 1 :]
    assert not verify_push(flipped, sign, KEY)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"{not json", "not JSON"),
        (b"[]", '"event" name'),
        (b'{"event": "TRACKING_UPDATED"}', '"data" must be an object'),
        (b'{"event": "TRACKING_UPDATED", "data": {"carrier": 3011}}', "data.number"),
        (b'{"event": "TRACKING_STOPPED", "data": {"number": ""}}', "data.number"),
        (
            b'{"event": "TRACKING_UPDATED", "data": {"number": "X1234", '
            b'"track_info": {"tracking": {"providers": "none"}}}}',
            "track_info.tracking.providers",
        ),
    ],
)
def test_malformed_pushes_name_the_problem(body: bytes, message: str) -> None:
    with pytest.raises(PushError, match=message):
        parse_push(body)


def test_stopped_and_unknown_events() -> None:
    stopped = parse_push(
        b'{"event":"TRACKING_STOPPED","data":{"number":"AA123456789BR","carrier":2151,'
        b'"param":null,"tag":""}}'
    )
    assert stopped == TrackingStopped("AA123456789BR", 2151, "")
    other = parse_push(b'{"event":"TRACKING_TELEPORTED","data":{"number":"X"}}')
    assert other == UnknownPush("TRACKING_TELEPORTED", {"number": "X"})


class Seller(Served):
    """A seller's webhook: checks the signature, parses, answers 200 fast (or 401)."""

    def __init__(self, key: str) -> None:
        self.key = key
        self.updates: list[TrackingUpdated] = []
        self.refused = 0
        self._lock = threading.Lock()

        async def hook(request: Request) -> Response:
            body = await request.body()
            if not verify_push(body, request.headers.get("sign"), SecretStr(self.key)):
                with self._lock:
                    self.refused += 1
                return PlainTextResponse("bad signature", 401)
            event = parse_push(body)
            with self._lock:
                if isinstance(event, TrackingUpdated):
                    self.updates.append(event)
            return PlainTextResponse("ok")

        super().__init__(Starlette(routes=[Route("/hook", hook, methods=["POST"])]))
        self.start()

    @property
    def url(self) -> str:
        return f"{self.base}/hook"

    def close(self) -> None:
        self.stop()


@pytest.fixture
def world() -> World:
    troubles = TroubleRates(customs_hold=0.4, lost=0.2, return_to_sender=0.2)
    return World(SimConfig(seed=9, shops=1, orders_per_day=40, history_days=50, troubles=troubles))


@pytest.fixture
def seller() -> Iterator[Seller]:
    s = Seller(KEY)
    yield s
    s.close()


def _pushes(world: World, url: str, key_for_seller: str) -> track17.Track17Pusher:
    service = track17.service_for(world)
    account = service.open_account(quota_total=500)
    pusher = track17.pusher_for(world)
    pusher.configure(account, url)
    for number in service.book.trackable_numbers(world.now(), 150):
        parcel = service.book.parcel(number, world.now())
        assert parcel is not None
        if parcel.carrier_key is not None:
            account.registrations[number] = track17.accounts.Registration(
                number, parcel.carrier_key, 1, world.now(), world.now()
            )
    # the seller's side knows this account's key
    assert key_for_seller
    return pusher


def test_real_pushes_verify_and_parse(world: World) -> None:
    service = track17.service_for(world)
    pusher = _pushes(world, "http://unused", "x")
    account = next(a for a in service.accounts.values() if a.webhook_url)
    seller = Seller(account.token)
    try:
        pusher.configure(account, seller.url)
        asyncio.run(pusher.dispatch_once())
        assert seller.refused == 0
        assert len(seller.updates) == 150
        statuses = {u.status.status for u in seller.updates}
        assert {TrackingStatus.DELIVERED, TrackingStatus.RETURNED} <= statuses
        for update in seller.updates:
            parcel = service.book.parcel(update.number, world.now())
            assert parcel is not None
            events = update.events
            assert [e.normalized.raw for e in events] == [
                e.sub_status for e in parcel.visible(world.now())
            ]
            assert [e.at for e in events] == [e.at for e in parcel.visible(world.now())]
            for ours, theirs in zip(events, parcel.visible(world.now()), strict=True):
                assert ours.leg == Leg(theirs.leg), (ours, theirs)
    finally:
        seller.close()


def test_pushes_under_another_key_are_refused(world: World, seller: Seller) -> None:
    pusher = _pushes(world, seller.url, KEY)  # the account's key is not KEY
    asyncio.run(pusher.dispatch_once())
    assert seller.updates == []
    assert seller.refused == 150
    body = json.dumps({"event": "TRACKING_STOPPED", "data": {"number": "X1234"}}).encode()
    assert verify_push(body, push_signature(body, KEY), KEY)
