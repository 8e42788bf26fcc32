"""The simulator's ASGI app: Ozon's paths with Ozon's JSON, plus a control API under /_sim.

Every Ozon-path request goes through one pipeline, in this order: injected faults, auth
(``Client-Id`` + ``Api-Key``), rate limits, JSON parsing, request validation against the spec,
then the handler. Any refusal is an ``rpcStatus`` body; no request can make it answer 500
unless a 5xx fault was injected on purpose, or a handler has a bug (then 500 code 13).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from email.utils import format_datetime
from typing import Any

import orjson
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route as StarletteRoute

from ozonops.ozon.spec import default_validator
from ozonops.simulator import control, track17, webhooks
from ozonops.simulator import routes as _routes  # noqa: F401  (registers every handler)
from ozonops.simulator.config import SimConfig
from ozonops.simulator.errors import (
    INTERNAL,
    OzonApiError,
    bad_request,
    forbidden,
    not_found,
    unauthenticated,
)
from ozonops.simulator.faults import (
    DropConnection,
    DropConnectionMiddleware,
    DroppedResponse,
    Faults,
)
from ozonops.simulator.limits import RateLimiter
from ozonops.simulator.routing import REGISTRY, Ctx, Route
from ozonops.simulator.world import World

log = logging.getLogger(__name__)


class OzonJSONResponse(JSONResponse):
    """Compact UTF-8 JSON (non-ASCII as is, like ``ensure_ascii=False``), encoded by orjson."""

    def render(self, content: Any) -> bytes:
        try:
            return orjson.dumps(content, option=orjson.OPT_NON_STR_KEYS)
        except TypeError:  # what orjson refuses (e.g. integers beyond 64 bits) json still takes
            return json.dumps(content, ensure_ascii=False, separators=(",", ":")).encode()


def error_response(err: OzonApiError) -> Response:
    return OzonJSONResponse(err.body(), status_code=err.http_status, headers=err.headers)


def create_app(
    config: SimConfig,
    *,
    world: World | None = None,
    monotonic: Callable[[], float] | None = None,
) -> Starlette:
    """Build the simulator app for ``config`` (or around an existing ``world``).

    ``monotonic`` replaces the rate limiter's real-time clock (tests).
    """
    world = world or World(config)
    if monotonic is None:
        limiter = RateLimiter(per_second=config.rate_limit_per_second)
    else:
        limiter = RateLimiter(per_second=config.rate_limit_per_second, monotonic=monotonic)
    faults = Faults(config.faults, seed=config.seed)
    validator = default_validator()

    async def ozon_endpoint(request: Request) -> Response:
        response = await answer(request)
        # Ozon's clock is the world's: every answer carries it in ``Date`` (RFC 9110), as a
        # real server does with its own, so clients can window their reads on server time.
        response.headers["date"] = format_datetime(world.now(), usegmt=True)
        return response

    async def answer(request: Request) -> Response:
        path = request.url.path
        route: Route | None = REGISTRY.routes.get(path)
        try:
            # Ozon's gateway counts a request when it arrives; the injected latency and
            # faults stand for the way back and the servers behind it.
            if route is not None and request.method == route.http_method:
                shop = _authenticate(world, request)
                limiter.check(shop.client_id, path, world.now(), per_minute=route.per_minute)
            fault = await faults.before(request)
            if fault is not None:
                return fault
            if route is None:
                raise not_found(f"Method {path} not found")
            if request.method != route.http_method:
                raise OzonApiError(405, 12, f"Method {request.method} not allowed for {path}")
            body = await _parse_body(request, route)
            problems = validator.validate_request(path, body) if route.http_method == "POST" else []
            if problems:
                first = problems[0]
                raise bad_request(
                    f"invalid request: {first.path}: {first.message}", field=first.path
                )
            ctx = Ctx(world=world, shop=shop, body=body, now=world.now(), path=path)
            result = route.handler(ctx)
            return OzonJSONResponse(result if result is not None else {})
        except OzonApiError as err:
            return error_response(err)
        except DropConnection:
            return DroppedResponse()
        except ClientDisconnect:  # the caller went away mid-request: nobody to answer
            return Response(status_code=499)
        except Exception:  # a handler bug must not crash the server or leak a traceback
            log.exception("simulator handler failed for %s", path)
            return error_response(OzonApiError(500, INTERNAL, "internal error"))

    tracker = track17.service_for(world)
    pusher = track17.pusher_for(world)
    routes = [
        *control.routes(world, faults=faults, limiter=limiter),
        *track17.control_routes(tracker, pusher),
        *track17.routes(tracker, faults=faults),  # 17TRACK's API under /17track
        StarletteRoute("/{path:path}", ozon_endpoint, methods=["GET", "POST", "PUT", "DELETE"]),
    ]
    app = Starlette(
        routes=routes,
        middleware=[Middleware(DropConnectionMiddleware)],
        lifespan=webhooks.lifespan(world, also=[pusher.run]),
    )
    app.state.world = world
    app.state.faults = faults
    app.state.limiter = limiter
    return app


def _authenticate(world: World, request: Request) -> Any:
    client_id = request.headers.get("client-id", "").strip()
    api_key = request.headers.get("api-key", "").strip()
    if not client_id or not api_key:
        raise unauthenticated("Client-Id and Api-Key headers are required")
    shop = world.shop_by_client_id(client_id)
    if shop is None or shop.api_key != api_key:
        raise forbidden("Invalid Api-Key, please contact support")
    if shop.key_expires_at <= world.now():
        raise forbidden("Api-Key expired, please create a new one")
    return shop


async def _parse_body(request: Request, route: Route) -> dict[str, Any]:
    if route.http_method == "GET":
        return dict(request.query_params)
    raw = await request.body()
    if not raw.strip():
        return {}
    mime = request.headers.get("content-type", "application/json").split(";")[0].strip().lower()
    if mime not in ("application/json", "*/*", ""):
        raise bad_request(f"unsupported Content-Type {mime!r}: send application/json")
    try:
        body = json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise bad_request(
            f"proto: syntax error (line 1:{getattr(exc, 'colno', 1)}): invalid JSON"
        ) from None
    if not isinstance(body, dict):
        token = "[" if isinstance(body, list) else type(body).__name__
        raise bad_request(f"proto: syntax error (line 1:1): unexpected token {token}")
    return body
