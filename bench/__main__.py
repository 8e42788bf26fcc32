"""Simulator benchmarks: building a 1,000,000-posting world and paging through it.

Prints each figure beside its goal and says MISSED when a goal is not met; exits 0 either way
(the figures depend on the machine). Run with ``make bench`` or ``python -m bench``.

- World: ``SimConfig(shops=2, orders_per_day=11_112, history_days=90)`` is about 1M orders.
  Time to build the world and its order index; then time and peak RSS to build every posting.
- 17TRACK refresh: ``gettrackinfo`` of 50,000 parcels against the simulator's 17TRACK in its
  own process, calls against the minimum and wall time against the 3 req/s floor
  (``bench/track17_refresh.py``).
- List latency: ``/v4/posting/fbs/list`` with ``limit=100`` and ``with.financial_data=true``,
  walked page by page through ASGI in process, p50/p99 over at least 200 pages: the first walk
  builds and renders every posting (cold, and its first page alone), the second walks the same
  pages again (warm: postings built, renderings cached).
- Client read and tracking-number upload files: ``bench/client_read.py`` and
  ``bench/tracking_file.py`` (checking 100k numbers, reading and writing 100k-row files).
- Rules: accuracy against the simulator's truth per rule (``bench/rules_accuracy.py``) and
  evaluation time over 1,000,000 postings on SQLite and PostgreSQL (``bench/rules_eval.py``).
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import resource
import statistics
import sys
import time
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from ozonops.simulator.config import SimConfig
from ozonops.simulator.world import World
from ozonops.simulator.world.world import relax_full_gc

BIG = SimConfig(seed=42, shops=2, orders_per_day=11_112, history_days=90)
LIST_PATH = "/v4/posting/fbs/list"


@dataclass
class Row:
    name: str
    value: float
    unit: str
    goal: float | None  # an upper bound; None = informational

    def render(self) -> str:
        goal = "" if self.goal is None else f"<= {self.goal:g} {self.unit}"
        verdict = "" if self.goal is None else ("ok" if self.value <= self.goal else "MISSED")
        return f"{self.name:<44} {self.value:>12,.2f} {self.unit:<5} {goal:<14} {verdict}"


def peak_rss_mb() -> float:
    # ru_maxrss is in KiB on Linux.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timeline_digest(world: World, indices: list[int]) -> str:
    """A hash of several postings' plans and timelines: equal digests = same behaviour."""
    h = hashlib.sha256()
    for i in indices:
        p = world.posting(i)
        h.update(repr((p.posting_number, p.created_at, p.shipment_date, p.lines, p.buyer)).encode())
        h.update(repr((p.plan, p.troubles, p.cancellation_plan, p.timeline)).encode())
    return h.hexdigest()[:16]


def bench_world(limit: int | None) -> list[Row]:
    rows = []
    relax_full_gc()  # as `ozonops simulator serve` does
    print(f"gc thresholds (as the simulator sets them): {gc.get_threshold()}")
    gc.collect()
    rss0 = peak_rss_mb()
    t0 = time.perf_counter()
    world = World(BIG)
    build_s = time.perf_counter() - t0
    n = len(world.index)
    rows.append(Row(f"world + index build ({n:,} orders)", build_s, "s", 5.0))
    count = n if limit is None else min(n, limit)
    t0 = time.perf_counter()
    c0 = time.process_time()
    for i in range(count):
        world.posting(i)
    mat_s = time.perf_counter() - t0
    cpu_s = time.process_time() - c0
    rows.append(Row(f"materialize {count:,} postings (wall)", mat_s, "s", 60.0))
    rows.append(Row("  same, CPU time of this process", cpu_s, "s", None))
    rows.append(Row("  per posting (wall)", mat_s / max(count, 1) * 1e6, "us", None))
    rows.append(Row("peak RSS after materializing", peak_rss_mb(), "MB", 2048.0))
    rows.append(Row("  growth during the run", peak_rss_mb() - rss0, "MB", None))
    sample = list(range(0, count, max(1, count // 50)))
    print(f"timeline digest of {len(sample)} postings: {timeline_digest(world, sample)}")
    return rows


def bench_list(pages: int) -> list[Row]:
    from tests.simulator.conftest import AsgiClient  # the harness the tests use

    from ozonops.simulator.app import create_app
    from ozonops.simulator.routing import REGISTRY, iso

    if LIST_PATH not in REGISTRY.routes:
        print(f"{LIST_PATH} is not simulated yet: list latency skipped")
        return []
    config = BIG.model_copy(update={"rate_limit_per_second": 10**9})
    world = World(config)
    client = AsgiClient(create_app(config, world=world))
    shop = world.shops[0]
    headers = {"Client-Id": shop.client_id, "Api-Key": shop.api_key}
    now = world.now()
    body: dict[str, Any] = {
        "filter": {"since": iso(now - timedelta(days=89)), "to": iso(now)},
        "limit": 100,
        "sort_dir": "ASC",
        "with": {"financial_data": True},
    }
    took: list[float] = []
    cold: list[float] = []
    try:
        # Two passes over the same pages: the first builds postings (cold), the second is warm.
        for bucket in (cold, took):
            page_body = dict(body)
            for _ in range(pages):
                t0 = time.perf_counter()
                resp = client.post(LIST_PATH, json=page_body, headers=headers)
                bucket.append((time.perf_counter() - t0) * 1000)
                if resp.status_code != 200:
                    print(f"{LIST_PATH} answered {resp.status_code}: {resp.text[:300]}")
                    return []
                data = resp.json()
                if not data.get("has_next") or not data.get("cursor"):
                    break
                page_body = {**body, "cursor": data["cursor"]}
    finally:
        client.close()
    rows = [Row(f"{LIST_PATH} first page (cold)", cold[0], "ms", None)] if cold else []
    for label, xs in (("cold", cold), ("warm", took)):
        if not xs:
            continue
        xs = sorted(xs)
        p99 = xs[min(len(xs) - 1, int(len(xs) * 0.99))]
        goal = 5.0 if label == "warm" else None
        rows.append(
            Row(f"{LIST_PATH} p50 {label} ({len(xs)} pages)", statistics.median(xs), "ms", goal)
        )
        rows.append(Row(f"{LIST_PATH} p99 {label}", p99, "ms", None))
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument("--postings", type=int, default=None, help="materialize only this many")
    parser.add_argument("--pages", type=int, default=250, help="list pages to time")
    parser.add_argument("--skip-world", action="store_true")
    parser.add_argument(
        "--skip-client-read", action="store_true", help="skip bench/client_read.py (~3 min)"
    )
    parser.add_argument(
        "--skip-tracking-file", action="store_true", help="skip bench/tracking_file.py (~1 min)"
    )
    parser.add_argument(
        "--skip-track17", action="store_true", help="skip bench/track17_refresh.py (~8 min)"
    )
    parser.add_argument(
        "--skip-webhook", action="store_true", help="skip bench/webhook_receiver.py (~1 min)"
    )
    parser.add_argument(
        "--skip-rules", action="store_true", help="skip bench/rules_eval.py (~10 min)"
    )
    parser.add_argument(
        "--skip-rules-accuracy",
        action="store_true",
        help="skip bench/rules_accuracy.py (~2 min)",
    )
    args = parser.parse_args(argv)
    rows: list[Row] = []
    if not args.skip_world:
        rows += bench_world(args.postings)
    rows += bench_list(args.pages)
    print(f"\n{'figure':<44} {'value':>12} {'unit':<5} {'goal':<14} verdict")
    for row in rows:
        print(row.render())
    if not args.skip_client_read:
        from bench.client_read import run as client_read

        print(f"\n{'client read (simulator in its own process)':<52} {'figure':>30}   goal")
        missed_client = []
        for name, figure, goal in client_read():
            print(f"{name:<52} {figure:>30}   {goal}")
            if goal.endswith("MISSED"):
                missed_client.append(name)
    else:
        missed_client = []
    if not args.skip_tracking_file:
        from bench.tracking_file import run as tracking_file

        print(f"\n{'tracking-number upload files':<48} {'figure':>30}   goal")
        for name, figure, goal in tracking_file():
            print(f"{name:<48} {figure:>30}   {goal}")
            if goal.endswith("MISSED"):
                missed_client.append(name)
    if not args.skip_track17:
        from bench.track17_refresh import run as track17_refresh

        print(f"\n{'17TRACK refresh (simulator in its own process)':<44} {'figure':>34}   goal")
        for name, figure, goal in track17_refresh():
            print(f"{name:<44} {figure:>34}   {goal}")
            if goal.endswith("MISSED"):
                missed_client.append(name)
    if not args.skip_webhook:
        from bench.webhook_receiver import run as webhook_receiver

        print(f"\n{'webhook receiver (own process, load from another)':<52} {'figure':>30}   goal")
        for name, figure, goal in webhook_receiver():
            print(f"{name:<52} {figure:>30}   {goal}")
            if goal.endswith("MISSED"):
                missed_client.append(name)
    if not args.skip_rules_accuracy:
        from bench.rules_accuracy import run as rules_accuracy

        print(f"\n{'rules against the simulator truth':<40} {'figure':>34}   goal")
        for name, figure, goal in rules_accuracy():
            print(f"{name:<40} {figure:>34}   {goal}")
            if goal.endswith("MISSED"):
                missed_client.append(name)
    if not args.skip_rules:
        from bench.rules_eval import run as rules_eval

        print(f"\n{'rule evaluation (1,000,000 postings)':<52} {'figure':>34}   goal")
        for name, figure, goal in rules_eval():
            print(f"{name:<52} {figure:>34}   {goal}")
            if goal.endswith("MISSED"):
                missed_client.append(name)
    missed = [r.name for r in rows if r.goal is not None and r.value > r.goal] + missed_client
    print("\nMISSED: " + "; ".join(missed) if missed else "\nall goals met")
    return 0


if __name__ == "__main__":
    sys.exit(main())
