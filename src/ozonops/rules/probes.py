"""Facts the sync does not store, observed for the rules: the key's expiry, degraded methods.

* ``key_expiry`` — ``/v1/roles`` answers the key's ``expires_at`` (ozon-rules.md "API
  limits"); asked at most every ``key_check_interval`` per shop.
* ``method_degraded`` — each shop's client feeds a
  :class:`~ozonops.ozon.DegradationDetector`; its degraded methods are copied here after every
  round, and a method that recovered is removed.

Both land in ``watch_facts`` so the rules read them with SQL like any other table.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from ozonops.db import upsert
from ozonops.db.tables import WatchFact
from ozonops.ozon import ApiError, ShopClient
from ozonops.rules.catalogue.operations import KEY_EXPIRY, METHOD_DEGRADED

__all__ = [
    "Degraded",
    "degraded_of",
    "read_key_expiry",
    "record_degraded",
    "record_key_expiry",
]

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Degraded:
    method: str
    since: datetime
    reason: str
    last_error: str


async def read_key_expiry(client: ShopClient) -> datetime | None:
    """The key's ``expires_at`` (None: Ozon names none, or the call failed; logged)."""
    try:
        roles = await client.ozon.roles()
    except ApiError as exc:
        log.warning("cannot read the key expiry of shop %s: %s", client.name, exc)
        return None
    return roles.expires_at


def record_key_expiry(
    session: Session, *, shop_id: int, expires_at: datetime | None, now: datetime
) -> None:
    if expires_at is None:
        session.execute(
            delete(WatchFact).where(WatchFact.shop_id == shop_id, WatchFact.kind == KEY_EXPIRY)
        )
        return
    upsert(
        session,
        WatchFact,
        [
            {
                "shop_id": shop_id,
                "kind": KEY_EXPIRY,
                "subject": "api_key",
                "since": expires_at,
                "details": {"expires_at": expires_at.isoformat()},
                "observed_at": now,
            }
        ],
        key=["shop_id", "kind", "subject"],
    )


def degraded_of(client: ShopClient, *, now: datetime) -> list[Degraded]:
    """The client's degraded methods (its detector's view)."""
    out = []
    for health in client.detector.degraded():
        last = health.last_failures[-1] if health.last_failures else None
        out.append(
            Degraded(
                method=health.method,
                since=health.since or (last.at if last else now),
                reason=health.reason or "",
                last_error=f"{last.error}: {last.message}" if last else "",
            )
        )
    return out


def record_degraded(
    session: Session, *, shop_id: int, degraded: Iterable[Degraded], now: datetime
) -> None:
    """Degraded methods now: new ones added, recovered ones removed."""
    current = {d.method: d for d in degraded}
    stored = set(
        session.scalars(
            select(WatchFact.subject).where(
                WatchFact.shop_id == shop_id, WatchFact.kind == METHOD_DEGRADED
            )
        )
    )
    gone = stored - set(current)
    if gone:
        session.execute(
            delete(WatchFact).where(
                WatchFact.shop_id == shop_id,
                WatchFact.kind == METHOD_DEGRADED,
                WatchFact.subject.in_(gone),
            )
        )
    upsert(
        session,
        WatchFact,
        [
            {
                "shop_id": shop_id,
                "kind": METHOD_DEGRADED,
                "subject": d.method,
                "since": d.since,
                "details": {"reason": d.reason, "last_error": d.last_error},
                "observed_at": now,
            }
            for d in current.values()
        ],
        key=["shop_id", "kind", "subject"],
        update=["since", "details", "observed_at"],
    )
