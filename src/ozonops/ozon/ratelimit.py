"""Client-side rate limiting: stay under Ozon's budget instead of collecting 429s.

Ozon counts 50 requests per second per Client-Id across all methods, plus per-method limits
(ozon-api.md §12); floods of refused calls can get a shop cut off. A :class:`Limiter` is asked
before *every* attempt (retries included) and waits until the call fits.

Rules, the same for both backends:

* Sliding windows, like the server's: at most ``per_second`` calls in any window of
  ``1 s + margin`` per Client-Id, and at most ``per_minute`` in any ``60 s + margin`` per
  (Client-Id, method). The margin absorbs the spread between "we let the call go" and "Ozon
  counted it", which otherwise turns a full window into a 429.
* Waiting is computed, not polled: a refusal says how long until the oldest entry leaves the
  window, and the waiter sleeps exactly that long.
* Fairness: waiters for one Client-Id queue on a FIFO lock, so only the head of the queue
  talks to the store and the others are served in arrival order. Per-minute methods first
  queue for their own slot, so a 1/min method never blocks the shop's other calls.
* Feedback: ``backoff`` pauses a Client-Id (or one of its methods) after Ozon answered 429 or
  "Circle is open" — our count and Ozon's can disagree (another process, another tool).

Backends: :class:`MemoryStore` (one process, the default) and :class:`RedisStore` (several
processes share one shop's budget; the windows live in Redis sorted sets, updated by one Lua
script that uses Redis' clock so the processes' clocks never matter).
"""

from __future__ import annotations

import asyncio
import itertools
import os
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal, Protocol

from ozonops.ozon.methods import method_spec

if TYPE_CHECKING:
    from redis.asyncio import Redis

__all__ = [
    "Limiter",
    "MemoryStore",
    "RedisStore",
    "Window",
    "WindowLimiter",
    "memory_limiter",
    "redis_limiter",
]

Scope = Literal["client", "method"]


class Limiter(Protocol):
    """What the transport needs from a rate limiter."""

    async def acquire(self, client_id: str, path: str) -> None:
        """Wait until one more call of ``path`` for ``client_id`` is within budget; count it."""

    async def backoff(self, client_id: str, seconds: float, *, path: str | None = None) -> None:
        """Hold calls for ``client_id`` (or only its ``path``) for ``seconds``."""


@dataclass(frozen=True, slots=True)
class Window:
    """At most ``limit`` entries in any ``seconds``-long window under ``key``."""

    key: str
    limit: int
    seconds: float
    scope: Scope


class Store(Protocol):
    """Atomic window bookkeeping; a backend holds the windows and pauses."""

    async def take(
        self, windows: Sequence[Window], pauses: Sequence[tuple[str, Scope]]
    ) -> tuple[float, Scope | None]:
        """Record one entry in every window if all have room and no pause is on.

        Returns ``(0.0, None)`` when recorded, else ``(seconds to wait, scope that refused)``
        and records nothing.
        """

    async def peek(
        self, windows: Sequence[Window], pauses: Sequence[tuple[str, Scope]]
    ) -> tuple[float, Scope | None]:
        """Like :meth:`take` but never records."""

    async def pause(self, key: str, seconds: float) -> None:
        """Refuse windows guarded by ``key`` for ``seconds`` (extends, never shortens)."""


class MemoryStore:
    """In-process windows on the monotonic clock."""

    def __init__(self, *, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._entries: dict[str, deque[float]] = {}
        self._paused_until: dict[str, float] = {}

    def _check(
        self, windows: Sequence[Window], pauses: Sequence[tuple[str, Scope]], now: float
    ) -> tuple[float, Scope | None]:
        wait, scope = 0.0, None
        for key, pscope in pauses:
            left = self._paused_until.get(key, 0.0) - now
            if left > wait:
                wait, scope = left, pscope
        for w in windows:
            entries = self._entries.setdefault(w.key, deque())
            while entries and entries[0] <= now - w.seconds:
                entries.popleft()
            if len(entries) >= w.limit:
                left = entries[len(entries) - w.limit] + w.seconds - now
                if left > wait:
                    wait, scope = left, w.scope
        return wait, scope

    async def take(
        self, windows: Sequence[Window], pauses: Sequence[tuple[str, Scope]]
    ) -> tuple[float, Scope | None]:
        now = self._clock()
        wait, scope = self._check(windows, pauses, now)
        if wait > 0:
            return wait, scope
        for w in windows:
            self._entries[w.key].append(now)
        return 0.0, None

    async def peek(
        self, windows: Sequence[Window], pauses: Sequence[tuple[str, Scope]]
    ) -> tuple[float, Scope | None]:
        return self._check(windows, pauses, self._clock())

    async def pause(self, key: str, seconds: float) -> None:
        until = self._clock() + seconds
        self._paused_until[key] = max(self._paused_until.get(key, 0.0), until)


# KEYS: window keys, then pause keys.  ARGV: record (0/1), member, number of windows, then
# (limit, window ms, scope) per window, then scope per pause key. Returns {wait ms, scope}.
_TAKE_LUA = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
local record = tonumber(ARGV[1])
local member = ARGV[2]
local nw = tonumber(ARGV[3])
local wait, scope = 0, ''
for i = 1, nw do
  local key = KEYS[i]
  local limit = tonumber(ARGV[2 + 3 * i - 1])
  local span = tonumber(ARGV[2 + 3 * i])
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now - span)
  local n = redis.call('ZCARD', key)
  if n >= limit then
    local oldest = redis.call('ZRANGE', key, n - limit, n - limit, 'WITHSCORES')
    local left = tonumber(oldest[2]) + span - now
    if left > wait then wait, scope = left, ARGV[2 + 3 * i + 1] end
  end
end
for j = nw + 1, #KEYS do
  local left = redis.call('PTTL', KEYS[j])
  if left > wait then wait, scope = left, ARGV[3 + 3 * nw + (j - nw)] end
end
if wait > 0 or record == 0 then
  return {tostring(wait), scope}
end
for i = 1, nw do
  redis.call('ZADD', KEYS[i], now, member)
  redis.call('PEXPIRE', KEYS[i], math.ceil(tonumber(ARGV[2 + 3 * i])) + 1000)
end
return {'0', ''}
"""

_PAUSE_LUA = """
local ms = tonumber(ARGV[1])
if redis.call('PTTL', KEYS[1]) < ms then
  redis.call('SET', KEYS[1], '1', 'PX', ms)
end
return 1
"""


class RedisStore:
    """Windows shared through Redis, so several processes share one shop's budget."""

    def __init__(self, redis: Redis, *, prefix: str = "ozonops:rl:") -> None:
        self._redis = redis
        self._prefix = prefix
        self._take = redis.register_script(_TAKE_LUA)
        self._pause = redis.register_script(_PAUSE_LUA)
        # Entries need unique members: this process's id plus a counter.
        self._origin = f"{os.getpid()}-{id(self):x}-"
        self._counter = itertools.count()

    async def _run(
        self, windows: Sequence[Window], pauses: Sequence[tuple[str, Scope]], *, record: bool
    ) -> tuple[float, Scope | None]:
        keys = [self._prefix + w.key for w in windows] + [self._prefix + k for k, _ in pauses]
        args: list[str | int | float] = [
            int(record),
            f"{self._origin}{next(self._counter)}",
            len(windows),
        ]
        for w in windows:
            args += [w.limit, w.seconds * 1000.0, w.scope]
        args += [s for _, s in pauses]
        raw = await self._take(keys=keys, args=args)
        wait_ms = float(raw[0])
        scope_raw = raw[1].decode() if isinstance(raw[1], bytes) else str(raw[1])
        if wait_ms <= 0:
            return 0.0, None
        scope: Scope = "method" if scope_raw == "method" else "client"
        return wait_ms / 1000.0, scope

    async def take(
        self, windows: Sequence[Window], pauses: Sequence[tuple[str, Scope]]
    ) -> tuple[float, Scope | None]:
        return await self._run(windows, pauses, record=True)

    async def peek(
        self, windows: Sequence[Window], pauses: Sequence[tuple[str, Scope]]
    ) -> tuple[float, Scope | None]:
        return await self._run(windows, pauses, record=False)

    async def pause(self, key: str, seconds: float) -> None:
        await self._pause(keys=[self._prefix + key], args=[max(1, round(seconds * 1000))])

    async def aclose(self) -> None:
        await self._redis.aclose()


class WindowLimiter:
    """The :class:`Limiter` over a :class:`Store`: 50 rps per Client-Id plus per-method limits.

    ``per_minute`` overrides the method table (``ozonops.ozon.methods``) per path.
    """

    def __init__(
        self,
        store: Store,
        *,
        per_second: int = 50,
        margin: float = 0.05,
        per_minute: dict[str, int] | None = None,
    ) -> None:
        if per_second < 1:
            raise ValueError("per_second must be at least 1")
        self.store = store
        self.per_second = per_second
        self.margin = margin
        self._per_minute = dict(per_minute or {})
        self._client_locks: dict[str, asyncio.Lock] = {}
        self._method_locks: dict[tuple[str, str], asyncio.Lock] = {}

    def _lock(self, client_id: str) -> asyncio.Lock:
        return self._client_locks.setdefault(client_id, asyncio.Lock())

    def _method_lock(self, client_id: str, path: str) -> asyncio.Lock:
        return self._method_locks.setdefault((client_id, path), asyncio.Lock())

    def _limit_of(self, path: str) -> int | None:
        if path in self._per_minute:
            return self._per_minute[path]
        return method_spec(path).per_minute

    async def acquire(self, client_id: str, path: str) -> None:
        client_window = Window(f"s:{client_id}", self.per_second, 1.0 + self.margin, "client")
        per_minute = self._limit_of(path)
        method_windows: list[Window] = []
        if per_minute is not None:
            method_windows.append(
                Window(f"m:{client_id}:{path}", per_minute, 60.0 + self.margin, "method")
            )
        method_pause: tuple[str, Scope] = (f"p:{client_id}:{path}", "method")
        client_pause: tuple[str, Scope] = (f"p:{client_id}", "client")
        windows = [client_window, *method_windows]
        pauses = [client_pause, method_pause]
        # A method with its own limit (or one refused before) first waits for its own slot
        # outside the shop's queue, so it never holds up the shop's other calls.
        wait_for_method = per_minute is not None
        async with self._method_lock(client_id, path):
            while True:
                while wait_for_method:
                    wait, _ = await self.store.peek(method_windows, [method_pause])
                    if wait <= 0:
                        break
                    await self._nap(wait)
                async with self._lock(client_id):
                    while True:
                        wait, scope = await self.store.take(windows, pauses)
                        if wait <= 0:
                            return
                        if scope == "method":
                            break
                        await self._nap(wait)
                wait_for_method = True

    async def _nap(self, seconds: float) -> None:
        # A hair over the exact wait, so the store sees the slot free on the next try.
        await asyncio.sleep(seconds + 0.001)

    async def backoff(self, client_id: str, seconds: float, *, path: str | None = None) -> None:
        key = f"p:{client_id}:{path}" if path is not None else f"p:{client_id}"
        await self.store.pause(key, seconds)


def memory_limiter(*, per_second: int = 50, margin: float = 0.05) -> WindowLimiter:
    """The default: one process's budget, kept in memory."""
    return WindowLimiter(MemoryStore(), per_second=per_second, margin=margin)


def redis_limiter(
    url: str = "redis://127.0.0.1:6379/0",
    *,
    per_second: int = 50,
    margin: float = 0.05,
    prefix: str = "ozonops:rl:",
) -> WindowLimiter:
    """A budget shared by every process that points at the same Redis and prefix."""
    from redis.asyncio import Redis

    return WindowLimiter(
        RedisStore(Redis.from_url(url), prefix=prefix), per_second=per_second, margin=margin
    )
