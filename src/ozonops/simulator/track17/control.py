"""Control API of the simulated 17TRACK, under ``/_sim/17track`` (no auth: bind to localhost).

- ``GET /_sim/17track``: every account (key, quota, registered count, webhook state).
- ``POST /_sim/17track/accounts`` ``{"quota_total", "max_track_daily", "per_second",
  "preregister": N}``: open an account; ``preregister`` registers the first N numbers
  17TRACK could track now (no quota charged), for demos and the bench.
- ``PUT /_sim/17track/webhook`` ``{"token": "...", "url": "http://..." | null}``: where the
  account's pushes go (17TRACK sets it in the dashboard; there is no API method for it).
- ``GET /_sim/17track/parcels/{number}``: the truth of a number: its posting, carriers and
  every scan it has had and will have, with the world event each mirrors and its leg.
- ``GET /_sim/17track/numbers?limit=N``: numbers 17TRACK could track now.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ozonops.simulator.routing import iso
from ozonops.simulator.track17.accounts import Registration
from ozonops.simulator.track17.push import Track17Pusher
from ozonops.simulator.track17.service import Track17Service

_LIMITS = ("quota_total", "max_track_daily", "per_second")


def routes(service: Track17Service, pusher: Track17Pusher) -> list[Route]:
    world = service.world

    def accounts() -> dict[str, Any]:
        return {
            "accounts": [
                {
                    "token": a.token,
                    "quota_total": a.quota_total,
                    "quota_used": a.quota_used,
                    "max_track_daily": a.max_track_daily,
                    "per_second": a.per_second,
                    "registered": len(a.registrations),
                    "webhook": pusher.hook(a).status(a),
                }
                for a in service.accounts.values()
            ]
        }

    async def overview(request: Request) -> Response:
        return JSONResponse(accounts())

    async def open_account(request: Request) -> Response:
        body = await _object(request)
        if body is None:
            return JSONResponse({"error": "expected a JSON object"}, 400)
        limits: dict[str, int] = {}
        for name in (*_LIMITS, "preregister"):
            value = body.get(name)
            if value is not None and (not isinstance(value, int) or value < 0):
                return JSONResponse({"error": f"{name} must be a non-negative integer"}, 400)
            if value is not None and name != "preregister":
                limits[name] = value
        if limits.get("per_second") == 0:
            return JSONResponse({"error": "per_second must be at least 1"}, 400)
        with world.lock:
            account = service.open_account(**limits)
            now = world.now()
            numbers = service.book.trackable_numbers(now, int(body.get("preregister") or 0))
            for number in numbers:
                parcel = service.book.parcel(number, now)
                key = parcel.carrier_key if parcel is not None else None
                if key is not None:
                    account.registrations[number] = Registration(number, key, 1, now, now)
        return JSONResponse({"token": account.token, "registered": numbers}, 201)

    async def webhook(request: Request) -> Response:
        body = await _object(request)
        if body is None:
            return JSONResponse({"error": "expected a JSON object"}, 400)
        account = service.account(str(body.get("token", "")))
        if account is None:
            return JSONResponse({"error": "unknown token"}, 404)
        url = body.get("url")
        if url is not None and (
            not isinstance(url, str) or not url.startswith(("http://", "https://"))
        ):
            return JSONResponse({"error": "url must be an http(s) URL or null"}, 400)
        pusher.configure(account, url)
        return JSONResponse(accounts())

    async def parcel(request: Request) -> Response:
        number = request.path_params["number"].strip().upper()
        now = world.now()
        with world.lock:
            found = service.book.parcel(number, now)
        if found is None:
            return JSONResponse({"error": f"no parcel {number}"}, 404)
        p = found.posting
        return JSONResponse(
            {
                "number": number,
                "posting_number": p.posting_number,
                "carrier": found.carrier_key,
                "last_mile_carrier": found.last_mile,
                "last_mile_number": found.last_mile_number,
                "events": [
                    {
                        "at": iso(e.at),
                        "sub_status": e.sub_status,
                        "description": e.description,
                        "description_en": e.description_en,
                        "location": f"{e.city}, {e.country}",
                        "provider": e.provider,
                        "leg": e.leg,
                        "world_kind": e.world_kind,
                        "happened": e.at <= now,
                    }
                    for e in found.events
                ],
            }
        )

    async def numbers(request: Request) -> Response:
        try:
            limit = min(int(request.query_params.get("limit", 100)), 200_000)
        except ValueError:
            return JSONResponse({"error": "limit must be an integer"}, 400)
        with world.lock:
            found = service.book.trackable_numbers(world.now(), limit)
        return JSONResponse({"numbers": found})

    return [
        Route("/_sim/17track", overview, methods=["GET"]),
        Route("/_sim/17track/accounts", open_account, methods=["POST"]),
        Route("/_sim/17track/webhook", webhook, methods=["PUT"]),
        Route("/_sim/17track/parcels/{number}", parcel, methods=["GET"]),
        Route("/_sim/17track/numbers", numbers, methods=["GET"]),
    ]


async def _object(request: Request) -> dict[str, Any] | None:
    try:
        body = await request.json()
    except ValueError:
        return None
    return body if isinstance(body, dict) else None
