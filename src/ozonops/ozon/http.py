"""``OzonHttp``: one shop's authenticated, pooled, rate-limited and retrying JSON-over-POST.

The typed per-method client sits on top of :meth:`OzonHttp.post`; this layer knows no method
shapes. One instance per shop (Client-Id); shops of one process share a limiter and metrics.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from contextvars import ContextVar
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from types import TracebackType
from typing import Any, Self

import httpx
from pydantic import SecretStr

from ozonops.ozon.errors import UnexpectedResponse, from_response
from ozonops.ozon.metrics import Metrics
from ozonops.ozon.ratelimit import Limiter, memory_limiter
from ozonops.ozon.retry import RetryPolicy
from ozonops.ozon.transport import RetryTransport, map_httpx_errors

__all__ = ["DEFAULT_BASE_URL", "DEFAULT_POOL", "DEFAULT_TIMEOUT", "OzonHttp", "answered_at"]

DEFAULT_BASE_URL = "https://api-seller.ozon.ru"
DEFAULT_TIMEOUT = httpx.Timeout(30.0, connect=5.0)
# 50 rps with answers of 0.2-1 s keeps 10-50 requests in flight; keep that many sockets warm.
DEFAULT_POOL = httpx.Limits(max_connections=64, max_keepalive_connections=64, keepalive_expiry=30)


# The Date of the last answer received by the current task (each asyncio task has its own).
_ANSWERED_AT: ContextVar[datetime | None] = ContextVar("ozon_answered_at", default=None)


def answered_at() -> datetime | None:
    """Ozon's clock when it answered the last call this task made (its ``Date``), or None.

    A list read in one task learns exactly when each page was answered: the page shows every
    posting as it was at that moment. ``OzonHttp.server_time`` is the newest of all tasks.
    """
    return _ANSWERED_AT.get()


class AsyncClosing:
    """``async with`` support for anything with ``aclose()``: closes on leaving the block."""

    async def aclose(self) -> None:
        raise NotImplementedError

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()


class OzonHttp(AsyncClosing):
    """POST JSON to the Seller API as one shop; 2xx → parsed object, anything else → ApiError.

    ``transport`` replaces the network (``httpx.ASGITransport(simulator)``, ``MockTransport``);
    the limit-and-retry stack always wraps it. ``limiter`` defaults to this instance's own
    in-memory 50 rps budget; pass a shared one (e.g. ``redis_limiter``) to share a shop's
    budget, or ``limit_rate=False`` to send unthrottled (tests of the server's limit).
    """

    def __init__(
        self,
        *,
        client_id: str,
        api_key: SecretStr,
        base_url: str = DEFAULT_BASE_URL,
        transport: httpx.AsyncBaseTransport | None = None,
        limiter: Limiter | None = None,
        limit_rate: bool = True,
        policy: RetryPolicy | None = None,
        metrics: Metrics | None = None,
        timeout: httpx.Timeout = DEFAULT_TIMEOUT,
        pool: httpx.Limits = DEFAULT_POOL,
        throttle_pause: float = 0.05,
    ) -> None:
        self.client_id = client_id
        self._api_key = api_key
        #: The newest ``Date`` an answer of Ozon carried (its clock, not ours); None before any.
        self.server_time: datetime | None = None
        self.metrics = metrics or Metrics()
        self.limiter: Limiter | None = (limiter or memory_limiter()) if limit_rate else None
        inner = transport or httpx.AsyncHTTPTransport(limits=pool, retries=0)
        self._transport = RetryTransport(
            inner,
            limiter=self.limiter,
            policy=policy,
            metrics=self.metrics,
            throttle_pause=throttle_pause,
        )
        self._client = httpx.AsyncClient(
            base_url=base_url,
            transport=self._transport,
            timeout=timeout,
            headers={
                "Client-Id": client_id,
                "Api-Key": api_key.get_secret_value(),
                "Content-Type": "application/json",
            },
            follow_redirects=False,
        )

    def __repr__(self) -> str:
        return f"OzonHttp(client_id={self.client_id!r}, base_url={str(self._client.base_url)!r})"

    async def post(self, path: str, body: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """Send ``body`` to ``path``; the parsed JSON object of a 2xx answer.

        Raises the ``ozonops.ozon.errors`` tree: the answer's error for non-2xx (after any
        retries), ``UnexpectedResponse`` when a 2xx body is not a JSON object.
        """
        raw = await self.post_raw(path, body)
        try:
            data = json.loads(raw)
        except (ValueError, UnicodeDecodeError) as exc:
            raise UnexpectedResponse(
                f"HTTP 200 with a body that is not JSON ({raw[:80]!r}); "
                "Ozon may have changed the method",
                method=path,
                status=200,
            ) from exc
        if not isinstance(data, dict):  # post_raw saw a "{"; belt and braces
            raise UnexpectedResponse(
                f"HTTP 200 with a JSON {type(data).__name__}, not an object",
                method=path,
                status=200,
            )
        return data

    async def post_raw(self, path: str, body: Mapping[str, Any] | None = None) -> bytes:
        """As :meth:`post`, but the 2xx body as bytes, for ``model_validate_json``.

        Large lists parse faster from bytes (no intermediate dicts), and bytes held for later
        cost the garbage collector nothing. Only checks that the body looks like an object.
        """
        content = json.dumps(body or {}, ensure_ascii=False, separators=(",", ":")).encode()
        _ANSWERED_AT.set(None)  # an answer without a Date must not pass for the last one's
        with map_httpx_errors(path):
            response = await self._client.post(path, content=content)
        self._note_server_time(response)
        if not response.is_success:
            raise from_response(
                path,
                response.status_code,
                response.content,
                dict(response.headers),
                secrets=(self._api_key.get_secret_value(),),
            )
        raw = response.content
        if raw[:1] != b"{" and raw.lstrip()[:1] != b"{":  # the usual body starts with "{"
            raise UnexpectedResponse(
                f"HTTP {response.status_code} with a body that is not JSON or not an object "
                f"({raw[:80]!r}); Ozon may have changed the method",
                method=path,
                status=response.status_code,
            )
        return raw

    def _note_server_time(self, response: httpx.Response) -> None:
        # A proxy may add its own Date before the server's; the server's is the last one.
        values = response.headers.get_list("date")
        if not values:
            return
        try:
            at = parsedate_to_datetime(values[-1])
        except (TypeError, ValueError):
            return  # a malformed Date tells nothing; the next answer will
        at = at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)
        _ANSWERED_AT.set(at)
        if self.server_time is None or at > self.server_time:
            self.server_time = at

    async def aclose(self) -> None:
        await self._client.aclose()
