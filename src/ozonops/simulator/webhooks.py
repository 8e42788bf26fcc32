"""Push notifications: the simulator POSTs Ozon's push payloads to each shop's webhook URL.

A :class:`WebhookDispatcher` (one per world, see :func:`dispatcher_for`) turns world changes
into pushes on every tick: it scans the realized timelines for events with ``at`` in
``(last_scan, now]`` (simulated time) and the chats for new buyer messages, queues one push per
change and delivers what is due over real HTTP.

Rules (ozon-api.md §11, spec tags ``push_start``, ``push_types``, ``push_resending``,
``service_response``):
- TYPE_PING on configuration, on resume and every :data:`PING_INTERVAL_S` (simulated)
  [interval inferred]; it wants 200 ``{version, name, time}``, the rest 200 ``{"result": true}``.
- A failed push is retried after :data:`RETRY_GAPS_S` (simulated seconds: growing to 10 min,
  then 5 more tries 10 min apart), then dropped [exact gaps inferred].
- A shop's pushes are suspended when every push failed for 24 h, when fewer than half of the
  last :data:`RATE_WINDOW` pushes (at least :data:`RATE_MIN_SEEN` seen) succeeded, or when a
  reply took over ``slow_threshold_s`` real seconds (a timeout counts too). Suspension drops the
  queue; changes that happen while suspended are not sent (counted as ``missed``); only the
  control API (``POST /_sim/webhooks/resume``) lifts it, as a person would in the cabinet.

Payloads are built in :mod:`ozonops.simulator.webhook_payloads`. Choices [inferred]:
TYPE_STATE_CHANGED is not sent for the first state (TYPE_NEW_POSTING says it) nor for
cancellations (TYPE_POSTING_CANCELLED says it), nor when the push state does not change
(e.g. a customs hold under ``posting_on_way_to_city``). TYPE_DELIVERY_DATE_CHANGED is sent
when a customs hold or a stall starts, moving the promised window by the hold's or the stall's
length; the posting methods keep showing the original window.

Delivery faults (``PUT /_sim/webhooks/delivery``, :class:`DeliveryFaults`) make Ozon's
delivery go wrong on purpose, for the receiver's tests: a push may be **lost** (never sent,
counted ``lost``), **held back** one to three ticks so later pushes overtake it (``reordered``;
due pushes are then also sent in shuffled order), or **sent again** after it was acknowledged
(``duplicated``). Pings are left alone. The choices come from a seeded RNG.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import random
import socket
import ssl
import time
import weakref
from collections import deque
from collections.abc import AsyncIterator, Callable, Coroutine, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import httpx

from ozonops.simulator.routing import iso
from ozonops.simulator.webhook_payloads import (
    delivery_date_changes,
    new_message,
    ping,
    posting_pushes,
)
from ozonops.simulator.world import Event, Posting, Shop, World
from ozonops.simulator.world import chats as ch

log = logging.getLogger(__name__)

RETRY_GAPS_S: tuple[int, ...] = (10, 30, 60, 120, 300, 600, 600, 600, 600, 600, 600)
PING_INTERVAL_S = 3600
ERROR_SUSPEND_S = 24 * 3600
RATE_WINDOW = 100
RATE_MIN_SEEN = 20
SCAN_BACK_S = 120 * 86400
#: Events this far before the last scan are looked at again (de-duplicated) so a change made
#: at the very instant of a scan on a frozen clock is not missed.
SCAN_MARGIN_S = 300
MAX_SENDS_PER_TICK = 200
TICK_S = 0.2

FINAL = ("delivered", "cancelled")


# --- per-shop delivery state ---------------------------------------------------------------------
@dataclass(slots=True, eq=False)
class Push:
    payload: dict[str, Any]
    at: datetime  # when the change happened (simulated)
    next_at: datetime  # when the next attempt is due (simulated)
    attempts: int = 0
    hold: int = 0  # ticks to wait before sending (a delivery fault)
    faulted: bool = False  # the delivery faults had their say on it
    copy: bool = False  # a second delivery (a delivery fault)

    @property
    def message_type(self) -> str:
        return str(self.payload["message_type"])


@dataclass(slots=True)
class Attempt:
    at: datetime
    message_type: str
    attempt: int
    status: int | None
    ok: bool
    elapsed_ms: int
    error: str = ""

    def as_json(self) -> dict[str, Any]:
        return {
            "at": iso(self.at),
            "message_type": self.message_type,
            "attempt": self.attempt,
            "status": self.status,
            "ok": self.ok,
            "elapsed_ms": self.elapsed_ms,
            "error": self.error,
        }


@dataclass(slots=True)
class DeliveryFaults:
    """Ozon's delivery going wrong on purpose (see the module docstring); rates are 0..1."""

    loss_rate: float = 0.0
    duplicate_rate: float = 0.0
    reorder_rate: float = 0.0
    seed: int = 0
    lost: int = 0
    duplicated: int = 0
    reordered: int = 0
    rng: random.Random = field(default_factory=random.Random)

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)

    def status(self) -> dict[str, Any]:
        return {
            "loss_rate": self.loss_rate,
            "duplicate_rate": self.duplicate_rate,
            "reorder_rate": self.reorder_rate,
            "seed": self.seed,
            "lost": self.lost,
            "duplicated": self.duplicated,
            "reordered": self.reordered,
        }

    def before_send(self, push: Push) -> bool:
        """False when ``push`` is not sent this tick (lost, or held back)."""
        if push.hold > 0:
            push.hold -= 1
            return False
        if push.faulted or push.message_type == "TYPE_PING":
            return True
        push.faulted = True
        if self.loss_rate and self.rng.random() < self.loss_rate:
            push.hold = -1  # lost: the caller drops it
            self.lost += 1
            return False
        if self.reorder_rate and self.rng.random() < self.reorder_rate:
            push.hold = self.rng.randint(1, 3)
            self.reordered += 1
            return False
        return True

    def again(self, push: Push, now: datetime) -> Push | None:
        """A second delivery of an acknowledged ``push``, sometimes."""
        if push.message_type == "TYPE_PING" or not self.duplicate_rate:
            return None
        if push.copy or self.rng.random() >= self.duplicate_rate:
            return None
        self.duplicated += 1
        return Push(
            push.payload, push.at, now, hold=self.rng.randint(0, 2), faulted=True, copy=True
        )


@dataclass(slots=True)
class ShopHooks:
    url: str | None = None
    suspended: bool = False
    suspended_reason: str = ""
    suspended_at: datetime | None = None
    delivered: int = 0
    failed: int = 0
    dropped: int = 0
    missed: int = 0
    queue: list[Push] = field(default_factory=list)
    attempts: deque[Attempt] = field(default_factory=lambda: deque(maxlen=50))
    window: deque[bool] = field(default_factory=lambda: deque(maxlen=RATE_WINDOW))
    failing_since: datetime | None = None
    last_scan: datetime | None = None
    last_ping: datetime | None = None
    floor: datetime | None = None  # nothing before configuration/resume is pushed
    active: dict[str, Posting] = field(default_factory=dict)
    # posting number -> (the timeline seen, its first push-worthy moment after the last scan)
    due: dict[str, tuple[list[Event], datetime]] = field(default_factory=dict)
    seen: dict[tuple[str, ...], datetime] = field(default_factory=dict)

    def status(self) -> dict[str, Any]:
        return {
            "url": self.url,
            "suspended": self.suspended,
            "suspended_reason": self.suspended_reason or None,
            "suspended_at": iso(self.suspended_at),
            "delivered": self.delivered,
            "failed": self.failed,
            "dropped": self.dropped,
            "missed": self.missed,
            "queue": len(self.queue),
            "recent": [a.as_json() for a in self.attempts],
        }


class PushLoop:
    """A push loop: :meth:`_tick` (find what is due, deliver it) every ``tick_s`` real seconds,
    one tick at a time, over one shared HTTP client. The simulated 17TRACK's pushes use it too."""

    def __init__(self, *, timeout_s: float) -> None:
        self.timeout_s = timeout_s
        self._lock = asyncio.Lock()

    async def run(self, tick_s: float = TICK_S) -> None:
        async with push_client(self.timeout_s) as client:
            while True:
                try:
                    await self.dispatch_once(client)
                except asyncio.CancelledError:
                    raise
                except Exception:  # one bad tick must not stop the pushes
                    log.exception("push dispatch failed")
                await asyncio.sleep(tick_s)

    async def dispatch_once(self, client: httpx.AsyncClient | None = None) -> int:
        """Scan for changes and deliver what is due; returns the number of attempts made."""
        async with self._lock:
            if client is None:
                async with push_client(self.timeout_s) as own:
                    return await self._tick(own)
            return await self._tick(client)

    async def _tick(self, client: httpx.AsyncClient) -> int:
        raise NotImplementedError


class WebhookDispatcher(PushLoop):
    """Finds world changes and pushes them to the shops' URLs (see module docstring)."""

    def __init__(
        self,
        world: World,
        *,
        timeout_s: float = 5.0,
        slow_threshold_s: float = 5.0,
        ping_interval_s: float = PING_INTERVAL_S,
    ) -> None:
        super().__init__(timeout_s=timeout_s)
        self.world = world
        self.slow_threshold_s = slow_threshold_s
        self.ping_interval_s = ping_interval_s
        self.shops: dict[int, ShopHooks] = {s.index: ShopHooks() for s in world.shops}
        self.delivery = DeliveryFaults()

    # --- configuration ----------------------------------------------------------------------
    def configure(self, shop: Shop, url: str | None) -> ShopHooks:
        hooks = self.shops[shop.index]
        now = self.world.now()
        hooks.url = url
        hooks.queue.clear()
        hooks.active.clear()
        hooks.due.clear()
        hooks.seen.clear()
        hooks.last_scan = None
        if url is not None:
            hooks.suspended = False
            hooks.suspended_reason = ""
            hooks.suspended_at = None
            hooks.window.clear()
            hooks.failing_since = None
            self._start(shop, hooks, now)
        return hooks

    def resume(self, shop: Shop) -> ShopHooks:
        hooks = self.shops[shop.index]
        hooks.suspended = False
        hooks.suspended_reason = ""
        hooks.suspended_at = None
        hooks.window.clear()
        hooks.failing_since = None
        if hooks.url is not None:
            self._start(shop, hooks, self.world.now())
        return hooks

    def _start(self, shop: Shop, hooks: ShopHooks, now: datetime) -> None:
        hooks.last_scan = now
        hooks.floor = now
        hooks.last_ping = now
        hooks.queue.append(Push(ping(now), now, now))
        self._seed_active(shop, hooks, now)

    def _seed_active(self, shop: Shop, hooks: ShopHooks, now: datetime) -> None:
        since = now - timedelta(seconds=SCAN_BACK_S)
        for fbo in (False, True):
            for p in self.world.postings(shop, fbo=fbo, since=since, to=now):
                if _may_change(p, now - timedelta(seconds=SCAN_MARGIN_S)):
                    hooks.active[p.posting_number] = p

    # --- the loop ---------------------------------------------------------------------------
    async def _tick(self, client: httpx.AsyncClient) -> int:
        now = self.world.now()
        sent = 0
        for shop in self.world.shops:
            hooks = self.shops[shop.index]
            if hooks.url is None:
                continue
            if hooks.suspended:
                hooks.missed += len(self._scan(shop, hooks, now))
                continue
            for push in self._scan(shop, hooks, now):
                hooks.queue.append(push)
            if (
                hooks.last_ping is None
                or (now - hooks.last_ping).total_seconds() >= self.ping_interval_s
            ):
                hooks.last_ping = now
                hooks.queue.append(Push(ping(now), now, now))
            sent += await self._deliver_due(shop, hooks, client, now)
        return sent

    async def _deliver_due(
        self, shop: Shop, hooks: ShopHooks, client: httpx.AsyncClient, now: datetime
    ) -> int:
        due = sorted((p for p in hooks.queue if p.next_at <= now), key=lambda p: p.next_at)
        faults = self.delivery
        if faults.reorder_rate:
            faults.rng.shuffle(due)
        sent = 0
        for push in due[:MAX_SENDS_PER_TICK]:
            if hooks.suspended or hooks.url is None:
                break
            if not faults.before_send(push):
                if push.hold < 0:
                    hooks.queue.remove(push)
                continue
            sent += 1
            ok = await self._attempt(hooks, client, push, now)
            if ok:
                hooks.queue.remove(push)
                again = faults.again(push, now)
                if again is not None:
                    hooks.queue.append(again)
            elif push.attempts > len(RETRY_GAPS_S):
                hooks.queue.remove(push)
                hooks.dropped += 1
            else:
                push.next_at = now + timedelta(seconds=RETRY_GAPS_S[push.attempts - 1])
            self._check_suspension(hooks, now)
        if hooks.suspended:
            hooks.dropped += len(hooks.queue)
            hooks.queue.clear()
        return sent

    async def _attempt(
        self, hooks: ShopHooks, client: httpx.AsyncClient, push: Push, now: datetime
    ) -> bool:
        assert hooks.url is not None
        push.attempts += 1
        payload = dict(push.payload)
        if push.message_type == "TYPE_PING":
            payload["time"] = iso(now)
        started = time.monotonic()
        status: int | None = None
        error = ""
        ok = False
        try:
            resp = await client.post(hooks.url, json=payload, timeout=self.timeout_s)
            status = resp.status_code
            ok, error = _reply_ok(push.message_type, resp)
        except httpx.TimeoutException:
            error = "REQUEST_TIMEOUT"
        except httpx.HTTPError as exc:
            error = f"REQUEST_ERROR: {type(exc).__name__}"
        elapsed = time.monotonic() - started
        hooks.attempts.append(
            Attempt(now, push.message_type, push.attempts, status, ok, int(elapsed * 1000), error)
        )
        hooks.window.append(ok)
        if ok:
            hooks.delivered += 1
            hooks.failing_since = None
        else:
            hooks.failed += 1
            if hooks.failing_since is None:
                hooks.failing_since = now
        if elapsed > self.slow_threshold_s or error == "REQUEST_TIMEOUT":
            self._suspend(hooks, now, f"processing took over {self.slow_threshold_s:g} s")
        return ok

    def _check_suspension(self, hooks: ShopHooks, now: datetime) -> None:
        if hooks.suspended:
            return
        if (
            hooks.failing_since is not None
            and (now - hooks.failing_since).total_seconds() >= ERROR_SUSPEND_S
        ):
            self._suspend(hooks, now, "errors for 24 hours")
        elif len(hooks.window) >= RATE_MIN_SEEN and sum(hooks.window) * 2 < len(hooks.window):
            self._suspend(hooks, now, "fewer than half of the replies were 200")

    def _suspend(self, hooks: ShopHooks, now: datetime, reason: str) -> None:
        if not hooks.suspended:
            hooks.suspended = True
            hooks.suspended_reason = reason
            hooks.suspended_at = now

    # --- finding changes --------------------------------------------------------------------
    def _scan(self, shop: Shop, hooks: ShopHooks, now: datetime) -> list[Push]:
        last = hooks.last_scan or now
        if now <= last and hooks.last_scan is not None and not hooks.active:
            return []
        since = last - timedelta(seconds=SCAN_MARGIN_S)
        if hooks.floor is not None and since < hooks.floor:
            since = hooks.floor
        # postings created since the last scan join the watched set
        for fbo in (False, True):
            for p in self.world.postings(shop, fbo=fbo, since=since, to=now):
                hooks.active.setdefault(p.posting_number, p)
        out: list[Push] = []
        for number, p in list(hooks.active.items()):
            for child in self.world.split_children(p.index):
                if child.posting_number not in hooks.active and not p.parent_posting_number:
                    hooks.active[child.posting_number] = child
            due = hooks.due.get(number)
            if due is not None and due[0] is p.timeline and due[1] > now:
                continue  # nothing happens to it before its next moment (cached)
            for at, payload in posting_pushes(self.world, shop, p, since, now):
                push = Push(payload, at, now)
                key = (push.message_type, number, iso(push.at) or "", _state_key(push.payload))
                if key in hooks.seen:
                    continue
                hooks.seen[key] = push.at
                out.append(push)
            if _may_change(p, since):
                hooks.due[number] = (p.timeline, _next_moment(p, now))
            else:
                del hooks.active[number]
                hooks.due.pop(number, None)
        for chat, m in ch.buyer_messages_between(self.world, shop, since, now):
            mkey: tuple[str, ...] = ("TYPE_NEW_MESSAGE", str(m.message_id))
            if mkey in hooks.seen:
                continue
            hooks.seen[mkey] = m.created_at
            out.append(Push(new_message(shop, chat, m), m.created_at, now))
        cutoff = since - timedelta(seconds=SCAN_MARGIN_S)
        hooks.seen = {k: v for k, v in hooks.seen.items() if v > cutoff}
        hooks.last_scan = max(now, last)
        out.sort(key=lambda x: x.at)
        return out


def _state_key(payload: dict[str, Any]) -> str:
    return str(payload.get("new_state") or payload.get("new_delivery_date_end") or "")


def _may_change(p: Posting, since: datetime) -> bool:
    """Could ``p`` still produce a push after ``since``?"""
    if not p.timeline:
        return True
    last = p.timeline[-1]
    if last.at > since:
        return True
    return not p.autopilot and last.status not in FINAL


def push_client(timeout_s: float) -> httpx.AsyncClient:
    """The HTTP client pushes go out with (the SSL context built once). TCP_NODELAY: httpx
    writes a request's headers and body apart, and Nagle's algorithm would hold the body back
    until the receiver's delayed ACK (~40 ms a push on Linux)."""
    transport = httpx.AsyncHTTPTransport(
        verify=ssl_context(), socket_options=[(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)]
    )
    return httpx.AsyncClient(timeout=timeout_s, transport=transport)


@functools.cache
def ssl_context() -> ssl.SSLContext:
    """Built once: a fresh context per client costs tens of milliseconds."""
    return httpx.create_ssl_context()


def _next_moment(p: Posting, now: datetime) -> datetime:
    """The first time after ``now`` at which ``p`` may produce a push (far future if none)."""
    times = [ev.at for ev in p.timeline if ev.at > now]
    times += [at for at, _ in delivery_date_changes(p) if at > now]
    if times:
        return min(times)
    return now + timedelta(days=3650)


def _reply_ok(message_type: str, resp: httpx.Response) -> tuple[bool, str]:
    if resp.status_code != 200:
        return False, "STATUS_CODE_NOT_OK"
    if not resp.content:
        return False, "EMPTY_BODY"
    if not resp.headers.get("content-type", "").startswith("application/json"):
        return False, "INVALID_BODY"
    try:
        body = resp.json()
    except ValueError:
        return False, "INVALID_JSON"
    if not isinstance(body, dict):
        return False, "WRONG_RESULT_FIELD"
    if message_type == "TYPE_PING":
        if not all(isinstance(body.get(k), str) for k in ("version", "name", "time")):
            return False, "WRONG_RESULT_FIELD"
        try:
            datetime.fromisoformat(str(body["time"]).replace("Z", "+00:00"))
        except ValueError:
            return False, "WRONG_RESULT_TIME_FIELD"
        return True, ""
    if body.get("result") is not True:
        return False, "WRONG_RESULT_FIELD"
    return True, ""


# --- one dispatcher per world --------------------------------------------------------------------
_DISPATCHERS: weakref.WeakKeyDictionary[World, WebhookDispatcher] = weakref.WeakKeyDictionary()


def dispatcher_for(world: World) -> WebhookDispatcher:
    d = _DISPATCHERS.get(world)
    if d is None:
        d = _DISPATCHERS[world] = WebhookDispatcher(world)
        url = getattr(world.config, "webhook_url", None)
        if url:
            for shop in world.shops:
                d.configure(shop, url)
    return d


def lifespan(
    world: World, *, also: Sequence[Callable[[], Coroutine[Any, Any, None]]] = ()
) -> Callable[[Any], AbstractAsyncContextManager[None]]:
    """A Starlette lifespan that runs the world's dispatcher (and the loops in ``also``, e.g.
    the simulated 17TRACK's pushes) while the app serves."""

    @asynccontextmanager
    async def run(app: Any) -> AsyncIterator[None]:
        tasks = [asyncio.create_task(dispatcher_for(world).run())]
        tasks += [asyncio.create_task(loop()) for loop in also]
        try:
            yield
        finally:
            for task in tasks:
                task.cancel()
            for task in tasks:
                with contextlib.suppress(asyncio.CancelledError):
                    await task

    return run
