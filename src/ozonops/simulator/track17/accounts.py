"""17TRACK accounts: a key (``17token``), its quota, its registered numbers and their state.

Rules (carriers.md §2.1, §2.2) and our readings where the docs are silent [inferred]:

- A newly accepted registration costs one unit of quota; a repeat is refused with
  −18019901 and costs nothing; deleting and registering again costs again.
- ``max_track_daily`` registrations per (simulated) UTC day, then −18019907.
- A number is tracked until stopped: by ``stoptrack`` (reason ``ByRequest``), or by 17TRACK
  itself 30 days after the parcel's last scan, or 30 days after registration if it never had
  one (counted from registration or retrack; reason ``Expired``, and a ``TRACKING_STOPPED``
  push says so). A stopped number shows what it had when it stopped; ``retrack`` restarts
  it, once.
- A carrier may be changed at most :data:`MAX_CARRIER_CHANGES` times, never while stopped.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Literal

from ozonops.simulator.track17.events import CarrierEvent, Parcel

DEFAULT_QUOTA = 100  # the free monthly grant of v2.2 (carriers.md §2.1)
DEFAULT_DAILY = 10_000_000
DEFAULT_PER_SECOND = 3
MAX_CARRIER_CHANGES = 5
AUTO_STOP_DAYS = 30
EXPIRED_DAYS = 30  # in transit this long without news: 17TRACK shows Expired

PushStatus = Literal["NotPushed", "Success", "Failure"]


@dataclass(slots=True)
class Registration:
    number: str
    carrier: int
    origin: int  # 1 = carrier detected by 17TRACK, 2 = given by the caller [our reading]
    registered_at: datetime
    tracking_since: datetime  # registration or retrack
    tag: str = ""
    param: str | None = None
    order_no: str | None = None
    final_carrier: int = 0
    tracking: bool = True
    stopped_at: datetime | None = None
    stop_reason: str | None = None  # "ByRequest" | "Expired"
    retracked: bool = False
    carrier_changes: int = 0
    track_time: datetime | None = None  # when 17TRACK last looked (sim time)
    push_status: PushStatus = "NotPushed"
    push_time: datetime | None = None
    push_status_code: int | None = None
    pushed_upto: datetime | None = None  # the newest scan a TRACKING_UPDATED has carried
    stop_pushed: bool = False

    def view_until(self, now: datetime) -> datetime:
        """Scans up to this moment show: ``now``, or when tracking stopped."""
        return self.stopped_at if self.stopped_at is not None else now


@dataclass(slots=True)
class Account:
    token: str
    quota_total: int = DEFAULT_QUOTA
    quota_used: int = 0
    max_track_daily: int = DEFAULT_DAILY
    per_second: int = DEFAULT_PER_SECOND
    webhook_url: str | None = None
    registrations: dict[str, Registration] = field(default_factory=dict)
    daily: dict[date, int] = field(default_factory=dict)

    @property
    def limiter_key(self) -> str:
        """The rate limiter's key: a digest, so the token itself is never kept twice."""
        return "17:" + hashlib.sha256(self.token.encode()).hexdigest()[:16]

    @property
    def quota_remain(self) -> int:
        return max(self.quota_total - self.quota_used, 0)

    def today_used(self, now: datetime) -> int:
        return self.daily.get(now.date(), 0)

    def charge(self, now: datetime) -> None:
        self.quota_used += 1
        self.daily[now.date()] = self.today_used(now) + 1


def visible_events(reg: Registration, parcel: Parcel | None, now: datetime) -> list[CarrierEvent]:
    """The scans 17TRACK has for ``reg`` at ``now`` (none when the carrier is not the
    parcel's: the carrier asked knows nothing of it)."""
    if parcel is None or parcel.carrier_key != reg.carrier:
        return []
    return parcel.visible(reg.view_until(now))


def settle(reg: Registration, parcel: Parcel | None, now: datetime) -> None:
    """Apply 17TRACK's automatic stop to ``reg`` if its time has come by ``now``."""
    if not reg.tracking:
        return
    seen = visible_events(reg, parcel, now)
    last = max(seen[-1].at, reg.tracking_since) if seen else reg.tracking_since
    if now - last >= timedelta(days=AUTO_STOP_DAYS):
        reg.tracking = False
        reg.stopped_at = last + timedelta(days=AUTO_STOP_DAYS)
        reg.stop_reason = "Expired"


def account_token(seed: int, n: int) -> str:
    """A deterministic 32-hex key, like 17TRACK's."""
    return hashlib.sha256(f"{seed}:17track-account:{n}".encode()).hexdigest()[:32].upper()
