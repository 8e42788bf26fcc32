"""FBO stock, and the shop's logistics reference: warehouses and delivery methods.

- **stocks**: the shop's SKUs from ``/v4/product/info/stocks``, then their FBO stock per Ozon
  warehouse from ``/v1/analytics/stocks`` (100 SKUs a call); a snapshot is kept only where a
  level changed (a warehouse that stopped listing a SKU counts as zero).
- **warehouses**, **delivery_methods**: read whole each time (a shop has a handful).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from ozonops.db.tables import DeliveryMethod, StockSnapshot, Warehouse
from ozonops.ozon import answered_at
from ozonops.sync.job import Job
from ozonops.sync.mapping.money import delivery_method_row, stock_row, warehouse_row
from ozonops.sync.resource import Batch, ResourceSpec, Window
from ozonops.sync.write_postings import Counts
from ozonops.sync.write_rows import write_rows

__all__ = ["DELIVERY_METHODS", "STOCKS", "WAREHOUSES"]

SKUS_PER_CALL = 100
PRODUCTS_PAGE = 1000
LEVELS = ("available", "valid", "transit", "requested", "returning_from_customer", "defect")
#: A snapshot is kept when any of these moved (sales rate and days of cover included).
TRACKED = (*LEVELS, "ads", "idc", "turnover_grade")


def _snapshot(job: Job) -> Sequence[Window]:
    return [Window("snapshot", began_at=job.now)]


# --- FBO stock ---------------------------------------------------------------------------------
async def _skus(job: Job) -> list[int]:
    skus: set[int] = set()
    cursor: str | None = None
    while True:
        page = await job.ozon.product_stocks(filter={}, limit=PRODUCTS_PAGE, cursor=cursor)
        for item in page.items:
            skus.update(s.sku for s in item.stocks if s.sku)
        if not page.cursor or not page.items:
            return sorted(skus)
        cursor = page.cursor


async def _fetch_stocks(job: Job, window: Window) -> AsyncIterator[Batch[dict[str, Any]]]:
    skus = await _skus(job)
    for start in range(0, len(skus), SKUS_PER_CALL):
        part = skus[start : start + SKUS_PER_CALL]
        answer = await job.ozon.analytics_stocks(skus=part)
        at = answered_at() or job.now
        rows = [stock_row(i, shop_id=job.shop.id, at=at) for i in answer.items if i.sku]
        yield Batch([{"skus": part, "rows": rows}], {}, at)


def _latest(session: Session, shop_id: int, skus: Sequence[int]) -> dict[tuple[int, int], Any]:
    newest = (
        select(
            StockSnapshot.sku,
            StockSnapshot.warehouse_id,
            func.max(StockSnapshot.taken_at).label("taken_at"),
        )
        .where(StockSnapshot.shop_id == shop_id, StockSnapshot.sku.in_(skus))
        .group_by(StockSnapshot.sku, StockSnapshot.warehouse_id)
        .subquery()
    )
    rows = session.scalars(
        select(StockSnapshot)
        .join(
            newest,
            (StockSnapshot.sku == newest.c.sku)
            & (StockSnapshot.warehouse_id == newest.c.warehouse_id)
            & (StockSnapshot.taken_at == newest.c.taken_at),
        )
        .where(StockSnapshot.shop_id == shop_id)
    )
    return {(r.sku, r.warehouse_id): r for r in rows}


def _write_stocks(session: Session, job: Job, batch: Batch[dict[str, Any]]) -> Counts:
    counts = Counts()
    at = batch.observed_at or job.now
    for part in batch.items:
        latest = _latest(session, job.shop.id, part["skus"])
        fresh: list[dict[str, Any]] = []
        seen: set[tuple[int, int]] = set()
        for row in part["rows"]:
            key = (row["sku"], row["warehouse_id"])
            seen.add(key)
            before = latest.get(key)
            if before is None:
                counts.new += 1
            elif any(getattr(before, f) != row[f] for f in TRACKED):
                counts.changed += 1
            else:
                counts.unchanged += 1
                continue
            fresh.append(row)
        for key, before in latest.items():
            if key not in seen and any(getattr(before, f) for f in LEVELS):
                counts.changed += 1  # no longer listed there: nothing left
                fresh.append(_zero(before, at))
        if fresh:
            session.execute(insert(StockSnapshot), fresh)
    return counts


def _zero(before: StockSnapshot, at: datetime) -> dict[str, Any]:
    return {
        "shop_id": before.shop_id,
        "sku": before.sku,
        "warehouse_id": before.warehouse_id,
        "taken_at": at,
        "offer_id": before.offer_id,
        "warehouse_name": before.warehouse_name,
        "cluster_id": before.cluster_id,
        **dict.fromkeys(LEVELS, 0),
        "ads": before.ads,
        "idc": None,
        "turnover_grade": before.turnover_grade,
    }


STOCKS: ResourceSpec[dict[str, Any]] = ResourceSpec(
    name="stocks",
    cursor_field="(snapshot: every SKU each run)",
    interval=timedelta(hours=1),
    windows=_snapshot,
    fetch=_fetch_stocks,
    write=_write_stocks,
    description="FBO stock per Ozon warehouse (/v1/analytics/stocks)",
)


# --- warehouses and delivery methods -----------------------------------------------------------
async def _fetch_warehouses(job: Job, window: Window) -> AsyncIterator[Batch[dict[str, Any]]]:
    cursor: str | None = None
    while True:
        page = await job.ozon.warehouse_list(limit=200, cursor=cursor)
        at = answered_at() or job.now
        yield Batch([warehouse_row(w, shop_id=job.shop.id, at=at) for w in page.warehouses], {}, at)
        if not page.has_next or not page.cursor:
            return
        cursor = page.cursor


async def _fetch_methods(job: Job, window: Window) -> AsyncIterator[Batch[dict[str, Any]]]:
    cursor: str | None = None
    while True:
        page = await job.ozon.delivery_method_list(limit=100, cursor=cursor)
        at = answered_at() or job.now
        rows = [delivery_method_row(d, shop_id=job.shop.id, at=at) for d in page.delivery_methods]
        yield Batch(rows, {}, at)
        if not page.has_next or not page.cursor:
            return
        cursor = page.cursor


WAREHOUSES: ResourceSpec[dict[str, Any]] = ResourceSpec(
    name="warehouses",
    cursor_field="(snapshot)",
    interval=timedelta(hours=12),
    windows=_snapshot,
    fetch=_fetch_warehouses,
    write=lambda session, job, batch: write_rows(
        session, Warehouse, batch.items, key=["warehouse_id"]
    ),
    description="FBS/rFBS warehouses (/v2/warehouse/list)",
)
DELIVERY_METHODS: ResourceSpec[dict[str, Any]] = ResourceSpec(
    name="delivery_methods",
    cursor_field="(snapshot)",
    interval=timedelta(hours=12),
    windows=_snapshot,
    fetch=_fetch_methods,
    write=lambda session, job, batch: write_rows(session, DeliveryMethod, batch.items, key=["id"]),
    description="Delivery methods (/v2/delivery-method/list)",
)
