"""Postings sync against the simulator: twice, after faults, and the store equals the world."""

from __future__ import annotations

import itertools
from datetime import timedelta

import httpx
import pytest
from sqlalchemy import func, select, update

from ozonops.db import Database
from ozonops.db.tables import PostingItem, Shop, SyncCursor
from ozonops.sync import RunResult
from tests.live import serve
from tests.sync.kit import (
    add_shops,
    is_subsequence,
    make_app,
    stored_history,
    stored_postings,
    syncer,
    truth_postings,
)

pytestmark = pytest.mark.anyio

POSTINGS = ["fbs_postings", "fbo_postings"]


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


def expected_postings(truth: dict[str, dict]) -> dict[str, dict]:
    return {
        n: {
            "status": t["status"],
            "substatus": t["substatus"],
            "tracking_number": t["tracking_number"],
            "scheme": "fbo"
            if t["scheme"] == "fbo"
            else ("fbs" if t["scheme"] == "fbs" else "rfbs"),
        }
        for n, t in truth.items()
    }


def _ok(results: list[RunResult]) -> None:
    assert [r.outcome for r in results] == ["ok"] * len(results), results


async def test_backfill_then_changes_equal_the_world(db: Database) -> None:
    app = make_app()
    world = app.state.world
    add_shops(db, world)
    async with syncer(db, app) as s:
        first = await s.sync(resources=POSTINGS)
        _ok(first)
        assert stored_postings(db) == expected_postings(truth_postings(world))
        assert sum(r.new for r in first) == len(truth_postings(world))

        second = await s.sync(resources=POSTINGS)  # nothing moved: nothing new, nothing changed
        _ok(second)
        assert sum(r.new + r.changed for r in second) == 0
        assert stored_postings(db) == expected_postings(truth_postings(world))

        world.clock.advance(timedelta(days=2).total_seconds())
        third = await s.sync(resources=POSTINGS)
        _ok(third)
        assert stored_postings(db) == expected_postings(truth_postings(world))
        assert sum(r.changed for r in third) > 0
        assert sum(r.new for r in third) > 0  # two days of orders
    with db.transaction() as s2:
        cursors = s2.scalars(select(SyncCursor)).all()
        assert {(c.resource, c.status) for c in cursors} == {(r, "ok") for r in POSTINGS}
        assert all(c.last_value is not None and not c.state for c in cursors)
        assert s2.scalar(select(func.count()).select_from(PostingItem)) >= len(stored_postings(db))
    _assert_history_is_observable_truth(db, truth_postings(world))
    history = stored_history(db)
    for number, entries in history.items():
        assert [e[2] for e in entries] == sorted(e[2] for e in entries), number
        # consecutive entries differ
        assert all(a[:2] != b[:2] for a, b in itertools.pairwise(entries)), number


def _assert_history_is_observable_truth(db: Database, truth: dict[str, dict]) -> None:
    """Polling sees some of a posting's states: those, in the world's order, never others."""
    for number, entries in stored_history(db).items():
        seen = [(e[0], e[1]) for e in entries]
        t = truth[number]
        # A posting listed before its first event (payment pending) shows that first state.
        real = [(h["status"], h["substatus"]) for h in t["history"]] or [
            (t["status"], t["substatus"])
        ]
        assert is_subsequence(seen, real), (number, seen, real)
        assert seen[-1] == real[-1], number


async def test_faults_during_sync_still_end_exact(db: Database) -> None:
    """5xx, hung and dropped requests, 'Circle is open' and slow pages, over a real socket."""
    app = make_app(rate_limit_per_second=12)  # below the client's 50/s: 429 storms too
    world = app.state.world
    add_shops(db, world, base_url="")
    faults = {
        "error_5xx_rate": 0.15,
        "timeout_rate": 0.03,
        "drop_rate": 0.03,
        "circuit_open_rate": 0.02,
        "latency_ms_p50": 5,
        "latency_ms_p99": 80,
    }
    with serve(app, lifespan="off", ws="none", date_header=False) as url:
        with db.transaction() as s:
            s.execute(update(Shop).values(base_url=url))
        app.state.faults.update(**faults)
        async with syncer(
            db, app, transport=httpx.AsyncHTTPTransport(), read_timeout=1.0, per_second=50
        ) as s:
            failures = 0
            for round_ in range(4):
                for _attempt in range(10):
                    results = await s.sync(resources=POSTINGS)
                    failures += sum(r.outcome == "failed" for r in results)
                    if all(r.outcome == "ok" for r in results):
                        break
                else:
                    pytest.fail(f"round {round_}: no clean run in 10 tries: {results}")
                truth = truth_postings(world)
                assert stored_postings(db) == expected_postings(truth), f"round {round_}"
                _assert_history_is_observable_truth(db, truth)
                world.clock.advance(timedelta(hours=19).total_seconds())
    assert app.state.faults.injected, "the faults must really have fired"
    retries = sum(c.metrics.totals()["retries"] for c in s.clients.values())
    assert retries > 0
