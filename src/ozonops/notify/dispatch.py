"""The dispatcher: routes a batch, sends it, and reports every outcome as data.

A :class:`Dispatcher` holds the channels and what should outlive one batch (limiters,
clock, HTTP client, journal, backoff); the module functions build a throwaway one.
``deliver`` sends the notifications of immediate routes and reports the others as
``deferred`` into their digest window; ``deliver_digests`` later sends the digests of the
windows that have closed. Both return one :class:`~ozonops.notify.outcome.Outcome` per
(notification, route, channel) and never raise for a failed send.

One send of one message to one channel (:mod:`ozonops.notify.sending`), in stacked steps:

* ``channel.parts(message)`` — the platform's markup, split to its limits;
* per part: ``Limiters.acquire`` (wait for the platform's budget) → ``channel.request``
  (signed for the clock's now) → ``channel.send`` (one attempt);
* a transient error waits (the platform's hint, the channel's throttle window, or
  full-jitter backoff) and tries again while the :class:`~ozonops.notify.retry.Backoff`
  allows; a terminal error stops at once, its message saying what to fix.

Channels run concurrently; sends to one channel go one after another, in order.
"""

from __future__ import annotations

import asyncio
import random
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TypedDict, Unpack

import httpx

from ozonops.notify.clock import Clock, SystemClock, utc
from ozonops.notify.config import AnyChannel
from ozonops.notify.digest import Window, build_digest
from ozonops.notify.errors import ConfigurationError
from ozonops.notify.limiter import Limiters
from ozonops.notify.model import Notification
from ozonops.notify.outcome import Journal, Outcome, delivery_key
from ozonops.notify.render import render_alert
from ozonops.notify.retry import Backoff
from ozonops.notify.routing import Route, plan
from ozonops.notify.sending import Job, deliver_job

__all__ = ["Dispatcher", "Options", "deliver", "deliver_digests"]


class Options(TypedDict, total=False):
    """The knobs of :class:`Dispatcher` that ``deliver`` and ``deliver_digests`` pass on."""

    limiters: Limiters
    clock: Clock
    http: httpx.AsyncClient | None
    journal: Journal | None
    backoff: Backoff
    rng: random.Random


@dataclass(kw_only=True)
class Dispatcher:
    """Channels plus the state that should outlive one batch: keep one for the process.

    ``limiters`` hold the platforms' budgets across calls; ``http`` is borrowed if given
    (else each call opens and closes its own client); ``journal`` records deliveries.
    """

    channels: Mapping[str, AnyChannel]
    limiters: Limiters = field(default_factory=Limiters)
    clock: Clock = field(default_factory=SystemClock)
    http: httpx.AsyncClient | None = None
    journal: Journal | None = None
    backoff: Backoff = field(default_factory=Backoff)
    rng: random.Random = field(default_factory=random.Random)

    async def deliver(
        self, notifications: Iterable[Notification], *, routes: Sequence[Route]
    ) -> list[Outcome]:
        """Send what immediate routes want now; report digest routes' share as ``deferred``."""
        self._check(routes)
        batch = plan(notifications, routes)
        jobs = [
            Job(
                channel=target.channel,
                route=target.route,
                message=render_alert(target.notification, lang=target.route.lang, ref=key),
                key=key,
                via="immediate",
            )
            for target in batch.immediate
            for key in [delivery_key(f"alert\x00{target.notification.dedupe_key}", target.channel)]
        ]
        outcomes = await self._run(jobs)
        outcomes += [
            Outcome(
                alert_id=n.alert_id,
                dedupe_key=n.dedupe_key,
                route=route.name,
                channel=None,
                status="deferred",
                via="digest",
                window=window.key,
            )
            for n, route, window in batch.deferred
        ]
        outcomes += [
            Outcome(
                alert_id=n.alert_id,
                dedupe_key=n.dedupe_key,
                route=None,
                channel=None,
                status="skipped",
                error=f"no route matches severity {n.severity.value}, rule {n.rule_id!r}, "
                f"shop {n.shop!r}",
            )
            for n in batch.unrouted
        ]
        return outcomes

    async def deliver_digests(
        self, pending: Iterable[Notification], *, routes: Sequence[Route]
    ) -> list[Outcome]:
        """Send one digest per (digest route, closed window) over the ``pending`` notifications.

        ``pending`` are the notifications whose outcome was ``deferred`` and that the caller
        kept; those of windows still open are left out of the result (call again later).
        """
        self._check(routes)
        now = utc(self.clock)
        groups: dict[tuple[str, str], tuple[Route, Window, list[Notification]]] = {}
        for notification, route, window in plan(pending, routes).deferred:
            if window.closed(now):
                entry = groups.setdefault((route.name, window.key), (route, window, []))
                entry[2].append(notification)
        jobs = []
        for route, window, items in groups.values():
            for channel in route.channels:
                key = delivery_key(f"digest\x00{route.name}\x00{window.key}", channel)
                message = build_digest(
                    items,
                    window=window,
                    lang=route.lang,
                    ref=key,
                    dashboard_url=route.dashboard_url,
                )
                jobs.append(Job(channel, route, message, key, "digest", window.key))
        return await self._run(jobs)

    def _check(self, routes: Sequence[Route]) -> None:
        for route in routes:
            missing = [name for name in route.channels if name not in self.channels]
            if missing:
                raise ConfigurationError(
                    f"route {route.name!r} names channel(s) {missing} that are not "
                    f"configured; configured: {sorted(self.channels)}"
                )

    async def _run(self, jobs: list[Job]) -> list[Outcome]:
        per_channel: dict[str, list[int]] = defaultdict(list)
        for index, job in enumerate(jobs):
            per_channel[job.channel].append(index)
        results: list[list[Outcome]] = [[] for _ in jobs]
        client = self.http or httpx.AsyncClient()

        async def one_channel(indexes: list[int]) -> None:
            for index in indexes:
                results[index] = await deliver_job(jobs[index], self, client)

        try:
            async with asyncio.TaskGroup() as group:
                for indexes in per_channel.values():
                    group.create_task(one_channel(indexes))
        except ExceptionGroup as failed:  # a journal or a bug raised: let it out as itself
            if len(failed.exceptions) == 1:
                raise failed.exceptions[0] from None
            raise
        finally:
            if self.http is None:
                await client.aclose()
        return [outcome for result in results for outcome in result]


async def deliver(
    notifications: Iterable[Notification],
    *,
    routes: Sequence[Route],
    channels: Mapping[str, AnyChannel],
    **options: Unpack[Options],
) -> list[Outcome]:
    """``Dispatcher(channels=channels, **options).deliver(notifications, routes=routes)``."""
    return await Dispatcher(channels=channels, **options).deliver(notifications, routes=routes)


async def deliver_digests(
    pending: Iterable[Notification],
    *,
    routes: Sequence[Route],
    channels: Mapping[str, AnyChannel],
    **options: Unpack[Options],
) -> list[Outcome]:
    """``Dispatcher(channels=channels, **options).deliver_digests(pending, routes=routes)``."""
    return await Dispatcher(channels=channels, **options).deliver_digests(pending, routes=routes)
