"""The dispatcher: routes a batch, sends it, and reports every outcome as data.

A :class:`Dispatcher` holds the channels and what should outlive one batch (limiters,
clock, HTTP client, journal, backoff); the module functions build a throwaway one.
``deliver`` sends the notifications of immediate routes and reports the others as
``deferred`` into their digest window; ``deliver_digests`` later sends the digests of the
windows that have closed. Both return one :class:`~ozonops.notify.outcome.Outcome` per
(notification, route, channel) and never raise for a failed send.

One send of one message to one channel, in stacked steps:

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
import logging
import random
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Literal, TypedDict, Unpack

import httpx

from ozonops.notify.clock import Clock, SystemClock, utc
from ozonops.notify.config import AnyChannel
from ozonops.notify.digest import Window, build_digest
from ozonops.notify.errors import (
    ChannelRateLimited,
    ConfigurationError,
    DeliveryError,
    TerminalDeliveryError,
    TransientDeliveryError,
)
from ozonops.notify.limiter import Limiters
from ozonops.notify.model import Message, Notification
from ozonops.notify.outcome import Journal, Outcome, delivery_key
from ozonops.notify.render import render_alert
from ozonops.notify.retry import Backoff
from ozonops.notify.routing import Route, plan

__all__ = ["Dispatcher", "Options", "deliver", "deliver_digests"]

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class _Job:
    """One message for one channel, covering one or more notifications."""

    channel: str
    route: Route
    message: Message
    key: str
    via: Literal["immediate", "digest"]
    window: str | None = None


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
            _Job(
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
                jobs.append(_Job(channel, route, message, key, "digest", window.key))
        return await self._run(jobs)

    def _check(self, routes: Sequence[Route]) -> None:
        for route in routes:
            missing = [name for name in route.channels if name not in self.channels]
            if missing:
                raise ConfigurationError(
                    f"route {route.name!r} names channel(s) {missing} that are not "
                    f"configured; configured: {sorted(self.channels)}"
                )

    async def _run(self, jobs: list[_Job]) -> list[Outcome]:
        per_channel: dict[str, list[int]] = defaultdict(list)
        for index, job in enumerate(jobs):
            per_channel[job.channel].append(index)
        results: list[list[Outcome]] = [[] for _ in jobs]
        client = self.http or httpx.AsyncClient()

        async def one_channel(indexes: list[int]) -> None:
            for index in indexes:
                results[index] = await _deliver_job(jobs[index], self, client)

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


async def _deliver_job(job: _Job, ctx: Dispatcher, http: httpx.AsyncClient) -> list[Outcome]:
    base = Outcome(
        alert_id="",
        dedupe_key="",
        route=job.route.name,
        channel=job.channel,
        status="sent",
        via=job.via,
        delivery_key=job.key,
        window=job.window,
    )
    state = await ctx.journal.state(job.key) if ctx.journal else "new"
    if state == "done":
        result = replace(base, status="skipped", error="already delivered (journal)")
        return _per_source(job, result)
    if ctx.journal:
        await ctx.journal.started(job.key)
    result = await _send_message(job, ctx, http, replace(base, resent=state == "started"))
    if ctx.journal:
        await ctx.journal.finished(result)
    if result.status == "sent":
        log.info("notify: %s sent to %r (%d retries)", job.key, job.channel, result.retries)
    else:
        log.warning("notify: %s to %r failed: %s", job.key, job.channel, result.error)
    return _per_source(job, result)


def _per_source(job: _Job, result: Outcome) -> list[Outcome]:
    return [
        replace(result, alert_id=source.alert_id, dedupe_key=source.dedupe_key)
        for source in job.message.sources
    ]


async def _send_message(
    job: _Job, ctx: Dispatcher, http: httpx.AsyncClient, result: Outcome
) -> Outcome:
    channel = ctx.channels[job.channel]
    parts = channel.parts(job.message)
    attempts = retries = 0
    for index, part in enumerate(parts):
        key = job.key if len(parts) == 1 else f"{job.key}-{index + 1}"
        made, error = await _send_part(channel, part, key, ctx, http)
        attempts += made
        retries += max(0, made - 1)
        if error is not None:
            return replace(
                result,
                status="failed",
                attempts=attempts,
                retries=retries,
                parts_sent=index,
                parts_total=len(parts),
                error=str(error),
                retryable=isinstance(error, TransientDeliveryError),
            )
    return replace(
        result, attempts=attempts, retries=retries, parts_sent=len(parts), parts_total=len(parts)
    )


async def _send_part(
    channel: AnyChannel, part: object, key: str, ctx: Dispatcher, http: httpx.AsyncClient
) -> tuple[int, DeliveryError | None]:
    """Send one part with limits and retries; returns (attempts made, final error or None)."""
    start = ctx.clock.time()
    attempts = 0
    while True:
        remaining = ctx.backoff.deadline - (ctx.clock.time() - start)
        waited = await ctx.limiters.acquire(
            channel.limit_key, channel.rates, ctx.clock, max_wait=max(0.0, remaining)
        )
        if waited is None:
            return attempts, ChannelRateLimited(
                f"the send budget ({_budget(channel)}) would not free up within the "
                f"{ctx.backoff.deadline:g} s deadline; deliver again later",
                channel=channel.name,
            )
        request = channel.request(part, now=ctx.clock.time(), delivery_key=key)
        attempts += 1
        try:
            await channel.send(request, http=http)
            return attempts, None
        except TerminalDeliveryError as exc:
            return attempts, exc
        except TransientDeliveryError as exc:
            hint = exc.retry_after
            if hint is None and isinstance(exc, ChannelRateLimited):
                hint = channel.throttle_pause
            wait = ctx.backoff.delay(attempts - 1, hint=hint, rng=ctx.rng)
            if isinstance(exc, ChannelRateLimited):
                # Hold the endpoint for everyone (later jobs too); acquire waits it out.
                ctx.limiters.pause(channel.limit_key, wait, ctx.clock)
            elapsed = ctx.clock.time() - start
            if not ctx.backoff.allows(attempts=attempts, elapsed=elapsed, wait=wait):
                return attempts, exc
            log.info("notify: %s to %r: %s; retrying in %.1f s", key, channel.name, exc, wait)
            if not isinstance(exc, ChannelRateLimited):
                await ctx.clock.sleep(wait)


def _budget(channel: AnyChannel) -> str:
    return ", ".join(f"{rate.limit}/{rate.per:g}s" for rate in channel.rates)
