"""A posting's status history: what each new observation adds, so history only grows, in order.

Two kinds of news arrive, in any order and any number of times:

- a **poll** (a posting method's answer) says the posting was in (status, substatus) when Ozon
  answered; the change happened some time before, we do not know when;
- a **push** (``TYPE_STATE_CHANGED`` …) says it entered a push state at ``changed_state_date``:
  the exact time, but in the push model's coarser words (``domain.statuses.push_state``).

Entries are ordered by ``at``: the exact change time when known, else when first observed. The
posting's current status is the last entry. A late, repeated or out-of-order piece of news is
placed at its own time and never moves the posting backwards; news that repeats what the
history already says adds nothing; a push and a poll that tell the same change become one entry
with the poll's detail and the push's time.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Literal

from ozonops.domain.statuses import push_state

__all__ = ["HistoryChange", "Observation", "Source", "StatusEntry", "merge_observation"]

Source = Literal["poll", "push", "poll+push"]


@dataclass(frozen=True, slots=True)
class StatusEntry:
    """One state of a posting: since ``at`` (exact change time, or first seen), learnt how."""

    status: str
    substatus: str
    at: datetime
    exact: bool
    source: Source
    observed_at: datetime


#: What a poll or a push tells: the same shape as an entry.
Observation = StatusEntry


@dataclass(frozen=True, slots=True)
class HistoryChange:
    """Insert ``new``, or put ``new`` in the place of ``old`` (same row, better knowledge)."""

    new: StatusEntry
    old: StatusEntry | None = None


def _state(e: StatusEntry, fbo: bool) -> str:
    return push_state(e.status, e.substatus, fbo=fbo)


def merge_observation(
    history: Sequence[StatusEntry], news: Observation, *, fbo: bool = False
) -> HistoryChange | None:
    """What ``news`` changes in ``history`` (sorted by ``at``); None when it adds nothing."""
    cut = bisect_right([e.at for e in history], news.at)
    prev = history[cut - 1] if cut else None
    nxt = history[cut] if cut < len(history) else None
    if news.exact:  # a push: the time is right, the words are the push model's
        state = _state(news, fbo)
        if prev is not None and _state(prev, fbo) == state:
            return None  # a duplicate, a repeat, or a change the history already holds
        if nxt is not None and not nxt.exact and _state(nxt, fbo) == state:
            # A poll saw this state first; now we know when it began.
            return HistoryChange(replace(nxt, at=news.at, exact=True, source="poll+push"), nxt)
        return HistoryChange(news)
    key = (news.status, news.substatus)
    if prev is not None and (prev.status, prev.substatus) == key:
        return None
    if nxt is not None and (nxt.status, nxt.substatus) == key:
        if nxt.exact:
            return None  # seen before the change a push dated: clocks disagree, trust the push
        # A late answer from an earlier moment: the state began no later than that.
        return HistoryChange(replace(nxt, at=news.at, observed_at=news.observed_at), nxt)
    if prev is not None and prev.source == "push" and _state(prev, fbo) == _state(news, fbo):
        # The push named the state; the poll tells which (status, substatus) it stands for.
        detailed = replace(prev, status=news.status, substatus=news.substatus, source="poll+push")
        return HistoryChange(detailed, prev)
    return HistoryChange(news)
