"""The shops' push tokens, held in memory: a push costs no query to find its shop.

The map is read again every ``ttl`` seconds, and at most once a second when a token is not in
it (a shop added a moment ago), so a flood of unknown tokens cannot flood the store.
"""

from __future__ import annotations

import asyncio
import time

from sqlalchemy import select

from ozonops.db import Database
from ozonops.db.tables import Shop

__all__ = ["ShopTokens"]


class ShopTokens:
    """push token → shop id, for the active shops."""

    def __init__(self, db: Database, *, ttl: float = 30.0, miss_refresh: float = 1.0) -> None:
        self.db = db
        self.ttl = ttl
        self.miss_refresh = miss_refresh
        self._ids: dict[str, int] = {}
        self._loaded = float("-inf")
        self._lock = asyncio.Lock()

    def _read(self) -> dict[str, int]:
        with self.db.transaction() as session:
            rows = session.execute(select(Shop.push_token, Shop.id).where(Shop.active))
            return {token: shop_id for token, shop_id in rows}

    async def _reload(self, older_than: float) -> None:
        async with self._lock:
            if time.monotonic() - self._loaded < older_than:
                return  # another request reloaded it while this one waited
            self._ids = await asyncio.to_thread(self._read)
            self._loaded = time.monotonic()

    async def shop_id(self, token: str) -> int | None:
        if time.monotonic() - self._loaded >= self.ttl:
            await self._reload(self.ttl)
        found = self._ids.get(token)
        if found is None and time.monotonic() - self._loaded >= self.miss_refresh:
            await self._reload(self.miss_refresh)
            found = self._ids.get(token)
        return found
