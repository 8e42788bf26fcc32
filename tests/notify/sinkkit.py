"""What every platform sink shares: a controllable clock, the record of what arrived,
sliding-window budgets on that clock, and injectable faults."""

from __future__ import annotations

import asyncio
import json
import threading
from collections import deque
from dataclasses import dataclass, field
from typing import Any, ClassVar

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

START = 1_714_530_600.0  # 2024-05-01 02:30:00 UTC


class FakeClock:
    """A clock that only moves when told; ``sleep`` moves it. Shared with sinks' threads."""

    def __init__(self, start: float = START) -> None:
        self._now = start
        self._lock = threading.Lock()
        self.slept: list[float] = []

    def time(self) -> float:
        with self._lock:
            return self._now

    def advance(self, seconds: float) -> None:
        with self._lock:
            self._now += max(0.0, seconds)

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.advance(seconds)
        await asyncio.sleep(0)


@dataclass
class Fault:
    """Answer the next request with ``status``/``body`` (or hang ``hang`` real seconds)."""

    status: int = 503
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    hang: float = 0.0


class Sink:
    """State of one platform sink; ``reset`` between tests. ``path`` is where it listens."""

    path: ClassVar[str]

    def __init__(self) -> None:
        self.reset()

    @property
    def app(self) -> Starlette:
        return Starlette(routes=[Route(self.path, self.send, methods=["POST"])])

    async def send(self, request: Request) -> Response:
        raise NotImplementedError

    def reset(self, clock: FakeClock | None = None) -> None:
        self.clock = clock or FakeClock()
        self.received: list[dict[str, Any]] = []  # accepted messages, in order
        self.refused: list[Any] = []  # the platform's error codes, in order
        self.faults: deque[Fault] = deque()
        self._windows: dict[str, deque[float]] = {}
        self.blocked_until: dict[str, float] = {}

    def fits(self, key: str, limit: int, per: float) -> bool:
        """Count one request under ``key``; False when over ``limit`` in ``per`` seconds."""
        now = self.clock.time()
        window = self._windows.setdefault(key, deque())
        while window and window[0] <= now - per:
            window.popleft()
        if len(window) >= limit:
            return False
        window.append(now)
        return True

    def wait_for(self, key: str, per: float) -> float:
        """Seconds until the oldest request under ``key`` leaves its window."""
        window = self._windows.get(key)
        return max(0.0, window[0] + per - self.clock.time()) if window else 0.0

    async def fault(self) -> Response | None:
        if not self.faults:
            return None
        fault = self.faults.popleft()
        if fault.hang:
            await asyncio.sleep(fault.hang)
        if fault.body is None:
            return Response(status_code=fault.status, headers=fault.headers)
        return JSONResponse(fault.body, status_code=fault.status, headers=fault.headers)

    def refuse(self, code: Any, body: dict[str, Any], status: int = 200) -> Response:
        self.refused.append(code)
        return JSONResponse(body, status_code=status)


async def read_json(request: Request) -> tuple[bytes, Any]:
    raw = await request.body()
    try:
        return raw, json.loads(raw)
    except ValueError:
        return raw, None
