"""The HTTP face of the simulated 17TRACK: ``POST {prefix}/track/v2.2/<method>``.

Pipeline: injected faults (the simulator's ``/_sim/faults``, shared with the Ozon paths) →
auth (``17token`` header; unknown or missing: 401 with −18010002) → the account's request
limit (3 per second in real time: 429 with ``Retry-After``) → JSON body (malformed: the
invalid-data refusal) → the method. Answers are 17TRACK's envelope (``methods.py``).

The 429 body is ours: 17TRACK documents the status, not a body [inferred].
"""

from __future__ import annotations

import json
import logging
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ozonops.simulator.errors import OzonApiError
from ozonops.simulator.faults import DropConnection, DroppedResponse, Faults
from ozonops.simulator.track17 import reference as ref
from ozonops.simulator.track17.methods import METHODS, Call, Refusal
from ozonops.simulator.track17.service import Track17Service

log = logging.getLogger(__name__)

PREFIX = "/17track"
VERSION = "v2.2"


def _answer(body: dict[str, Any], status: int = 200, **headers: str) -> Response:
    return JSONResponse(body, status_code=status, headers=headers or None)


def routes(service: Track17Service, *, faults: Faults | None = None) -> list[Route]:
    async def endpoint(request: Request) -> Response:
        name = request.path_params["method"]
        try:
            if faults is not None:
                fault = await faults.before(request)
                if fault is not None:
                    return fault
            method = METHODS.get(name)
            if method is None:
                return _answer({"code": 404, "data": {"errors": [
                    {"code": 404, "message": f"method {name!r} not found"}]}}, 404)  # fmt: skip
            token = request.headers.get("17token", "").strip()
            account = service.account(token)
            if account is None:
                refusal = Refusal(ref.INVALID_KEY)
                return _answer({"code": ref.INVALID_KEY, "data": refusal.body()["data"]}, 401)
            now = service.world.now()
            try:
                service.limiter(account).check(account.limiter_key, name, now)
            except OzonApiError:
                return _answer(
                    {
                        "code": 429,
                        "data": {"errors": [{"code": 429, "message": "Too Many Requests"}]},
                    },
                    429,
                    **{"Retry-After": "1"},
                )
            raw = await request.body()
            try:
                body = json.loads(raw) if raw.strip() else None
            except (ValueError, UnicodeDecodeError):
                raise Refusal(ref.INVALID_DATA) from None
            with service.world.lock:
                return _answer(method(Call(service, account, body, now)))
        except Refusal as refused:
            return _answer(refused.body(), refused.http_status)
        except DropConnection:
            return DroppedResponse()
        except Exception:  # a bug answers 17TRACK's internal error, never a traceback
            log.exception("simulated 17TRACK failed on %s", name)
            refusal = Refusal(ref.INTERNAL_ERROR)
            return _answer({"code": ref.INTERNAL_ERROR, "data": refusal.body()["data"]}, 500)

    return [Route(f"{PREFIX}/track/{VERSION}/{{method}}", endpoint, methods=["POST"])]
