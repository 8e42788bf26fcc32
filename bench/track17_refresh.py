"""Tracking refresh benchmark: ``gettrackinfo`` of 50,000 parcels through ``Track17Client``.

The simulator (``python -m ozonops simulator serve``, the client-read world: one shop, ~135k
postings in 90 days, of which ~55k rFBS parcels 17TRACK can track) runs in its own process;
its 17TRACK answers on ``/17track`` with the real limit of 3 requests per second per key.
An account is opened through ``/_sim/17track/accounts`` with the parcels already registered
(registering is not what is measured), then the client refreshes them all.

Figures: calls made against the minimum (one call per 40 numbers), 429s met, wall time
against the rate-limit floor (the minimum calls at 3 per second), the client's peak memory
(answers are consumed call by call through ``iter_track_info``), and the parcels' normalized
statuses as a sanity check. Run alone: ``python -m bench.track17_refresh [--parcels N]``.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import resource
import sys
import time
from collections import Counter

import httpx
from pydantic import SecretStr

from bench.client_read import CONFIG, simulator
from ozonops.carriers import Track17Client
from ozonops.carriers.track17 import MAX_NUMBERS, PER_SECOND

PARCELS = 50_000
Row = tuple[str, str, str]


def _open_account(url: str, parcels: int) -> tuple[str, list[str]]:
    body = {"quota_total": parcels, "preregister": parcels}
    resp = httpx.post(f"{url}/_sim/17track/accounts", json=body, timeout=600)
    resp.raise_for_status()
    data = resp.json()
    numbers: list[str] = data["registered"]
    if len(numbers) < parcels:
        raise RuntimeError(f"the world has only {len(numbers)} trackable parcels, not {parcels}")
    return data["token"], numbers


async def _refresh(url: str, token: str, numbers: list[str]) -> list[Row]:
    statuses: Counter[str] = Counter()
    accepted = rejected = 0
    async with Track17Client(api_key=SecretStr(token), base_url=f"{url}/17track") as client:
        started = time.perf_counter()
        async for part in client.iter_track_info(numbers):  # a few calls' answers held at once
            accepted += len(part.accepted)
            rejected += len(part.rejected)
            statuses.update(p.normalized.status.value for p in part.accepted)
        wall = time.perf_counter() - started
        calls, throttled = client.calls, client.throttled
    minimum = math.ceil(len(numbers) / MAX_NUMBERS)
    # The first PER_SECOND calls go at once; every later group of PER_SECOND waits a second.
    floor = (minimum - PER_SECOND) / PER_SECOND
    top = ", ".join(f"{k} {v:,}" for k, v in statuses.most_common(4))
    ok_calls = "ok" if calls == minimum else "MISSED"
    ok_wall = "ok" if wall <= floor * 1.10 else "MISSED"
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return [
        ("parcels refreshed (accepted / rejected)",
         f"{accepted:,} / {rejected:,}", f"{len(numbers):,} / 0"),
        ("calls made (minimum: 1 per 40 numbers)", f"{calls:,} (min {minimum:,})",
         f"= min {ok_calls}"),
        ("429 answers met", f"{throttled:,}", "0"),
        ("wall time", f"{wall:,.1f} s", f"<= 110 % of floor {ok_wall}"),
        ("rate-limit floor (min calls at 3/s)", f"{floor:,.1f} s", ""),
        ("  wall / floor", f"{wall / floor:.1%}" if floor else "n/a", ""),
        ("  parcels per second", f"{accepted / wall:,.0f}", ""),
        ("client peak RSS", f"{rss_mb:,.0f} MB", ""),
        ("normalized statuses (top 4)", top, ""),
    ]  # fmt: skip


def run(parcels: int = PARCELS) -> list[Row]:
    with simulator(CONFIG, latency_ms=0) as url:
        t0 = time.perf_counter()
        token, numbers = _open_account(url, parcels)
        setup = time.perf_counter() - t0
        rows = asyncio.run(_refresh(url, token, numbers[:parcels]))
    return [("set-up: account with parcels registered", f"{setup:,.1f} s", ""), *rows]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.track17_refresh")
    parser.add_argument("--parcels", type=int, default=PARCELS)
    args = parser.parse_args(argv)
    for name, figure, goal in run(args.parcels):
        print(f"{name:<44} {figure:>34}   {goal}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
