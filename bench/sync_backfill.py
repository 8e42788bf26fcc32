"""Sync benchmark: a 200,000-posting shop backfilled into the store, then incremental cycles.

The simulator runs in its own process (``bench.client_read.simulator``: frozen clock, its own
50 rps limit, 100 ms injected latency); the sync runs here with the client's 50 rps limiter,
into a SQLite file and into a PostgreSQL database.

- Backfill: ``fbs_postings`` + ``fbo_postings`` from empty. The rate-limit floor is the
  minimum number of list pages (100 postings each) at 50 calls/s; shown beside the wall time,
  calls beside that minimum, postings written per second, and this process's peak RSS.
- Incremental: the simulated clock moves an hour, then a day; each cycle's calls are shown
  beside the postings that changed in it (goal: calls grow with the changes, not the shop).
"""

from __future__ import annotations

import asyncio
import math
import os
import resource
import secrets
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import psycopg
from pydantic import SecretStr
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from bench.client_read import simulator
from ozonops.db import Database, KeyBox, save_shop, upgrade
from ozonops.db.tables import Posting
from ozonops.simulator.config import SimConfig
from ozonops.simulator.world import World
from ozonops.sync import SyncConfig, Syncer

CONFIG = SimConfig(seed=13, shops=1, orders_per_day=2223, history_days=90)
RATE = 50
PAGE = 100
KEYS = KeyBox(SecretStr("bench"))
POSTINGS = ["fbs_postings", "fbo_postings"]
PG_ADMIN = os.environ.get(
    "OZONOPS_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)
Row = tuple[str, str, str]


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@contextmanager
def _postgres() -> Iterator[str | None]:
    name = f"ozonops_bench_{secrets.token_hex(4)}"
    admin = make_url(PG_ADMIN).set(drivername="postgresql").render_as_string(hide_password=False)
    try:
        with psycopg.connect(admin, autocommit=True, connect_timeout=3) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
    except psycopg.Error as exc:
        print(f"(PostgreSQL not reachable, skipped: {exc})")
        yield None
        return
    try:
        yield make_url(PG_ADMIN).set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s",
                (name,),
            )
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')


def _counts(config: SimConfig) -> tuple[int, int, str, str]:
    world = World(config)
    shop = world.shops[0]
    fbs = fbo = 0
    start = world.now().replace(year=2000)
    for fbo_flag in (False, True):
        n = len(world.index.window(shop.index, fbo=fbo_flag, since=start, to=world.now()))
        fbs, fbo = (n, fbo) if not fbo_flag else (fbs, n)
    return fbs, fbo, shop.client_id, shop.api_key


async def _cycle(syncer: Syncer) -> tuple[float, int, int, int]:
    t0 = time.perf_counter()
    results = await syncer.sync(resources=POSTINGS)
    bad = [r for r in results if r.outcome != "ok"]
    if bad:
        raise RuntimeError(f"sync failed: {bad}")
    return (
        time.perf_counter() - t0,
        sum(r.calls for r in results),
        sum(r.new + r.changed for r in results),
        sum(r.retries for r in results),
    )


async def _one_store(url: str, base: str, shop: tuple[str, str]) -> list[Row]:
    db = Database(url)
    upgrade(db)
    with db.transaction() as s:
        save_shop(
            s, keys=KEYS, name="bench", client_id=shop[0], api_key=SecretStr(shop[1]), base_url=base
        )
    rows: list[Row] = []
    rss0 = _rss_mb()
    syncer = Syncer.open(db, keys=KEYS, base_url=base, config=SyncConfig(backfill_days=91))
    async with syncer:
        seconds, calls, _written, retries = await _cycle(syncer)
        with db.transaction() as s:
            stored = s.scalar(select(func.count()).select_from(Posting)) or 0
        kind = db.dialect
        rows.append((f"{kind}: backfill postings written", f"{stored:,} in {seconds:.1f} s", ""))
        rows.append((f"{kind}: rows written per second", f"{stored / seconds:,.0f}/s", ""))
        rows.append((f"{kind}: calls (retries)", f"{calls:,} ({retries})", ""))
        rows.append(
            (
                f"{kind}: peak RSS of the sync process",
                f"{_rss_mb():,.0f} MB (+{_rss_mb() - rss0:,.0f})",
                "",
            )
        )
        for label, advance in (("1 hour", 3600), ("1 day", 86_400)):
            async with httpx.AsyncClient(timeout=30) as control:
                await control.post(f"{base}/_sim/clock", json={"advance_seconds": advance})
            seconds, calls, changed, _ = await _cycle(syncer)
            floor = math.ceil(changed / PAGE) + 2
            rows.append(
                (
                    f"{kind}: incremental after {label}",
                    f"{changed:,} changed, {calls} calls in {seconds:.1f} s",
                    f"calls ~ changes/100 (+{floor - 2} fixed) vs {stored // PAGE:,} for all",
                )
            )
        # Put the clock back is impossible (it never goes back): the next store starts later.
    db.dispose()
    return rows


def run() -> list[Row]:
    fbs, fbo, client_id, api_key = _counts(CONFIG)
    minimum = math.ceil(fbs / PAGE) + math.ceil(fbo / PAGE)
    rows: list[Row] = [
        ("shop size (FBS+rFBS / FBO postings)", f"{fbs:,} / {fbo:,}", ""),
        ("backfill: minimum calls / rate-limit floor", f"{minimum:,} / {minimum / RATE:.1f} s", ""),
    ]
    for kind in ("sqlite", "postgresql"):
        with simulator(CONFIG, latency_ms=100) as base:
            if kind == "sqlite":
                with tempfile.TemporaryDirectory() as tmp:
                    url = f"sqlite:///{Path(tmp) / 'bench.db'}"
                    rows += asyncio.run(_one_store(url, base, (client_id, api_key)))
            else:
                with _postgres() as url:
                    if url is not None:
                        rows += asyncio.run(_one_store(url, base, (client_id, api_key)))
    return rows


if __name__ == "__main__":
    for name, figure, goal in run():
        print(f"{name:<50} {figure:>40}   {goal}")
