"""Every configured shop's client, built once: one limiter for all, one metrics registry and
one degradation detector per shop.

The limiter is shared because it keys its budgets by Client-Id (50 rps each, ozon-rules.md
"API limits"): one instance is what lets a Redis-backed limiter, or a later per-IP budget, see
every shop of the process. Metrics and health are per shop so the doctor can say which shop
is in trouble.

Every call through the shop's typed client (:attr:`ShopClient.ozon`), or the raw
:meth:`ShopClient.post` / :meth:`ShopClient.fetch`, is reported to the shop's
:class:`~ozonops.ozon.health.DegradationDetector`, parse failures included.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, TypeVar

import httpx
from pydantic import BaseModel

from ozonops.config import Settings, ShopCredentials
from ozonops.errors import OzonOpsError
from ozonops.ozon.client import OzonClient
from ozonops.ozon.errors import ApiError
from ozonops.ozon.health import Alert, DegradationDetector, DetectorConfig
from ozonops.ozon.http import DEFAULT_TIMEOUT, AsyncClosing, OzonHttp
from ozonops.ozon.metrics import Metrics
from ozonops.ozon.ratelimit import Limiter, memory_limiter
from ozonops.ozon.retry import RetryPolicy
from ozonops.ozon.wire import parse_response

__all__ = ["ShopClient", "ShopClients", "UnknownShop"]

M = TypeVar("M", bound=BaseModel)


class UnknownShop(OzonOpsError, LookupError):
    """Fires when a shop is looked up by a name or Client-Id that is not configured."""


def _utcnow() -> datetime:
    return datetime.now(UTC)


class ShopClient:
    """One shop: its ``OzonHttp`` plus the bookkeeping of what its calls did."""

    def __init__(
        self,
        *,
        name: str,
        http: OzonHttp,
        base_url: str = "",
        detector: DegradationDetector | None = None,
        clock: Callable[[], datetime] = _utcnow,
    ) -> None:
        self.name = name
        self.http = http
        self.base_url = base_url  # for messages only; the http client holds the real one
        self.detector = detector or DegradationDetector()
        self._clock = clock
        self.ozon = OzonClient.over(http, observer=self.record)

    def __repr__(self) -> str:
        return f"ShopClient(name={self.name!r}, client_id={self.client_id!r})"

    @property
    def client_id(self) -> str:
        return self.http.client_id

    @property
    def metrics(self) -> Metrics:
        return self.http.metrics

    def record(self, path: str, error: BaseException | None) -> Alert | None:
        """Report one call's outcome (None: success) to the shop's detector."""
        return self.detector.observe(path, error, at=self._clock())

    async def post(self, path: str, body: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """``OzonHttp.post``, with the outcome reported to the detector."""
        try:
            data = await self.http.post(path, body)
        except ApiError as exc:
            self.record(path, exc)
            raise
        self.record(path, None)
        return data

    async def fetch(self, path: str, body: Mapping[str, Any] | None, model: type[M]) -> M:
        """POST and parse the answer as ``model``; a body that does not fit is
        ``UnexpectedResponse`` (the method may have changed shape) and counts as a failure.
        """
        try:
            parsed = parse_response(path, model, await self.http.post(path, body))
        except ApiError as exc:
            self.record(path, exc)
            raise
        self.record(path, None)
        return parsed

    async def aclose(self) -> None:
        await self.http.aclose()


class ShopClients(AsyncClosing):
    """The configured shops' clients; an async context manager that closes them all.

    ``clients["main"]`` or ``clients["123456"]`` looks a shop up by name or Client-Id.
    """

    def __init__(self, shops: Iterable[ShopClient], *, limiter: Limiter | None = None) -> None:
        self._shops = list(shops)
        self.limiter = limiter
        self._by_key: dict[str, ShopClient] = {}
        for shop in self._shops:
            self._by_key.setdefault(shop.name, shop)
            self._by_key.setdefault(shop.client_id, shop)

    @classmethod
    def from_settings(
        cls,
        settings: Settings,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        base_url: str | None = None,
        **options: Any,
    ) -> ShopClients:
        """One client per ``settings.shops`` entry, against ``settings.ozon_base_url``.

        ``options`` are those of :meth:`from_credentials`.
        """
        return cls.from_credentials(
            settings.shops,
            base_url=base_url or settings.ozon_base_url,
            transport=transport,
            **options,
        )

    @classmethod
    def from_credentials(
        cls,
        shops: Sequence[ShopCredentials],
        *,
        base_url: str,
        transport: httpx.AsyncBaseTransport | None = None,
        limiter: Limiter | None = None,
        policy: RetryPolicy | None = None,
        timeout: httpx.Timeout = DEFAULT_TIMEOUT,
        detector_config: DetectorConfig | None = None,
        clock: Callable[[], datetime] = _utcnow,
    ) -> ShopClients:
        """One client per credential pair, all sharing ``limiter`` (default: one in-memory
        50 rps limiter, whose budgets are per Client-Id).
        """
        shared = limiter or memory_limiter()
        clients = [
            ShopClient(
                name=creds.name,
                http=OzonHttp(
                    client_id=creds.client_id,
                    api_key=creds.api_key,
                    base_url=base_url,
                    transport=transport,
                    limiter=shared,
                    policy=policy,
                    metrics=Metrics(),
                    timeout=timeout,
                ),
                base_url=base_url,
                detector=DegradationDetector(detector_config),
                clock=clock,
            )
            for creds in shops
        ]
        return cls(clients, limiter=shared)

    def __getitem__(self, key: str) -> ShopClient:
        """The shop named ``key``, else the one whose Client-Id is ``key``."""
        found = self._by_key.get(key)
        if found is None:
            known = ", ".join(repr(s.name) for s in self._shops) or "none configured"
            raise UnknownShop(f"no shop named or with Client-Id {key!r}; known shops: {known}")
        return found

    def __iter__(self) -> Iterator[ShopClient]:
        return iter(self._shops)

    def __len__(self) -> int:
        return len(self._shops)

    @property
    def names(self) -> list[str]:
        return [shop.name for shop in self._shops]

    def metrics(self) -> dict[str, Metrics]:
        """Each shop's metrics registry, by shop name."""
        return {shop.name: shop.metrics for shop in self._shops}

    async def aclose(self) -> None:
        """Close every shop's client, even when closing one of them fails."""
        failed: BaseException | None = None
        for shop in self._shops:
            try:
                await shop.aclose()
            except Exception as exc:
                failed = failed or exc
        if failed is not None:
            raise failed
