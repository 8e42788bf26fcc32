"""Push notifications over real HTTP: a tiny receiver runs under uvicorn on 127.0.0.1."""

from __future__ import annotations

import asyncio
import json
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import ExitStack
from datetime import timedelta
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ozonops.domain import push_state
from ozonops.simulator import webhooks
from ozonops.simulator.app import create_app
from ozonops.simulator.config import TroubleRates
from ozonops.simulator.webhooks import (
    RATE_MIN_SEEN,
    RETRY_GAPS_S,
    WebhookDispatcher,
    dispatcher_for,
)
from ozonops.simulator.world import World
from ozonops.simulator.world import chats as ch
from tests.live import serve
from tests.shared import PAYLOADS

from .conftest import AsgiClient, make_world

SAMPLES = PAYLOADS / "push"

#: Keys the spec's push_types documents per type (tag "push_types", RU edition 2026-08-14).
SPEC_KEYS: dict[str, set[str]] = {
    "TYPE_PING": {"message_type", "time"},
    "TYPE_NEW_POSTING": {
        "message_type", "posting_number", "products", "in_process_at", "warehouse_id",
        "shipment_date", "tpl_integration_type", "is_express", "tracking_number",
        "delivery_date_begin", "delivery_date_end", "seller_id",
    },
    "TYPE_POSTING_CANCELLED": {
        "message_type", "posting_number", "products", "old_state", "new_state",
        "changed_state_date", "reason", "warehouse_id", "seller_id",
    },
    "TYPE_STATE_CHANGED": {
        "message_type", "posting_number", "new_state", "changed_state_date", "warehouse_id",
        "seller_id",
    },
    "TYPE_DELIVERY_DATE_CHANGED": {
        "message_type", "posting_number", "new_delivery_date_begin", "new_delivery_date_end",
        "old_delivery_date_begin", "old_delivery_date_end", "warehouse_id", "seller_id",
    },
    "TYPE_NEW_MESSAGE": {
        "message_type", "chat_id", "chat_type", "message_id", "created_at", "user", "data",
        "seller_id",
    },
    "TYPE_FBO_POSTING_NEW": {
        "message_type", "posting_number", "order_number", "uuid", "products", "creation_date",
        "warehouse_id", "seller_id",
    },
    "TYPE_FBO_POSTING_CANCELLED": {
        "message_type", "posting_number", "order_number", "uuid", "products", "old_state",
        "new_state", "cancel_date", "reason", "warehouse_id", "seller_id",
    },
    "TYPE_FBO_POSTING_STATE_CHANGED": {
        "message_type", "posting_number", "order_number", "uuid", "new_state",
        "changed_state_date", "warehouse_id", "seller_id",
    },
}  # fmt: skip


class Served:
    """An ASGI app served by uvicorn on a free 127.0.0.1 port in a thread."""

    def __init__(self, app: Any) -> None:
        self._app = app
        self._stack = ExitStack()
        self.base = ""

    def start(self) -> None:
        self.base = self._stack.enter_context(serve(self._app, log_level="error"))

    def stop(self) -> None:
        self._stack.close()


class Receiver(Served):
    """A seller's push endpoint that records every request; it can fail or be slow."""

    def __init__(self) -> None:
        self.received: list[dict[str, Any]] = []
        self.mode = "ok"  # ok | fail | flaky (2 of 3 fail)
        self.delay = 0.0
        self.content_types: set[str] = set()
        self._n = 0
        self._lock = threading.Lock()

        async def push(request: Request) -> Response:
            body = await request.json()
            with self._lock:
                self.received.append(body)
                self.content_types.add(request.headers.get("content-type", ""))
                self._n += 1
                n = self._n
            if self.delay:
                await asyncio.sleep(self.delay)
            if self.mode == "fail" or (self.mode == "flaky" and n % 3 != 0):
                err = {"error": {"code": "ERROR_UNKNOWN", "message": "boom", "details": None}}
                return JSONResponse(err, 500)
            if body.get("message_type") == "TYPE_PING":
                return JSONResponse({"version": "1.0", "name": "test", "time": body["time"]})
            return JSONResponse({"result": True})

        super().__init__(Starlette(routes=[Route("/push", push, methods=["POST"])]))

    @property
    def url(self) -> str:
        return f"{self.base}/push"

    def types(self) -> list[str]:
        return [r["message_type"] for r in self.received]


@pytest.fixture(scope="module")
def receiver() -> Iterator[Receiver]:
    r = Receiver()
    r.start()
    yield r
    r.stop()


@pytest.fixture
def rx(receiver: Receiver) -> Receiver:
    receiver.received.clear()
    receiver.mode = "ok"
    receiver.delay = 0.0
    return receiver


def tick(d: WebhookDispatcher) -> int:
    return asyncio.run(d.dispatch_once())


def _sample_keys(message_type: str) -> set[str]:
    keys: set[str] = set()
    folder = SAMPLES / message_type
    if folder.is_dir():
        for f in folder.glob("*.json"):
            data = json.loads(f.read_text())
            if len(data) > 1:
                keys |= set(data)
    return keys


def _check_keys(payload: dict[str, Any]) -> None:
    mt = payload["message_type"]
    assert set(payload) == SPEC_KEYS[mt], (mt, set(payload) ^ SPEC_KEYS[mt])
    assert _sample_keys(mt) <= set(payload), mt


def test_ping_handshake(rx: Receiver) -> None:
    world = make_world()
    d = WebhookDispatcher(world)
    d.configure(world.shops[0], rx.url)
    assert tick(d) == 1
    assert rx.types() == ["TYPE_PING"]
    _check_keys(rx.received[0])
    assert rx.content_types == {"application/json"}
    st = d.shops[0].status()
    assert st["delivered"] == 1
    assert st["failed"] == 0
    assert not st["suspended"]
    assert d.shops[1].status()["url"] is None


def test_pushes_follow_the_timelines(rx: Receiver) -> None:
    world = make_world()
    d = WebhookDispatcher(world, ping_interval_s=10**9)
    shop = world.shops[0]
    d.configure(shop, rx.url)
    t0 = world.now()
    for _ in range(48):
        world.clock.advance(3600)
        tick(d)
    t1 = world.now()
    got = rx.received
    types = {p["message_type"] for p in got}
    for must in ("TYPE_NEW_POSTING", "TYPE_STATE_CHANGED", "TYPE_FBO_POSTING_NEW",
                 "TYPE_FBO_POSTING_STATE_CHANGED", "TYPE_NEW_MESSAGE"):  # fmt: skip
        assert must in types, must
    for p in got:
        _check_keys(p)
        if "seller_id" in p:
            assert p["seller_id"] == shop.seller_id
    # every posting that appeared in the window got exactly one new-posting push
    expected_new: set[str] = set()
    expected_states: dict[str, list[str]] = {}
    for fbo in (False, True):
        for posting in world.postings(shop, fbo=fbo, since=t0 - timedelta(days=120), to=t1):
            tl = posting.timeline
            if t0 < tl[0].at <= t1:
                expected_new.add(posting.posting_number)
            prev = ""
            for k, ev in enumerate(tl):
                state = push_state(ev.status, ev.substatus, fbo=fbo)
                if k and t0 < ev.at <= t1 and state != prev and ev.status != "cancelled":
                    expected_states.setdefault(posting.posting_number, []).append(state)
                prev = state
    new = [p["posting_number"] for p in got if p["message_type"].endswith(("NEW_POSTING", "_NEW"))]
    assert len(new) == len(set(new))
    assert set(new) == expected_new
    states: dict[str, list[str]] = {}
    for p in got:
        if p["message_type"] in ("TYPE_STATE_CHANGED", "TYPE_FBO_POSTING_STATE_CHANGED"):
            states.setdefault(p["posting_number"], []).append(p["new_state"])
    assert states == expected_states
    # a state push carries the time of the posting's event
    sample = next(p for p in got if p["message_type"] == "TYPE_STATE_CHANGED")
    posting = world.find_posting(shop, sample["posting_number"])
    assert posting is not None
    times = {
        ev.at.isoformat(timespec="milliseconds").replace("+00:00", "Z") for ev in posting.timeline
    }
    assert sample["changed_state_date"] in times
    # a new-message push points at a chat and a buyer message the chat methods show
    for p in got:
        if p["message_type"] == "TYPE_NEW_MESSAGE":
            chat = ch.find_chat(world, shop, p["chat_id"], t1)
            assert chat is not None
            msg = next(m for m in chat.messages if str(m.message_id) == p["message_id"])
            assert msg.user_type == p["user"]["type"] == "Customer"
            assert [msg.text] == p["data"]
            assert t0 < msg.created_at <= t1
    # FBO pushes carry a unique uuid
    uuids = [p["uuid"] for p in got if "uuid" in p]
    assert uuids
    assert len(uuids) == len(set(uuids))
    assert d.shops[0].status()["failed"] == 0


def test_cancellation_and_delivery_date_pushes(rx: Receiver) -> None:
    rates = TroubleRates(stall=0.3, customs_hold=0.3, buyer_cancellation=0.2)
    world = make_world(troubles=rates)
    d = WebhookDispatcher(world, ping_interval_s=10**9)
    d.configure(world.shops[0], rx.url)
    for _ in range(12):
        world.clock.advance(8 * 3600)
        tick(d)
    cancels = [p for p in rx.received if p["message_type"] == "TYPE_POSTING_CANCELLED"]
    moved = [p for p in rx.received if p["message_type"] == "TYPE_DELIVERY_DATE_CHANGED"]
    assert cancels
    assert moved
    for p in cancels:
        assert p["new_state"] == "posting_canceled"
        assert p["old_state"] != "posting_canceled"
        assert p["reason"]["id"] > 0
        assert p["reason"]["message"]
    for p in moved:
        assert p["new_delivery_date_begin"] > p["old_delivery_date_begin"]


def _fail_until_dropped(rx: Receiver, d: WebhookDispatcher) -> None:
    world = d.world
    start = len(rx.received)
    tick(d)
    assert len(rx.received) == start + 1
    for k, gap in enumerate(RETRY_GAPS_S):
        world.clock.advance(gap - 1)
        tick(d)
        assert len(rx.received) == start + 1 + k, f"retry {k + 1} came early"
        world.clock.advance(1)
        tick(d)
        assert len(rx.received) == start + 2 + k, f"retry {k + 1} did not come after {gap}s"


def test_retry_schedule_then_drop(rx: Receiver) -> None:
    world = make_world(orders_per_day=0)
    d = WebhookDispatcher(world, ping_interval_s=10**9)
    rx.mode = "fail"
    d.configure(world.shops[0], rx.url)
    _fail_until_dropped(rx, d)
    assert len(RETRY_GAPS_S) == 11
    assert RETRY_GAPS_S[-5:] == (600,) * 5
    assert max(RETRY_GAPS_S[:6]) == 600
    assert list(RETRY_GAPS_S[:6]) == sorted(RETRY_GAPS_S[:6])
    st = d.shops[0].status()
    assert st["dropped"] == 1
    assert st["queue"] == 0
    assert st["failed"] == 12
    assert not st["suspended"]  # 12 replies seen < RATE_MIN_SEEN
    n = len(rx.received)
    world.clock.advance(7200)
    tick(d)
    assert len(rx.received) == n


def test_retry_succeeds_after_failures(rx: Receiver) -> None:
    world = make_world(orders_per_day=0)
    d = WebhookDispatcher(world, ping_interval_s=10**9)
    rx.mode = "fail"
    d.configure(world.shops[0], rx.url)
    tick(d)
    world.clock.advance(RETRY_GAPS_S[0])
    tick(d)
    rx.mode = "ok"
    world.clock.advance(RETRY_GAPS_S[1])
    tick(d)
    st = d.shops[0].status()
    assert (st["failed"], st["delivered"], st["queue"], st["dropped"]) == (2, 1, 0, 0)
    assert [a["attempt"] for a in st["recent"]] == [1, 2, 3]


def test_suspension_when_most_replies_fail_then_resume(rx: Receiver) -> None:
    world = make_world()
    app = create_app(world.config, world=world)
    client = AsgiClient(app)
    try:
        d = dispatcher_for(world)
        shop = world.shops[0]
        rx.mode = "flaky"
        r = client.request(
            "PUT", "/_sim/webhooks", json={"client_id": shop.client_id, "url": rx.url}
        )
        assert r.status_code == 200
        for _ in range(48):
            world.clock.advance(1800)
            tick(d)
            if d.shops[0].suspended:
                break
        st = client.get("/_sim/webhooks").json()["shops"][0]
        assert st["suspended"]
        assert "half" in st["suspended_reason"]
        assert st["delivered"] + st["failed"] >= RATE_MIN_SEEN
        assert st["queue"] == 0
        # nothing more arrives while suspended, even as the world moves on
        n = len(rx.received)
        for _ in range(6):
            world.clock.advance(3600)
            tick(d)
        assert len(rx.received) == n
        assert client.get("/_sim/webhooks").json()["shops"][0]["missed"] > 0
        # resume through the control API: a ping first, then new changes
        rx.mode = "ok"
        r = client.post("/_sim/webhooks/resume", json={"client_id": shop.client_id})
        assert r.status_code == 200
        assert not r.json()["shops"][0]["suspended"]
        tick(d)
        assert rx.received[n]["message_type"] == "TYPE_PING"
        world.clock.advance(3 * 3600)
        tick(d)
        assert len(rx.received) > n + 1
        # control API refusals and removal
        bad = client.request("PUT", "/_sim/webhooks", json={"client_id": "nope", "url": rx.url})
        assert bad.status_code == 404
        bad = client.request("PUT", "/_sim/webhooks", json={"client_id": shop.client_id, "url": 5})
        assert bad.status_code == 400
        gone = client.request(
            "PUT", "/_sim/webhooks", json={"client_id": shop.client_id, "url": None}
        )
        assert gone.json()["shops"][0]["url"] is None
        n = len(rx.received)
        world.clock.advance(3600)
        tick(d)
        assert len(rx.received) == n
    finally:
        client.close()


def test_suspension_when_a_reply_is_slow(rx: Receiver) -> None:
    world = make_world()
    d = WebhookDispatcher(world, slow_threshold_s=0.2, timeout_s=3.0)
    rx.delay = 0.4
    d.configure(world.shops[0], rx.url)
    tick(d)
    st = d.shops[0].status()
    assert st["suspended"]
    assert "0.2 s" in st["suspended_reason"]
    assert st["delivered"] == 1  # the reply was right, only too slow
    rx.delay = 0.0
    n = len(rx.received)
    world.clock.advance(6 * 3600)
    tick(d)
    assert len(rx.received) == n
    d.resume(world.shops[0])
    tick(d)
    assert len(rx.received) == n + 1
    assert not d.shops[0].suspended


def test_timeout_counts_as_slow(rx: Receiver) -> None:
    world = make_world(orders_per_day=0)
    d = WebhookDispatcher(world, slow_threshold_s=5.0, timeout_s=0.2)
    rx.delay = 0.5
    d.configure(world.shops[0], rx.url)
    tick(d)
    st = d.shops[0].status()
    assert st["suspended"]
    assert st["failed"] == 1
    assert st["recent"][0]["error"] == "REQUEST_TIMEOUT"


def test_unreachable_endpoint_fails_and_retries(world: World) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    d = WebhookDispatcher(world, ping_interval_s=10**9)
    d.configure(world.shops[0], f"http://127.0.0.1:{port}/push")
    tick(d)
    st = d.shops[0].status()
    assert st["failed"] == 1
    assert st["queue"] == 1
    assert st["recent"][0]["error"].startswith("REQUEST_ERROR")


def test_push_state_table() -> None:
    assert push_state("awaiting_packaging", "ship_failed") == "posting_created"
    assert push_state("awaiting_deliver", "posting_in_carriage") == "posting_in_carriage"
    assert push_state("awaiting_deliver", "posting_registered") == "posting_not_in_carriage"
    assert push_state("delivered", "posting_received") == "posting_received"
    assert push_state("not_accepted", "posting_not_in_sort_center") == "posting_not_in_sort_center"
    assert push_state("awaiting_packaging", "posting_packing", fbo=True) == "posting_packing"
    assert push_state("awaiting_packaging", "posting_packing") == "posting_created"


def test_errors_for_24_hours_suspend(rx: Receiver, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(webhooks, "RATE_MIN_SEEN", 10**6)  # leave only the 24-hour rule
    world = make_world(orders_per_day=0)
    d = WebhookDispatcher(world, ping_interval_s=2 * 3600)
    rx.mode = "fail"
    d.configure(world.shops[0], rx.url)
    hours = 0.0
    while not d.shops[0].suspended and hours < 30:
        world.clock.advance(1200)
        hours += 1200 / 3600
        tick(d)
    st = d.shops[0].status()
    assert st["suspended"]
    assert "24" in st["suspended_reason"]
    assert 24 <= hours <= 24.5
    assert st["delivered"] == 0
    assert st["dropped"] > 0


def test_app_lifespan_runs_the_dispatcher(rx: Receiver) -> None:
    """The simulator served by uvicorn pings every shop of ``webhook_url`` on its own."""
    world = make_world(webhook_url=rx.url)
    sim = Served(create_app(world.config, world=world))
    sim.start()
    try:
        deadline = time.monotonic() + 10
        while rx.types().count("TYPE_PING") < len(world.shops):
            assert time.monotonic() < deadline, "the dispatcher did not ping"
            time.sleep(0.05)
        shops = httpx.get(f"{sim.base}/_sim/webhooks").json()["shops"]
    finally:
        sim.stop()
    assert all(s["url"] == rx.url for s in shops)


def test_seller_actions_reach_the_webhook(rx: Receiver) -> None:
    """A pack moves the timeline (new list) and a cancel lands at the very scan instant."""
    world = make_world()
    shop = world.shops[0]
    d = WebhookDispatcher(world, ping_interval_s=10**9)
    world.clock.advance(6 * 3600)  # orders created after the history wait for the seller
    now = world.now()
    waiting = [
        p
        for p in world.postings(shop, fbo=False, since=now - timedelta(hours=5), to=now)
        if not p.autopilot and world.event(p).status == "awaiting_packaging"
    ]
    assert len(waiting) >= 2
    packed, cancelled = waiting[0], waiting[1]
    d.configure(shop, rx.url)
    world.clock.advance(1)
    now = world.now()
    tick(d)
    with world.lock:
        packed.actions.setdefault("ship", []).append(now)
        world.refresh(packed)
        cancelled.cancelled_at = now
        cancelled.cancellation = packed.cancellation_plan or world.cancellation(cancelled)
        world.refresh(cancelled)
    tick(d)  # same frozen instant: the cancellation is at `now`, the packing 45 s later
    mine = [p for p in rx.received if p.get("posting_number") == cancelled.posting_number]
    assert [p["message_type"] for p in mine] == ["TYPE_POSTING_CANCELLED"]
    assert mine[0]["old_state"] == "posting_created"
    world.clock.advance(60)
    tick(d)
    mine = [p for p in rx.received if p.get("posting_number") == packed.posting_number]
    assert [p["message_type"] for p in mine] == ["TYPE_STATE_CHANGED"]
    assert mine[0]["new_state"] in ("posting_not_in_carriage", "posting_awaiting_registration")
    world.clock.advance(60)
    tick(d)  # no duplicates on later scans
    assert len([p for p in rx.received if p.get("posting_number") == packed.posting_number]) == 1
