"""Pushes end to end: the simulator pushes over HTTP to the receiver, the processor applies.

The store's status history then tells every push-state transition of the world, at the times
the pushes gave — also when pushes come twice and out of order; with pushes lost, a polling
sync afterwards still makes every current status exact.
"""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select, update

from ozonops.db import Database
from ozonops.db.tables import InboxPush, Shop
from ozonops.domain import push_state
from ozonops.simulator.webhooks import dispatcher_for, push_client
from ozonops.simulator.world import World
from ozonops.sync import PushProcessor, Syncer
from tests.live import serve
from tests.sync.kit import (
    add_shops,
    make_app,
    stored_history,
    stored_postings,
    syncer,
    truth_postings,
)
from tests.web.kit import receiver_app, served

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


Transitions = list[tuple[str, datetime]]


def world_transitions(world: World, after: datetime) -> dict[str, Transitions]:
    """Per posting: (push state, when) for every change of push state after ``after``."""
    out: dict[str, Transitions] = {}
    for shop in world.shops:
        for fbo in (False, True):
            for p in world.postings(
                shop, fbo=fbo, since=after - timedelta(days=200), to=world.now()
            ):
                prev = ""
                moves: Transitions = []
                for ev in p.history(world.now()):
                    state = push_state(ev.status, ev.substatus, fbo=fbo)
                    if state != prev and ev.at > after:
                        moves.append((state, ev.at))
                    prev = state
                if moves:
                    out[p.posting_number] = moves
    return out


def store_transitions(db: Database, world: World, floor: datetime) -> dict[str, Transitions]:
    """The same, read from the store's history: consecutive entries of one push state are one,
    and every first entry of a state must carry the pushed (exact) time — but for a posting
    read from Ozon because of a push, whose first entry is the state it was in before the
    pushes began (a poll saw it; no push tells when it began)."""
    out: dict[str, Transitions] = {}
    schemes = {p["posting_number"]: p["scheme"] for p in _schemes(db)}
    for number, entries in stored_history(db).items():
        fbo = schemes[number] == "fbo"
        moves: Transitions = []
        for k, (state, group) in enumerate(
            itertools.groupby(entries, key=lambda e: push_state(e[0], e[1], fbo=fbo))
        ):
            first = next(group)
            if k == 0 and not first[3]:
                posting = _find(world, number)
                before = world.event(posting, floor)
                assert push_state(before.status, before.substatus, fbo=fbo) == state, number
                continue
            assert first[3], (number, "not exact", first)
            moves.append((state, first[2]))
        if moves:
            out[number] = moves
    return out


def _schemes(db: Database) -> list[dict[str, str]]:
    return [{"posting_number": n, "scheme": p["scheme"]} for n, p in stored_postings(db).items()]


def _find(world: World, number: str) -> Any:
    for shop in world.shops:
        p = world.find_posting(shop, number)
        if p is not None:
            return p
    raise AssertionError(f"the world has no posting {number}")


@contextmanager
def pushing(db: Database, app: Any, **push: Any) -> Iterator[tuple[str, str]]:
    """The simulator and the receiver, each on its own socket; yields their base URLs."""
    with (
        serve(app, lifespan="off", ws="none", date_header=False) as sim_url,
        served(receiver_app(db, **push)) as rx_url,
    ):
        yield sim_url, rx_url


async def configure(db: Database, sim_url: str, rx_url: str, world: World) -> None:
    with db.transaction() as s:
        s.execute(update(Shop).values(base_url=sim_url))
        tokens = {shop.client_id: shop.push_token for shop in s.scalars(select(Shop))}
    async with httpx.AsyncClient(base_url=sim_url) as http:
        for shop in world.shops:
            url = f"{rx_url}/ozon/push/{tokens[shop.client_id]}"
            r = await http.put("/_sim/webhooks", json={"client_id": shop.client_id, "url": url})
            assert r.status_code == 200


async def deliver(
    world: World, *, days: float, step_hours: float = 6, proc: PushProcessor | None = None
) -> None:
    """Move the world on in steps; after each, the dispatcher sends until its queues are
    empty, and ``proc`` (if given) applies what came."""
    d = dispatcher_for(world)
    async with push_client(d.timeout_s) as client:
        for _ in range(int(days * 24 / step_hours)):
            world.clock.advance(step_hours * 3600)
            for _tick in range(50):
                await d.dispatch_once(client)
                if not any(h.queue for h in d.shops.values()):
                    break
            else:
                pytest.fail("the simulator's push queue did not drain")
            if proc is not None:
                report = await proc.process_pending()
                assert report.deferred == 0, report
    for hooks in d.shops.values():
        assert not hooks.suspended, hooks.status()
        assert hooks.failed == 0, hooks.status()


@asynccontextmanager
async def processor(db: Database, app: Any) -> AsyncIterator[tuple[Syncer, PushProcessor]]:
    async with syncer(db, app, transport=httpx.AsyncHTTPTransport()) as s:
        yield s, PushProcessor.for_syncer(s)


async def _history_from_pushes(db: Database, **delivery: Any) -> None:
    app = make_app()
    world: World = app.state.world
    add_shops(db, world)
    with pushing(db, app) as (sim_url, rx_url):
        if delivery:
            async with httpx.AsyncClient(base_url=sim_url) as http:
                r = await http.put("/_sim/webhooks/delivery", json={**delivery, "seed": 3})
                assert r.status_code == 200, r.text
        await configure(db, sim_url, rx_url, world)
        floor = world.now()
        async with processor(db, app) as (_s, proc):
            await deliver(world, days=1.5, proc=proc)
            await deliver(world, days=1.5)  # these wait in the inbox: one pass takes them
            report = await proc.process_pending()
            assert report.deferred == 0, report
            assert report.outcomes["applied"] > 0, report
            again = await proc.process_pending()
            assert again.processed == 0  # everything was done, once
    with db.transaction() as s:
        assert s.scalar(select(func.count()).where(InboxPush.outcome == "invalid")) == 0
    expected = world_transitions(world, floor)
    got = store_transitions(db, world, floor)
    assert set(got) == set(expected)
    assert got == expected
    status = dispatcher_for(world).delivery.status()
    with db.transaction() as s:
        rows = s.scalar(select(func.count()).select_from(InboxPush))
        assert s.scalar(select(func.count()).where(InboxPush.processed_at.is_(None))) == 0
    for key, rate in delivery.items():
        hit = {"duplicate_rate": "duplicated", "reorder_rate": "reordered"}[key]
        assert rate == 0 or status[hit] > 0, status
    assert rows > len(expected)


async def test_the_history_is_every_pushed_transition(db: Database) -> None:
    await _history_from_pushes(db)


async def test_duplicated_and_reordered_pushes_give_the_same_history(db: Database) -> None:
    await _history_from_pushes(db, duplicate_rate=0.3, reorder_rate=0.3)


async def test_lost_pushes_are_caught_up_by_polling(db: Database) -> None:
    app = make_app()
    world: World = app.state.world
    add_shops(db, world)
    with pushing(db, app) as (sim_url, rx_url):
        async with httpx.AsyncClient(base_url=sim_url) as http:
            r = await http.put("/_sim/webhooks/delivery", json={"loss_rate": 0.4, "seed": 5})
            assert r.status_code == 200
        await configure(db, sim_url, rx_url, world)
        async with processor(db, app) as (s, proc):
            await deliver(world, days=2, proc=proc)
            assert dispatcher_for(world).delivery.lost > 0
            truth = truth_postings(world)
            pushed = stored_postings(db)
            behind = [n for n, p in pushed.items() if p["status"] != truth[n]["status"]]
            assert behind, "with 40 % of the pushes lost, some statuses must lag"
            results = await s.sync(resources=["fbs_postings", "fbo_postings"])
            assert all(r.outcome == "ok" for r in results), results
    truth = truth_postings(world)
    stored = stored_postings(db)
    assert set(stored) == set(truth)
    assert {n: (p["status"], p["substatus"]) for n, p in stored.items()} == {
        n: (t["status"], t["substatus"]) for n, t in truth.items()
    }
