"""An async client of 17TRACK's tracking API v2.2 (carriers.md §2), on httpx.

Every method is a POST of a JSON array (or object) to ``{base_url}/track/v2.2/<method>`` with
the key in the ``17token`` header. A call goes down one short stack::

    Track17Client.get_track_info(numbers)   any count: cut into calls of ≤ 40 numbers, up to
      │                                      ``concurrency`` calls in flight, results in order
      └ _call(method, body)                  limiter.acquire before every attempt (3 req/s per
          │                                  key), send once, judge, retry transient failures
          │                                  (429 honouring Retry-After, 5xx, −18010003,
          │                                  timeouts) with full-jitter backoff and a deadline
          └ httpx                            the network, or ASGITransport(simulator) in tests

Whole-call failures raise the ``track17_errors`` tree (a non-zero ``code`` or a
``data.errors`` list is a failure, never an empty success); per-number refusals come back as
:class:`~ozonops.carriers.track17_models.Rejection` data beside the accepted items.

Repeating a call is safe: a repeated ``register`` answers −18019901 "already registered" for
the numbers the first attempt registered (``Rejection.already_registered``), costing nothing.
The key is a ``SecretStr``: it is in no repr, log line or error message.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import logging
import random
import time
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import httpx
from pydantic import BaseModel, SecretStr, ValidationError

from ozonops.carriers.track17_errors import (
    Track17AuthError,
    Track17ConnectionError,
    Track17Error,
    Track17RateLimited,
    Track17RequestError,
    Track17TransientError,
    Track17Unavailable,
    Track17UnexpectedResponse,
)
from ozonops.carriers.track17_models import (
    BatchResult,
    CarrierChange,
    ErrorCode,
    NumberRef,
    Quota,
    Registered,
    Registration,
    Rejection,
    TrackedParcel,
    TrackListItem,
    TrackListPage,
)
from ozonops.ozon import Limiter, memory_limiter
from ozonops.ozon.http import AsyncClosing  # as ozonops.sync does: async with via aclose()

__all__ = [
    "API_PATH",
    "DEFAULT_BASE_URL",
    "MAX_NUMBERS",
    "PER_SECOND",
    "Track17Client",
    "Track17Retry",
]

log = logging.getLogger(__name__)

DEFAULT_BASE_URL = "https://api.17track.net"
API_PATH = "/track/v2.2"
MAX_NUMBERS = 40  # per call (−18010014 beyond)
PER_SECOND = 3  # requests per key (HTTP 429 beyond)
DEFAULT_TIMEOUT = httpx.Timeout(30.0, connect=5.0)
_AUTH_CODES = frozenset(
    {
        ErrorCode.IP_NOT_WHITELISTED,
        ErrorCode.INVALID_KEY,
        ErrorCode.ACCOUNT_DISABLED,
        ErrorCode.UNAUTHORIZED,
    }
)
M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True, slots=True)
class Track17Retry:
    """How transient failures are retried: full-jitter exponential backoff, at most
    ``max_attempts`` attempts and ``deadline`` seconds per call; a Retry-After hint wins."""

    max_attempts: int = 5
    base_delay: float = 0.5
    max_delay: float = 10.0
    deadline: float = 60.0

    def delay(self, attempt: int, hint: float | None, rng: random.Random) -> float:
        if hint is not None:
            return hint
        return rng.uniform(0, min(self.max_delay, self.base_delay * 2**attempt))


class Track17Client(AsyncClosing):
    """One 17TRACK key's client. ``transport`` replaces the network (ASGI in tests);
    ``limiter`` defaults to this client's own 3 req/s budget (pass a shared one, e.g.
    ``ozonops.ozon.redis_limiter(per_second=3)``, when several processes use one key)."""

    def __init__(
        self,
        *,
        api_key: SecretStr,
        base_url: str = DEFAULT_BASE_URL,
        transport: httpx.AsyncBaseTransport | None = None,
        limiter: Limiter | None = None,
        limit_rate: bool = True,
        per_second: int = PER_SECOND,
        retry: Track17Retry | None = None,
        concurrency: int = 3,
        timeout: httpx.Timeout = DEFAULT_TIMEOUT,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        rng: random.Random | None = None,
    ) -> None:
        if concurrency < 1:
            raise ValueError("concurrency must be at least 1")
        self.base_url = base_url.rstrip("/")
        self.limiter: Limiter | None = (
            (limiter or memory_limiter(per_second=per_second)) if limit_rate else None
        )
        self.retry = retry or Track17Retry()
        self.calls = 0  # requests sent, retries included
        self.throttled = 0  # 429 answers
        self._key_id = (
            "17track:" + hashlib.sha256(api_key.get_secret_value().encode()).hexdigest()[:16]
        )
        self._concurrency = concurrency
        self._sleep = sleep
        self._rng = rng or random.Random()
        self._client = httpx.AsyncClient(
            base_url=self.base_url,
            transport=transport,
            timeout=timeout,
            headers={"17token": api_key.get_secret_value(), "Content-Type": "application/json"},
            follow_redirects=False,
        )

    def __repr__(self) -> str:
        return f"Track17Client(base_url={self.base_url!r})"

    async def aclose(self) -> None:
        await self._client.aclose()

    # --- methods -------------------------------------------------------------------------
    async def register(self, items: Sequence[Registration | str]) -> BatchResult[Registered]:
        """Register numbers for tracking (1 quota unit per newly accepted number)."""
        wire = [(Registration(i) if isinstance(i, str) else i).wire() for i in items]
        return await self._batch("register", wire, Registered)

    async def change_carrier(self, items: Sequence[CarrierChange]) -> BatchResult[Registered]:
        return await self._batch("changecarrier", [i.wire() for i in items], Registered)

    async def stop_track(self, items: Sequence[NumberRef | str]) -> BatchResult[Registered]:
        return await self._batch("stoptrack", _refs(items), Registered)

    async def retrack(self, items: Sequence[NumberRef | str]) -> BatchResult[Registered]:
        """Restart stopped numbers (once per number)."""
        return await self._batch("retrack", _refs(items), Registered)

    async def delete_track(self, items: Sequence[NumberRef | str]) -> BatchResult[Registered]:
        return await self._batch("deletetrack", _refs(items), Registered)

    async def get_track_info(self, items: Sequence[NumberRef | str]) -> BatchResult[TrackedParcel]:
        """Current tracking of registered numbers (free; 40 numbers per call)."""
        return await self._batch("gettrackinfo", _refs(items), TrackedParcel)

    async def get_track_list(
        self,
        *,
        numbers: Sequence[str] | None = None,
        tracking_status: str | None = None,
        package_status: str | None = None,
        page_no: int = 1,
    ) -> TrackListPage:
        """One page (40) of the registered numbers, optionally filtered."""
        body: dict[str, Any] = {"page_no": page_no}
        if numbers is not None:
            if len(numbers) > MAX_NUMBERS:
                raise ValueError(f"numbers: at most {MAX_NUMBERS} per page request")
            body["number"] = ",".join(numbers)
        if tracking_status is not None:
            body["tracking_status"] = tracking_status
        if package_status is not None:
            body["package_status"] = package_status
        envelope = await self._call("gettracklist", body)
        data = envelope.get("data") or {}
        items = tuple(_parse(TrackListItem, raw, "gettracklist") for raw in _list(data, "accepted"))
        page = envelope.get("page") or {}
        return TrackListPage(
            items,
            int(page.get("page_no") or page_no),
            int(page.get("page_total") or 0),
            int(page.get("data_total") or len(items)),
        )

    async def get_quota(self) -> Quota:
        envelope = await self._call("getquota", [])
        return _parse(Quota, envelope.get("data") or {}, "getquota")

    async def iter_track_info(
        self, items: Sequence[NumberRef | str]
    ) -> AsyncIterator[BatchResult[TrackedParcel]]:
        """As :meth:`get_track_info`, one result per call of 40 as they come, in order:
        a refresh of 50,000 parcels holds a few calls' answers at a time, not all of them."""
        async for part in self._batches("gettrackinfo", _refs(items), TrackedParcel):
            yield part

    # --- batching ------------------------------------------------------------------------
    async def _batch(
        self, method: str, items: list[dict[str, Any]], model: type[M]
    ) -> BatchResult[M]:
        total: BatchResult[M] = BatchResult()
        async for part in self._batches(method, items, model):
            total = total + part
        return total

    async def _batches(
        self, method: str, items: list[dict[str, Any]], model: type[M]
    ) -> AsyncIterator[BatchResult[M]]:
        """One result per call of ≤ 40 items, in order, with ``concurrency`` calls in flight."""
        ahead: deque[asyncio.Task[BatchResult[M]]] = deque()
        try:
            for start in range(0, len(items), MAX_NUMBERS):
                chunk = items[start : start + MAX_NUMBERS]
                ahead.append(asyncio.create_task(self._chunk(method, chunk, model)))
                if len(ahead) >= self._concurrency:
                    yield await ahead.popleft()
            while ahead:
                yield await ahead.popleft()
        finally:  # a failed call (or a caller that stops early) cancels the calls in flight
            for task in ahead:
                task.cancel()
            for task in ahead:
                with contextlib.suppress(asyncio.CancelledError, Track17Error):
                    await task

    async def _chunk(
        self, method: str, chunk: list[dict[str, Any]], model: type[M]
    ) -> BatchResult[M]:
        envelope = await self._call(method, chunk)
        data = envelope.get("data") or {}
        accepted = tuple(_parse(model, raw, method) for raw in _list(data, "accepted"))
        rejected = tuple(_parse(Rejection, raw, method) for raw in _list(data, "rejected"))
        return BatchResult(accepted, rejected, 1)

    # --- one call ------------------------------------------------------------------------
    async def _call(self, method: str, body: Any) -> dict[str, Any]:
        path = f"{API_PATH}/{method}"
        content = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
        started = time.monotonic()
        attempt = 0
        while True:
            if self.limiter is not None:
                await self.limiter.acquire(self._key_id, path)
            try:
                return await self._send_once(method, path, content)
            except Track17TransientError as exc:
                if isinstance(exc, Track17RateLimited) and self.limiter is not None:
                    await self.limiter.backoff(self._key_id, exc.retry_after or 1.0)
                attempt += 1
                delay = self.retry.delay(attempt - 1, exc.retry_after, self._rng)
                spent = time.monotonic() - started
                if attempt >= self.retry.max_attempts or spent + delay > self.retry.deadline:
                    log.warning("17TRACK %s failed after %d attempt(s): %s", method, attempt, exc)
                    raise
                log.info(
                    "17TRACK %s attempt %d failed, retrying in %.2f s: %s",
                    method,
                    attempt,
                    delay,
                    exc,
                )
                await self._sleep(delay)

    async def _send_once(self, method: str, path: str, content: bytes) -> dict[str, Any]:
        self.calls += 1
        try:
            response = await self._client.post(path, content=content)
        except httpx.TimeoutException as exc:
            raise Track17ConnectionError(
                f"no answer in time ({type(exc).__name__})", method=method
            ) from exc
        except httpx.TransportError as exc:
            raise Track17ConnectionError(
                f"connection failed ({type(exc).__name__})", method=method
            ) from exc
        status = response.status_code
        body = _json(response.content)
        code, message = _first_error(body)
        if status == 429:
            self.throttled += 1
            raise Track17RateLimited(
                "over the key's request rate",
                method=method,
                status=status,
                retry_after=_retry_after(response),
            )
        if status >= 500:
            raise Track17Unavailable(
                message or "server error", method=method, status=status, code=code
            )
        if status in (401, 403) or code in _AUTH_CODES:
            raise Track17AuthError(
                message or "the key was refused; check the 17token",
                method=method,
                status=status,
                code=code,
            )
        if not isinstance(body, dict) or not isinstance(body.get("code"), int):
            raise Track17UnexpectedResponse(
                f"not 17TRACK's envelope ({response.content[:80]!r})", method=method, status=status
            )
        if code == ErrorCode.INTERNAL_ERROR:
            raise Track17Unavailable(message, method=method, status=status, code=code)
        if status != 200 or code is not None:
            raise Track17RequestError(
                message or "request refused", method=method, status=status, code=code
            )
        return body


def _refs(items: Sequence[NumberRef | str]) -> list[dict[str, Any]]:
    return [(NumberRef(i) if isinstance(i, str) else i).wire() for i in items]


def _json(raw: bytes) -> Any:
    try:
        return json.loads(raw) if raw else None
    except (ValueError, UnicodeDecodeError):
        return None


def _first_error(body: Any) -> tuple[int | None, str]:
    """A request-level error: a non-zero ``code``, or the first of ``data.errors``."""
    if not isinstance(body, dict):
        return None, ""
    data = body.get("data")
    errors = data.get("errors") if isinstance(data, dict) else None
    if isinstance(errors, list) and errors and isinstance(errors[0], dict):
        first = errors[0]
        code = first.get("code")
        return (int(code) if isinstance(code, int) else None), str(first.get("message") or "")
    code = body.get("code")
    if isinstance(code, int) and code != 0:
        return code, str(body.get("message") or "")
    return None, ""


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("retry-after")
    try:
        return max(float(value), 0.0) if value is not None else None
    except ValueError:
        return None


def _list(data: Any, key: str) -> list[Any]:
    value = data.get(key) if isinstance(data, dict) else None
    return value if isinstance(value, list) else []


def _parse(model: type[M], raw: Any, method: str) -> M:
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(x) for x in first["loc"]) or "item"
        raise Track17UnexpectedResponse(
            f"{model.__name__}: {where}: {first['msg']}", method=method
        ) from exc
