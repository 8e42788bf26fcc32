"""Client read benchmark: FBS postings through ``OzonClient`` over a real socket.

The simulator runs in uvicorn in a thread with 100 ms latency per answer; the client keeps its
50 rps limiter. The ceiling is 50 calls/s x 100 postings = 5,000 postings/s. Measured for the
window splitter (``iter_fbs_postings``) and for one plain cursor loop, at two sizes (peak
memory by tracemalloc should not grow with N).
"""

from __future__ import annotations

import asyncio
import math
import time
import tracemalloc
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from typing import Any

from pydantic import SecretStr
from tests.ozon.simserver import serve

from ozonops.ozon import CursorPaginator, OzonClient, iter_items
from ozonops.ozon import models as m
from ozonops.simulator.app import create_app
from ozonops.simulator.config import FaultConfig, SimConfig

CEILING = 5000.0  # postings/s at 50 rps x 100 per page
CONFIG = SimConfig(
    seed=11,
    shops=1,
    orders_per_day=1500,
    history_days=90,
    faults=FaultConfig(latency_ms_p50=100, latency_ms_p99=100),
)


def _window_for(world: Any, n: int) -> tuple[datetime, datetime]:
    """The most recent period holding about ``n`` FBS-family postings."""
    now = world.now()
    shop = world.shops[0]
    idx = world.index.window(shop.index, fbo=False, since=now - timedelta(days=90), to=now)
    created = world.index.created[idx]
    start = int(created[max(0, len(created) - n)])
    return datetime.fromtimestamp(start, tz=now.tzinfo), now


async def _measure(
    ozon: OzonClient, walk: AsyncIterator[Any], label: str, n_goal: int
) -> list[tuple[str, str, str]]:
    tracemalloc.start()
    before = ozon.metrics.totals()
    t0 = time.perf_counter()
    seen: set[str] = set()
    count = 0
    async for posting in walk:
        count += 1
        seen.add(posting.posting_number)
    took = time.perf_counter() - t0
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    after = ozon.metrics.totals()
    calls = after["attempts"] - before["attempts"]
    retries = after["retries"] - before["retries"]
    rate = count / took
    minimum = math.ceil(count / 100)
    return [
        (f"{label}: postings read", f"{count:,} ({len(seen):,} distinct)", f"~{n_goal:,}"),
        (f"{label}: postings/s", f"{rate:,.0f} ({rate / CEILING:.0%} of 5,000)", "near 5,000"),
        (f"{label}: calls / minimum", f"{calls:,} / {minimum:,}", "close to minimum"),
        (f"{label}: retries", f"{retries:,}", "0"),
        (f"{label}: peak traced memory", f"{peak / 2**20:,.1f} MB", "flat in N"),
    ]


async def _bench(
    url: str, world: Any, sizes: tuple[int, ...], seq_sizes: tuple[int, ...]
) -> list[tuple[str, str, str]]:
    shop = world.shops[0]
    rows: list[tuple[str, str, str]] = []
    for n in sizes:
        since, to = _window_for(world, n)
        async with OzonClient(
            client_id=shop.client_id, api_key=SecretStr(shop.api_key), base_url=url
        ) as ozon:
            rows += await _measure(ozon, ozon.iter_fbs_postings(since, to), f"windows N={n:,}", n)
    for n in seq_sizes:
        since, to = _window_for(world, n)
        async with OzonClient(
            client_id=shop.client_id, api_key=SecretStr(shop.api_key), base_url=url
        ) as ozon:
            req = m.FbsListV4Request(filter={"since": since, "to": to}, limit=100, sort_dir="ASC")
            walk = iter_items(
                ozon.http, "/v4/posting/fbs/list", req, m.FbsListV4Response, CursorPaginator()
            )
            rows += await _measure(ozon, walk, f"one cursor loop N={n:,}", n)
    return rows


def run(
    sizes: tuple[int, ...] = (20_000, 100_000), seq_sizes: tuple[int, ...] = (20_000,)
) -> list[tuple[str, str, str]]:
    """(name, figure, goal) rows for the windowed and the sequential read."""
    app = create_app(CONFIG)
    world = app.state.world
    with serve(app) as url:
        return asyncio.run(_bench(url, world, sizes, seq_sizes))


if __name__ == "__main__":
    for name, figure, goal in run():
        print(f"{name:<44} {figure:>28}   goal: {goal}")
