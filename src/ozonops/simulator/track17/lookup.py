"""Which parcel a tracking number is, and which carrier 17TRACK's auto-detection says it is.

Numbers the world issued (``Posting.planned_tracking_number``, built by
``reference.tracking_numbers.make_tracking_number`` from ``10_000_000 + posting index``) are
decoded back to their posting, checked by rebuilding them. Numbers the seller set through
``/v2/fbs/posting/tracking-number/set`` are found in ``World.by_tracking_number``. A parcel's
scans are derived once per posting version and kept in a bounded cache.
"""

from __future__ import annotations

from collections import OrderedDict
from datetime import UTC, datetime

from ozonops.simulator.reference.carriers import CARRIERS, CARRIERS_BY_CODE, Carrier
from ozonops.simulator.reference.tracking_numbers import make_tracking_number, matches_format
from ozonops.simulator.track17.events import Parcel, derive
from ozonops.simulator.world import Posting, Scheme, World

SERIAL_BASE = 10_000_000  # world.py: make_tracking_number(carrier, 10_000_000 + index)
CACHE_SIZE = 100_000
_TRACKABLE = tuple(c for c in CARRIERS if c.scope == "cross_border")
_BY_KEY = {c.track17_code: c for c in CARRIERS if c.track17_code is not None}


def carrier_by_key(key: int) -> Carrier | None:
    return _BY_KEY.get(key)


def detect(number: str) -> Carrier | None:
    """17TRACK's auto-detection: the carrier whose format the number has (None: unsure)."""
    found = [c for c in CARRIERS if c.track17_code is not None and matches_format(c, number)]
    return found[0] if len(found) == 1 else None


def _issued_index(number: str) -> tuple[Carrier, int] | None:
    for carrier in _TRACKABLE:
        digits = number[2:10] if carrier.tracking_format == "s10" else number[-12:]
        if not digits.isdigit():
            continue
        index = int(digits) - SERIAL_BASE
        if index >= 0 and make_tracking_number(carrier, SERIAL_BASE + index) == number:
            return carrier, index
    return None


class ParcelBook:
    """Finds parcels by tracking number; caches their scans per posting version."""

    def __init__(self, world: World) -> None:
        self.world = world
        self._cache: OrderedDict[str, tuple[int, int, Parcel]] = OrderedDict()

    def posting(self, number: str, now: datetime) -> Posting | None:
        world = self.world
        p = world.by_tracking_number.get(number)
        if p is not None and p.tracking_number == number:
            return p
        issued = _issued_index(number)
        if issued is None or issued[1] >= len(world.index):
            return None
        p = world.posting(issued[1])
        if p.planned_tracking_number != number or p.created_at > now:
            return None
        # A new non-integrated posting's number is whatever its seller uploads.
        if p.scheme is Scheme.RFBS_NON_INTEGRATED and not p.autopilot:
            return None
        if p.tracking_number and p.tracking_number != number:
            return None
        return p

    def parcel(self, number: str, now: datetime) -> Parcel | None:
        p = self.posting(number, now)
        if p is None:
            return None
        cached = self._cache.get(number)
        key = (p.index, p.version)
        if cached is not None and cached[:2] == key:
            self._cache.move_to_end(number)
            return cached[2]
        parcel = derive(self.world, p, number)
        self._cache[number] = (*key, parcel)
        if len(self._cache) > CACHE_SIZE:
            self._cache.popitem(last=False)
        return parcel

    def trackable_numbers(self, now: datetime, limit: int) -> list[str]:
        """Up to ``limit`` numbers 17TRACK could track now (issued, of a carrier it knows),
        oldest postings first: the seeded bench and demos register these."""
        out: list[str] = []
        if limit <= 0:
            return out
        world = self.world
        since = datetime(1970, 1, 1, tzinfo=UTC)
        for shop in world.shops:
            for p in world.postings(shop, fbo=False, since=since, to=now):
                number = world.tracking_number(p, now)
                known = CARRIERS_BY_CODE[p.carrier_code].track17_code is not None
                if number and known and self.posting(number, now) is p:
                    out.append(number)
                    if len(out) >= limit:
                        return out
        return out
