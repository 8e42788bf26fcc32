"""Control API for push notifications: set a shop's webhook URL, see delivery state, resume.

- ``PUT /_sim/webhooks`` ``{"client_id": "...", "url": "http://..." | null}``: set (a TYPE_PING
  is sent first) or remove a shop's URL.
- ``GET /_sim/webhooks``: per shop: url, suspended + reason, delivered/failed/dropped/missed
  counts, queue length and the recent attempts.
- ``POST /_sim/webhooks/resume`` ``{"client_id": "..."}``: lift a suspension (as re-confirming
  the URL in the cabinet would).
- ``PUT /_sim/webhooks/delivery`` ``{"loss_rate": 0.1, "duplicate_rate": 0.2, "reorder_rate":
  0.3, "seed": 1}`` (each optional, rates 0..1, all shops): lose, re-send and reorder pushes
  (``webhooks.DeliveryFaults``); ``{}`` turns them off. The answer and ``GET`` show the rates
  and how many pushes each fault hit, under ``delivery``.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ozonops.simulator.webhooks import DeliveryFaults, dispatcher_for
from ozonops.simulator.world import Shop, World


def routes(world: World) -> list[Route]:
    dispatcher = dispatcher_for(world)

    async def _shop(request: Request) -> tuple[Shop | None, dict[str, Any], Response | None]:
        try:
            body = await request.json()
        except ValueError:
            return None, {}, JSONResponse({"error": "expected a JSON object"}, 400)
        if not isinstance(body, dict):
            return None, {}, JSONResponse({"error": "expected a JSON object"}, 400)
        shop = world.shop_by_client_id(str(body.get("client_id", "")))
        if shop is None:
            return None, body, JSONResponse({"error": "unknown client_id"}, 404)
        return shop, body, None

    def _all() -> dict[str, Any]:
        return {
            "delivery": dispatcher.delivery.status(),
            "shops": [
                {"client_id": s.client_id, **dispatcher.shops[s.index].status()}
                for s in world.shops
            ],
        }

    async def webhooks(request: Request) -> Response:
        if request.method == "PUT":
            shop, body, err = await _shop(request)
            if err is not None or shop is None:
                return err or JSONResponse({"error": "bad request"}, 400)
            url = body.get("url")
            if url is not None and (
                not isinstance(url, str) or not url.startswith(("http://", "https://"))
            ):
                return JSONResponse({"error": "url must be an http(s) URL or null"}, 400)
            dispatcher.configure(shop, url)
        return JSONResponse(_all())

    async def resume(request: Request) -> Response:
        shop, _, err = await _shop(request)
        if err is not None or shop is None:
            return err or JSONResponse({"error": "bad request"}, 400)
        dispatcher.resume(shop)
        return JSONResponse(_all())

    async def delivery(request: Request) -> Response:
        try:
            body = await request.json()
        except ValueError:
            body = None
        if not isinstance(body, dict):
            return JSONResponse({"error": "expected a JSON object"}, 400)
        unknown = sorted(set(body) - {"loss_rate", "duplicate_rate", "reorder_rate", "seed"})
        if unknown:
            return JSONResponse({"error": f"unknown field(s) {unknown}"}, 400)
        rates: dict[str, float] = {}
        for name in ("loss_rate", "duplicate_rate", "reorder_rate"):
            value = body.get(name, 0.0)
            if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
                return JSONResponse({"error": f"{name} must be a number from 0 to 1"}, 400)
            rates[name] = float(value)
        seed = body.get("seed", 0)
        if isinstance(seed, bool) or not isinstance(seed, int):
            return JSONResponse({"error": "seed must be an integer"}, 400)
        dispatcher.delivery = DeliveryFaults(
            loss_rate=rates["loss_rate"],
            duplicate_rate=rates["duplicate_rate"],
            reorder_rate=rates["reorder_rate"],
            seed=seed,
        )
        return JSONResponse(_all())

    return [
        Route("/_sim/webhooks", webhooks, methods=["GET", "PUT"]),
        Route("/_sim/webhooks/delivery", delivery, methods=["PUT"]),
        Route("/_sim/webhooks/resume", resume, methods=["POST"]),
    ]
