"""The simulated 17TRACK's state for one world: its accounts, its parcels, its request limit.

One :class:`Track17Service` per world (:func:`service_for`), shared by the API, the pushes and
the control endpoints. Each shop of the world has an account (a seller's own 17TRACK key,
deterministic from the seed, the free quota); the control API opens more.
"""

from __future__ import annotations

import weakref
from datetime import datetime

from ozonops.simulator.limits import RateLimiter
from ozonops.simulator.track17.accounts import (
    DEFAULT_DAILY,
    DEFAULT_PER_SECOND,
    DEFAULT_QUOTA,
    Account,
    Registration,
    account_token,
    settle,
    visible_events,
)
from ozonops.simulator.track17.events import CarrierEvent, Parcel
from ozonops.simulator.track17.lookup import ParcelBook
from ozonops.simulator.world import World


class Track17Service:
    def __init__(self, world: World) -> None:
        self.world = world
        self.book = ParcelBook(world)
        self.accounts: dict[str, Account] = {}
        self._limiters: dict[int, RateLimiter] = {}
        for _ in world.shops:
            self.open_account()

    def open_account(
        self,
        *,
        quota_total: int = DEFAULT_QUOTA,
        max_track_daily: int = DEFAULT_DAILY,
        per_second: int = DEFAULT_PER_SECOND,
    ) -> Account:
        token = account_token(self.world.config.seed, len(self.accounts))
        account = Account(
            token, quota_total=quota_total, max_track_daily=max_track_daily, per_second=per_second
        )
        self.accounts[token] = account
        return account

    def account(self, token: str) -> Account | None:
        return self.accounts.get(token)

    def limiter(self, account: Account) -> RateLimiter:
        """Real-time requests per second, shared by the accounts with the same limit."""
        found = self._limiters.get(account.per_second)
        if found is None:
            found = self._limiters[account.per_second] = RateLimiter(per_second=account.per_second)
        return found

    def view(self, reg: Registration, now: datetime) -> tuple[Parcel | None, list[CarrierEvent]]:
        """The parcel behind ``reg`` and the scans 17TRACK shows for it at ``now``."""
        parcel = self.book.parcel(reg.number, now)
        settle(reg, parcel, now)
        return parcel, visible_events(reg, parcel, now)


_SERVICES: weakref.WeakKeyDictionary[World, Track17Service] = weakref.WeakKeyDictionary()


def service_for(world: World) -> Track17Service:
    found = _SERVICES.get(world)
    if found is None:
        found = _SERVICES[world] = Track17Service(world)
    return found
