"""Ozon's push payloads, built from the world (spec tag ``push_types``, ozon-api.md §11).

Every payload has exactly the keys the spec documents for its type; times are ``iso()``;
int64 fields are JSON numbers, ``message_id`` a string (as the spec's table says).
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

from ozonops.domain.statuses import push_state
from ozonops.simulator.routing import iso
from ozonops.simulator.world import Event, Posting, Shop, World
from ozonops.simulator.world import chats as ch

_NS = uuid.UUID("6f1c1c1e-0d0a-4b1e-9a57-0a5e0a5e0a5e")


# --- payloads ----------------------------------------------------------------------------------
def ping(now: datetime) -> dict[str, Any]:
    return {"message_type": "TYPE_PING", "time": iso(now)}


def _uuid(world: World, *parts: str) -> str:
    return str(uuid.uuid5(_NS, ":".join((str(world.config.seed), *parts))))


def _shift(p: Posting, kind: str) -> timedelta:
    """How far the realized timeline runs behind the plan at the step of ``kind``."""
    step = next((s for s in p.plan if s.kind == kind), None)
    ev = p.first(kind)
    if step is None or ev is None:
        return timedelta(0)
    return ev.at - (p.in_process_at + timedelta(seconds=step.offset_s))


def delivery_date_changes(p: Posting) -> list[tuple[datetime, timedelta]]:
    """(when, how much the promised window moves) for the posting's customs holds and stalls."""
    if not p.timeline or p.is_fbo:
        return []
    out: list[tuple[datetime, timedelta]] = []
    hold = p.first("customs_hold")
    released = p.first("customs_released")
    if hold is not None:
        end = released.at if released is not None else p.timeline[-1].at
        out.append((hold.at, end - hold.at))
    for t in p.troubles:
        if t.kind != "stall":
            continue
        at = p.in_process_at + timedelta(seconds=t.offset_s) + _shift(p, "in_transit")
        try:
            days = float(t.detail.split()[0])
        except (ValueError, IndexError):
            days = 7.0
        if at <= p.timeline[-1].at:
            out.append((at, timedelta(days=days)))
    out.sort(key=lambda x: x[0])
    return out


def posting_pushes(
    world: World, shop: Shop, p: Posting, since: datetime, now: datetime
) -> list[tuple[datetime, dict[str, Any]]]:
    """(when, payload) of every push ``p`` makes in ``(since, now]``."""
    out: list[tuple[datetime, dict[str, Any]]] = []
    tl = p.timeline
    fbo = p.is_fbo
    prev_state = ""
    for k, ev in enumerate(tl):
        state = push_state(ev.status, ev.substatus, fbo=fbo)
        if since < ev.at <= now:
            payload: dict[str, Any] | None = None
            if k == 0:
                payload = _new_posting(world, shop, p, ev)
            elif ev.status == "cancelled":
                payload = _cancelled(world, shop, p, ev, prev_state)
            elif state != prev_state:
                payload = _state_changed(world, shop, p, ev, state)
            if payload is not None:
                out.append((ev.at, payload))
        prev_state = state
    begin, end = p.delivery_date_begin, p.delivery_date_end
    for at, delta in delivery_date_changes(p):
        new_begin, new_end = begin + delta, end + delta
        if since < at <= now:
            payload = {
                "message_type": "TYPE_DELIVERY_DATE_CHANGED",
                "posting_number": p.posting_number,
                "new_delivery_date_begin": iso(new_begin),
                "new_delivery_date_end": iso(new_end),
                "old_delivery_date_begin": iso(begin),
                "old_delivery_date_end": iso(end),
                "warehouse_id": p.warehouse_id,
                "seller_id": shop.seller_id,
            }
            out.append((at, payload))
        begin, end = new_begin, new_end
    return out


def _products(p: Posting, *, offer_id: bool = False) -> list[dict[str, Any]]:
    out = []
    for line in p.lines:
        item: dict[str, Any] = {"sku": line.sku.sku, "quantity": line.quantity}
        if offer_id:
            item = {"sku": line.sku.sku, "offer_id": line.sku.offer_id, "quantity": line.quantity}
        out.append(item)
    return out


def _new_posting(world: World, shop: Shop, p: Posting, ev: Event) -> dict[str, Any]:
    if p.is_fbo:
        return {
            "message_type": "TYPE_FBO_POSTING_NEW",
            "posting_number": p.posting_number,
            "order_number": p.order_number,
            "uuid": _uuid(world, "new", p.posting_number),
            "products": _products(p),
            "creation_date": iso(p.created_at),
            "warehouse_id": p.warehouse_id,
            "seller_id": shop.seller_id,
        }
    method = world.method_by_id.get(p.delivery_method_id)
    return {
        "message_type": "TYPE_NEW_POSTING",
        "posting_number": p.posting_number,
        "products": _products(p, offer_id=True),
        "in_process_at": iso(p.in_process_at),
        "warehouse_id": p.warehouse_id,
        "shipment_date": iso(p.shipment_date),
        "tpl_integration_type": p.scheme.tpl_integration_type,
        "is_express": bool(method.is_express) if method is not None else False,
        "tracking_number": world.tracking_number(p, ev.at),
        "delivery_date_begin": iso(p.delivery_date_begin),
        "delivery_date_end": iso(p.delivery_date_end),
        "seller_id": shop.seller_id,
    }


def _state_changed(world: World, shop: Shop, p: Posting, ev: Event, state: str) -> dict[str, Any]:
    if p.is_fbo:
        return {
            "message_type": "TYPE_FBO_POSTING_STATE_CHANGED",
            "posting_number": p.posting_number,
            "order_number": p.order_number,
            "uuid": _uuid(world, "state", p.posting_number, state, iso(ev.at) or ""),
            "new_state": state,
            "changed_state_date": iso(ev.at),
            "warehouse_id": p.warehouse_id,
            "seller_id": shop.seller_id,
        }
    return {
        "message_type": "TYPE_STATE_CHANGED",
        "posting_number": p.posting_number,
        "new_state": state,
        "changed_state_date": iso(ev.at),
        "warehouse_id": p.warehouse_id,
        "seller_id": shop.seller_id,
    }


def _cancelled(world: World, shop: Shop, p: Posting, ev: Event, old_state: str) -> dict[str, Any]:
    reason = world.cancellation(p, ev.at)
    reason_json = {
        "id": reason.reason_id if reason else 0,
        "message": reason.reason if reason else "",
    }
    if p.is_fbo:
        return {
            "message_type": "TYPE_FBO_POSTING_CANCELLED",
            "posting_number": p.posting_number,
            "order_number": p.order_number,
            "uuid": _uuid(world, "cancel", p.posting_number),
            "products": _products(p),
            "old_state": old_state,
            "new_state": "posting_canceled",
            "cancel_date": iso(ev.at),
            "reason": reason_json,
            "warehouse_id": p.warehouse_id,
            "seller_id": shop.seller_id,
        }
    return {
        "message_type": "TYPE_POSTING_CANCELLED",
        "posting_number": p.posting_number,
        "products": _products(p),
        "old_state": old_state,
        "new_state": "posting_canceled",
        "changed_state_date": iso(ev.at),
        "reason": reason_json,
        "warehouse_id": p.warehouse_id,
        "seller_id": shop.seller_id,
    }


def new_message(shop: Shop, chat: ch.Chat, m: ch.Message) -> dict[str, Any]:
    return {
        "message_type": "TYPE_NEW_MESSAGE",
        "chat_id": chat.chat_id,
        "chat_type": "Buyer_Seller",
        "message_id": str(m.message_id),
        "created_at": iso(m.created_at),
        "user": {"id": m.user_id, "type": m.user_type},
        "data": [m.text],
        "seller_id": shop.seller_id,
    }
