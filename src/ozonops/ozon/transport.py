"""The sending stack under ``httpx.AsyncClient``: limit, send once, judge, maybe retry.

``RetryTransport`` wraps any ``httpx.AsyncBaseTransport`` (the pooled HTTP transport in
production, ``ASGITransport(simulator)`` or ``MockTransport`` in tests). For each call::

    loop:  limiter.acquire(Client-Id, path)      every attempt counts against the budget
           send once, read the whole body         httpx errors → the ApiError tree, here only
           2xx → return it
           error → 429: tell the limiter; "Circle is open": pause the method
                   retry if the policy allows (transient, attempts, deadline, idempotency)
                   else return the last answer (non-2xx) or raise the error (no answer)

A non-2xx answer that is not retried is *returned*, so the caller maps it with
``errors.from_response`` like any other answer; only failures without an answer raise here.
The Api-Key is read from the request to scrub it from messages; headers are never logged.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager

import httpx

from ozonops.log import RedactingFilter
from ozonops.ozon.errors import (
    ApiError,
    ApiTimeout,
    CircuitOpen,
    ConnectionLost,
    InvalidArguments,
    RateLimited,
    SubscriptionRequired,
    UnexpectedResponse,
    from_response,
)
from ozonops.ozon.methods import method_spec
from ozonops.ozon.metrics import Metrics
from ozonops.ozon.ratelimit import Limiter
from ozonops.ozon.retry import RetryPolicy

__all__ = ["RetryTransport", "map_httpx_errors"]

log = logging.getLogger(__name__)
log.addFilter(RedactingFilter())  # belt and braces: nothing here logs headers anyway

_SHOP_WINDOW = 1.0  # seconds: a Retry-After longer than Ozon's per-second window is per-method
_MIN_ATTEMPT_TIMEOUT = 0.05  # seconds; an attempt near the deadline still gets a real chance


@contextmanager
def map_httpx_errors(method: str) -> Iterator[None]:
    """Translate httpx's exceptions raised in the block into the ApiError tree.

    The one place they are translated. ``sent=False`` marks failures where the request
    provably never left (no connection), so even a non-idempotent write may be repeated.
    """
    try:
        yield
    except httpx.TimeoutException as exc:
        never_sent = isinstance(exc, httpx.ConnectTimeout | httpx.PoolTimeout)
        raise ApiTimeout(
            f"no answer in time ({type(exc).__name__}); Ozon may be slow, retry later",
            method=method,
            sent=not never_sent,
        ) from exc
    except (httpx.ConnectError, httpx.ProxyError) as exc:
        raise ConnectionLost(
            f"could not connect ({type(exc).__name__}); check the network and retry",
            method=method,
            sent=False,
        ) from exc
    except (httpx.UnsupportedProtocol, httpx.LocalProtocolError) as exc:
        raise InvalidArguments(
            f"the request could not be sent ({type(exc).__name__}: {exc})", method=method
        ) from exc
    except httpx.TransportError as exc:  # dropped mid-answer: RemoteProtocolError, ReadError...
        raise ConnectionLost(
            f"the connection dropped before the answer was complete ({type(exc).__name__})",
            method=method,
        ) from exc
    except httpx.DecodingError as exc:
        raise UnexpectedResponse(
            f"the answer could not be decoded ({type(exc).__name__})", method=method
        ) from exc


class RetryTransport(httpx.AsyncBaseTransport):
    """Rate-limited, retrying transport; see the module docstring for the loop."""

    def __init__(
        self,
        inner: httpx.AsyncBaseTransport,
        *,
        limiter: Limiter | None = None,
        policy: RetryPolicy | None = None,
        metrics: Metrics | None = None,
        throttle_pause: float = 0.05,
        throttle_pause_max: float = 2.0,
        rng: random.Random | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._inner = inner
        self._limiter = limiter
        self._policy = policy or RetryPolicy()
        self.metrics = metrics or Metrics()
        self._throttle_pause = throttle_pause
        self._throttle_pause_max = throttle_pause_max
        # 429s per Client-Id since its last answer that was not one: each doubles the pause.
        self._throttled: dict[str, int] = {}
        self._rng = rng or random.Random()
        self._sleep = sleep
        self._clock = clock

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        client_id = request.headers.get("client-id", "")
        secret = request.headers.get("api-key", "")
        spec = method_spec(path)
        metrics, clock = self.metrics, self._clock
        policy = self._policy
        metrics.call_started(path)
        mark = clock()
        while True:
            if self._limiter is not None:
                started = clock()
                await self._limiter.acquire(client_id, path)
                metrics.waited(path, clock() - started)
            _cap_timeouts(request, policy.remaining())
            response: httpx.Response | None = None
            started = clock()
            try:
                with map_httpx_errors(path):
                    response = await self._send_once(request)
                error = (
                    None
                    if response.is_success
                    else from_response(
                        path,
                        response.status_code,
                        response.content,
                        dict(response.headers),
                        secrets=(secret,),
                    )
                )
            except ApiError as exc:
                error = exc
            metrics.attempt(path, clock() - started)
            if error is None:
                assert response is not None
                metrics.call_succeeded(path)
                self._throttled.pop(client_id, None)
                return response
            if not isinstance(error, RateLimited):
                self._throttled.pop(client_id, None)
            await self._feedback(error, client_id, path)
            policy = policy.spent(clock() - mark)
            mark = clock()
            delay = policy.delay(error, self._rng)
            if policy.should_retry(error, idempotent=spec.idempotent, sent=error.sent) and (
                policy.fits(delay)
            ):
                metrics.retried(path)
                log.info(
                    "%s attempt %d failed, retrying in %.2f s: %s",
                    path,
                    policy.attempt + 1,
                    delay,
                    error,
                )
                await self._sleep(delay)
                policy = policy.next(clock() - mark)
                mark = clock()
                continue
            metrics.call_failed(path, type(error).__name__)
            # A plan without the feature is an answer, not an outage (ozon-rules.md "Paid-tier").
            quiet = isinstance(error, SubscriptionRequired)
            log.log(
                logging.INFO if quiet else logging.WARNING,
                "%s failed after %d attempt(s): %s",
                path,
                policy.attempt + 1,
                error,
            )
            if response is not None:
                return response
            raise error

    async def _send_once(self, request: httpx.Request) -> httpx.Response:
        """One exchange, body read in full (so a drop mid-body fails here, inside the loop)."""
        response = await self._inner.handle_async_request(request)
        try:
            await response.aread()  # cached on the response; the client's read returns it
        except BaseException:
            await response.aclose()
            raise
        return response

    async def _feedback(self, error: ApiError, client_id: str, path: str) -> None:
        """Tell the limiter what Ozon said: our count and Ozon's may disagree."""
        if isinstance(error, RateLimited):
            self.metrics.throttled(path)
        if self._limiter is None:
            return
        hint = error.retry_after
        if isinstance(error, CircuitOpen):
            pause = max(hint or 0.0, self._policy.circuit_pause)
            await self._limiter.backoff(client_id, pause, path=path)
        elif isinstance(error, RateLimited):
            if hint is None or hint <= _SHOP_WINDOW:
                # The per-second budget: pause the whole shop while Ozon's window drains. A
                # lone 429 (arrivals bunched on the way) costs a blink; a run of them (another
                # tool spends the same budget) doubles the pause each time, up to the cap.
                streak = self._throttled.get(client_id, 0)
                self._throttled[client_id] = streak + 1
                pause = min(self._throttle_pause * 2**streak, self._throttle_pause_max)
                await self._limiter.backoff(client_id, hint or pause)
            else:
                # A long Retry-After is a per-method quota: pause only that method.
                await self._limiter.backoff(client_id, hint, path=path)

    async def aclose(self) -> None:
        await self._inner.aclose()


def _cap_timeouts(request: httpx.Request, remaining: float) -> None:
    """Shrink the attempt's timeouts so it cannot outlive the call's deadline."""
    timeouts = request.extensions.get("timeout")
    if not isinstance(timeouts, dict):
        return
    cap = max(remaining, _MIN_ATTEMPT_TIMEOUT)
    request.extensions["timeout"] = {
        name: cap if value is None else min(float(value), cap) for name, value in timeouts.items()
    }
