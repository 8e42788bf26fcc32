"""The in-process sliding-window limiter, on a fake clock."""

from __future__ import annotations

import pytest

from ozonops.notify import Limiters, Rate
from tests.notify.sinkkit import FakeClock

pytestmark = pytest.mark.anyio


async def test_twenty_a_minute_then_waits_for_the_oldest_to_leave() -> None:
    clock, limiters = FakeClock(), Limiters(margin=0.0)
    start = clock.time()
    for _ in range(20):
        assert await limiters.acquire("robot", [Rate(20, 60.0)], clock) == 0.0
        clock.advance(1.0)
    waited = await limiters.acquire("robot", [Rate(20, 60.0)], clock)
    assert waited == pytest.approx(40.0)  # the first send, at start, leaves at start + 60
    assert clock.time() == pytest.approx(start + 60.0)


async def test_every_rate_must_fit_and_keys_are_independent() -> None:
    clock, limiters = FakeClock(), Limiters(margin=0.0)
    rates = [Rate(100, 60.0), Rate(5, 1.0)]
    for _ in range(5):
        await limiters.acquire("bot", rates, clock)
    assert await limiters.acquire("other", rates, clock) == 0.0
    assert await limiters.acquire("bot", rates, clock) == pytest.approx(1.0)


async def test_max_wait_refuses_without_counting_and_pause_holds() -> None:
    clock, limiters = FakeClock(), Limiters(margin=0.0)
    await limiters.acquire("r", [Rate(1, 60.0)], clock)
    assert await limiters.acquire("r", [Rate(1, 60.0)], clock, max_wait=10.0) is None
    assert clock.slept == []
    limiters.pause("p", 30.0, clock)
    assert await limiters.acquire("p", [Rate(5, 1.0)], clock) == pytest.approx(30.0)


def test_rate_refuses_nonsense() -> None:
    with pytest.raises(ValueError, match="limit >= 1"):
        Rate(0, 60.0)
