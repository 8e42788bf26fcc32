"""The one shape every channel has (karrio style: one boring shape per integration).

A channel is built from its config and offers:

* ``parts(message)`` — pure: the message in the platform's markup, split to its size limit;
* ``request(part, now=..., delivery_key=...)`` — pure: the exact request for one part,
  signed for ``now`` (golden tests compare it with a literal);
* ``send(request, http=...)`` — one attempt; the platform's answer becomes ``None`` (sent) or
  a :class:`~ozonops.notify.errors.DeliveryError` (``check`` is the pure part of that).

The dispatcher owns the loop around it: rate limit, retries, outcomes. Secrets live in the
config as ``SecretStr``; a request keeps its URL and headers out of its repr and offers
``shown`` (the URL with secrets masked) for logs.
"""

from __future__ import annotations

import hashlib
import json
from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Annotated, Any, ClassVar, Generic, NoReturn, TypeVar

import httpx
from pydantic import AfterValidator, BaseModel, ConfigDict, SecretStr

from ozonops.notify.errors import ChannelRateLimited, ChannelRejected, ChannelUnavailable
from ozonops.notify.limiter import Rate
from ozonops.notify.model import Message

__all__ = [
    "BaseUrl",
    "Channel",
    "ChannelSettings",
    "HttpCall",
    "HttpChannel",
    "Url",
    "dumps",
    "identity",
    "retry_after",
]

P = TypeVar("P")
R = TypeVar("R")
C = TypeVar("C", bound="ChannelSettings")


def _base_url(value: str) -> str:
    if not value.startswith(("http://", "https://")) or "?" in value:
        raise ValueError(
            f"{value!r} is not an http(s) base URL without a query; use the platform's host, "
            "e.g. https://qyapi.weixin.qq.com, or http://127.0.0.1:PORT for a local sink"
        )
    return value.rstrip("/")


def _url(value: str) -> str:
    if not value.startswith(("http://", "https://")):
        raise ValueError(f"{value!r} is not an http(s) URL")
    return value


BaseUrl = Annotated[str, AfterValidator(_base_url)]
"""A channel's API base URL: the real host by default, a local sink in tests."""

Url = Annotated[str, AfterValidator(_url)]
"""A full http(s) URL (a query is allowed)."""


class ChannelSettings(BaseModel):
    """Fields every channel config has. ``name`` is what routes refer to."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    timeout: float = 10.0


@dataclass(frozen=True, slots=True)
class HttpCall:
    """One HTTP request, as data. ``content`` is the exact body (the webhook signs it)."""

    url: str = field(repr=False)
    shown: str
    content: bytes = field(repr=False)
    headers: tuple[tuple[str, str], ...] = field(default=(), repr=False)
    method: str = "POST"

    def json(self) -> Any:
        return json.loads(self.content)


def dumps(payload: Any) -> bytes:
    """Compact UTF-8 JSON, Chinese kept readable (platforms count bytes, not escapes)."""
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def retry_after(headers: Mapping[str, str]) -> float | None:
    """A ``Retry-After`` header in seconds, if present and numeric."""
    value = headers.get("retry-after")
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None


def identity(kind: str, *parts: str) -> str:
    """A limiter key for an endpoint: its kind plus a short hash of what identifies it."""
    digest = hashlib.sha256("\x00".join(parts).encode("utf-8")).hexdigest()[:12]
    return f"{kind}:{digest}"


class Channel(ABC, Generic[C, P, R]):
    """A configured destination: ``C`` is its config, ``P`` its part, ``R`` its request type.

    Subclasses set ``kind`` and ``RATES`` (and ``THROTTLE_PAUSE`` where the platform blocks
    for a known time after a "too fast" answer).
    """

    kind: ClassVar[str]
    RATES: ClassVar[tuple[Rate, ...]] = ()
    THROTTLE_PAUSE: ClassVar[float | None] = None

    def __init__(self, config: C) -> None:
        self.config = config
        self.name = config.name

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name!r}>"

    @property
    def rates(self) -> tuple[Rate, ...]:
        """The platform's send budget for this endpoint."""
        return self.RATES

    @property
    def limit_key(self) -> str:
        """The key of this endpoint's rate-limit windows: a hash, never the secret itself."""
        return identity(self.kind, *self.secrets())

    @property
    def throttle_pause(self) -> float | None:
        """How long the platform blocks after a "too fast" answer without a hint."""
        return self.THROTTLE_PAUSE

    def secrets(self) -> tuple[str, ...]:
        """The config's secret values, to scrub from logs (see ``channel_secrets``)."""
        values = (getattr(self.config, name) for name in type(self.config).model_fields)
        return tuple(v.get_secret_value() for v in values if isinstance(v, SecretStr))

    @abstractmethod
    def parts(self, message: Message) -> list[P]:
        """The message in this platform's markup, split to its limits."""

    @abstractmethod
    def request(self, part: P, *, now: float, delivery_key: str) -> R:
        """The request that delivers ``part``, signed for ``now``."""

    @abstractmethod
    async def send(self, request: R, *, http: httpx.AsyncClient) -> None:
        """Make one attempt; raise a ``DeliveryError`` unless the platform accepted it."""


class HttpChannel(Channel[C, P, HttpCall]):
    """A channel that speaks JSON over HTTP; subclasses implement ``check``."""

    async def send(self, request: HttpCall, *, http: httpx.AsyncClient) -> None:
        try:
            response = await http.request(
                request.method,
                request.url,
                content=request.content,
                headers=dict(request.headers),
                timeout=self.config.timeout,
            )
        except httpx.TimeoutException:
            raise ChannelUnavailable(
                f"no answer within {self.config.timeout:g} s from {request.shown}",
                channel=self.name,
            ) from None
        except httpx.TransportError as exc:
            raise ChannelUnavailable(
                f"could not reach {request.shown} ({type(exc).__name__})", channel=self.name
            ) from None
        payload: Any
        try:
            payload = response.json()
        except ValueError:
            payload = None
        self.check(response.status_code, payload if isinstance(payload, dict) else None, response)

    @abstractmethod
    def check(self, status: int, payload: dict[str, Any] | None, response: httpx.Response) -> None:
        """Turn the platform's answer into ``None`` (accepted) or a ``DeliveryError``."""

    def unexpected(self, status: int, response: httpx.Response) -> NoReturn:
        """The shared tail of ``check``: HTTP-level failures no platform code explained."""
        if status == 429:
            raise ChannelRateLimited(
                "HTTP 429 Too Many Requests",
                channel=self.name,
                retry_after=retry_after(response.headers),
            )
        if status >= 500 or status in (408, 425):
            raise ChannelUnavailable(f"HTTP {status}", channel=self.name)
        raise ChannelRejected(
            f"unexpected answer HTTP {status}: {response.text[:200]!r}; "
            "is the channel's base_url right?",
            channel=self.name,
        )
