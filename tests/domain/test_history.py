"""The status history merge: any order, any repeats, polls and pushes mixed — same history."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from ozonops.domain import StatusEntry, merge_observation, push_state
from ozonops.domain.history import HistoryChange

T0 = datetime(2026, 11, 1, tzinfo=UTC)
# A realistic FBS life: each step a different push state.
LIFE = [
    ("awaiting_packaging", "posting_created"),
    ("awaiting_deliver", "posting_not_in_carriage"),
    ("awaiting_deliver", "posting_in_carriage"),
    ("awaiting_deliver", "posting_transferring_to_delivery"),
    ("acceptance_in_progress", "posting_acceptance_in_progress"),
    ("delivering", "posting_on_way_to_city"),
    ("delivering", "posting_in_pickup_point"),
    ("delivered", "posting_delivered"),
]


def apply(history: list[StatusEntry], news: StatusEntry) -> list[StatusEntry]:
    change = merge_observation(history, news)
    if change is None:
        return history
    out = [e for e in history if e != change.old] if change.old else list(history)
    out.append(change.new)
    return sorted(out, key=lambda e: e.at)


def push(i: int, at: datetime) -> StatusEntry:
    status, sub = LIFE[i]
    state = push_state(status, sub)
    return StatusEntry(status, state, at, True, "push", at + timedelta(seconds=5))


def poll(i: int, at: datetime) -> StatusEntry:
    status, sub = LIFE[i]
    return StatusEntry(status, sub, at, False, "poll", at)


@st.composite
def scenario(draw: st.DrawFn) -> tuple[list[datetime], list[StatusEntry]]:
    n = draw(st.integers(2, len(LIFE)))
    gaps = draw(st.lists(st.integers(60, 86_400), min_size=n, max_size=n))
    times = [T0 + timedelta(seconds=sum(gaps[: k + 1])) for k in range(n)]
    news: list[StatusEntry] = []
    for k in range(n):
        for _ in range(draw(st.integers(0, 2))):  # a push lost, sent once, or repeated
            news.append(push(k, times[k]))
    for _ in range(draw(st.integers(1, 6))):  # polls at random moments
        at = times[0] + timedelta(seconds=draw(st.integers(0, sum(gaps))))
        state = max(k for k in range(n) if times[k] <= at)
        news.append(poll(state, at))
    order = draw(st.permutations(news))
    return times, list(order)


@settings(max_examples=300, deadline=None)
@given(scenario())
def test_history_is_the_truth_seen_in_order_whatever_the_order_of_news(
    case: tuple[list[datetime], list[StatusEntry]],
) -> None:
    times, news = case
    history: list[StatusEntry] = []
    for item in news:
        history = apply(history, item)
    states = [push_state(e.status, e.substatus) for e in history]
    truth = [push_state(*LIFE[k]) for k in range(len(times))]
    # Every state the history holds happened, in the order it happened, once.
    it = iter(truth)
    assert all(any(s == t for t in it) for s in states), (states, truth)
    assert len(states) == len(set(states))
    # Each state that any push or poll told of is there.
    told = {push_state(n.status, n.substatus) for n in news}
    assert set(states) == told
    # The newest news wins: the current state is the latest state anyone saw.
    latest = max(news, key=lambda n: (n.at, n.exact))
    assert states[-1] == push_state(latest.status, latest.substatus)
    # Pushed states carry their exact time.
    for e in history:
        k = truth.index(push_state(e.status, e.substatus))
        if e.exact:
            assert e.at == times[k]
        else:
            assert e.at >= times[k]


def test_a_push_gives_an_earlier_poll_entry_its_exact_time() -> None:
    seen = [poll(0, T0), poll(5, T0 + timedelta(days=2))]
    change = merge_observation(seen, push(5, T0 + timedelta(days=1)))
    assert change == HistoryChange(
        StatusEntry(
            "delivering",
            "posting_on_way_to_city",
            T0 + timedelta(days=1),
            True,
            "poll+push",
            T0 + timedelta(days=2),
        ),
        seen[1],
    )


def test_a_poll_adds_detail_to_a_pushed_state_and_a_repeat_adds_nothing() -> None:
    pushed = [push(0, T0), push(1, T0 + timedelta(hours=1))]
    detailed = merge_observation(
        pushed,
        StatusEntry(
            "awaiting_deliver",
            "posting_registered",
            T0 + timedelta(hours=2),
            False,
            "poll",
            T0 + timedelta(hours=2),
        ),
    )
    assert detailed is not None
    assert detailed.old == pushed[1]
    assert (detailed.new.substatus, detailed.new.at) == ("posting_registered", pushed[1].at)
    assert merge_observation(pushed, push(1, T0 + timedelta(hours=1))) is None
    assert merge_observation(pushed, poll(0, T0 + timedelta(minutes=5))) is None
