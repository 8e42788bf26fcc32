"""Injected transport faults: 5xx answers, latency, timeouts, dropped connections and
Ozon's "Circle is open" circuit breaker. Set from the CLI or ``PUT /_sim/faults``."""

from __future__ import annotations

import asyncio
import math
import random
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from ozonops.simulator.config import FaultConfig
from ozonops.simulator.errors import INTERNAL, UNAVAILABLE

#: How long a "timeout" request hangs before the server gives up on it (seconds).
TIMEOUT_HANG_S = 30.0


class DropConnection(Exception):
    """Raised to make the server close the connection without an answer."""


class Faults:
    def __init__(self, config: FaultConfig, *, seed: int = 0) -> None:
        self.config = config
        self._rng = random.Random(f"faults:{seed}")
        self.injected: dict[str, int] = {}

    def update(self, **changes: Any) -> FaultConfig:
        self.config = self.config.model_copy(update=changes)
        FaultConfig.model_validate(self.config.model_dump())
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
            await asyncio.sleep(TIMEOUT_HANG_S)
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
