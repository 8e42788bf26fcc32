"""The embedded scheduler runs every resource of every shop again and again, on its interval."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import timedelta

import pytest

from ozonops.db import Database
from ozonops.sync import RunResult
from ozonops.worker import Schedule, run_schedule
from tests.sync.kit import add_shops, make_app, stored_postings, syncer, truth_postings
from tests.sync.test_postings import expected_postings

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


async def test_every_resource_runs_on_its_interval_and_the_store_follows(db: Database) -> None:
    app = make_app()
    world = app.state.world
    add_shops(db, world)
    runs: Counter[tuple[str, str]] = Counter()
    failed: list[RunResult] = []

    def seen(result: RunResult) -> None:
        runs[(result.shop, result.resource)] += 1
        if result.outcome == "failed":
            failed.append(result)

    async with syncer(db, app) as s:
        task = asyncio.create_task(
            run_schedule(
                s,
                schedule=Schedule(every=timedelta(seconds=0.3)),
                resources=["fbs_postings", "fbo_postings", "returns"],
                on_run=seen,
                seed=1,
            )
        )
        try:
            for _ in range(100):
                await asyncio.sleep(0.1)
                if min(runs.values(), default=0) >= 2 and len(runs) == 6:
                    break
            world.clock.advance(timedelta(days=1).total_seconds())
            ran = sum(runs.values())
            for _ in range(100):  # every resource runs again after the world moved
                await asyncio.sleep(0.1)
                if sum(runs.values()) >= ran + 6 * 2:
                    break
        finally:
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
    assert failed == []
    assert len(runs) == 6, runs
    assert min(runs.values()) >= 3, runs
    assert stored_postings(db) == expected_postings(truth_postings(world))
