"""Stocks and FBO supplies: ``/v1/analytics/stocks``, ``/v4/product/info/stocks``,
``/v3/supply-order/list`` and ``/v3/supply-order/get``.

FBO stock comes from the world's stock book (``world.stock``): it falls with FBO sales and rises
when supply orders complete. ``/v4/product/info/stocks`` shows the seller's own China
warehouses (FBS and rFBS): ``reserved`` is the units of the shop's FBS-family postings waiting to
be packed now; ``present`` [simulated] follows a 30-day restocking saw-tooth per SKU and
warehouse, plus what is reserved. Decisions where the spec is silent [inferred]:

- unknown or foreign SKUs, products and supply orders are left out, not refused;
- ``last_id`` of the supply-order list is ``""`` on the last page.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Any

from ozonops.simulator.errors import bad_request
from ozonops.simulator.paging import check_limit, decode_cursor, encode_cursor, invalid_cursor
from ozonops.simulator.routing import JSON, Ctx, get, int_ids, iso, parse_optional_time, route
from ozonops.simulator.world import Shop, Sku, World
from ozonops.simulator.world import supplies as sup
from ozonops.simulator.world.index import DAY_S
from ozonops.simulator.world.stock import ShopStock, cover_days, shop_stock, turnover_grade
from ozonops.simulator.world.supplies import SupplyOrder

MAX_SKUS = 100
MAX_ORDER_IDS = 50
#: States of posting waiting for the seller to pack, whose units are reserved.
_RESERVING = frozenset({"awaiting_packaging", "awaiting_approve", "awaiting_verification"})


def macrolocal_cluster_id(cluster_id: int) -> int:
    return cluster_id * 10


# --- /v1/analytics/stocks -------------------------------------------------------------------
@route("/v1/analytics/stocks")
def analytics_stocks(ctx: Ctx) -> JSON:
    body = ctx.body
    skus = int_ids(body.get("skus"), "skus")
    if not skus:
        raise bad_request("skus is required", field="skus")
    if len(skus) > MAX_SKUS:
        raise bad_request(f"skus: at most {MAX_SKUS} values are allowed", field="skus")
    clusters = set(int_ids(body.get("cluster_ids"), "cluster_ids"))
    macro = set(int_ids(body.get("macrolocal_cluster_ids"), "macrolocal_cluster_ids"))
    if clusters and macro:
        raise bad_request(
            "only one of cluster_ids and macrolocal_cluster_ids may be set", field="cluster_ids"
        )
    warehouses = set(int_ids(body.get("warehouse_ids"), "warehouse_ids"))
    grades = set(body.get("turnover_grades") or [])
    tags = set(body.get("item_tags") or [])
    zones = set(body.get("placement_zone") or [])
    if body.get("unmarked_stocks_only") or (tags and "ITEM_ATTRIBUTE_NONE" not in tags):
        return {"items": []}  # no simulated product needs marking or carries a tag
    if zones and "SORT" not in zones:
        return {"items": []}  # every simulated product lies in the sortable zone
    book = shop_stock(ctx.world, ctx.shop.index, ctx.now)
    items = []
    seen: set[int] = set()
    for sku_id in skus:
        k = ctx.world.sku_by_id.get(sku_id)
        if k is None or k.shop_index != ctx.shop.index or sku_id in seen:
            continue
        seen.add(sku_id)
        items.extend(_sku_items(book, k, ctx.now, clusters, macro, warehouses, grades))
    return {"items": items}


def _sku_items(
    book: ShopStock,
    k: Sku,
    now: datetime,
    clusters: set[int],
    macro: set[int],
    warehouses: set[int],
    grades: set[str],
) -> list[dict[str, Any]]:
    rows = book.rows(k, now)
    ads = book.ads(k.sku, now)
    total = sum(r.available for r in rows)
    grade = turnover_grade(total, ads)
    by_cluster: dict[int, int] = {}
    for r in rows:
        by_cluster[r.warehouse.cluster_id] = by_cluster.get(r.warehouse.cluster_id, 0) + r.available
    out = []
    for r in rows:
        w = r.warehouse
        if clusters and w.cluster_id not in clusters:
            continue
        if macro and macrolocal_cluster_id(w.cluster_id) not in macro:
            continue
        if warehouses and w.warehouse_id not in warehouses:
            continue
        if grades and grade not in grades:
            continue
        ads_c = book.ads(k.sku, now, w.cluster_id)
        in_cluster = by_cluster[w.cluster_id]
        out.append(
            {
                "ads": round(ads, 2),
                "ads_cluster": round(ads_c, 2),
                "available_stock_count": r.available,
                "cluster_id": w.cluster_id,
                "cluster_name": w.cluster_name,
                "days_without_sales": book.days_without_sales(k.sku, now),
                "days_without_sales_cluster": book.days_without_sales(k.sku, now, w.cluster_id),
                "excess_stock_count": 0,
                "expiring_stock_count": 0,
                "idc": cover_days(total, ads),
                "idc_cluster": cover_days(in_cluster, ads_c),
                "item_tags": [],
                "macrolocal_cluster_id": macrolocal_cluster_id(w.cluster_id),
                "name": k.name,
                "offer_id": k.offer_id,
                "other_stock_count": 0,
                "placement_zone": ["SORT"],
                "requested_stock_count": r.requested,
                "return_from_customer_stock_count": r.returning,
                "return_to_seller_stock_count": 0,
                "sku": k.sku,
                "stock_defect_stock_count": 0,
                "transit_defect_stock_count": 0,
                "transit_stock_count": r.transit,
                "turnover_grade": grade,
                "turnover_grade_cluster": turnover_grade(in_cluster, ads_c),
                "valid_stock_count": 0,
                "waiting_docs_stock_count": 0,
                "waiting_docs_to_export_stock_count": 0,
                "warehouse_id": w.warehouse_id,
                "warehouse_name": w.name,
            }
        )
    return out


# --- /v4/product/info/stocks ----------------------------------------------------------------
_HIDDEN = frozenset(
    {
        "INVISIBLE",
        "NOT_MODERATED",
        "DISABLED",
        "STATE_FAILED",
        "VALIDATION_STATE_PENDING",
        "VALIDATION_STATE_FAIL",
        "ARCHIVED",
        "OVERPRICED",
        "CRITICALLY_OVERPRICED",
        "REMOVED_FROM_SALE",
        "BANNED",
        "EMPTY_BARCODE",
        "BARCODE_EXISTS",
        "QUARANTINE",
        "WITHOUT_PRICE",
        "PHOTO_MISSING",
        "NEW_CARD",
        "TO_SUPPLY",
    }
)


def _reserved(world: World, shop: Shop, now: datetime) -> dict[tuple[int, int], int]:
    """Units reserved per (sku, China warehouse): FBS-family postings not yet packed."""
    out: dict[tuple[int, int], int] = {}
    since = now - timedelta(days=12)  # unpacked postings are cancelled after 10 days
    for p in world.postings(shop, fbo=False, since=since, to=now):
        if world.event(p, now).status not in _RESERVING:
            continue
        for line in p.lines:
            k = (line.sku.sku, p.warehouse_id)
            out[k] = out.get(k, 0) + line.quantity
    return out


def _present(world: World, k: Sku, warehouse_id: int, now: datetime) -> int:
    rng = random.Random(f"ozonops-china-stock:{world.config.seed}:{k.sku}:{warehouse_id}")
    full = max(5, round(rng.uniform(150, 900) * k.popularity))
    phase = rng.randrange(30)
    day = int(now.timestamp()) // DAY_S
    left = 1 - ((day + phase) % 30) / 32
    return max(0, round(full * left))


@route("/v4/product/info/stocks")
def product_stocks(ctx: Ctx) -> JSON:
    body = ctx.body
    limit = check_limit(int(body.get("limit") or 0), 1000)
    offer_ids = set(get(body, "filter", "offer_id", default=[]))
    product_ids = set(int_ids(get(body, "filter", "product_id", default=[]), "filter.product_id"))
    visibility = get(body, "filter", "visibility", default="ALL")
    after: int | None = None
    if body.get("cursor"):
        last = decode_cursor(str(body["cursor"])).get("after")
        if not isinstance(last, int):
            raise invalid_cursor()
        after = last
    world, shop, now = ctx.world, ctx.shop, ctx.now
    china = [w for w in world.warehouses if w.shop_index == shop.index and w.kind == "fbs"]
    reserved = _reserved(world, shop, now)
    products = []
    for k in sorted(world.skus[shop.index], key=lambda s: s.product_id):
        if offer_ids and k.offer_id not in offer_ids:
            continue
        if product_ids and k.product_id not in product_ids:
            continue
        if visibility in _HIDDEN:
            continue
        stocks = []
        for kind in ("fbs", "rfbs"):
            whs = [w for w in china if (w.is_rfbs if kind == "rfbs" else not w.is_rfbs)]
            if not whs:
                continue
            res = sum(reserved.get((k.sku, w.warehouse_id), 0) for w in whs)
            present = sum(_present(world, k, w.warehouse_id, now) for w in whs) + res
            stocks.append(
                {
                    "present": present,
                    "reserved": res,
                    "shipment_type": "SHIPMENT_TYPE_GENERAL",
                    "sku": k.sku,
                    "type": kind,
                    "warehouse_ids": [w.warehouse_id for w in whs],
                }
            )
        if visibility == "EMPTY_STOCK" and any(s["present"] for s in stocks):
            continue
        products.append((k, stocks))
    total = len(products)
    if after is not None:
        products = [x for x in products if x[0].product_id > after]
    page = products[:limit]
    more = len(products) > limit
    return {
        "items": [
            {"offer_id": k.offer_id, "product_id": k.product_id, "stocks": stocks}
            for k, stocks in page
        ],
        "cursor": encode_cursor({"after": page[-1][0].product_id}) if more else "",
        "total": total,
    }


# --- /v3/supply-order/list, /v3/supply-order/get ----------------------------------------------
def _sort_key(o: SupplyOrder, sort_by: str, now: datetime) -> int:
    if sort_by == "ORDER_STATE_UPDATED_AT":
        _, since = o.state_at(now)
        return int(since.timestamp())
    if sort_by in ("TIMESLOT_FROM_UTC", "TIMESLOT_FROM_LOCAL"):
        return int(o.slot.timeslot_from.timestamp())
    return int(o.created_at.timestamp())


@route("/v3/supply-order/list")
def supply_order_list(ctx: Ctx) -> JSON:
    body = ctx.body
    states = set(get(body, "filter", "states", default=[]))
    if not states:
        raise bad_request("filter.states is required", field="filter.states")
    limit = check_limit(int(body.get("limit") or 0), 100)
    sort_by = str(body.get("sort_by") or "ORDER_CREATION")
    descending = str(body.get("sort_dir") or "ASC").upper() == "DESC"
    dropoff = set(int_ids(get(body, "filter", "dropoff_warehouse_ids", default=[]), "dropoff"))
    search = str(get(body, "filter", "order_number_search", default=""))
    slot_from = get(body, "filter", "timeslot_from_range", "from")
    slot_to = get(body, "filter", "timeslot_from_range", "to")
    lo = parse_optional_time(slot_from, "filter.timeslot_from_range.from")
    hi = parse_optional_time(slot_to, "filter.timeslot_from_range.to")
    now = ctx.now
    book = shop_stock(ctx.world, ctx.shop.index, now)
    rows = []
    for o in book.orders_at(now):
        state, _ = o.state_at(now)
        if state not in states:
            continue
        if dropoff and sup.DROPOFF_WAREHOUSE[0] not in dropoff:
            continue
        if search and search not in o.slot.order_number:
            continue
        if (lo and o.slot.timeslot_from < lo) or (hi and o.slot.timeslot_from > hi):
            continue
        rows.append((_sort_key(o, sort_by, now), o.order_id))
    rows.sort(reverse=descending)
    if body.get("last_id"):
        last = decode_cursor(str(body["last_id"]), field="last_id").get("k")
        if not (
            isinstance(last, list) and len(last) == 2 and all(isinstance(x, int) for x in last)
        ):
            raise invalid_cursor("last_id")
        mark = (last[0], last[1])
        rows = [r for r in rows if (r < mark if descending else r > mark)]
    page = rows[:limit]
    more = len(rows) > limit
    return {
        "order_ids": [str(oid) for _, oid in page],
        "last_id": encode_cursor({"k": list(page[-1])}) if more else "",
    }


@route("/v3/supply-order/get")
def supply_order_get(ctx: Ctx) -> JSON:
    ids = int_ids(ctx.body.get("order_ids"), "order_ids")
    if not ids:
        raise bad_request("order_ids is required", field="order_ids")
    if len(ids) > MAX_ORDER_IDS:
        raise bad_request(f"order_ids: at most {MAX_ORDER_IDS} values", field="order_ids")
    now = ctx.now
    book = shop_stock(ctx.world, ctx.shop.index, now)
    by_id = {o.order_id: o for o in book.orders_at(now)}
    orders = []
    for oid in dict.fromkeys(ids):
        o = by_id.get(oid)
        if o is not None:
            orders.append(render_supply_order(o, now))
    return {"orders": orders}


def render_supply_order(o: SupplyOrder, now: datetime) -> dict[str, Any]:
    state, since = o.state_at(now)
    slot = o.slot
    w = slot.warehouse
    storage: dict[str, Any] = {
        "address": f"{w.city}, территория склада {w.name}",
        "name": w.name,
        "warehouse_id": w.warehouse_id,
    }
    if state in (sup.ACCEPTANCE, sup.COMPLETED):
        storage["arrival_date"] = iso(slot.arrival_at)
    dropoff_id, dropoff_name, dropoff_address = sup.DROPOFF_WAREHOUSE
    return {
        "created_date": iso(slot.created_at),
        "dropoff_warehouse": {
            "address": dropoff_address,
            "name": dropoff_name,
            "warehouse_id": dropoff_id,
        },
        "order_id": slot.order_id,
        "order_number": slot.order_number,
        "order_tags": {
            "is_econom": False,
            "is_pickup": False,
            "is_quant": False,
            "is_super_fbo": False,
            "is_virtual": False,
        },
        "state": state,
        "state_updated_date": iso(since),
        "supplies": [
            {
                "bundle_id": slot.bundle_id,
                "is_crossdock": True,
                "macrolocal_cluster_id": macrolocal_cluster_id(w.cluster_id),
                "state": state,
                "storage_warehouse": storage,
                "supply_id": slot.supply_id,
                "supply_tags": {
                    "freeze_stock_for_marking": False,
                    "is_ettn_required": False,
                    "is_evsd_required": False,
                    "is_jewelry": False,
                    "is_marking_possible": False,
                    "is_marking_required": False,
                    "is_utd": False,
                },
            }
        ],
        "timeslot": {
            "timeslot": {"from": iso(slot.timeslot_from), "to": iso(slot.timeslot_to)},
            "timezone_info": {"iana_name": "Asia/Chita", "offset": "32400"},
        },
    }
