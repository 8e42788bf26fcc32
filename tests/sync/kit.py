"""Helpers for sync tests: a simulator world, the store's shops for it, and the world's truth."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any

import httpx
from pydantic import SecretStr
from sqlalchemy import select
from starlette.applications import Starlette

from ozonops.db import Database, KeyBox, save_shop
from ozonops.db.tables import Posting, StatusHistory
from ozonops.ozon import RetryPolicy, memory_limiter
from ozonops.simulator.app import create_app
from ozonops.simulator.config import SimConfig
from ozonops.simulator.control import posting_truth
from ozonops.simulator.world import World
from ozonops.sync import SyncConfig, Syncer

BASE_URL = "https://api-seller.ozon.ru"
KEYS_SECRET = "sync-tests"
KEYS = KeyBox(SecretStr(KEYS_SECRET))
#: Shop 0 has Premium Pro (reviews, chats), shop 1 a plain plan: both paths run. The rate
#: limit is lifted on both sides (tests of the limit set their own); the clock is frozen.
FAST = 1000
SIM = SimConfig(
    seed=5, shops=2, orders_per_day=30, history_days=20, speed=0, rate_limit_per_second=FAST
)
FAST_RETRY = RetryPolicy(base_delay=0.01, max_delay=0.05, deadline=30.0, circuit_pause=0.05)


def make_app(**overrides: Any) -> Starlette:
    return create_app(SIM.model_copy(update=overrides))


def add_shops(db: Database, world: World, *, base_url: str = BASE_URL) -> None:
    with db.transaction() as s:
        for shop in world.shops:
            save_shop(
                s,
                keys=KEYS,
                name=shop.name,
                client_id=shop.client_id,
                api_key=SecretStr(shop.api_key),
                base_url=base_url,
            )


@asynccontextmanager
async def syncer(
    db: Database,
    app: Starlette,
    *,
    transport: httpx.AsyncBaseTransport | None = None,
    config: SyncConfig | None = None,
    read_timeout: float = 10.0,
    per_second: int = FAST,
) -> AsyncIterator[Syncer]:
    s = Syncer.open(
        db,
        keys=KEYS,
        base_url=BASE_URL,
        config=config or SyncConfig(backfill_days=60),
        transport=transport or httpx.ASGITransport(app=app),
        policy=FAST_RETRY,
        timeout=httpx.Timeout(read_timeout),
        limiter=memory_limiter(per_second=per_second),
    )
    try:
        yield s
    finally:
        await s.aclose()


def is_subsequence(part: list[Any], whole: list[Any]) -> bool:
    it = iter(whole)
    return all(any(x == y for y in it) for x in part)


def truth_postings(world: World) -> dict[str, dict[str, Any]]:
    """Every posting of every shop as the world knows it now."""
    out = {}
    start = datetime.min.replace(tzinfo=UTC)
    for shop in world.shops:
        for fbo in (False, True):
            for p in world.postings(shop, fbo=fbo, since=start, to=world.now()):
                out[p.posting_number] = posting_truth(world, p)
    return out


def stored_postings(db: Database) -> dict[str, dict[str, Any]]:
    with db.transaction() as s:
        return {
            p.posting_number: {
                "status": p.status,
                "substatus": p.substatus,
                "tracking_number": p.tracking_number or "",
                "scheme": p.scheme,
            }
            for p in s.scalars(select(Posting))
        }


def stored_history(db: Database) -> dict[str, list[tuple[str, str, datetime, bool]]]:
    out: dict[str, list[tuple[str, str, datetime, bool]]] = {}
    with db.transaction() as s:
        rows = s.scalars(
            select(StatusHistory).order_by(StatusHistory.posting_number, StatusHistory.at)
        )
        for r in rows:
            out.setdefault(r.posting_number, []).append((r.status, r.substatus, r.at, r.exact))
    return out
