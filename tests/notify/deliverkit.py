"""Sending through ``deliver`` in one line, for the live tests."""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import Any

import httpx

from ozonops.notify import Backoff, Limiters, Notification, Outcome, Route, deliver
from ozonops.notify.config import AnyChannel
from tests.notify.sinkkit import FakeClock


async def send(
    notifications: Sequence[Notification],
    channels: Sequence[AnyChannel],
    *,
    clock: FakeClock,
    http: httpx.AsyncClient,
    limiters: Limiters | None = None,
    backoff: Backoff | None = None,
    lang: str = "zh",
    **kwargs: Any,
) -> list[Outcome]:
    """Deliver to every channel through one immediate route."""
    route = Route(name="all", channels=tuple(c.name for c in channels), lang=lang)  # type: ignore[arg-type]
    return await deliver(
        notifications,
        routes=[route],
        channels={c.name: c for c in channels},
        limiters=limiters or Limiters(),
        clock=clock,
        http=http,
        backoff=backoff or Backoff(),
        rng=random.Random(7),
        **kwargs,
    )
