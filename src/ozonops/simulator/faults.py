"""Injected transport faults: 5xx answers, latency, timeouts, dropped connections and
Ozon's "Circle is open" circuit breaker. Set from the CLI or ``PUT /_sim/faults``."""

from __future__ import annotations

import asyncio
import logging
import math
import random
import threading
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ozonops.simulator.config import FaultConfig
from ozonops.simulator.errors import INTERNAL, UNAVAILABLE

#: How long a "timeout" request hangs before the server gives up on it (seconds).
TIMEOUT_HANG_S = 30.0


#: Scope key the Ozon endpoint sets when a request's connection is to be dropped.
DROP_SCOPE_KEY = "ozonops.drop_connection"
# What a dropped request gets before the connection closes: headers promising more body than
# ever comes, so a client sees a broken connection (httpx: RemoteProtocolError / ReadError).
_DROP_DECLARED_LENGTH = b"4096"
_DROP_PARTIAL_BODY = b'{"result":{"postings":['
# uvicorn's own words when an app ends a response early; it then closes the connection.
_UVICORN_INCOMPLETE = "ASGI callable returned without completing response."


class DropConnection(Exception):
    """Raised to make the server close the connection without an answer."""


class _ExpectedDrops(logging.Filter):
    """Mutes uvicorn's error line for connections the simulator dropped on purpose.

    Counts drops in flight, so a real incomplete response (a bug) is still logged.
    """

    def __init__(self) -> None:
        super().__init__()
        self._lock = threading.Lock()
        self.pending = 0

    def expect(self) -> None:
        with self._lock:
            self.pending += 1

    def filter(self, record: logging.LogRecord) -> bool:
        if record.msg != _UVICORN_INCOMPLETE:
            return True
        with self._lock:
            if self.pending > 0:
                self.pending -= 1
                return False
        return True


_EXPECTED_DROPS = _ExpectedDrops()
logging.getLogger("uvicorn.error").addFilter(_EXPECTED_DROPS)


class DropConnectionMiddleware:
    """Pure-ASGI middleware: when the endpoint marked the request as dropped (and sent
    nothing), start a 200 answer whose ``Content-Length`` exceeds what is sent, then stop.

    The server (uvicorn) then closes the socket mid-body, so the client sees a dropped
    connection, while the server goes on serving and logs no traceback.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        await self.app(scope, receive, tracking_send)
        if scope.get(DROP_SCOPE_KEY) and not started:
            _EXPECTED_DROPS.expect()
            await send(
                {
                    "type": "http.response.start",
                    "status": 200,
                    "headers": [
                        (b"content-type", b"application/json"),
                        (b"content-length", _DROP_DECLARED_LENGTH),
                    ],
                }
            )
            await send(
                {"type": "http.response.body", "body": _DROP_PARTIAL_BODY, "more_body": True}
            )


class DroppedResponse(Response):
    """What the endpoint returns for a dropped request: it sends nothing and marks the scope
    so :class:`DropConnectionMiddleware` can break the connection."""

    def __init__(self) -> None:
        super().__init__(status_code=200)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        scope[DROP_SCOPE_KEY] = True


class Faults:
    def __init__(self, config: FaultConfig, *, seed: int = 0) -> None:
        self.config = config
        self._rng = random.Random(f"faults:{seed}")
        self.injected: dict[str, int] = {}
        #: How long a "timeout" request hangs (tests shorten it).
        self.timeout_hang_s = TIMEOUT_HANG_S

    def update(self, **changes: Any) -> FaultConfig:
        # Validate before applying, so a refused change leaves the faults as they were.
        self.config = FaultConfig.model_validate({**self.config.model_dump(), **changes})
        return self.config

    def _count(self, kind: str) -> None:
        self.injected[kind] = self.injected.get(kind, 0) + 1

    async def before(self, request: Request) -> Response | None:
        """Maybe delay, drop or fail this request; None lets it through."""
        c = self.config
        rng = self._rng
        if c.latency_ms_p50 > 0:
            await asyncio.sleep(self._latency_s())
        if c.drop_rate and rng.random() < c.drop_rate:
            self._count("drop")
            raise DropConnection()
        if c.timeout_rate and rng.random() < c.timeout_rate:
            self._count("timeout")
            await asyncio.sleep(self.timeout_hang_s)
            return JSONResponse({"code": UNAVAILABLE, "message": "timeout", "details": []}, 504)
        if c.circuit_open_rate and rng.random() < c.circuit_open_rate:
            self._count("circuit_open")
            return JSONResponse(
                {"code": UNAVAILABLE, "message": "Circle is open", "details": []}, 503
            )
        if c.error_5xx_rate and rng.random() < c.error_5xx_rate:
            self._count("5xx")
            status = rng.choice((500, 502, 503))
            return JSONResponse(
                {"code": INTERNAL, "message": "internal error", "details": []}, status
            )
        return None

    def _latency_s(self) -> float:
        """Log-normal latency with the configured median and 99th percentile."""
        c = self.config
        p50 = c.latency_ms_p50
        p99 = max(c.latency_ms_p99, p50)
        sigma = math.log(p99 / p50) / 2.326 if p99 > p50 else 0.0
        return p50 * math.exp(self._rng.gauss(0, sigma)) / 1000.0
