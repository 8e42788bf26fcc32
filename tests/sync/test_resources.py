"""Every resource synced twice and after the world moved: the store equals the simulator's truth."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from ozonops.db import Database, load_shops
from ozonops.simulator.config import OutcomeRates
from ozonops.sync import RESOURCES, RunResult
from ozonops.sync.resources.stock import LEVELS
from tests.sync.kit import KEYS, add_shops, make_app, syncer
from tests.sync.truth import read_store, read_truth

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


def _nonzero_stock(rows: dict[Any, dict[str, Any]]) -> dict[Any, dict[str, Any]]:
    return {k: v for k, v in rows.items() if any(v[f] for f in LEVELS)}


async def assert_store_is_truth(db: Database, app: Any) -> None:
    world = app.state.world
    with db.transaction() as s:
        shops = {sh.client_id: sh.id for sh in load_shops(s, keys=KEYS)}
    since = (world.now() - timedelta(days=60)).date()
    for shop in world.shops:
        truth = await read_truth(app, shop, shop_id=shops[shop.client_id], since=since)
        stored = read_store(db, shop_id=shops[shop.client_id])
        truth["stocks"] = _nonzero_stock(truth["stocks"])
        stored["stocks"] = _nonzero_stock(stored["stocks"])
        for name, rows in truth.items():
            assert stored[name].keys() == rows.keys(), (shop.name, name)
            for key, row in rows.items():
                assert stored[name][key] == row, (shop.name, name, key)


def _by_resource(results: list[RunResult]) -> dict[tuple[str, str], RunResult]:
    return {(r.shop, r.resource): r for r in results}


#: Enough history for a whole month's realization report, and more returns than by default.
WORLD = {
    "orders_per_day": 40,
    "history_days": 50,
    "outcomes": OutcomeRates(client_return=0.2, review=0.4, buyer_message=0.2),
}


async def test_every_resource_equals_the_world_run_after_run(db: Database) -> None:
    app = make_app(**WORLD)
    world = app.state.world
    add_shops(db, world)
    async with syncer(db, app) as s:
        first = _by_resource(await s.sync())
        assert {r.outcome for r in first.values()} <= {"ok", "unavailable"}
        # The shop without a review subscription: reviews are "not available", the rest goes on.
        plain = next(sh for sh in world.shops if not sh.has_review_access)
        assert first[(plain.name, "reviews")].outcome == "unavailable"
        assert all(
            r.outcome == "ok"
            for (name, res), r in first.items()
            if res != "reviews" or name != plain.name
        )
        for name in RESOURCES:
            assert any(r.new + r.unchanged for (_, res), r in first.items() if res == name), (
                f"{name}: nothing read"
            )
        await assert_store_is_truth(db, app)

        again = await s.sync()
        moved = {(r.shop, r.resource): r.new + r.changed for r in again if r.new + r.changed}
        assert moved == {}, "a second run over an unchanged world changes nothing"

        world.clock.advance(timedelta(days=3).total_seconds())
        later = _by_resource(await s.sync())
        assert all(r.outcome in ("ok", "unavailable") for r in later.values()), [
            r for r in later.values() if r.error
        ]
        await assert_store_is_truth(db, app)
