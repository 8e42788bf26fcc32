"""FBS/rFBS seller actions: packing, rFBS tracking numbers and status moves, cancel, disputes.

The rules live in ``world.seller``; this module reads requests and shapes answers. Every
action is asynchronous, as on Ozon: HTTP 200 means accepted, the new status shows a little
later (``lifecycle.GATE_DELAY_S``). A refused call is HTTP 400 with gRPC code 3 and Ozon's
error string as ``message``; the per-item methods (tracking numbers, status moves) answer 200
and refuse item by item in ``result[].error``.
"""

from __future__ import annotations

from typing import Any

from ozonops.simulator.errors import OzonApiError, bad_request
from ozonops.simulator.reference.ozon_codes import CANCEL_REASONS
from ozonops.simulator.routing import JSON, Ctx, get, route
from ozonops.simulator.world import Posting, seller
from ozonops.simulator.world.seller import ActionRefused, Package


def _refusal(err: ActionRefused) -> OzonApiError:
    return bad_request(err.code)


def _numbers(ctx: Ctx) -> list[str]:
    numbers = [str(n) for n in get(ctx.body, "posting_number", default=[])]
    if not numbers:
        raise bad_request(
            "posting_number: at least one posting number is required", field="posting_number"
        )
    return numbers


@route("/v4/posting/fbs/ship")
def ship(ctx: Ctx) -> JSON:
    number = str(ctx.body["posting_number"])
    packages = [
        Package(
            tuple(
                (int(item["product_id"]), int(item["quantity"]))
                for item in (pkg.get("products") or [])
            )
        )
        for pkg in (ctx.body.get("packages") or [])
    ]
    with ctx.world.lock:
        try:
            postings = seller.ship(ctx.world, ctx.shop, number, packages, ctx.now)
        except ActionRefused as err:
            raise _refusal(err) from None
    out: dict[str, Any] = {"result": [p.posting_number for p in postings]}
    if get(ctx.body, "with", "additional_data", default=False):
        out["additional_data"] = [_additional_data(p) for p in postings]
    return out


def _additional_data(p: Posting) -> dict[str, Any]:
    return {
        "posting_number": p.posting_number,
        "products": [
            {
                "mandatory_mark": [],
                "name": line.sku.name,
                "offer_id": line.sku.offer_id,
                "price": str(line.price),
                "quantity": line.quantity,
                "sku": line.sku.sku,
                "currency_code": "RUB",
            }
            for line in p.lines
        ],
    }


def _item(number: str, err: ActionRefused | None) -> dict[str, Any]:
    return {"posting_number": number, "result": err is None, "error": err.code if err else ""}


@route("/v2/fbs/posting/tracking-number/set")
def set_tracking_numbers(ctx: Ctx) -> JSON:
    pairs = ctx.body["tracking_numbers"]
    if not pairs:
        raise bad_request(
            "tracking_numbers: at least one pair is required", field="tracking_numbers"
        )
    if len(pairs) > seller.MAX_TRACKING_PAIRS:
        raise bad_request(
            f"tracking_numbers: at most {seller.MAX_TRACKING_PAIRS} pairs per request",
            field="tracking_numbers",
        )
    out = []
    with ctx.world.lock:
        for pair in pairs:
            number = str(pair["posting_number"])
            err: ActionRefused | None = None
            try:
                seller.set_tracking_number(
                    ctx.world, ctx.shop, number, str(pair["tracking_number"]), ctx.now
                )
            except ActionRefused as refused:
                err = refused
            out.append(_item(number, err))
    return {"result": out}


def _moves(ctx: Ctx, name: str) -> JSON:
    out = []
    with ctx.world.lock:
        for number in _numbers(ctx):
            err: ActionRefused | None = None
            try:
                seller.move(ctx.world, ctx.shop, number, name, ctx.now)
            except ActionRefused as refused:
                err = refused
            out.append(_item(number, err))
    return {"result": out}


@route("/v2/fbs/posting/delivering")
def delivering(ctx: Ctx) -> JSON:
    return _moves(ctx, "delivering")


@route("/v2/fbs/posting/last-mile")
def last_mile(ctx: Ctx) -> JSON:
    return _moves(ctx, "last_mile")


@route("/v2/fbs/posting/delivered")
def delivered(ctx: Ctx) -> JSON:
    return _moves(ctx, "delivered")


@route("/v2/posting/fbs/cancel")
def cancel(ctx: Ctx) -> JSON:
    number = str(ctx.body["posting_number"])
    reason_id = int(ctx.body["cancel_reason_id"])
    message = str(get(ctx.body, "cancel_reason_message", default=""))
    with ctx.world.lock:
        try:
            seller.cancel(ctx.world, ctx.shop, number, reason_id, message, ctx.now)
        except ActionRefused as err:
            if err.code == "CANCEL_REASON_MESSAGE_REQUIRED":
                raise bad_request(
                    f"cancel_reason_message is required for cancel_reason_id {reason_id}",
                    field="cancel_reason_message",
                ) from None
            raise _refusal(err) from None
    return {"result": True}


@route("/v2/posting/fbs/cancel-reason/list")
def cancel_reasons(ctx: Ctx) -> JSON:
    return {
        "result": [
            {
                "id": r.id,
                "title": r.title_ru,
                "type_id": r.type_id,
                "is_available_for_cancellation": r.is_available_for_cancellation,
            }
            for r in CANCEL_REASONS
        ]
    }


@route("/v2/posting/fbs/arbitration")
def arbitration(ctx: Ctx) -> JSON:
    numbers = _numbers(ctx)
    with ctx.world.lock:
        try:
            seller.arbitrate(ctx.world, ctx.shop, numbers, ctx.now)
        except ActionRefused as err:
            raise _refusal(err) from None
    return {"result": True}
