"""``Syncer``: every stored shop's client, one store writer, and the resources to run."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

import httpx

from ozonops.db import Database, KeyBox, StoredShop, add_api_stats, ensure_current, load_shops
from ozonops.errors import TerminalError
from ozonops.ozon import (
    DegradationDetector,
    Limiter,
    Metrics,
    OzonHttp,
    RetryPolicy,
    ShopClient,
    memory_limiter,
)
from ozonops.ozon.http import DEFAULT_TIMEOUT, AsyncClosing
from ozonops.sync.config import SyncConfig
from ozonops.sync.engine import RunResult, run
from ozonops.sync.job import Progress, Writer
from ozonops.sync.resource import ResourceSpec
from ozonops.sync.resources import RESOURCES

__all__ = ["Syncer", "UnknownResource"]


def _minus(now: Mapping[str, Any], before: Mapping[str, Any] | None) -> dict[str, Any]:
    """Counters of ``now`` minus those of ``before`` (the same method, an earlier snapshot)."""
    out: dict[str, Any] = {}
    for name in ("calls", "ok", "retries", "throttles", "attempts", "limiter_wait_s"):
        out[name] = now[name] - (before[name] if before else 0)
    errors = dict(now["errors"])
    for kind, n in (before["errors"] if before else {}).items():
        errors[kind] = errors.get(kind, 0) - n
    out["errors"] = {k: v for k, v in errors.items() if v}
    return out


class UnknownResource(TerminalError, LookupError):
    """Fires when a resource or shop named on the command line does not exist."""


class Syncer(AsyncClosing):
    """Runs resources for the store's shops. Build with :meth:`open`; close when done."""

    def __init__(
        self,
        db: Database,
        shops: Sequence[StoredShop],
        clients: dict[str, ShopClient],
        *,
        config: SyncConfig,
    ) -> None:
        self.db = db
        self.shops = list(shops)
        self.clients = clients
        self.config = config
        self.writer = Writer(db)
        self._flushed: dict[str, dict[str, Any]] = {}  # per shop: metrics as last stored

    @classmethod
    def open(
        cls,
        db: Database,
        *,
        keys: KeyBox,
        base_url: str,
        config: SyncConfig | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        limiter: Limiter | None = None,
        policy: RetryPolicy | None = None,
        timeout: httpx.Timeout = DEFAULT_TIMEOUT,
    ) -> Syncer:
        """The store's active shops, each with its client (one shared rate limiter)."""
        ensure_current(db)
        with db.transaction() as session:
            shops = load_shops(session, keys=keys)
        shared = limiter or memory_limiter()
        clients = {
            shop.name: ShopClient(
                name=shop.name,
                http=OzonHttp(
                    client_id=shop.client_id,
                    api_key=shop.api_key,
                    base_url=shop.base_url or base_url,
                    transport=transport,
                    limiter=shared,
                    policy=policy,
                    metrics=Metrics(),
                    timeout=timeout,
                ),
                base_url=shop.base_url or base_url,
                detector=DegradationDetector(),
            )
            for shop in shops
        }
        return cls(db, shops, clients, config=config or SyncConfig())

    def select(
        self, *, shops: Sequence[str] | None = None, resources: Sequence[str] | None = None
    ) -> tuple[list[StoredShop], list[ResourceSpec[object]]]:
        """The shops (by name or Client-Id) and resources (by name) to run; all by default."""
        chosen_shops = self.shops
        if shops:
            chosen_shops = [s for s in self.shops if s.name in shops or s.client_id in shops]
            missing = (
                set(shops) - {s.name for s in chosen_shops} - {s.client_id for s in chosen_shops}
            )
            if missing:
                known = ", ".join(s.name for s in self.shops) or "none (add one first)"
                raise UnknownResource(f"unknown shop(s) {sorted(missing)}; known: {known}")
        chosen = list(RESOURCES.values())
        if resources:
            missing = set(resources) - set(RESOURCES)
            if missing:
                raise UnknownResource(
                    f"unknown resource(s) {sorted(missing)}; known: {', '.join(RESOURCES)}"
                )
            chosen = [RESOURCES[name] for name in resources]
        return chosen_shops, chosen

    async def run_shop(
        self,
        shop: StoredShop,
        specs: Sequence[ResourceSpec[object]],
        *,
        progress: Progress | None = None,
    ) -> list[RunResult]:
        """The resources one after another for one shop (they share its rate budget)."""
        client = self.clients[shop.name]
        results: list[RunResult] = []
        down: RunResult | None = None
        for spec in specs:
            if down is not None:
                results.append(
                    RunResult(
                        shop=shop.name,
                        resource=spec.name,
                        outcome="failed",
                        new=0,
                        changed=0,
                        unchanged=0,
                        calls=0,
                        retries=0,
                        seconds=0.0,
                        error=f"not tried: Ozon was unreachable ({down.resource} failed first)",
                        unreachable=True,
                    )
                )
                continue
            results.append(
                await run(
                    spec,
                    shop=shop,
                    ozon=client.ozon,
                    writer=self.writer,
                    config=self.config,
                    progress=progress,
                )
            )
            if results[-1].unreachable:
                down = results[-1]
        await self.flush_metrics(shop)
        return results

    async def flush_metrics(self, shop: StoredShop) -> None:
        """Add the shop's API figures since the last flush to the store (``ozonops metrics``)."""
        latest = dict(self.clients[shop.name].metrics.snapshot())
        before = self._flushed.get(shop.name, {})
        delta = {m: _minus(snap, before.get(m)) for m, snap in latest.items()}
        delta = {m: d for m, d in delta.items() if d["calls"] or d["attempts"]}
        if not delta:
            return
        at = datetime.now(UTC)
        await self.writer.run(
            lambda s: add_api_stats(s, shop_id=shop.id, delta=delta, latest=latest, at=at)
        )
        self._flushed[shop.name] = latest

    async def sync(
        self,
        *,
        shops: Sequence[str] | None = None,
        resources: Sequence[str] | None = None,
        progress: Progress | None = None,
    ) -> list[RunResult]:
        """Run the chosen resources for the chosen shops; shops run side by side."""
        chosen_shops, specs = self.select(shops=shops, resources=resources)
        per_shop = await asyncio.gather(
            *(self.run_shop(shop, specs, progress=progress) for shop in chosen_shops)
        )
        return [r for results in per_shop for r in results]

    async def aclose(self) -> None:
        for client in self.clients.values():
            await client.aclose()
        self.writer.close()
