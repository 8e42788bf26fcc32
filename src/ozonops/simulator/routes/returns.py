"""Returns: FBS/FBO returns (``/v1/returns/list``) and rFBS return requests (ozon-api.md §4).

Quirk we follow: ``/v2/returns/rfbs/list`` answers ``returns`` as ONE object, as the spec's
schema says (its example shows an array; ozon-api.md §14: the schema wins), so each call gives
at most one request and callers page with ``last_id`` = its ``return_id``; ``{}`` ends the walk.
"""

from __future__ import annotations

import bisect
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from ozonops.simulator.errors import bad_request, not_found
from ozonops.simulator.paging import check_limit
from ozonops.simulator.reference.ozon_codes import RETURN_REJECTION_REASONS, RFBS_RETURN_ACTIONS
from ozonops.simulator.routing import JSON, Ctx, get, iso, parse_optional_time, route
from ozonops.simulator.world import aftersales as af
from ozonops.simulator.world.aftersales_derive import (
    COMPENSATION_STATUSES,
    FREE_STORAGE,
    STORAGE_FEE_PER_DAY,
    UTILIZATION_AFTER,
    VISUAL_STATUSES,
    ReturnItem,
    RfbsRequest,
)
from ozonops.simulator.world.aftersales_rfbs import GROUP_STATES, RFBS_STATES, Decision

MAX_RETURNS_LIMIT = 500
MAX_POSTING_NUMBERS = 50
DATE_FILTERS = (
    "logistic_return_date",
    "storage_tariffication_start_date",
    "visual_status_change_moment",
)
_ACTIONS = {a.id: a for a in RFBS_RETURN_ACTIONS}
_REJECTION_IDS = {r.id for r in RETURN_REJECTION_REASONS}
_FINAL = ("ReturnedToOzon", "ReceivedBySeller", "Utilized")


def _money(value: Decimal) -> dict[str, Any]:
    return {"currency_code": "RUB", "price": float(value.quantize(Decimal("0.01")))}


def _place(place: tuple[int, str, str]) -> dict[str, Any]:
    return {"id": place[0], "name": place[1], "address": place[2]}


def _storage_start(r: ReturnItem) -> datetime | None:
    return r.arrived_at + FREE_STORAGE if r.arrived_at is not None else None


def _render_return(ctx: Ctx, r: ReturnItem) -> dict[str, Any]:
    now = ctx.now
    p, line = r.posting, r.line
    step = r.step_at(now)
    assert step is not None  # visible returns have started
    status_id, display = VISUAL_STATUSES[step.sys_name]
    commission = line.price * line.sku.commission_percent / 100
    logistic: dict[str, Any] = {"return_date": iso(r.return_date), "barcode": r.barcode}
    if r.type != "ClientReturn":
        logistic["technical_return_moment"] = iso(r.return_date)
    if step.sys_name in _FINAL:
        logistic["final_moment"] = iso(step.at)
    comp = r.compensation_at(now)
    if comp is not None and comp[1] == 2:
        logistic["cancelled_with_compensation_moment"] = iso(comp[0])
    out: dict[str, Any] = {
        "exemplars": [{"id": x} for x in r.exemplar_ids],
        "id": r.id,
        "company_id": ctx.shop.seller_id,
        "return_reason_name": r.reason,
        "type": r.type,
        "schema": "Fbo" if r.schema == "FBO" else "Fbs",
        "order_id": p.order_id,
        "order_number": p.order_number,
        "place": _place(r.place),
        "target_place": _place(r.target_place),
        "product": {
            "sku": line.sku.sku,
            "offer_id": line.sku.offer_id,
            "name": line.sku.name,
            "price": _money(line.price),
            "price_without_commission": _money(line.price - commission),
            "commission_percent": float(line.sku.commission_percent),
            "commission": _money(commission),
            "quantity": r.quantity,
        },
        "logistic": logistic,
        "visual": {
            "status": {"id": status_id, "display_name": display, "sys_name": step.sys_name},
            "change_moment": iso(step.at),
        },
        "additional_info": {"is_opened": r.is_opened, "is_super_econom": False},
        "posting_number": p.posting_number,
        "clearing_id": r.clearing_id,
        "return_clearing_id": r.return_clearing_id,
    }
    if r.arrived_at is not None and r.arrived_at <= now:
        left = next((s.at for s in r.steps if s.at > r.arrived_at), None)
        end = min(now, left) if left is not None and left <= now else now
        days = max(0, (end - r.arrived_at).days)
        charged = max(0, days - FREE_STORAGE.days)
        start = _storage_start(r)
        out["storage"] = {
            "sum": _money(STORAGE_FEE_PER_DAY * charged * r.quantity),
            "tariffication_first_date": iso(start),
            "tariffication_start_date": iso(start),
            "arrived_moment": iso(r.arrived_at),
            "days": days,
            "utilization_sum": _money(Decimal(30) * r.quantity),
            "utilization_forecast_date": iso(r.arrived_at + UTILIZATION_AFTER),
        }
    if comp is not None:
        sys_name, name = COMPENSATION_STATUSES[comp[1]]
        out["compensation_status"] = {
            "status": {"id": comp[1], "display_name": name, "sys_name": sys_name},
            "change_moment": iso(comp[0]),
        }
    return out


def _range(body: dict[str, Any], name: str) -> tuple[datetime | None, datetime | None]:
    lo, hi = get(body, name, "time_from"), get(body, name, "time_to")
    a = parse_optional_time(lo, f"filter.{name}.time_from")
    b = parse_optional_time(hi, f"filter.{name}.time_to")
    if a is not None and b is not None and a > b:
        raise bad_request(f"filter.{name}: time_from is after time_to", field=f"filter.{name}")
    return a, b


def _within(value: datetime | None, lo: datetime | None, hi: datetime | None) -> bool:
    if value is None:
        return False
    return (lo is None or value >= lo) and (hi is None or value <= hi)


@route("/v1/returns/list")
def returns_list(ctx: Ctx) -> JSON:
    body, now = ctx.body, ctx.now
    limit = check_limit(int(body["limit"]), MAX_RETURNS_LIMIT)
    last_id = int(body.get("last_id") or 0)
    flt: dict[str, Any] = body.get("filter") or {}
    dates = [name for name in DATE_FILTERS if flt.get(name) is not None]
    if len(dates) > 1:
        raise bad_request(
            "only one of logistic_return_date, storage_tariffication_start_date and "
            "visual_status_change_moment may be set",
            field="filter",
        )
    numbers = flt.get("posting_numbers") or []
    if len(numbers) > MAX_POSTING_NUMBERS:
        raise bad_request(
            f"posting_numbers: at most {MAX_POSTING_NUMBERS} values", field="filter.posting_numbers"
        )
    schema = str(flt.get("return_schema") or "").upper()
    if schema and schema not in ("FBS", "FBO"):
        raise bad_request("return_schema must be FBS or FBO", field="filter.return_schema")
    date_name = dates[0] if dates else None
    lo, hi = _range(flt, date_name) if date_name else (None, None)
    wanted_numbers = set(numbers)
    order_id = flt.get("order_id")
    offer_id = flt.get("offer_id")
    name_part = str(flt.get("product_name") or "").lower()
    warehouse_id = flt.get("warehouse_id")
    barcode = flt.get("barcode")
    visual = flt.get("visual_status_name")
    comp_id = flt.get("compensation_status_id")

    sa = af.shop_index(ctx.world, ctx.shop)
    page: list[ReturnItem] = []
    has_next = False
    for r in sa.returns[bisect.bisect(sa.return_ids, last_id) :]:
        if r.return_date > now:
            continue
        step = r.step_at(now)
        if step is None:
            continue
        if date_name == "logistic_return_date" and not _within(r.return_date, lo, hi):
            continue
        if date_name == "storage_tariffication_start_date":
            start = _storage_start(r)
            if start is None or start > now or not _within(start, lo, hi):
                continue
        if date_name == "visual_status_change_moment" and not _within(step.at, lo, hi):
            continue
        if wanted_numbers and r.posting.posting_number not in wanted_numbers:
            continue
        if order_id and r.posting.order_id != int(order_id):
            continue
        if offer_id and r.line.sku.offer_id != offer_id:
            continue
        if name_part and name_part not in r.line.sku.name.lower():
            continue
        if warehouse_id and r.posting.warehouse_id != int(warehouse_id):
            continue
        if barcode and r.barcode != barcode:
            continue
        if schema and r.schema != schema:
            continue
        if visual and step.sys_name != visual:
            continue
        if comp_id:
            comp = r.compensation_at(now)
            if comp is None or comp[1] != int(comp_id):
                continue
        if len(page) == limit:
            has_next = True
            break
        page.append(r)
    return {"returns": [_render_return(ctx, r) for r in page], "has_next": has_next}


# --- rFBS ---------------------------------------------------------------------------------------
def _rfbs_product(req: RfbsRequest) -> dict[str, Any]:
    sku = req.line.sku
    return {
        "name": sku.name,
        "offer_id": sku.offer_id,
        "currency_code": "RUB",
        "price": int(req.line.price),
        "sku": sku.sku,
    }


@route("/v2/returns/rfbs/list")
def rfbs_list(ctx: Ctx) -> JSON:
    body, now = ctx.body, ctx.now
    if int(body["limit"]) < 1:
        raise bad_request("limit must be positive", field="limit")
    last_id = int(body.get("last_id") or 0)
    flt: dict[str, Any] = body.get("filter") or {}
    groups = set(flt.get("group_state") or [])
    unknown = groups - {"All", *GROUP_STATES}
    if unknown:
        raise bad_request(f"unknown group_state {sorted(unknown)[0]!r}", field="filter.group_state")
    if "All" in groups:
        groups = set()
    lo_raw, hi_raw = get(flt, "created_at", "from"), get(flt, "created_at", "to")
    lo = parse_optional_time(lo_raw, "filter.created_at.from")
    hi = parse_optional_time(hi_raw, "filter.created_at.to")
    number = flt.get("posting_number")
    offer_id = flt.get("offer_id")
    sa = af.shop_index(ctx.world, ctx.shop)
    for req in sa.rfbs[bisect.bisect(sa.rfbs_ids, last_id) :]:
        if req.created_at > now:
            continue
        if not _within(req.created_at, lo, hi):
            continue
        if number and req.posting.posting_number != number:
            continue
        if offer_id and req.line.sku.offer_id != offer_id:
            continue
        step = af.rfbs_step(ctx.world, req, now)
        st = RFBS_STATES[step.state]
        if groups and st.group_state not in groups:
            continue
        return {
            "returns": {
                "created_at": iso(req.created_at),
                "order_number": req.posting.order_number,
                "posting_number": req.posting.posting_number,
                "product": _rfbs_product(req),
                "return_id": req.return_id,
                "return_number": req.return_number,
                "state": {
                    "group_state": st.group_state,
                    "money_return_state_name": st.money_state,
                    "state": step.state,
                    "state_name": st.name,
                },
            }
        }
    return {"returns": {}}


def _find_rfbs(ctx: Ctx) -> RfbsRequest:
    return_id = int(ctx.body["return_id"])
    req = af.find_rfbs(ctx.world, ctx.shop, return_id)
    if req is None:
        raise not_found(f"return request {return_id} not found")
    return req


@route("/v2/returns/rfbs/get")
def rfbs_get(ctx: Ctx) -> JSON:
    req = _find_rfbs(ctx)
    now = ctx.now
    step = af.rfbs_step(ctx.world, req, now)
    st = RFBS_STATES[step.state]
    rejection = af.last_rejection(ctx.world, req, now)
    out: dict[str, Any] = {
        "available_actions": [{"id": a, "name": _ACTIONS[a].name_ru} for a in st.actions],
        "client_photo": list(req.photos),
        "client_return_method_type": {"id": req.method[0], "name": req.method[1]},
        "comment": req.comment,
        "created_at": iso(req.created_at),
        "order_number": req.posting.order_number,
        "posting_number": req.posting.posting_number,
        "product": _rfbs_product(req),
        "rejection_comment": rejection.comment if rejection is not None else "",
        "rejection_reason": [
            {
                "hint": r.hint,
                "id": r.id,
                "is_comment_required": r.is_comment_required,
                "name": r.name_ru,
            }
            for r in RETURN_REJECTION_REASONS
        ],
        "return_number": req.return_number,
        "return_reason": {
            "id": req.reason.id,
            "is_defect": req.reason.is_defect,
            "name": req.reason.name_ru,
        },
        "ru_post_tracking_number": (
            req.ru_post_tracking_number
            if st.group_state in ("Delivering", "Checkout") or step.state == "MONEY_RETURNED"
            else ""
        ),
        "state": {"state": step.state, "state_name": st.name},
        "warehouse_id": req.posting.warehouse_id,
    }
    return {"returns": out}


def _decimal(value: Any, field: str) -> Decimal:
    try:
        return Decimal(str(value))
    except InvalidOperation:
        raise bad_request(f"{field}: not a number", field=field) from None


@route("/v1/returns/rfbs/action/set")
def rfbs_action_set(ctx: Ctx) -> JSON:
    body, now = ctx.body, ctx.now
    req = _find_rfbs(ctx)
    if body.get("id") is None:
        raise bad_request("id is required", field="id")
    action_id = int(body["id"])
    step = af.rfbs_step(ctx.world, req, now)
    if action_id not in RFBS_STATES[step.state].actions:
        raise bad_request(
            f"action {action_id} is not available for return request {req.return_id} "
            f"in state {step.state}",
            field="id",
        )
    action = _ACTIONS[action_id]
    comment = str(body.get("comment") or "").strip()
    reason_id = int(body.get("rejection_reason_id") or 0)
    if action.requires_rejection_reason and reason_id not in _REJECTION_IDS:
        raise bad_request(
            "rejection_reason_id is required for this action and must be one of "
            "returns.rejection_reason",
            field="rejection_reason_id",
        )
    if action.requires_comment and not comment:
        raise bad_request("comment is required for this action", field="comment")
    amount: Decimal | None = None
    if action.requires_compensation_amount:
        if body.get("compensation_amount") is None:
            raise bad_request("compensation_amount is required", field="compensation_amount")
        amount = _decimal(body["compensation_amount"], "compensation_amount")
        if not 0 < amount < req.line.price:
            raise bad_request(
                "compensation_amount must be above 0 and below the product price",
                field="compensation_amount",
            )
    back_way = None
    if body.get("return_for_back_way") is not None:
        back_way = max(Decimal(0), _decimal(body["return_for_back_way"], "return_for_back_way"))
    af.add_decision(
        ctx.world,
        req,
        Decision(now, action_id, comment, reason_id, amount, back_way),
    )
    return None
