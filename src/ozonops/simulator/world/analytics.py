"""Sales analytics as Ozon's "Analytics → Graphs" shows them, derived from the world's postings.

Everything is kept at the grain of one *cell*: one SKU on one day (Moscow time, as Ozon's
seller analytics count days). Every dimension ``/v1/analytics/data`` offers is a function of the
SKU (sku, spu, modelID, brand, category1/2, descriptionType) or of the day (day, week, month,
year), so any report is a grouping of cells.

What a cell counts [simulated; Ozon's exact attribution is not documented]:

- a posting line belongs to the day its posting was *created* (a cohort view); its outcome is
  read as of now: ``ordered_units`` and ``revenue`` (units × the price the buyer paid) always;
  ``cancellations`` when the posting is cancelled now; ``delivered_units`` once it has reached
  ``delivered``; ``returns`` are the units of buyer returns already made (``derive_returns``
  ``ClientReturn`` items of FBS/FBO postings, ``derive_rfbs`` requests of rFBS postings —
  logistic returns of uncollected parcels are cancellations, not returns);
- ``postings`` counts distinct postings with a line of the SKU that day;
- traffic (``hits_*``, ``session_*``, ``conv_tocart*``), ``position_category``, ``adv_*`` and
  ``postings_premium`` are NOT in the world: they are plausible numbers drawn from a generator
  seeded by (world seed, SKU, day) and scaled on the cell's orders (about 10–30 product-page
  sessions per ordered unit plus a popularity-scaled floor), so they are stable from call to
  call and consistent across groupings (a week is the sum of its days).

Only cells with at least one ordered line exist: days a SKU sold nothing have no row.
"""

from __future__ import annotations

import random
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, timezone

from ozonops.simulator.world.aftersales_derive import derive_returns, derive_rfbs
from ozonops.simulator.world.model import Posting, Shop, Sku
from ozonops.simulator.world.world import World

#: Ozon's seller analytics count days in Moscow time.
MSK = timezone(timedelta(hours=3), "MSK")

#: Counters that add up across cells.
ADDITIVE = (
    "revenue",
    "ordered_units",
    "cancellations",
    "delivered_units",
    "returns",
    "postings",
    "postings_premium",
    "hits_view_search",
    "hits_view_pdp",
    "hits_view",
    "hits_tocart_search",
    "hits_tocart_pdp",
    "hits_tocart",
    "session_view_search",
    "session_view_pdp",
    "session_view",
    "adv_view_pdp",
    "adv_view_search_category",
    "adv_view_all",
    "adv_sum_all",
)
#: Conversion metrics: percent, numerator over denominator of the (summed) group.
RATIOS = {
    "conv_tocart_search": ("hits_tocart_search", "session_view_search"),
    "conv_tocart_pdp": ("hits_tocart_pdp", "session_view_pdp"),
    "conv_tocart": ("hits_tocart", "session_view"),
}
#: Averaged over the cells of a group.
AVERAGED = ("position_category",)

#: Top-level category names per simulated category (ids are ours).
CATEGORY1 = {
    "electronics": "Электроника",
    "home": "Дом и сад",
    "beauty": "Красота и здоровье",
    "clothing": "Одежда",
    "auto": "Автотовары",
    "toys": "Детские товары",
}
#: Cross-border sellers here sell unbranded goods.
NO_BRAND = ("0", "Нет бренда")


def msk_day(dt: datetime) -> date:
    return dt.astimezone(MSK).date()


def day_start(d: date) -> datetime:
    """00:00 Moscow time of ``d``, in UTC."""
    return datetime(d.year, d.month, d.day, tzinfo=MSK).astimezone(UTC)


def stable_id(text: str) -> str:
    return str(zlib.crc32(text.encode()) + 1_000_000)


def product_type(k: Sku) -> str:
    """The product type: the first word of the name ("Чехол", "Наушники", ...)."""
    return k.name.split()[0] if k.name else k.category


def sku_dimension(k: Sku, dim: str) -> tuple[str, str]:
    """``(id, name)`` of a SKU-valued dimension."""
    if dim == "sku":
        return str(k.sku), k.name
    if dim in ("spu", "modelID"):
        return str(k.product_id), k.name
    if dim == "brand":
        return NO_BRAND
    top = CATEGORY1.get(k.category, k.category)
    if dim == "category1":
        return stable_id(f"c1:{k.category}"), top
    if dim in ("category2", "descriptionType"):
        kind = product_type(k)
        return stable_id(f"{dim}:{k.category}:{kind}"), kind
    raise ValueError(dim)


def day_dimension(d: date, dim: str) -> tuple[str, str]:
    """``(id, name)`` of a day-valued dimension; weeks are named by their Monday."""
    if dim == "day":
        return d.isoformat(), ""
    if dim == "week":
        return (d - timedelta(days=d.weekday())).isoformat(), ""
    if dim == "month":
        return d.strftime("%Y-%m"), ""
    if dim == "year":
        return str(d.year), ""
    raise ValueError(dim)


@dataclass(slots=True)
class Cell:
    sku: Sku
    day: date
    values: dict[str, float] = field(default_factory=dict)
    position: float = 0.0
    posting_numbers: set[str] = field(default_factory=set)


def cells(
    world: World, shop: Shop, first: date, last: date, now: datetime, *, traffic: bool
) -> list[Cell]:
    """The shop's cells for the days ``first``..``last`` (inclusive, Moscow time) as of ``now``.

    ``traffic`` adds the derived (simulated) traffic and advertising counters.
    """
    since = day_start(first)
    to = min(day_start(last + timedelta(days=1)) - timedelta(microseconds=1), now)
    out: dict[tuple[int, date], Cell] = {}
    if to < since:
        return []
    cfg = world.config
    for fbo in (False, True):
        for p in world.postings(shop, fbo=fbo, since=since, to=to):
            _take(world, p, now, out)
    result = sorted(out.values(), key=lambda c: (c.day, c.sku.sku))
    for c in result:
        c.values["postings"] = float(len(c.posting_numbers))
        if traffic:
            _derive_traffic(cfg.seed, c)
    return result


def _take(world: World, p: Posting, now: datetime, out: dict[tuple[int, date], Cell]) -> None:
    d = msk_day(p.created_at)
    history = p.history(now)
    if not history:
        return
    cancelled = history[-1].status == "cancelled"
    delivered = any(ev.status == "delivered" for ev in history)
    returned: dict[int, int] = {}
    for item in derive_returns(world.config, p):
        if item.type == "ClientReturn" and item.return_date <= now:
            returned[item.line.sku.sku] = returned.get(item.line.sku.sku, 0) + item.quantity
    rfbs = derive_rfbs(world.config, p)
    if rfbs is not None and rfbs.created_at <= now:
        returned[rfbs.line.sku.sku] = returned.get(rfbs.line.sku.sku, 0) + rfbs.line.quantity
    for line in p.lines:
        k = line.sku
        c = out.get((k.sku, d))
        if c is None:
            c = out[(k.sku, d)] = Cell(k, d, dict.fromkeys(ADDITIVE, 0.0))
        v = c.values
        q = line.quantity
        v["ordered_units"] += q
        v["revenue"] += float(line.price * q)
        if cancelled:
            v["cancellations"] += q
        if delivered:
            v["delivered_units"] += q
        c.posting_numbers.add(p.posting_number)
    for sku, q in returned.items():
        c = out.get((sku, d))
        if c is not None:
            c.values["returns"] += q


def _derive_traffic(seed: int, c: Cell) -> None:
    """Plausible traffic for a cell (simulated; see the module docstring)."""
    rng = random.Random(f"{seed}:analytics:{c.sku.sku}:{c.day.isoformat()}")
    v = c.values
    units = v["ordered_units"]
    pdp = round(units * rng.uniform(10, 30) + rng.uniform(0, 5 + 30 * c.sku.popularity))
    search = round(pdp * rng.uniform(3, 8))
    v["session_view_pdp"] = pdp
    v["session_view_search"] = search
    v["session_view"] = search + round(pdp * rng.uniform(0.2, 0.4))
    v["hits_view_pdp"] = round(pdp * rng.uniform(1.05, 1.3))
    v["hits_view_search"] = round(search * rng.uniform(1.1, 1.6))
    v["hits_view"] = v["hits_view_pdp"] + v["hits_view_search"]
    v["hits_tocart_pdp"] = max(units, round(pdp * rng.uniform(0.05, 0.12)))
    v["hits_tocart_search"] = round(search * rng.uniform(0.002, 0.01))
    v["hits_tocart"] = v["hits_tocart_pdp"] + v["hits_tocart_search"]
    v["adv_view_pdp"] = round(v["hits_view_pdp"] * rng.uniform(0, 0.3))
    v["adv_view_search_category"] = round(v["hits_view_search"] * rng.uniform(0, 0.2))
    v["adv_view_all"] = v["adv_view_pdp"] + v["adv_view_search_category"]
    v["adv_sum_all"] = round(v["adv_view_all"] * rng.uniform(0.05, 0.2), 2)
    v["postings_premium"] = sum(1 for _ in range(int(v["postings"])) if rng.random() < 0.15)
    c.position = round(rng.uniform(1, 400) / (1 + c.sku.popularity), 1)


def aggregate(group: Iterable[Cell], metrics: list[str]) -> list[float]:
    """The metric values of a group of cells, in ``metrics`` order."""
    sums = dict.fromkeys(ADDITIVE, 0.0)
    positions: list[float] = []
    for c in group:
        for key, value in c.values.items():
            sums[key] += value
        positions.append(c.position)
    out = []
    for m in metrics:
        if m in RATIOS:
            num, den = RATIOS[m]
            out.append(round(100 * sums[num] / sums[den], 2) if sums[den] else 0.0)
        elif m in AVERAGED:
            out.append(round(sum(positions) / len(positions), 1) if positions else 0.0)
        elif m in ("revenue", "adv_sum_all"):
            out.append(round(sums[m], 2))
        else:
            out.append(sums[m])
    return out


__all__ = [
    "ADDITIVE",
    "AVERAGED",
    "MSK",
    "RATIOS",
    "Cell",
    "aggregate",
    "cells",
    "day_dimension",
    "day_start",
    "msk_day",
    "sku_dimension",
]
