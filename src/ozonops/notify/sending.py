"""Sending one job — one message to one channel — with limits, retries and a journal.

The steps, per part of the message: ``Limiters.acquire`` (the platform's budget) →
``channel.request`` (signed for the clock's now) → ``channel.send`` (one attempt). A
transient error waits — the platform's hint, the channel's throttle window, or full-jitter
backoff — and tries again while the ``Backoff`` allows; a terminal one stops at once.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Literal

import httpx

from ozonops.notify.errors import (
    ChannelRateLimited,
    DeliveryError,
    TerminalDeliveryError,
    TransientDeliveryError,
)
from ozonops.notify.model import Message
from ozonops.notify.outcome import Outcome
from ozonops.notify.routing import Route

if TYPE_CHECKING:
    from ozonops.notify.config import AnyChannel
    from ozonops.notify.dispatch import Dispatcher

__all__ = ["Job", "deliver_job"]

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Job:
    """One message for one channel, covering one or more notifications."""

    channel: str
    route: Route
    message: Message
    key: str
    via: Literal["immediate", "digest"]
    window: str | None = None


async def deliver_job(job: Job, ctx: Dispatcher, http: httpx.AsyncClient) -> list[Outcome]:
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


def _per_source(job: Job, result: Outcome) -> list[Outcome]:
    return [
        replace(result, alert_id=source.alert_id, dedupe_key=source.dedupe_key)
        for source in job.message.sources
    ]


async def _send_message(
    job: Job, ctx: Dispatcher, http: httpx.AsyncClient, result: Outcome
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
