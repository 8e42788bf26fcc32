"""FBO stock: what lies in Ozon's warehouses for each SKU, derived from sales and supplies.

For each (shop, SKU, FBO warehouse) the stock is a ledger of dated changes:

- the initial stock at the start of the world's history (about 3–5 weeks of expected sales in
  the warehouses the shop sells from; a few leftover units here and there elsewhere);
- minus the units of every FBO posting, at the moment it reaches ``awaiting_deliver`` (Ozon
  picked it), from the posting's warehouse; postings cancelled before that take nothing;
- plus the units of an FBO posting the buyer did not collect: they are "returning from the
  customer" from the cancellation on for ``RETURN_DAYS``, then back on sale;
- plus the units of every supply order, when it is COMPLETED (see ``world.supplies``). An
  order is sized, when created, to ~3 weeks of sales (28-day average) after its planned arrival
  (a few SKUs, chosen by the seed, 2.5–7.5 weeks: sellers over- and under-stock), minus the
  stock then and the units already on their way.

Sales do not wait for stock: orders come from the order index whatever the stock. So the
available count is the running sum *clamped at zero*: a sale against an empty shelf is a
stock-out, it takes nothing, and the next supply refills from zero (documented simulator
behaviour; Ozon would hide the offer). Everything is a pure function of the seed and the time,
so any two walks of the same world agree.

Cost: postings are scanned once, in creation order, as the clock moves; each ledger memoises
its clamped running sums, so a query is a bisect plus the few new changes since the last one.
"""

from __future__ import annotations

import bisect
import random
import threading
import weakref
from dataclasses import dataclass, field
from datetime import UTC, datetime

from ozonops.simulator.world import supplies
from ozonops.simulator.world.index import DAY_S
from ozonops.simulator.world.model import Posting, Scheme, Sku, Warehouse
from ozonops.simulator.world.supplies import SupplyItem, SupplyOrder, SupplySlot
from ozonops.simulator.world.world import World

#: Days units of an uncollected FBO posting spend returning before they are on sale again.
RETURN_DAYS = 4
#: Supply orders top a warehouse up to this many days of sales after they arrive.
COVER_DAYS = 21
ADS_DAYS = 28

# Mean distinct lines per posting and mean units per line (world._make_lines).
_MEAN_LINES = 1.25
_MEAN_QTY = 1.18


@dataclass(slots=True)
class Ledger:
    """Dated changes of one (SKU, warehouse) and their running sums, clamped at zero."""

    times: list[int] = field(default_factory=list)  # epoch seconds, sorted
    deltas: list[int] = field(default_factory=list)
    levels: list[int] = field(default_factory=list)  # clamped level after each change
    returns: list[tuple[int, int, int]] = field(default_factory=list)  # (from, to, units)

    def add(self, t: int, delta: int) -> None:
        i = bisect.bisect_right(self.times, t)
        self.times.insert(i, t)
        self.deltas.insert(i, delta)
        del self.levels[i:]

    def available(self, t: int) -> int:
        n = bisect.bisect_right(self.times, t)
        level = self.levels[-1] if self.levels else 0
        for j in range(len(self.levels), n):
            level = max(0, level + self.deltas[j])
            self.levels.append(level)
        return self.levels[n - 1] if n else 0

    def returning(self, t: int) -> int:
        return sum(q for a, b, q in self.returns if a <= t < b)


@dataclass(slots=True)
class Sales:
    """Units sold of one SKU (all warehouses), for average daily sales."""

    times: list[int] = field(default_factory=list)
    units: list[int] = field(default_factory=list)
    cum: list[int] = field(default_factory=list)
    by_cluster: dict[int, list[tuple[int, int]]] = field(default_factory=dict)

    def add(self, t: int, qty: int, cluster_id: int) -> None:
        i = bisect.bisect_right(self.times, t)
        self.times.insert(i, t)
        self.units.insert(i, qty)
        del self.cum[i:]
        self.by_cluster.setdefault(cluster_id, []).append((t, qty))

    def between(self, lo: int, hi: int) -> int:
        """Units sold in ``(lo, hi]``."""
        while len(self.cum) < len(self.units):
            prev = self.cum[-1] if self.cum else 0
            self.cum.append(prev + self.units[len(self.cum)])
        a = bisect.bisect_right(self.times, lo)
        b = bisect.bisect_right(self.times, hi)
        if b <= a:
            return 0
        return self.cum[b - 1] - (self.cum[a - 1] if a else 0)

    def cluster_between(self, cluster_id: int, lo: int, hi: int) -> int:
        return sum(q for t, q in self.by_cluster.get(cluster_id, ()) if lo < t <= hi)

    def last_before(self, hi: int) -> int | None:
        b = bisect.bisect_right(self.times, hi)
        return self.times[b - 1] if b else None


@dataclass(frozen=True, slots=True)
class StockRow:
    """One SKU in one FBO warehouse at one moment."""

    sku: Sku
    warehouse: Warehouse
    available: int
    returning: int
    requested: int
    transit: int


class ShopStock:
    """The FBO stock and supply orders of one shop."""

    def __init__(self, world: World, shop_index: int) -> None:
        self.world = world
        self.shop_index = shop_index
        self.skus = world.skus[shop_index]
        self.start = int(world.index.first_day) * DAY_S
        fbo_ids = {
            m.warehouse_id
            for m in world.methods
            if m.shop_index == shop_index and m.scheme is Scheme.FBO
        }
        self.fbo_warehouses = [
            w for w in world.warehouses if w.shop_index == shop_index and w.kind == "fbo"
        ]
        self.warehouse_by_id = {w.warehouse_id: w for w in self.fbo_warehouses}
        #: Warehouses the shop sells from (and supplies), oldest id first.
        self.active = [w for w in self.fbo_warehouses if w.warehouse_id in fbo_ids]
        self.ledgers: dict[tuple[int, int], Ledger] = {}
        self.sales: dict[int, Sales] = {k.sku: Sales() for k in self.skus}
        self.scanned_to = self.start - 1  # postings created <= this are in the ledgers
        self.orders: list[SupplyOrder] = []
        self._next_slot: dict[int, SupplySlot] = {}
        self._rate = self._expected_rates(world)
        #: How generously the seller stocks each SKU (1 = three weeks of cover).
        self._appetite = {
            k.sku: random.Random(f"ozonops-appetite:{world.config.seed}:{k.sku}").choice(
                (0.8, 1.0, 1.0, 1.0, 1.3, 1.6, 2.5)
            )
            for k in self.skus
        }
        self._seed_initial(world.config.seed)

    # --- set-up -------------------------------------------------------------------------------
    def _expected_rates(self, world: World) -> dict[int, float]:
        """Expected FBO units a day per SKU, from the world's knobs (before any sales exist)."""
        mixes = world.index.shop_mixes
        share = mixes[self.shop_index].share / sum(m.share for m in mixes)
        weights = mixes[self.shop_index].scheme_weights
        fbo = weights[Scheme.FBO] / sum(weights)
        postings = world.config.orders_per_day * share * fbo
        total_pop = sum(k.popularity for k in self.skus)
        return {
            k.sku: postings * _MEAN_LINES * _MEAN_QTY * k.popularity / total_pop for k in self.skus
        }

    def _seed_initial(self, seed: int) -> None:
        per_active = max(1, len(self.active))
        for k in self.skus:
            for w in self.fbo_warehouses:
                rng = random.Random(f"ozonops-stock0:{seed}:{k.sku}:{w.warehouse_id}")
                if w in self.active:
                    days = rng.uniform(21, 35)
                    units = round(self._rate[k.sku] / per_active * days)
                elif rng.random() < 0.15:
                    units = rng.randint(1, 8)
                else:
                    continue
                self.ledger(k.sku, w.warehouse_id).add(self.start, units)
        for w in self.active:
            self._next_slot[w.warehouse_id] = supplies.plan_slot(
                seed, self.shop_index, w, 0, datetime.fromtimestamp(self.start, UTC)
            )

    def ledger(self, sku: int, warehouse_id: int) -> Ledger:
        key = (sku, warehouse_id)
        led = self.ledgers.get(key)
        if led is None:
            led = self.ledgers[key] = Ledger()
        return led

    # --- growing with the clock ---------------------------------------------------------------
    def ensure(self, until: datetime) -> None:
        """Take in every posting and supply order created up to ``until`` (<= now)."""
        t_until = int(until.timestamp())
        if t_until <= self.scanned_to:
            return
        shop = self.world.shops[self.shop_index]
        since = datetime.fromtimestamp(self.scanned_to + 1, UTC)
        for p in self.world.postings(shop, fbo=True, since=since, to=until):
            self._take_posting(p)
        self.scanned_to = t_until
        self._create_supplies(until)

    def _take_posting(self, p: Posting) -> None:
        packed = next((ev for ev in p.timeline if ev.status == "awaiting_deliver"), None)
        if packed is None:
            return  # cancelled before Ozon picked it: no stock moved
        wh = self.warehouse_by_id.get(p.warehouse_id)
        if wh is None:
            return
        t = int(packed.at.timestamp())
        last = p.timeline[-1]
        for line in p.lines:
            self.ledger(line.sku.sku, wh.warehouse_id).add(t, -line.quantity)
            sales = self.sales.get(line.sku.sku)
            if sales is not None:
                sales.add(t, line.quantity, wh.cluster_id)
            if last.kind == "not_collected":
                back = int(last.at.timestamp())
                led = self.ledger(line.sku.sku, wh.warehouse_id)
                led.returns.append((back, back + RETURN_DAYS * DAY_S, line.quantity))
                led.add(back + RETURN_DAYS * DAY_S, line.quantity)

    def _create_supplies(self, until: datetime) -> None:
        """Create due supply orders, oldest first (each one's size depends on the stock)."""
        seed = self.world.config.seed
        while True:
            due = [s for s in self._next_slot.values() if s.created_at <= until]
            if not due:
                return
            slot = min(due, key=lambda s: (s.created_at, s.order_id))
            items = self._size(slot)
            self.orders.append(SupplyOrder(slot, items))
            completed = slot.completed_at
            if completed is not None:
                t = int(completed.timestamp())
                for item in items:
                    self.ledger(item.sku, slot.warehouse.warehouse_id).add(t, item.quantity)
            self._next_slot[slot.warehouse.warehouse_id] = supplies.plan_slot(
                seed, self.shop_index, slot.warehouse, slot.k + 1, slot.created_at
            )

    def _size(self, slot: SupplySlot) -> tuple[SupplyItem, ...]:
        t = int(slot.created_at.timestamp())
        wid = slot.warehouse.warehouse_id
        rng = random.Random(f"ozonops-supply-size:{self.world.config.seed}:{slot.order_id}")
        lead_days = (slot.arrival_at - slot.created_at).total_seconds() / DAY_S
        items = []
        for k in self.skus:
            rate = self._daily_rate(k.sku, t) / max(1, len(self.active))
            cover = COVER_DAYS * self._appetite[k.sku] + lead_days
            target = rate * cover * rng.uniform(0.85, 1.25)
            inflight = sum(
                i.quantity
                for o in self.orders
                if o.slot.warehouse.warehouse_id == wid and self._open_at(o, slot.created_at)
                for i in o.items
                if i.sku == k.sku
            )
            qty = round(target) - self.ledger(k.sku, wid).available(t) - inflight
            if qty > 0:
                items.append(SupplyItem(k.sku, qty))
        return tuple(items)

    @staticmethod
    def _open_at(o: SupplyOrder, at: datetime) -> bool:
        state, _ = o.state_at(at)
        return state in supplies.REQUESTED_STATES or state in supplies.TRANSIT_STATES

    def _daily_rate(self, sku: int, t: int) -> float:
        """Units a day over the last 28 days (expected rate while history is too short)."""
        days = (t - self.start) / DAY_S
        if days < 7:
            return self._rate[sku]
        window = min(ADS_DAYS, days)
        return self.sales[sku].between(t - int(window * DAY_S), t) / window

    # --- reading ------------------------------------------------------------------------------
    def rows(self, sku: Sku, at: datetime) -> list[StockRow]:
        """Rows for the warehouses the SKU has ever been in, by warehouse id."""
        t = int(at.timestamp())
        requested: dict[int, int] = {}
        transit: dict[int, int] = {}
        for o in self.orders:
            if o.created_at > at:
                continue
            state, _ = o.state_at(at)
            if state in supplies.REQUESTED_STATES:
                into = requested
            elif state in supplies.TRANSIT_STATES:
                into = transit
            else:
                continue
            wid = o.slot.warehouse.warehouse_id
            into[wid] = into.get(wid, 0) + sum(i.quantity for i in o.items if i.sku == sku.sku)
        out = []
        for w in self.fbo_warehouses:
            led = self.ledgers.get((sku.sku, w.warehouse_id))
            if led is None:
                continue
            wid = w.warehouse_id
            row = StockRow(
                sku,
                w,
                led.available(t),
                led.returning(t),
                requested.get(wid, 0),
                transit.get(wid, 0),
            )
            out.append(row)
        return out

    def ads(self, sku: int, at: datetime, cluster_id: int | None = None) -> float:
        """Average daily units sold over the 28 days before ``at``."""
        t = int(at.timestamp())
        lo = t - ADS_DAYS * DAY_S
        if cluster_id is None:
            return self.sales[sku].between(lo, t) / ADS_DAYS
        return self.sales[sku].cluster_between(cluster_id, lo, t) / ADS_DAYS

    def days_without_sales(self, sku: int, at: datetime, cluster_id: int | None = None) -> int:
        t = int(at.timestamp())
        if cluster_id is None:
            last = self.sales[sku].last_before(t)
        else:
            times = [x for x, _ in self.sales[sku].by_cluster.get(cluster_id, ()) if x <= t]
            last = max(times) if times else None
        since = last if last is not None else self.start
        return max(0, (t - since) // DAY_S)

    def orders_at(self, at: datetime) -> list[SupplyOrder]:
        return [o for o in self.orders if o.created_at <= at]


_BOOKS: weakref.WeakKeyDictionary[World, dict[int, ShopStock]] = weakref.WeakKeyDictionary()
_BOOKS_LOCK = threading.Lock()


def shop_stock(world: World, shop_index: int, at: datetime | None = None) -> ShopStock:
    """The shop's stock book, brought up to ``at`` (default: now)."""
    at = at or world.now()
    with _BOOKS_LOCK:
        books = _BOOKS.setdefault(world, {})
    with world.lock:
        book = books.get(shop_index)
        if book is None:
            book = books[shop_index] = ShopStock(world, shop_index)
        book.ensure(min(at, world.now()))
    return book


def turnover_grade(available: int, ads: float) -> str:
    """Ozon's liquidity status from days of cover (spec: <28 DEFICIT, 28–56 POPULAR, ...)."""
    if ads <= 0:
        return "NO_SALES" if available > 0 else "WAS_NO_SALES"
    if available <= 0:
        return "WAS_DEFICIT"
    idc = available / ads
    if idc < 28:
        return "DEFICIT"
    if idc < 56:
        return "POPULAR"
    if idc < 120:
        return "ACTUAL"
    return "SURPLUS"


def cover_days(available: int, ads: float) -> float:
    return round(available / ads, 1) if ads > 0 else 0.0


__all__ = [
    "ShopStock",
    "StockRow",
    "cover_days",
    "shop_stock",
    "turnover_grade",
]
