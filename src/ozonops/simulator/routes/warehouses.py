"""The seller's FBS/rFBS warehouses and delivery methods: ``/v2/warehouse/list`` and
``/v2/delivery-method/list`` (both cursor-paged, ordered by id).

The warehouses are the world's ``kind == "fbs"`` ones (the seller's own, in China); Ozon's FBO
warehouses are not listed here (the spec sends callers to ``/v1/warehouse/fbo/list``). Delivery
methods are the world's methods except the FBO ones. Every warehouse and method is active
(``status`` ``created`` / ``ACTIVE``) [inferred: the simulator never pauses one].
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Any

from ozonops.simulator.errors import bad_request
from ozonops.simulator.paging import check_limit, decode_cursor, encode_cursor, invalid_cursor
from ozonops.simulator.routing import JSON, Ctx, get, int_ids, iso, route
from ozonops.simulator.world import DeliveryMethod, Scheme, Warehouse, World

MAX_WAREHOUSES = 200
MAX_METHODS = 100
_WORKING_DAYS = ["MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY"]
#: Where the seller's China warehouses are (city in the world's fixtures -> address, lat, lon).
_SITES = {
    "Shenzhen": ("深圳市宝安区福永街道物流园 8 栋", 22.6701, 113.8209),
    "Yiwu": ("义乌市稠江街道国际物流中心 3 号库", 29.2824, 120.0475),
    "Guangzhou": ("广州市白云区太和镇跨境电商产业园 12 号", 23.3170, 113.3394),
}


def _created(world: World, key: int) -> datetime:
    rng = random.Random(f"ozonops-created:{world.config.seed}:{key}")
    return world.config.start - timedelta(days=rng.randint(200, 600), seconds=rng.randint(0, 86399))


def _after(ctx: Ctx) -> int | None:
    if not ctx.body.get("cursor"):
        return None
    after = decode_cursor(str(ctx.body["cursor"])).get("after")
    if not isinstance(after, int):
        raise invalid_cursor()
    return after


def render_warehouse(world: World, w: Warehouse) -> dict[str, Any]:
    address, lat, lon = _SITES.get(w.city, (w.city, 0.0, 0.0))
    created = _created(world, w.warehouse_id)
    return {
        "address_info": {
            "address": address,
            "latitude": lat,
            "longitude": lon,
            "utc": "Asia/Shanghai",
        },
        "carriage_label_type": "BIG",
        "courier_comment": "",
        "courier_phones": [],
        "created_at": iso(created),
        "cut_in_time": 1440,
        "first_mile": {
            "dropoff_point_id": "",
            "first_mile_is_changing": False,
            "timeslot_from": "09:00",
            "timeslot_id": 0,
            "timeslot_to": "18:00",
            "type": "DROP_OFF",
        },
        "has_entrusted_acceptance": False,
        "has_postings_limit": False,
        "is_auto_assembly": False,
        "is_comfort": False,
        "is_express": False,
        "is_kgt": False,
        "is_rfbs": w.is_rfbs,
        "is_waybill_enabled": False,
        "min_postings_limit": 0,
        "name": w.name,
        "phone": f"+86{w.warehouse_id % 10**10:010d}",
        "postings_limit": -1,
        "sla_cut_in": 1440,
        "status": "created",
        "updated_at": iso(created + timedelta(days=30)),
        "warehouse_id": w.warehouse_id,
        "with_item_list": False,
        "working_days": list(_WORKING_DAYS),
    }


@route("/v2/warehouse/list")
def warehouse_list(ctx: Ctx) -> JSON:
    limit = check_limit(int(ctx.body.get("limit") or 0), MAX_WAREHOUSES)
    ids = set(int_ids(ctx.body.get("warehouse_ids"), "warehouse_ids"))
    if len(ids) > MAX_WAREHOUSES:
        raise bad_request(f"warehouse_ids: at most {MAX_WAREHOUSES} values", field="warehouse_ids")
    after = _after(ctx)
    rows = sorted(
        (
            w
            for w in ctx.world.warehouses
            if w.shop_index == ctx.shop.index
            and w.kind == "fbs"
            and (not ids or w.warehouse_id in ids)
            and (after is None or w.warehouse_id > after)
        ),
        key=lambda w: w.warehouse_id,
    )
    page = rows[:limit]
    more = len(rows) > limit
    return {
        "warehouses": [render_warehouse(ctx.world, w) for w in page],
        "cursor": encode_cursor({"after": page[-1].warehouse_id}) if more else "",
        "has_next": more,
    }


def render_method(world: World, m: DeliveryMethod) -> dict[str, Any]:
    created = _created(world, m.id)
    return {
        "created_at": iso(created),
        "cutoff": m.cutoff,
        "id": m.id,
        "is_express": m.is_express,
        "name": m.name,
        "provider_id": m.provider_id,
        "sla_cut_in": 1440,
        "status": "ACTIVE",
        "template_id": m.template_id,
        "tpl_integration_type": m.scheme.tpl_integration_type,
        "updated_at": iso(created + timedelta(days=14)),
        "warehouse_id": m.warehouse_id,
    }


@route("/v2/delivery-method/list")
def delivery_method_list(ctx: Ctx) -> JSON:
    body = ctx.body
    limit = check_limit(int(body.get("limit") or 0), MAX_METHODS)
    warehouses = set(int_ids(get(body, "filter", "warehouse_ids"), "filter.warehouse_ids"))
    providers = set(int_ids(get(body, "filter", "provider_ids"), "filter.provider_ids"))
    method_ids = set(
        int_ids(get(body, "filter", "delivery_method_ids"), "filter.delivery_method_ids")
    )
    statuses = set(get(body, "filter", "status", default=[]))
    descending = str(body.get("sort_dir") or "ASC").upper() == "DESC"
    after = _after(ctx)
    rows = sorted(
        (
            m
            for m in ctx.world.methods
            if m.shop_index == ctx.shop.index
            and m.scheme is not Scheme.FBO
            and (not warehouses or m.warehouse_id in warehouses)
            and (not providers or m.provider_id in providers)
            and (not method_ids or m.id in method_ids)
            and (not statuses or "ACTIVE" in statuses)
            and (after is None or (m.id < after if descending else m.id > after))
        ),
        key=lambda m: m.id,
        reverse=descending,
    )
    page = rows[:limit]
    more = len(rows) > limit
    return {
        "delivery_methods": [render_method(ctx.world, m) for m in page],
        "cursor": encode_cursor({"after": page[-1].id}) if more else "",
        "has_next": more,
    }
