"""The simulated 17TRACK's webhook: ``TRACKING_UPDATED`` / ``TRACKING_STOPPED`` on the simulated
clock, signed as carriers.md §2.5 says.

Every tick (the loop is ``webhooks.PushLoop``, the Ozon pushes' own) looks at the numbers of
accounts that have a webhook URL: a number still tracked whose carrier has a scan newer than
the last one pushed gets one ``TRACKING_UPDATED`` carrying its whole ``track_info`` (several
scans in one tick make one push, as 17TRACK syncs a number at a time); a number 17TRACK stopped
on its own (no news for 30 days) gets one ``TRACKING_STOPPED``. The first push of a number
comes at its first scan, or at registration if it already had scans.

Body: compact UTF-8 JSON ``{"event", "data"}``; header ``sign`` = lower-case hex SHA-256 of
``body + "/" + key``. A reply other than HTTP 200 (or no reply within 5 s) fails; failed pushes
are retried after ``webhooks.RETRY_GAPS_S`` simulated seconds, then dropped [inferred: 17TRACK
does not publish its schedule]. ``push_status`` / ``push_time`` of ``gettracklist`` tell the
outcome.
"""

from __future__ import annotations

import hashlib
import logging
import weakref
from collections import deque
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import httpx
import orjson

from ozonops.simulator.routing import iso
from ozonops.simulator.track17.accounts import AUTO_STOP_DAYS, Account, Registration
from ozonops.simulator.track17.events import Parcel
from ozonops.simulator.track17.render import track_info
from ozonops.simulator.track17.service import Track17Service, service_for
from ozonops.simulator.webhooks import MAX_SENDS_PER_TICK, RETRY_GAPS_S, PushLoop
from ozonops.simulator.world import Posting, World

log = logging.getLogger(__name__)
FAR = timedelta(days=3650)


def sign(body: bytes, key: str) -> str:
    """17TRACK's push signature: SHA-256 of the body, a slash and the key (not an HMAC)."""
    return hashlib.sha256(body + b"/" + key.encode()).hexdigest()


@dataclass(slots=True)
class Pending:
    reg: Registration
    event: str
    body: bytes
    next_at: datetime
    attempts: int = 0


@dataclass(slots=True)
class Hook:
    """Delivery state of one account's webhook."""

    queue: list[Pending] = field(default_factory=list)
    delivered: int = 0
    failed: int = 0
    dropped: int = 0
    recent: deque[dict[str, Any]] = field(default_factory=lambda: deque(maxlen=50))
    # number -> (posting, its version, when the number may next need a push)
    next_check: dict[str, tuple[Posting | None, int, datetime]] = field(default_factory=dict)

    def status(self, account: Account) -> dict[str, Any]:
        return {
            "url": account.webhook_url,
            "delivered": self.delivered,
            "failed": self.failed,
            "dropped": self.dropped,
            "queue": len(self.queue),
            "recent": list(self.recent),
        }


class Track17Pusher(PushLoop):
    def __init__(self, service: Track17Service, *, timeout_s: float = 5.0) -> None:
        super().__init__(timeout_s=timeout_s)
        self.service = service
        self.hooks: dict[str, Hook] = {}

    def hook(self, account: Account) -> Hook:
        return self.hooks.setdefault(account.token, Hook())

    def configure(self, account: Account, url: str | None) -> None:
        account.webhook_url = url
        hook = self.hook(account)
        hook.queue.clear()
        hook.next_check.clear()

    async def _tick(self, client: httpx.AsyncClient) -> int:
        world = self.service.world
        now = world.now()
        sent = 0
        for account in list(self.service.accounts.values()):
            if account.webhook_url is None:
                continue
            hook = self.hook(account)
            with world.lock:
                hook.queue.extend(self.scan(account, hook, now))
            sent += await self._deliver(account, hook, client, now)
        return sent

    # --- finding what to push ------------------------------------------------------------
    def scan(self, account: Account, hook: Hook, now: datetime) -> list[Pending]:
        out: list[Pending] = []
        for number, reg in list(account.registrations.items()):
            held = hook.next_check.get(number)
            if held is not None:
                posting, version, due = held
                # A seller-driven posting may change at any moment: look at it every tick.
                fresh = posting is None or (posting.version == version and posting.autopilot)
                if fresh and now < due and reg.pushed_upto is not None:
                    continue
            parcel, events = self.service.view(reg, now)
            if (
                reg.tracking
                and events
                and (reg.pushed_upto is None or events[-1].at > reg.pushed_upto)
            ):
                reg.pushed_upto = events[-1].at
                info = track_info(reg, parcel, events, now)
                out.append(self._pending(account, reg, "TRACKING_UPDATED", now, info))
            elif not reg.tracking and reg.stop_reason == "Expired" and not reg.stop_pushed:
                reg.stop_pushed = True
                out.append(self._pending(account, reg, "TRACKING_STOPPED", now, None))
            if reg.pushed_upto is None and not events:
                reg.pushed_upto = reg.registered_at  # nothing yet: the first scan will be news
            hook.next_check[number] = _next_check(reg, parcel, now)
        return out

    def _pending(
        self,
        account: Account,
        reg: Registration,
        event: str,
        now: datetime,
        info: dict[str, Any] | None,
    ) -> Pending:
        data: dict[str, Any] = {"number": reg.number, "carrier": reg.carrier,
                                "param": reg.param, "tag": reg.tag or None}  # fmt: skip
        if info is not None:
            data["track_info"] = info
        body = orjson.dumps({"event": event, "data": data})
        return Pending(reg, event, body, now)

    # --- delivering ----------------------------------------------------------------------
    async def _deliver(
        self, account: Account, hook: Hook, client: httpx.AsyncClient, now: datetime
    ) -> int:
        due = [p for p in hook.queue if p.next_at <= now][:MAX_SENDS_PER_TICK]
        for pending in due:
            url = account.webhook_url
            if url is None:
                break
            pending.attempts += 1
            status: int | None = None
            error = ""
            try:
                resp = await client.post(
                    url,
                    content=pending.body,
                    headers={
                        "Content-Type": "application/json",
                        "sign": sign(pending.body, account.token),
                    },
                    timeout=self.timeout_s,
                )
                status = resp.status_code
            except httpx.HTTPError as exc:
                error = type(exc).__name__
            ok = status == 200
            reg = pending.reg
            reg.push_time, reg.push_status_code = now, status
            reg.push_status = "Success" if ok else "Failure"
            hook.recent.append({"at": iso(now), "event": pending.event, "number": reg.number,
                                "attempt": pending.attempts, "status": status, "ok": ok,
                                "error": error})  # fmt: skip
            if ok:
                hook.delivered += 1
                hook.queue.remove(pending)
                continue
            hook.failed += 1
            if pending.attempts > len(RETRY_GAPS_S):
                hook.dropped += 1
                hook.queue.remove(pending)
            else:
                pending.next_at = now + timedelta(seconds=RETRY_GAPS_S[pending.attempts - 1])
        return len(due)


def _next_check(
    reg: Registration, parcel: Parcel | None, now: datetime
) -> tuple[Posting | None, int, datetime]:
    """When ``reg`` may next need a push: its parcel's next scan or its automatic stop."""
    if parcel is None:
        return None, 0, now + timedelta(days=AUTO_STOP_DAYS)
    posting = parcel.posting
    if not reg.tracking:
        return posting, posting.version, now + FAR
    upcoming = [e.at for e in parcel.events if e.at > now]
    past = [e.at for e in parcel.events if e.at <= now]
    last = max(past[-1], reg.tracking_since) if past else reg.tracking_since
    stop_at = last + timedelta(days=AUTO_STOP_DAYS)
    return posting, posting.version, min([*upcoming[:1], stop_at])


_PUSHERS: weakref.WeakKeyDictionary[World, Track17Pusher] = weakref.WeakKeyDictionary()


def pusher_for(world: World) -> Track17Pusher:
    """The one pusher of ``world``'s 17TRACK."""
    found = _PUSHERS.get(world)
    if found is None:
        found = _PUSHERS[world] = Track17Pusher(service_for(world))
    return found
