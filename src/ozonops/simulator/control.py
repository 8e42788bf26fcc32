"""The control API under ``/_sim``: outside Ozon's paths, for tests, the CLI and the demo.

It tells the world's true state (every posting with its full history, every injected trouble)
and steers the clock and the faults. It has no auth: bind the simulator to localhost.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ozonops.simulator import control_webhooks
from ozonops.simulator.errors import OzonApiError
from ozonops.simulator.faults import Faults
from ozonops.simulator.limits import RateLimiter
from ozonops.simulator.routing import iso, parse_time
from ozonops.simulator.world import Posting, World


def posting_truth(world: World, p: Posting) -> dict[str, Any]:
    now = world.now()
    ev = world.event(p, now)
    cancel = world.cancellation(p, now)
    return {
        "posting_number": p.posting_number,
        "shop_client_id": world.shops[p.shop_index].client_id,
        "scheme": p.scheme.name.lower(),
        "tpl_integration_type": p.scheme.tpl_integration_type,
        "status": ev.status,
        "substatus": ev.substatus,
        "created_at": iso(p.created_at),
        "in_process_at": iso(p.in_process_at),
        "shipment_date": iso(p.shipment_date),
        "autopilot": p.autopilot,
        "carrier": p.carrier_code,
        "tracking_number": world.tracking_number(p, now),
        "history": [
            {
                "at": iso(e.at),
                "status": e.status,
                "substatus": e.substatus,
                "kind": e.kind,
                "provider_status": e.provider_status,
            }
            for e in p.history(now)
        ],
        "future": [
            {"at": iso(e.at), "status": e.status, "substatus": e.substatus, "kind": e.kind}
            for e in p.timeline
            if e.at > now
        ],
        "troubles": [
            {
                "kind": t.kind,
                "at": iso(p.in_process_at + timedelta(seconds=t.offset_s)),
                "detail": t.detail,
            }
            for t in p.troubles
        ],
        "cancellation": None
        if cancel is None
        else {
            "reason_id": cancel.reason_id,
            "reason": cancel.reason,
            "cancellation_type": cancel.cancellation_type,
        },
        "actions": {k: [iso(t) for t in v] for k, v in p.actions.items()},
    }


def _window(request: Request, world: World) -> tuple[int | None, datetime, datetime]:
    """The ``client_id``/``since``/``to`` query of a truth listing (default: all of history)."""
    q = request.query_params
    shop_index = None
    if q.get("client_id"):
        shop = world.shop_by_client_id(q["client_id"])
        if shop is None:
            raise ValueError(f"no shop with client_id {q['client_id']}")
        shop_index = shop.index
    since = parse_time(q["since"], "since") if q.get("since") else datetime.min.replace(tzinfo=UTC)
    to = parse_time(q["to"], "to") if q.get("to") else world.now()
    return shop_index, since, to


def _truth_postings(
    world: World, shop_index: int | None, since: datetime, to: datetime
) -> Iterator[Posting]:
    shops = world.shops if shop_index is None else [world.shops[shop_index]]
    for shop in shops:
        for fbo in (False, True):
            yield from world.postings(shop, fbo=fbo, since=since, to=to)


def routes(world: World, *, faults: Faults, limiter: RateLimiter) -> list[Route]:
    async def health(request: Request) -> Response:
        return JSONResponse({"ok": True, "now": iso(world.now()), "postings": len(world.index)})

    async def shops(request: Request) -> Response:
        return JSONResponse(
            [
                {
                    "client_id": s.client_id,
                    "api_key": s.api_key,
                    "name": s.name,
                    "subscription": s.subscription,
                    "key_expires_at": iso(s.key_expires_at),
                }
                for s in world.shops
            ]
        )

    async def clock(request: Request) -> Response:
        if request.method == "POST":
            body = await request.json()
            if not isinstance(body, dict):
                return JSONResponse({"error": "expected a JSON object"}, 400)
            try:
                if "speed" in body:
                    world.clock.set_speed(float(body["speed"]))
                if "advance_seconds" in body:
                    world.clock.advance(float(body["advance_seconds"]))
            except (TypeError, ValueError) as exc:
                return JSONResponse({"error": str(exc)}, 400)
        return JSONResponse({"now": iso(world.now()), "speed": world.clock.speed})

    async def fault_config(request: Request) -> Response:
        if request.method == "PUT":
            body = await request.json()
            try:
                faults.update(**body)
            except (TypeError, ValueError) as exc:
                return JSONResponse({"error": str(exc)}, 400)
        return JSONResponse({**faults.config.model_dump(), "injected": faults.injected})

    async def posting(request: Request) -> Response:
        number = request.path_params["number"]
        for shop in world.shops:
            p = world.find_posting(shop, number)
            if p is not None:
                return JSONResponse(posting_truth(world, p))
        return JSONResponse({"error": f"no posting {number}"}, 404)

    async def postings(request: Request) -> Response:
        """Every posting (optionally of one shop, created in [since, to]) with its history."""
        try:
            shop_index, since, to = _window(request, world)
            offset = int(request.query_params.get("offset", 0))
            limit = min(int(request.query_params.get("limit", 1000)), 1000)
        except (ValueError, OzonApiError) as exc:
            return JSONResponse({"error": str(exc)}, 400)
        found = list(_truth_postings(world, shop_index, since, to))
        page = found[offset : offset + limit]
        return JSONResponse(
            {"total": len(found), "postings": [posting_truth(world, p) for p in page]}
        )

    async def troubles(request: Request) -> Response:
        """Every trouble injected into postings created in [since, to] that has happened."""
        try:
            shop_index, since, to = _window(request, world)
        except (ValueError, OzonApiError) as exc:
            return JSONResponse({"error": str(exc)}, 400)
        kind = request.query_params.get("kind")
        now = world.now()
        out = []
        for p in _truth_postings(world, shop_index, since, to):
            for t in p.troubles:
                at = p.in_process_at + timedelta(seconds=t.offset_s)
                if at <= now and (kind is None or t.kind == kind):
                    out.append(
                        {
                            "posting_number": p.posting_number,
                            "kind": t.kind,
                            "at": iso(at),
                            "detail": t.detail,
                            "client_id": world.shops[p.shop_index].client_id,
                        }
                    )
        return JSONResponse({"total": len(out), "troubles": out})

    return [
        Route("/_sim/health", health, methods=["GET"]),
        Route("/_sim/postings", postings, methods=["GET"]),
        Route("/_sim/troubles", troubles, methods=["GET"]),
        Route("/_sim/shops", shops, methods=["GET"]),
        Route("/_sim/clock", clock, methods=["GET", "POST"]),
        Route("/_sim/faults", fault_config, methods=["GET", "PUT"]),
        Route("/_sim/postings/{number}", posting, methods=["GET"]),
        *control_webhooks.routes(world),
    ]
