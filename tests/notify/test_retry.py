"""The backoff policy: full jitter under the cap, the platform's hint wins, bounded."""

from __future__ import annotations

import random

from hypothesis import given
from hypothesis import strategies as st

from ozonops.notify import Backoff


@given(attempt=st.integers(min_value=0, max_value=40), seed=st.integers())
def test_full_jitter_stays_between_zero_and_the_capped_exponential(attempt: int, seed: int) -> None:
    policy = Backoff(base=0.5, cap=20.0)
    delay = policy.delay(attempt, hint=None, rng=random.Random(seed))
    assert 0.0 <= delay <= min(20.0, 0.5 * 2**attempt)


def test_hint_wins_and_limits_hold() -> None:
    policy = Backoff(max_attempts=3, deadline=100.0)
    assert policy.delay(0, hint=45.0, rng=random.Random(0)) == 45.0
    assert policy.allows(attempts=2, elapsed=10.0, wait=45.0)
    assert not policy.allows(attempts=3, elapsed=0.0, wait=1.0)  # out of attempts
    assert not policy.allows(attempts=1, elapsed=60.0, wait=45.0)  # past the deadline
