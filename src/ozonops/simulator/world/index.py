"""The order index: when each order was placed, for which shop and scheme.

Orders are generated a day at a time from ``(seed, day)``, so the index grows as the clock
runs and any day is the same however it was reached. Only four small numbers are kept per
order (about 13 bytes, plus 16 in the per-shop views), which lets a world hold millions; the
posting itself is built on first use from ``(seed, index)``.

The payment delay (``in_process_at - created_at``) lives here rather than in the posting so
that list methods, which sort by ``in_process_at``, can order a page without building the
postings they pass over.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np
import numpy.typing as npt

from ozonops.simulator.world.model import Scheme

DAY_S = 86_400

# Orders per hour of the day (UTC), Moscow evenings busiest; normalised below.
_HOURLY = np.array(
    [2, 1, 1, 1, 2, 3, 4, 5, 6, 6, 6, 6, 6, 6, 7, 8, 9, 9, 8, 6, 5, 4, 3, 2], dtype=np.float64
)
_HOURLY_CDF = np.cumsum(_HOURLY / _HOURLY.sum())
_WEEKDAY = np.array([1.0, 1.02, 1.0, 0.98, 1.05, 1.15, 1.12])

#: Bounds of the payment delay, ``in_process_at - created_at`` in seconds (inclusive).
MIN_PROCESS_DELAY_S = 20
MAX_PROCESS_DELAY_S = 1800


@dataclass(frozen=True, slots=True)
class ShopMix:
    """Each shop's share of orders and how they split between schemes."""

    share: float
    scheme_weights: tuple[float, float, float, float, float]  # indexed by Scheme value


class OrderIndex:
    """Append-only, day-by-day generated arrays of order times, payment delays, shops and
    schemes, with each (shop, FBO?) pair's orders and their times kept apart for windowing."""

    def __init__(
        self, *, seed: int, first_day: int, orders_per_day: int, shops: list[ShopMix]
    ) -> None:
        self.seed = seed
        self.first_day = first_day
        self.orders_per_day = orders_per_day
        self.shop_mixes = shops
        self._shop_p = np.array([s.share for s in shops]) / sum(s.share for s in shops)
        self._lock = threading.Lock()
        self.next_day = first_day
        self.created = np.zeros(0, dtype=np.int64)  # epoch seconds, non-decreasing
        self.delay = np.zeros(0, dtype=np.int16)  # in_process_at - created, seconds
        self.shop = np.zeros(0, dtype=np.int16)
        self.scheme = np.zeros(0, dtype=np.int8)
        # Per (shop, fbo?) the global indices of its orders, ascending.
        self._by_shop: dict[tuple[int, bool], npt.NDArray[np.int64]] = {}
        self._times_by_shop: dict[tuple[int, bool], npt.NDArray[np.int64]] = {}

    def __len__(self) -> int:
        return int(self.created.shape[0])

    def ensure_until(self, when: datetime) -> None:
        """Generate every day up to and including the day of ``when``."""
        last_day = int(when.timestamp()) // DAY_S
        if last_day < self.next_day:
            return
        with self._lock:
            days = range(self.next_day, last_day + 1)
            if not days:
                return
            parts = [self._make_day(d) for d in days]
            start = len(self)
            # `created` last: its length is the index's, so readers never see a short array.
            self.shop = np.concatenate([self.shop, *(p[1] for p in parts)])
            self.scheme = np.concatenate([self.scheme, *(p[2] for p in parts)])
            self.delay = np.concatenate([self.delay, *(p[3] for p in parts)])
            self.created = created = np.concatenate([self.created, *(p[0] for p in parts)])
            new_idx = np.arange(start, len(self), dtype=np.int64)
            new_shop = self.shop[start:]
            new_fbo = self.scheme[start:] == Scheme.FBO
            for s in range(len(self.shop_mixes)):
                for fbo in (False, True):
                    key = (s, fbo)
                    mask = (new_shop == s) & (new_fbo == fbo)
                    old = self._by_shop.get(key, np.zeros(0, dtype=np.int64))
                    old_t = self._times_by_shop.get(key, np.zeros(0, dtype=np.int64))
                    added = new_idx[mask]
                    self._times_by_shop[key] = np.concatenate([old_t, created[added]])
                    self._by_shop[key] = np.concatenate([old, added])
            self.next_day = last_day + 1

    def _make_day(
        self, day: int
    ) -> tuple[
        npt.NDArray[np.int64], npt.NDArray[np.int16], npt.NDArray[np.int8], npt.NDArray[np.int16]
    ]:
        rng = np.random.default_rng([self.seed, day])
        weekday = datetime.fromtimestamp(day * DAY_S, UTC).weekday()
        mean = self.orders_per_day * _WEEKDAY[weekday] / _WEEKDAY.mean()
        n = int(rng.poisson(mean)) if mean > 0 else 0
        hours = np.searchsorted(_HOURLY_CDF, rng.random(n))
        seconds = np.sort(hours * 3600 + rng.integers(0, 3600, n)) + day * DAY_S
        shops = rng.choice(len(self.shop_mixes), size=n, p=self._shop_p).astype(np.int16)
        schemes = np.empty(n, dtype=np.int8)
        u = rng.random(n)
        for s, mix in enumerate(self.shop_mixes):
            cdf = np.cumsum(np.array(mix.scheme_weights) / sum(mix.scheme_weights))
            mask = shops == s
            schemes[mask] = np.minimum(np.searchsorted(cdf, u[mask], side="right"), 4)
        delays = rng.integers(MIN_PROCESS_DELAY_S, MAX_PROCESS_DELAY_S + 1, n).astype(np.int16)
        return seconds.astype(np.int64), shops, schemes, delays

    def shop_orders(self, shop: int, *, fbo: bool) -> npt.NDArray[np.int64]:
        return self._by_shop.get((shop, fbo), np.zeros(0, dtype=np.int64))

    def window(
        self, shop: int, *, fbo: bool, since: datetime, to: datetime
    ) -> npt.NDArray[np.int64]:
        """Global indices of a shop's orders created in ``[since, to]``, oldest first."""
        return self.window_times(shop, fbo=fbo, since=since, to=to)[0]

    def window_times(
        self, shop: int, *, fbo: bool, since: datetime, to: datetime
    ) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
        """:meth:`window` and the creation times of those orders (views, not copies)."""
        key = (shop, fbo)
        idx = self._by_shop.get(key)
        times = self._times_by_shop.get(key)
        if idx is None or times is None:
            empty = np.zeros(0, dtype=np.int64)
            return empty, empty
        n = min(len(idx), len(times))  # equal unless a day is being added right now
        lo = int(np.searchsorted(times[:n], int(since.timestamp()), side="left"))
        hi = int(np.searchsorted(times[:n], int(to.timestamp()), side="right"))
        return idx[lo:hi], times[lo:hi]
