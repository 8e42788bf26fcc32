"""``Watchtower``: evaluate the rules after each sync round and on a timer, notify, send digests.

::

    sync round ends ─► after_run() ─┐
    timer (config.interval) ────────┴─► observe (key expiry, degraded methods → watch_facts)
                                        evaluate (engine, one transaction, in a thread)
                                        notify due alerts (ozonops.notify Dispatcher)
                                        send the digests whose window closed

Ozon's clock drives the rules (``ozon_clock``: the newest ``Date`` Ozon answered with, so a
simulated Ozon's time is honoured); the machine's clock (``wall``) drives delivery: digest
windows, signatures, and the age of the last push we received.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime

from ozonops.db import Database
from ozonops.notify import Dispatcher, NotifyConfig, Outcome, Route, make_channels
from ozonops.rules import notifying
from ozonops.rules.catalogue import CATALOGUE
from ozonops.rules.engine import Evaluation, evaluate
from ozonops.rules.probes import degraded_of, read_key_expiry, record_degraded, record_key_expiry
from ozonops.rules.rule import Context, Rule
from ozonops.sync import RunResult, Syncer
from ozonops.watch_config import RulesConfig

__all__ = ["Watchtower", "ozon_now"]

log = logging.getLogger(__name__)

#: After a sync run, wait this long for the rest of the round before evaluating once.
SETTLE_SECONDS = 1.0


def _wall() -> datetime:
    return datetime.now(UTC)


def ozon_now(syncer: Syncer) -> datetime:
    """Ozon's clock as the shops' clients last saw it (the machine's before any answer)."""
    seen = [c.http.server_time for c in syncer.clients.values() if c.http.server_time]
    return max(seen) if seen else _wall()


class Watchtower:
    """The rules over one store, and the notifier they report to."""

    def __init__(
        self,
        db: Database,
        *,
        config: RulesConfig,
        notify: NotifyConfig | None = None,
        dispatcher: Dispatcher | None = None,
        ozon_clock: Callable[[], datetime] = _wall,
        wall_clock: Callable[[], datetime] = _wall,
        dashboard_url: str | None = None,
        rules: Sequence[Rule] = CATALOGUE,
    ) -> None:
        self.db = db
        self.config = config
        self.notify = notify or NotifyConfig()
        self.routes: tuple[Route, ...] = self.notify.routes
        self.dispatcher = dispatcher or Dispatcher(
            channels=make_channels(self.notify),
            journal=notifying.StoreJournal(db, clock=wall_clock),
        )
        if self.dispatcher.journal is None:
            self.dispatcher.journal = notifying.StoreJournal(db, clock=wall_clock)
        self.ozon_clock = ozon_clock
        self.wall_clock = wall_clock
        self.dashboard_url = config.dashboard_url or dashboard_url
        self.rules = tuple(rules)
        self._dirty = asyncio.Event()
        self._keys_checked: dict[int, float] = {}

    def context(self, *, now: datetime | None = None) -> Context:
        return Context(
            now=now or self.ozon_clock(),
            wall=self.wall_clock(),
            config=self.config,
            dialect=self.db.dialect,
        )

    # --- one evaluation ------------------------------------------------------------------
    async def evaluate(self, *, now: datetime | None = None) -> Evaluation:
        """Evaluate every rule at ``now`` (default: Ozon's clock), then notify."""
        ctx = self.context(now=now)
        evaluation = await asyncio.to_thread(self._evaluate, ctx)
        await self.notify_due(ctx)
        await self.send_digests(ctx)
        return evaluation

    def _evaluate(self, ctx: Context) -> Evaluation:
        with self.db.transaction() as session:
            return evaluate(session, ctx=ctx, rules=self.rules)

    async def notify_due(self, ctx: Context | None = None) -> list[Outcome]:
        """Hand every due alert to the notifier; keep the outcomes."""
        ctx = ctx or self.context()
        wall = self.wall_clock()
        with self.db.transaction() as s:
            due = notifying.due_alerts(s, ctx=ctx, wall=wall, dashboard_url=self.dashboard_url)
            if not self.routes:  # nowhere to send: nothing is owed later either
                notifying.mark_handed(s, alert_ids=[d.alert_id for d in due], at=wall)
                return []
        if not due:
            return []
        outcomes = await self.dispatcher.deliver([d.notification for d in due], routes=self.routes)
        with self.db.transaction() as s:
            notifying.record_outcomes(s, outcomes=outcomes, at=wall, event_at=ctx.now)
            done = notifying.handed(s, due, outcomes)
            notifying.mark_handed(s, alert_ids=done, at=wall)
        return outcomes

    async def send_digests(self, ctx: Context | None = None) -> list[Outcome]:
        """Send every digest route's closed windows over the notifications deferred to it."""
        ctx = ctx or self.context()
        out: list[Outcome] = []
        for route in self.routes:
            if route.mode == "immediate":
                continue
            wall = self.wall_clock()
            with self.db.transaction() as s:
                pending = notifying.pending_digests(
                    s, route=route.name, ctx=ctx, wall=wall, dashboard_url=self.dashboard_url
                )
            if not pending:
                continue
            outcomes = await self.dispatcher.deliver_digests(pending, routes=[route])
            with self.db.transaction() as s:
                notifying.record_outcomes(s, outcomes=outcomes, at=wall, event_at=ctx.now)
            out += outcomes
        return out

    # --- what the store does not hold ------------------------------------------------------
    async def observe(self, syncer: Syncer) -> None:
        """Refresh the facts the sync does not store (key expiry, degraded methods)."""
        now = ozon_now(syncer)
        every = self.config.key_check_interval.total_seconds()
        for shop in syncer.shops:
            client = syncer.clients[shop.name]
            last = self._keys_checked.get(shop.id)
            if last is None or time.monotonic() - last >= every:
                expires_at = await read_key_expiry(client)
                self._keys_checked[shop.id] = time.monotonic()
                with self.db.transaction() as s:
                    record_key_expiry(s, shop_id=shop.id, expires_at=expires_at, now=now)
            with self.db.transaction() as s:
                record_degraded(s, shop_id=shop.id, degraded=degraded_of(client, now=now), now=now)

    # --- the loop ----------------------------------------------------------------------------
    def after_run(self, result: RunResult) -> None:
        """Hook for ``run_schedule(on_run=...)``: a sync run ended, evaluate soon."""
        if result.outcome != "unavailable" or result.new or result.changed:
            self._dirty.set()

    async def run(self, *, syncer: Syncer | None = None) -> None:
        """Evaluate after each sync round (debounced) and at least every ``interval``."""
        interval = self.config.interval.total_seconds()
        while True:
            try:
                await asyncio.wait_for(self._dirty.wait(), timeout=interval)
                await asyncio.sleep(SETTLE_SECONDS)
            except TimeoutError:
                pass
            self._dirty.clear()
            try:
                if syncer is not None:
                    await self.observe(syncer)
                evaluation = await self.evaluate()
            except Exception:  # keep watching: one failed evaluation is logged, not fatal
                log.exception("rules evaluation failed; trying again next round")
                continue
            if evaluation.total("opened") or evaluation.total("reopened"):
                log.info(
                    "rules: %d opened, %d reopened, %d resolved in %.2f s",
                    evaluation.total("opened"),
                    evaluation.total("reopened"),
                    evaluation.total("resolved"),
                    evaluation.seconds,
                )
