"""Client read benchmark: FBS postings through ``OzonClient`` from a simulator in its own process.

The simulator (``python -m ozonops simulator serve``, one shop, ~109k FBS postings in 90 days,
frozen clock) answers on a free 127.0.0.1 port with 100 ms injected latency and its own 50 rps
limit; the client keeps its 50 rps limiter. The ceiling is 50 calls/s x 100 postings per page =
5,000 postings/s. Measured for the window splitter (``iter_fbs_postings``) and for one plain
cursor loop, at N = 20k and 100k.

- The simulator builds postings on first use, so one untimed warm-up read of the whole period
  comes first (its rate is shown as "cold"); the timed reads are warm.
- Throughput and memory are separate runs: peak memory is tracemalloc's peak of this (the
  client's) process during the read, and tracemalloc slows the client down.
- 429s are counted on the client (``Metrics.throttles``): the simulator's own count lives in
  the other process.
"""

from __future__ import annotations

import asyncio
import gc
import math
import os
import socket
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import httpx
from pydantic import SecretStr

from ozonops.ozon import CursorPaginator, OzonClient, WindowStats, iter_items
from ozonops.ozon import models as m
from ozonops.simulator.config import SimConfig
from ozonops.simulator.world import World

CEILING = 5000.0  # postings/s at 50 rps x 100 per page
LATENCY_MS = 100
CONFIG = SimConfig(seed=11, shops=1, orders_per_day=1500, history_days=90)
LIST_PATH = "/v4/posting/fbs/list"
Row = tuple[str, str, str]


@dataclass
class Shop:
    client_id: str
    api_key: str
    now: datetime
    created: list[datetime]  # the shop's FBS-family creation times, oldest first


def _shop(config: SimConfig) -> Shop:
    """Credentials and creation times, from the same seeded world the simulator builds."""
    world = World(config)
    now = world.now()
    shop = world.shops[0]
    since = now - timedelta(days=config.history_days)
    idx = world.index.window(shop.index, fbo=False, since=since, to=now)
    created = sorted(
        datetime.fromtimestamp(int(t), tz=now.tzinfo) for t in world.index.created[idx]
    )
    return Shop(shop.client_id, shop.api_key, now, created)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def simulator(config: SimConfig, *, latency_ms: float) -> Iterator[str]:
    """``ozonops simulator serve`` in a child process; yields its base URL once it answers."""
    port = _free_port()
    cmd = [sys.executable, "-m", "ozonops", "simulator", "serve", "--port", str(port)]
    cmd += ["--seed", str(config.seed), "--shops", str(config.shops), "--speed", "0"]
    cmd += ["--orders-per-day", str(config.orders_per_day)]
    cmd += ["--history-days", str(config.history_days)]
    env = {**os.environ, "OZONOPS_LOG_LEVEL": "WARNING"}  # no access log line per request
    url = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=err)
        try:
            deadline = time.monotonic() + 60
            while True:
                if proc.poll() is not None or time.monotonic() > deadline:
                    err.seek(0)
                    raise RuntimeError(f"the simulator did not start: {err.read()[-2000:]!r}")
                try:
                    if httpx.get(f"{url}/_sim/health", timeout=1).is_success:
                        break
                except httpx.TransportError:
                    pass
                time.sleep(0.1)
            faults = {"latency_ms_p50": latency_ms, "latency_ms_p99": latency_ms}
            httpx.put(f"{url}/_sim/faults", json=faults, timeout=5).raise_for_status()
            yield url
        finally:
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


@dataclass
class Result:
    label: str
    n: int
    count: int = 0
    distinct: int = 0
    ordered: bool = True
    seconds: float = 0.0
    attempts: int = 0
    retries: int = 0
    throttles: int = 0
    peak_mb: float | None = None
    windows: WindowStats | None = None

    @property
    def rate(self) -> float:
        return self.count / self.seconds if self.seconds else 0.0


def _client(url: str, shop: Shop) -> OzonClient:
    return OzonClient(client_id=shop.client_id, api_key=SecretStr(shop.api_key), base_url=url)


def _walk(ozon: OzonClient, kind: str, since: datetime, to: datetime, stats: WindowStats) -> Any:
    if kind == "windows":
        return ozon.iter_fbs_postings(since, to, stats=stats)
    req = m.FbsListV4Request(filter={"since": since, "to": to}, limit=100, sort_dir="ASC")
    return iter_items(ozon.http, LIST_PATH, req, m.FbsListV4Response, CursorPaginator())


async def _read(
    url: str, shop: Shop, kind: str, n: int, *, memory: bool, label: str | None = None
) -> Result:
    since = shop.created[max(0, len(shop.created) - n)]
    result = Result(label or kind, n)
    stats = WindowStats()
    await asyncio.sleep(1.1)  # let the server's one-second window of the previous run drain
    async with _client(url, shop) as ozon:
        walk: AsyncIterator[Any] = _walk(ozon, kind, since, shop.now, stats)
        seen: set[str] = set()
        last: datetime | None = None
        if memory:
            tracemalloc.start()
        t0 = time.perf_counter()
        async for posting in walk:
            result.count += 1
            if not memory:  # the checks keep state that grows with N: not in the memory run
                seen.add(posting.posting_number)
                key = posting.in_process_at
                result.ordered = result.ordered and (last is None or key >= last)
                last = key
        result.seconds = time.perf_counter() - t0
        if memory:
            result.peak_mb = tracemalloc.get_traced_memory()[1] / 2**20
            tracemalloc.stop()
        totals = ozon.metrics.totals()
    result.distinct = len(seen)
    result.attempts, result.retries = totals["attempts"], totals["retries"]
    result.throttles = totals["throttles"]
    result.windows = stats if kind == "windows" else None
    return result


#: Share of the 5,000 postings/s ceiling the windowed read must reach (the issue's goal).
GOAL_SHARE = 0.9


def _rows(r: Result, mem: Result | None) -> list[Row]:
    name = f"{r.label} N={r.n // 1000}k"
    minimum = math.ceil(r.count / 100)
    share = r.rate / CEILING
    # The goal is the window splitter's; the sequential loop is the baseline it is compared to.
    goal = ">= 90 %" if r.windows is not None else "baseline"
    verdict = "" if r.windows is None else (" ok" if share >= GOAL_SHARE else " MISSED")
    rows: list[Row] = [
        (f"{name}: postings/s", f"{r.rate:,.0f} = {share:.0%} of 5,000", goal + verdict),
        (f"{name}: calls / minimum", f"{r.attempts:,} / {minimum:,}", "close to minimum"),
        (f"{name}: retries, 429s", f"{r.retries:,}, {r.throttles:,}", "0, 0"),
    ]
    if r.distinct:
        ok = r.distinct == r.count and r.ordered
        rows.append(
            (f"{name}: read / distinct, ordered", f"{r.count:,} / {r.distinct:,}, {ok}", "")
        )
    if r.windows is not None:
        w = r.windows
        figure = f"{w.windows}, {w.splits}, {w.peak_in_flight}, {w.peak_buffer:,}"
        rows.append((f"{name}: windows, splits, in flight, buffer", figure, ""))
    if mem is not None and mem.peak_mb is not None:
        rows.append(
            (f"{name}: peak tracemalloc (separate run)", f"{mem.peak_mb:,.1f} MB", "flat in N")
        )
    return rows


async def _bench(
    url: str, shop: Shop, sizes: tuple[int, ...], seq_sizes: tuple[int, ...]
) -> list[Row]:
    rows: list[Row] = []
    warm = await _read(url, shop, "windows", len(shop.created), memory=False, label="warm-up")
    rows.append(
        (
            f"cold read of all {warm.count:,} (untimed warm-up)",
            f"{warm.rate:,.0f}/s in {warm.seconds:.0f} s",
            "",
        )
    )
    plan = [("windows", n) for n in sizes] + [("sequential", n) for n in seq_sizes]
    rates: dict[str, float] = {}
    for kind, n in plan:
        speed = await _read(url, shop, kind, n, memory=False)
        mem = await _read(url, shop, kind, n, memory=True)
        rows += _rows(speed, mem)
        rates[kind] = speed.rate  # the largest N of each kind
    if rates.get("sequential"):
        ratio = rates["windows"] / rates["sequential"]
        rows.append(
            ("window splitter / sequential loop", f"{ratio:.1f}x", "what the splitter buys")
        )
    return rows


def run(
    sizes: tuple[int, ...] = (20_000, 100_000), seq_sizes: tuple[int, ...] = (20_000,)
) -> list[Row]:
    """(name, figure, goal) rows for the windowed and the sequential read."""
    shop = _shop(CONFIG)
    saved = gc.get_threshold()
    # The client runs with CPython's default collector, whatever an earlier bench set here.
    gc.set_threshold(700, 10, 10)
    try:
        with simulator(CONFIG, latency_ms=LATENCY_MS) as url:
            return asyncio.run(_bench(url, shop, sizes, seq_sizes))
    finally:
        gc.set_threshold(*saved)


if __name__ == "__main__":
    for name, figure, goal in run():
        print(f"{name:<48} {figure:>30}   goal: {goal}")
