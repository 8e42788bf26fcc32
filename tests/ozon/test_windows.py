"""The window splitter: same postings, same order as one cursor loop, faster, and exact under
429 storms and 5xx bursts."""

from __future__ import annotations

import itertools
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from tests.ozon.clientkit import client_for
from tests.ozon.simserver import make_app
from tests.ozon.test_pagination import fbs_truth

from ozonops.ozon import (
    CursorPaginator,
    OzonClient,
    RetryPolicy,
    WindowStats,
    iter_items,
    read_windows,
    split_period,
)
from ozonops.ozon import models as m
from ozonops.ozon.windows import plan_sizes
from ozonops.simulator.config import FaultConfig

pytestmark = pytest.mark.anyio

FAST_RETRY = RetryPolicy(max_attempts=30, base_delay=0.05, max_delay=0.5, deadline=60)


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


def big_app(**overrides: Any) -> Starlette:
    return make_app(shops=1, orders_per_day=150, history_days=30, **overrides)


async def sequential(ozon: OzonClient, since: datetime, to: datetime) -> list[str]:
    req = m.FbsListV4Request(filter={"since": since, "to": to}, limit=100, sort_dir="ASC")
    walk = iter_items(
        ozon.http, "/v4/posting/fbs/list", req, m.FbsListV4Response, CursorPaginator()
    )
    return [p.posting_number async for p in walk]


def test_split_period_cuts_disjoint_windows_on_whole_seconds() -> None:
    since = datetime(2025, 1, 1, 0, 0, 0, 500, tzinfo=UTC)
    to = datetime(2026, 6, 1, tzinfo=UTC)
    parts = split_period(since, to, 7)
    assert parts[0][0] == since
    assert parts[-1][1] == to
    for (_, end), (start, _) in itertools.pairwise(parts):
        assert start.microsecond == 0
        assert end == start - timedelta(microseconds=1)
    assert all(b <= m.add_months(a, 12) for a, b in parts)
    assert len(parts) >= 8  # the year cut comes on top of the 7 parts


async def test_window_read_equals_the_sequential_read_and_is_faster() -> None:
    app = big_app(
        rate_limit_per_second=10**6, faults=FaultConfig(latency_ms_p50=40, latency_ms_p99=40)
    )
    now = app.state.world.now()
    since = now - timedelta(days=30)
    ozon, _ = client_for(app, limit_rate=False)
    async with ozon:
        t0 = time.perf_counter()
        one_loop = await sequential(ozon, since, now)
        t1 = time.perf_counter()
        stats = WindowStats()
        windowed = [p.posting_number async for p in ozon.iter_fbs_postings(since, now, stats=stats)]
        t2 = time.perf_counter()
    assert windowed == one_loop == fbs_truth(app, since, now)
    assert stats.peak_in_flight > 1
    assert stats.windows > 1
    assert (t2 - t1) < (t1 - t0) * 0.6  # the simulator CPU time per page does not overlap
    assert stats.calls <= len(one_loop) / 100 + stats.windows + 1


async def test_dense_windows_are_split_and_stay_exact() -> None:
    app = big_app(rate_limit_per_second=10**6)
    now = app.state.world.now()
    since = now - timedelta(days=30)
    ozon, _ = client_for(app, limit_rate=False)
    async with ozon:
        from ozonops.ozon import read_windows

        stats = WindowStats()
        spec = ozon.fbs_postings_list()
        got = [
            p.posting_number
            async for p in read_windows(
                ozon.http,
                spec,
                since,
                now,
                target_pages=1,
                split_factor=0.2,
                stats=stats,
                max_buffer=150,
            )
        ]
    assert stats.splits > 0
    assert got == fbs_truth(app, since, now)


def test_plan_sizes_cover_the_pages_and_shrink_at_the_end() -> None:
    for pages in (1.5, 5.0, 37.0, 200.0, 1000.0):
        sizes = plan_sizes(pages, 10, 8)
        assert sum(sizes) == pytest.approx(pages)
        assert max(sizes) <= 10.5 or len(sizes) == 1
        assert sizes[-1] <= sizes[0]
    big = plan_sizes(1000.0, 10, 8)
    assert big[-1] == 2.0
    assert big[-8:] == sorted(big[-8:], reverse=True)
    assert len(big) < 1000 / 10 + 8  # the tail adds a few windows, not many


async def test_the_reorder_buffer_stays_bounded_whatever_the_length() -> None:
    app = big_app(rate_limit_per_second=10**6)
    now = app.state.world.now()
    ozon, _ = client_for(app, limit_rate=False)
    concurrency, max_buffer = 3, 200
    peaks = []
    async with ozon:
        spec = ozon.fbs_postings_list()
        for days in (12, 30):
            since = now - timedelta(days=days)
            stats = WindowStats()
            got = []
            async for p in read_windows(
                ozon.http,
                spec,
                since,
                now,
                concurrency=concurrency,
                target_pages=2,
                max_buffer=max_buffer,
                stats=stats,
            ):
                got.append(p.posting_number)
            assert got == fbs_truth(app, since, now)
            assert stats.windows > concurrency  # windows had to wait for the buffer
            peaks.append(stats.peak_buffer)
    # Windows ahead stop fetching at max_buffer; at most one page per window was in flight.
    assert max(peaks) <= max_buffer + concurrency * spec.page_size


async def test_fbo_window_read_is_the_truth() -> None:
    app = big_app(rate_limit_per_second=10**6)
    now = app.state.world.now()
    since = now - timedelta(days=30)
    ozon, _ = client_for(app, limit_rate=False)
    async with ozon:
        got = [p.posting_number async for p in ozon.iter_fbo_postings(since, now)]
    world = app.state.world
    truth = [
        p.posting_number for p in world.postings(world.shops[0], fbo=True, since=since, to=now)
    ]
    assert got == truth


async def test_longer_than_a_year_is_read_in_yearly_windows() -> None:
    app = make_app(shops=1, orders_per_day=4, history_days=500, rate_limit_per_second=10**6)
    now = app.state.world.now()
    since = now - timedelta(days=500)
    ozon, recorder = client_for(app, limit_rate=False)
    async with ozon:
        got = [p.posting_number async for p in ozon.iter_fbs_postings(since, now)]
    assert got == fbs_truth(app, since, now)
    for _, body in recorder.sent:
        f = body["filter"]
        assert datetime.fromisoformat(f["to"]) <= m.add_months(
            datetime.fromisoformat(f["since"]), 12
        )


async def test_exact_under_a_429_storm() -> None:
    app = big_app(rate_limit_per_second=8)
    now = app.state.world.now()
    since = now - timedelta(days=12)
    ozon, _ = client_for(app, retry=FAST_RETRY, throttle_pause=0.2)
    async with ozon:
        got = [p.posting_number async for p in ozon.iter_fbs_postings(since, now)]
        totals = ozon.metrics.totals()
    assert totals["throttles"] > 0
    assert got == fbs_truth(app, since, now)


async def test_exact_under_5xx_bursts() -> None:
    app = big_app(rate_limit_per_second=10**6)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://sim"
    ) as c:
        r = await c.put("/_sim/faults", json={"error_5xx_rate": 0.25})
        assert r.status_code == 200
    now = app.state.world.now()
    since = now - timedelta(days=20)
    ozon, _ = client_for(app, limit_rate=False, retry=FAST_RETRY)
    async with ozon:
        got = [p.posting_number async for p in ozon.iter_fbs_postings(since, now)]
        totals = ozon.metrics.totals()
    assert totals["retries"] > 0
    assert got == fbs_truth(app, since, now)
