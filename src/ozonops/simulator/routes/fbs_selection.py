"""Which FBS/rFBS postings a list method returns, and in what order.

:func:`list_fbs` is the cheap entry point for the handlers, other modules and benchmarks: it
reads only as many postings as a page needs (orders are indexed by creation time and payment
delay, so they are put in ``in_process_at`` order before any posting is built).
:func:`select_all` builds every candidate, for the lists that must count them all.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import numpy as np
import numpy.typing as npt

from ozonops.simulator.render.postings import delivering_date
from ozonops.simulator.world import Shop, World
from ozonops.simulator.world.index import MAX_PROCESS_DELAY_S
from ozonops.simulator.world.model import Posting

#: Upper bound of ``in_process_at - created_at`` (the order index's payment delay).
MAX_PROCESS_DELAY = timedelta(seconds=MAX_PROCESS_DELAY_S)


# --- the filter --------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class FbsFilter:
    """What a read request asks for; ``None`` means "any"."""

    since: datetime
    to: datetime
    statuses: frozenset[str] | None = None
    changed_from: datetime | None = None
    changed_to: datetime | None = None
    order_id: int | None = None
    order_numbers: frozenset[str] | None = None
    warehouse_ids: frozenset[int] | None = None
    delivery_method_ids: frozenset[int] | None = None
    provider_ids: frozenset[int] | None = None
    flows: frozenset[str] | None = None
    nothing: bool = False  # a flag we never match (is_blr_traceable, is_quantum)
    cutoff_from: datetime | None = None
    cutoff_to: datetime | None = None
    delivering_from: datetime | None = None
    delivering_to: datetime | None = None

    def matches(self, world: World, p: Posting, now: datetime) -> bool:
        if self.nothing or p.is_fbo:
            return False
        if self.order_id is not None and p.order_id != self.order_id:
            return False
        if self.order_numbers is not None and p.order_number not in self.order_numbers:
            return False
        if self.warehouse_ids is not None and p.warehouse_id not in self.warehouse_ids:
            return False
        if (
            self.delivery_method_ids is not None
            and p.delivery_method_id not in self.delivery_method_ids
        ):
            return False
        provider = world.method_by_id[p.delivery_method_id].provider_id
        if self.provider_ids is not None and provider not in self.provider_ids:
            return False
        if self.flows is not None and p.scheme.tpl_integration_type not in self.flows:
            return False
        if (
            self.cutoff_from is not None
            and self.cutoff_to is not None
            and not self.cutoff_from <= p.shipment_date <= self.cutoff_to
        ):
            return False
        if self.delivering_from is not None and self.delivering_to is not None:
            handed = delivering_date(p, now)
            if handed is None or not self.delivering_from <= handed <= self.delivering_to:
                return False
        ev = world.event(p, now)
        if self.statuses is not None and ev.status not in self.statuses:
            return False
        if self.changed_from is not None and ev.at < self.changed_from:
            return False
        return self.changed_to is None or ev.at <= self.changed_to


def list_key(p: Posting) -> tuple[datetime, int, int]:
    """The v4/v3 list order: ``in_process_at``, then order index, then split part."""
    return (p.in_process_at, p.index, _part(p))


def unfulfilled_key(p: Posting) -> tuple[datetime, datetime, int, int]:
    """The unfulfilled list order: cut-off, then ``in_process_at``, index and split part."""
    return (p.shipment_date, p.in_process_at, p.index, _part(p))


def _part(p: Posting) -> int:
    tail = p.posting_number.rsplit("-", 1)[-1]
    return int(tail) if tail.isdigit() else 0


def _with_children(world: World, i: int, *, desc: bool) -> list[Posting]:
    """Order ``i``'s postings in list order: the posting, then the parts split off it."""
    ps = [world.posting(i), *world.split_children(i)]
    if len(ps) > 1:
        ps.sort(key=_part, reverse=desc)
    elif desc:
        ps.reverse()
    return ps


# --- selection ---------------------------------------------------------------------------------
#: Orders taken from the index per step of :func:`_rows_in_list_order` (grows as it walks).
_FIRST_BLOCK = 128


def _rows_in_list_order(
    world: World,
    idx: npt.NDArray[np.int64],
    created: npt.NDArray[np.int64],
    *,
    desc: bool,
    after: tuple[datetime, int, int] | None,
) -> Iterator[int]:
    """The orders ``idx`` (created at ``created``, ascending) by ``(in_process_at, index)``.

    Ascending, or descending with ``desc``; orders wholly before ``after`` (in that direction)
    are left out, the order of ``after`` itself is kept for its other parts. Postings are not
    built: ``in_process_at`` is the creation time plus the index's payment delay, which is at
    most ``MAX_PROCESS_DELAY_S``, so a block of orders sorted by creation time is sorted by
    ``in_process_at`` once the orders that a later block could still overtake are held back.
    """
    delay = world.index.delay
    slack = MAX_PROCESS_DELAY_S
    n = len(idx)
    if after is None:
        j = n - 1 if desc else 0
    else:
        # Compare exactly: in_process_at is whole seconds, the cursor's time may not be.
        a_ts, a_i = after[0].timestamp(), after[1]
        # Integer bounds: a float would make numpy convert the whole array to compare.
        if desc:
            j = int(np.searchsorted(created, math.floor(a_ts), "right")) - 1
        else:
            j = int(np.searchsorted(created, math.ceil(a_ts) - slack, "left"))
    held_rows = np.zeros(0, dtype=np.int64)
    held_keys = np.zeros(0, dtype=np.int64)
    block = _FIRST_BLOCK
    while (j >= 0) if desc else (j < n):
        if desc:
            lo, hi = max(0, j - block + 1), j + 1
            j = lo - 1
            # Orders not taken yet were created at or before created[j], so paid by + slack.
            bound = int(created[j]) + slack if j >= 0 else None
        else:
            lo, hi = j, min(n, j + block)
            j = hi
            # Orders not taken yet were created at or after created[j], so paid no earlier.
            bound = int(created[j]) if j < n else None
        rows = np.concatenate([held_rows, idx[lo:hi]])
        keys = np.concatenate([held_keys, created[lo:hi] + delay[idx[lo:hi]]])
        if after is not None:
            if desc:
                keep = (keys < a_ts) | ((keys == a_ts) & (rows <= a_i))
            else:
                keep = (keys > a_ts) | ((keys == a_ts) & (rows >= a_i))
            rows, keys = rows[keep], keys[keep]
        order = np.lexsort((rows, keys))
        if desc:
            order = order[::-1]
        rows, keys = rows[order], keys[order]
        if bound is None:
            ready = len(rows)
        elif desc:
            ready = int(np.count_nonzero(keys > bound))
        else:
            ready = int(np.count_nonzero(keys < bound))
        yield from rows[:ready].tolist()
        held_rows, held_keys = rows[ready:], keys[ready:]
        block = min(block * 2, 4096)


def list_fbs(
    world: World,
    shop: Shop,
    flt: FbsFilter,
    *,
    now: datetime,
    need: int,
    desc: bool = False,
    after: tuple[datetime, int, int] | None = None,
) -> list[Posting]:
    """Up to ``need`` of the shop's FBS-family postings matching ``flt``, in list order.

    Order is :func:`list_key` ascending (descending with ``desc``), starting strictly after
    ``after``. Cheap: orders come from the index already in list order (see
    :func:`_rows_in_list_order`), so it builds only the postings it checks against the filter
    and stops at the ``need``-th match.
    """
    if need <= 0:
        return []
    hi = min(flt.to, now)
    if hi < flt.since:
        return []
    idx, created = world.index.window_times(shop.index, fbo=False, since=flt.since, to=hi)
    found: list[Posting] = []
    for i in _rows_in_list_order(world, idx, created, desc=desc, after=after):
        for p in _with_children(world, i, desc=desc):
            if after is not None:
                k = list_key(p)
                if k <= after if not desc else k >= after:
                    continue
            if flt.matches(world, p, now):
                found.append(p)
                if len(found) == need:
                    return found
    return found


def select_all(
    world: World,
    shop: Shop,
    flt: FbsFilter,
    *,
    now: datetime,
    key: Callable[[Posting], Any],
    lo: datetime,
    hi: datetime,
) -> list[Posting]:
    """Every matching posting created in ``[lo, hi]``, sorted by ``key`` (for counts)."""
    found = [
        p for p in world.postings(shop, fbo=False, since=lo, to=hi) if flt.matches(world, p, now)
    ]
    found.sort(key=key)
    return found
