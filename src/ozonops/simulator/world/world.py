"""The simulated Ozon world: fixed parts, the clock, and postings built on first use."""

from __future__ import annotations

import bisect
import gc
import random
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from decimal import Decimal
from itertools import accumulate

from ozonops.simulator.clock import SimClock
from ozonops.simulator.config import SimConfig
from ozonops.simulator.reference.carriers import CARRIERS, LANES
from ozonops.simulator.reference.geography import REGIONS
from ozonops.simulator.reference.names import (
    FEMALE_FIRST_NAMES,
    FEMALE_LAST_NAMES,
    MALE_FIRST_NAMES,
    MALE_LAST_NAMES,
    STREET_NAMES,
)
from ozonops.simulator.reference.tracking_numbers import make_tracking_number
from ozonops.simulator.world import lifecycle
from ozonops.simulator.world.build import build_fixtures
from ozonops.simulator.world.index import DAY_S, OrderIndex
from ozonops.simulator.world.model import (
    Buyer,
    Cancellation,
    DeliveryMethod,
    Event,
    Line,
    Posting,
    Scheme,
    Shop,
    Sku,
    Warehouse,
)

_NUMBER_MOD = 10**8
_NUMBER_MUL = 48_271  # coprime with 10**8, so posting numbers map back to indices
_NUMBER_INV = pow(_NUMBER_MUL, -1, _NUMBER_MOD)
_NUMBER_OFF = 13_572_468

_REGION_CUM = list(accumulate(r.weight for r in REGIONS))
_ONE_TWO_THREE = (1, 2, 3)
_LINES_CUM = (80, 95, 100)  # weights 80, 15, 5
_QTY_CUM = (85, 97, 100)  # weights 85, 12, 3
_DISCOUNTS = (0, 0, 0, 5, 10)  # percent
_SCHEMES = tuple(Scheme)  # by value: Scheme(v) without the enum call
_CARRIER_BY_CODE = {c.code: c for c in reversed(CARRIERS)}  # first wins, as next() did
_LANE_TIMINGS = [
    lifecycle.LaneTiming(
        median_days=tuple(lane.median_days),
        sigma=lane.sigma,
        first_scan_delay_hours=lane.first_scan_delay_hours,
        customs_days=lane.customs_days,
    )
    for lane in LANES
]

#: How many built postings stay in memory (least recently used go first). A dropped posting
#: is rebuilt identically from ``(seed, index)`` on its next lookup; postings the seller has
#: changed through the API are never dropped. About 4 KB each: 200k is under 1 GB.
POSTING_CACHE_SIZE = 200_000
# `extra` keys that only cache derived data, so a posting holding them is still pristine.
_DERIVED_EXTRA = frozenset({"_ledger"})


#: The oldest generation's threshold while a simulator runs (CPython's default is 10).
GC_FULL_THRESHOLD = 1_000


def relax_full_gc() -> None:
    """Make CPython's full (oldest-generation) garbage collections rarer, for the whole process.

    A world keeps up to :data:`POSTING_CACHE_SIZE` postings alive, some 20 tracked objects each,
    and a full collection walks all of them: with the default threshold one runs every few tens
    of thousands of postings built, which doubled the cost of building a million and made the
    slowest list pages pause for hundreds of milliseconds. Younger generations, where nearly all
    garbage cycles die, are collected as before. A process-wide setting, so the process that
    owns the simulator calls it (``ozonops simulator serve``, the bench), not ``create_app``.
    """
    young, middle, old = gc.get_threshold()
    gc.set_threshold(young, middle, max(old, GC_FULL_THRESHOLD))


class World:
    """Everything the simulator knows; handlers read it and seller actions change it.

    Thread-safety: one re-entrant lock guards mutations; reads of built postings are safe.
    """

    def __init__(self, config: SimConfig) -> None:
        self.config = config
        self.clock = SimClock(config.start, speed=config.speed)
        self.lock = threading.RLock()
        fx = build_fixtures(config)
        self.shops: list[Shop] = fx.shops
        self.skus: list[list[Sku]] = fx.skus
        self.warehouses: list[Warehouse] = fx.warehouses
        self.methods: list[DeliveryMethod] = fx.methods
        self._shop_by_client = {s.client_id: s for s in self.shops}
        self._sku_cum = [list(accumulate(k.popularity for k in ks)) for ks in self.skus]
        self._methods_by = {
            (m.shop_index, m.scheme): [
                x for x in self.methods if x.shop_index == m.shop_index and x.scheme == m.scheme
            ]
            for m in self.methods
        }
        self.method_by_id = {m.id: m for m in self.methods}
        self._warehouse_by_id: dict[int, Warehouse] = {}
        for wh in reversed(self.warehouses):  # the first of equal ids wins, as a scan would
            self._warehouse_by_id[wh.warehouse_id] = wh
        self.sku_by_id = {k.sku: k for ks in self.skus for k in ks}
        self.history_end = config.start
        first_day = int(config.start.timestamp()) // DAY_S - config.history_days
        self.index = OrderIndex(
            seed=config.seed,
            first_day=first_day,
            orders_per_day=config.orders_per_day,
            shops=fx.mixes,
        )
        self.index.ensure_until(config.start)
        self._line_prices: dict[tuple[int, int], Decimal] = {}  # (sku, discount %) -> price
        self._postings: OrderedDict[int, Posting] = OrderedDict()  # LRU of built postings
        self._pinned: dict[int, Posting] = {}  # changed by the seller: kept for good
        self._splits: dict[str, Posting] = {}
        # Tracking numbers the seller set through the API -> their posting (the carriers'
        # view, ``simulator/track17``, finds parcels by them).
        self.by_tracking_number: dict[str, Posting] = {}

    # --- time -------------------------------------------------------------------------------
    def now(self) -> datetime:
        """The simulated now; grows the order index as days pass."""
        now = self.clock.now()
        self.index.ensure_until(now)
        return now

    # --- lookups ----------------------------------------------------------------------------
    def shop_by_client_id(self, client_id: str) -> Shop | None:
        return self._shop_by_client.get(client_id)

    def posting(self, i: int) -> Posting:
        with self.lock:
            p = self._postings.get(i)
            if p is not None:
                self._postings.move_to_end(i)
                return p
            p = self._pinned.get(i)
            if p is None:
                p = self._build_posting(i)
                self._postings[i] = p
                if len(self._postings) > POSTING_CACHE_SIZE:
                    self._evict()
            return p

    def _evict(self) -> None:
        """Drop least recently used postings down to the cache size; keep changed ones."""
        while len(self._postings) > POSTING_CACHE_SIZE:
            i, old = self._postings.popitem(last=False)
            if not _pristine(old):
                self._pinned[i] = old

    def find_posting(self, shop: Shop, posting_number: str) -> Posting | None:
        """A posting of ``shop`` by number, or None (also for another shop's postings)."""
        p = self._splits.get(posting_number)
        if p is None:
            i = self.decode_posting_number(posting_number)
            if i is None:
                return None
            p = self.posting(i)
            if p.posting_number != posting_number:
                return None
        if p.shop_index != shop.index or p.created_at > self.now():
            return None
        return p

    def decode_posting_number(self, posting_number: str) -> int | None:
        parts = posting_number.split("-")
        if len(parts) != 3 or not all(x.isdigit() for x in parts):
            return None
        a = int(parts[0])
        i = ((a - _NUMBER_OFF) * _NUMBER_INV) % _NUMBER_MOD
        return i if i < len(self.index) else None

    def postings(
        self, shop: Shop, *, fbo: bool, since: datetime, to: datetime
    ) -> Iterator[Posting]:
        """A shop's postings created in ``[since, to]`` and before now, oldest first."""
        to = min(to, self.now())
        for i in self.index.window(shop.index, fbo=fbo, since=since, to=to):
            yield self.posting(int(i))
            yield from self.split_children(int(i))

    def split_children(self, i: int) -> list[Posting]:
        p = self._postings.get(i) or self._pinned.get(i)
        if p is None or "splits" not in p.extra:
            return []
        return [self._splits[n] for n in p.extra["splits"]]  # type: ignore[attr-defined]

    # --- derived state --------------------------------------------------------------------------
    def event(self, p: Posting, at: datetime | None = None) -> Event:
        """The posting's state at ``at`` (default now); the first event if it is earlier."""
        return p.timeline[max(p.event_index(at or self.now()), 0)]

    def cancellation(self, p: Posting, at: datetime | None = None) -> Cancellation | None:
        ev = self.event(p, at)
        if ev.status != "cancelled":
            return None
        if ev.kind == "seller_cancelled":
            return p.cancellation
        if ev.kind in lifecycle.DEADLINE_REASONS:
            return lifecycle.DEADLINE_REASONS[ev.kind]
        return p.cancellation_plan

    def tracking_number(self, p: Posting, at: datetime | None = None) -> str:
        """The tracking number as Ozon shows it at ``at``."""
        at = at or self.now()
        if p.tracking_number:
            return p.tracking_number
        if p.scheme in (Scheme.FBO, Scheme.FBS):
            return ""
        if p.scheme is Scheme.RFBS_NON_INTEGRATED:
            if not p.autopilot:
                return ""
            handed = p.first("in_transit", at)
            return p.planned_tracking_number if handed else ""
        # Integrated carriers assign the number at registration / packing.
        kind = "registered" if p.scheme is Scheme.RFBS_AGGREGATOR else "packed"
        return p.planned_tracking_number if p.first(kind, at) else ""

    def refresh(self, p: Posting) -> None:
        """Re-derive the timeline after a seller action; pins the posting in memory."""
        p.timeline = lifecycle.realize(p)
        self.touch(p)

    def touch(self, p: Posting) -> None:
        """Record that the seller changed ``p``: what was derived from it is stale."""
        p.version += 1

    def add_split(self, parent: Posting, lines: tuple[Line, ...], k: int) -> Posting:
        """A new posting split off ``parent`` when it is packed in several packages."""
        number = f"{parent.order_number}-{k}"
        child = Posting(
            index=parent.index,
            shop_index=parent.shop_index,
            scheme=parent.scheme,
            posting_number=number,
            order_id=parent.order_id,
            order_number=parent.order_number,
            created_at=parent.created_at,
            in_process_at=parent.in_process_at,
            shipment_date=parent.shipment_date,
            delivery_date_begin=parent.delivery_date_begin,
            delivery_date_end=parent.delivery_date_end,
            warehouse_id=parent.warehouse_id,
            delivery_method_id=parent.delivery_method_id,
            lines=lines,
            buyer=parent.buyer,
            plan=parent.plan,
            troubles=(),
            cancellation_plan=parent.cancellation_plan,
            autopilot=parent.autopilot,
            carrier_code=parent.carrier_code,
            planned_tracking_number=parent.planned_tracking_number + f"-{k}",
            parent_posting_number=parent.posting_number,
            actions={name: list(ts) for name, ts in parent.actions.items()},
        )
        child.timeline = lifecycle.realize(child)
        self._splits[number] = child
        parent.extra.setdefault("splits", [])
        parent.extra["splits"].append(number)  # type: ignore[attr-defined]
        return child

    # --- building a posting ---------------------------------------------------------------
    # Building is the hot path of a large world (a million postings must build in a minute),
    # so draws are taken straight from ``rng.random`` (``x[int(u() * len(x))]`` for a choice,
    # a bisect over cumulative weights as ``choices`` does) rather than through ``randint`` /
    # ``choice``, which cost several Python calls each.
    def _build_posting(self, i: int) -> Posting:
        cfg = self.config
        rng = random.Random(f"{cfg.seed}:posting:{i}")
        u = rng.random
        index = self.index
        shop = int(index.shop[i])
        scheme = _SCHEMES[index.scheme[i]]
        created_s = int(index.created[i])
        process_s = created_s + int(index.delay[i])  # in_process_at, epoch seconds
        created = datetime.fromtimestamp(created_s, UTC)
        in_process_at = datetime.fromtimestamp(process_s, UTC)
        methods = self._methods_by[(shop, scheme)]
        method = methods[int(u() * len(methods))]
        carrier = _CARRIER_BY_CODE[method.carrier_code]
        lines = self._make_lines(u, shop)
        buyer = self._make_buyer(u)
        pickup = u() < 0.72
        timing = _LANE_TIMINGS[method.lane_index]
        plan = lifecycle.plan_posting(
            rng,
            scheme=scheme,
            lane=timing,
            zone=buyer.zone,
            rates=cfg.troubles,
            fragility=max(line.sku.fragility for line in lines),
            pickup=pickup,
        )
        a = (i * _NUMBER_MUL + _NUMBER_OFF) % _NUMBER_MOD
        order_number = f"{a:08d}-{1 + int(u() * 9999):04d}"
        fromts = datetime.fromtimestamp
        p = Posting(
            index=i,
            shop_index=shop,
            scheme=scheme,
            posting_number=f"{order_number}-1",
            order_id=30_000_000_000 + i * 7 + shop,
            order_number=order_number,
            created_at=created,
            in_process_at=in_process_at,
            shipment_date=fromts(process_s + plan.shipment_offset_s, UTC),
            delivery_date_begin=fromts(process_s + plan.promised_begin_s, UTC),
            delivery_date_end=fromts(process_s + plan.promised_end_s, UTC),
            warehouse_id=method.warehouse_id,
            delivery_method_id=method.id,
            lines=lines,
            buyer=buyer,
            plan=tuple(plan.steps),
            troubles=tuple(plan.troubles),
            cancellation_plan=plan.cancellation,
            autopilot=cfg.autopilot or created < self.history_end,
            carrier_code=carrier.code,
            planned_tracking_number=make_tracking_number(carrier, 10_000_000 + i),
        )
        p.timeline = lifecycle.realize(p)
        return p

    def _make_lines(self, u: Callable[[], float], shop: int) -> tuple[Line, ...]:
        skus = self.skus[shop]
        sku_cum = self._sku_cum[shop]
        sku_total = sku_cum[-1]
        hi = len(skus) - 1
        n = _ONE_TWO_THREE[bisect.bisect(_LINES_CUM, u() * _LINES_CUM[-1])]
        picked: dict[int, Sku] = {}
        for _ in range(n):
            k = skus[bisect.bisect(sku_cum, u() * sku_total, 0, hi)]
            picked[k.sku] = k
        out = []
        prices = self._line_prices
        for k in picked.values():
            qty = _ONE_TWO_THREE[bisect.bisect(_QTY_CUM, u() * _QTY_CUM[-1])]
            pct = _DISCOUNTS[int(u() * len(_DISCOUNTS))]
            price = prices.get((k.sku, pct))
            if price is None:
                discount = Decimal(pct) / 100
                price = prices[(k.sku, pct)] = (k.price * (1 - discount)).quantize(Decimal("0.01"))
            out.append(Line(k, qty, price))
        return tuple(out)

    def _make_buyer(self, u: Callable[[], float]) -> Buyer:
        region = REGIONS[bisect.bisect_left(_REGION_CUM, u() * _REGION_CUM[-1])]
        cities = region.cities
        city = cities[int(u() * len(cities))]
        first, last = (
            (FEMALE_FIRST_NAMES, FEMALE_LAST_NAMES)
            if u() < 0.55
            else (MALE_FIRST_NAMES, MALE_LAST_NAMES)
        )
        name = f"{first[int(u() * len(first))]} {last[int(u() * len(last))]}"
        street = STREET_NAMES[int(u() * len(STREET_NAMES))]
        customer_id = 50_000_000 + int(u() * 40_000_001)
        phone = f"+7{900 + int(u() * 100)}{int(u() * 10_000_000):07d}"
        house, flat = 1 + int(u() * 120), 1 + int(u() * 300)
        return Buyer(
            customer_id=customer_id,
            name=name,
            phone=phone,
            region=region.name_ru,
            city=city.name_ru,
            zone=region.zone,
            postcode=city.postcode,
            address_tail=f"{street}, д. {house}, кв. {flat}",
            latitude=city.lat + (u() * 0.1 - 0.05),
            longitude=city.lon + (u() * 0.1 - 0.05),
        )

    # --- convenience for fixtures ---------------------------------------------------------
    def warehouse(self, warehouse_id: int) -> Warehouse | None:
        return self._warehouse_by_id.get(warehouse_id)


def _pristine(p: Posting) -> bool:
    """True if ``p`` is exactly what building it from ``(seed, index)`` gives."""
    return (
        not any(p.actions.values())
        and not p.tracking_number
        and p.tracking_set_at is None
        and p.cancellation is None
        and p.cancelled_at is None
        and p.extra.keys() <= _DERIVED_EXTRA
    )
