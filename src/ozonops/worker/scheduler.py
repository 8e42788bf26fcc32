"""The embedded scheduler (``ozonops run``): every resource of every shop on its interval.

One task per shop runs that shop's resources one at a time (they share its rate budget), the
most overdue first; each run is scheduled again ``interval`` later, give or take ``jitter``,
so shops and resources do not fall into step. Other loops (the push processor, alerts) run
beside it as their own tasks.
"""

from __future__ import annotations

import asyncio
import heapq
import logging
import random
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta

from ozonops.db import StoredShop
from ozonops.sync import ResourceSpec, RunResult, Syncer

__all__ = ["Schedule", "run_schedule"]

log = logging.getLogger(__name__)

#: Hears every finished run (the CLI prints a line, tests count).
OnRun = Callable[[RunResult], Awaitable[None] | None]


@dataclass(frozen=True)
class Schedule:
    """How often each resource runs. ``every`` overrides every interval (demo, tests)."""

    every: timedelta | None = None
    jitter: float = 0.1
    overrides: dict[str, timedelta] = field(default_factory=dict)

    def interval(self, spec: ResourceSpec[object]) -> float:
        chosen = self.every or self.overrides.get(spec.name) or spec.interval
        return chosen.total_seconds()


async def _shop_loop(
    syncer: Syncer,
    shop: StoredShop,
    specs: Sequence[ResourceSpec[object]],
    schedule: Schedule,
    on_run: OnRun | None,
    rng: random.Random,
    clock: Callable[[], float],
) -> None:
    # (due, order, spec): everything is due now on start, in the resources' order.
    due = [(clock(), k, spec) for k, spec in enumerate(specs)]
    heapq.heapify(due)
    while True:
        at, k, spec = heapq.heappop(due)
        wait = at - clock()
        if wait > 0:
            await asyncio.sleep(wait)
        (result,) = await syncer.run_shop(shop, [spec])
        if on_run is not None:
            outcome = on_run(result)
            if outcome is not None:
                await outcome
        spread = 1 + rng.uniform(-schedule.jitter, schedule.jitter)
        heapq.heappush(due, (clock() + schedule.interval(spec) * spread, k, spec))


async def run_schedule(
    syncer: Syncer,
    *,
    schedule: Schedule | None = None,
    shops: Sequence[str] | None = None,
    resources: Sequence[str] | None = None,
    on_run: OnRun | None = None,
    seed: int | None = None,
    clock: Callable[[], float] = time.monotonic,
) -> None:
    """Run the chosen resources for the chosen shops forever (until cancelled)."""
    chosen_shops, specs = syncer.select(shops=shops, resources=resources)
    rng = random.Random(seed)
    plan = schedule or Schedule()
    async with asyncio.TaskGroup() as group:
        for shop in chosen_shops:
            group.create_task(_shop_loop(syncer, shop, specs, plan, on_run, rng, clock))
