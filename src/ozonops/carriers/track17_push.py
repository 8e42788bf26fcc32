"""17TRACK's webhook (carriers.md §2.5): check a push's signature, parse it into typed events.

A push is POSTed as JSON ``{"event": ..., "data": {...}}`` with a ``sign`` header: the
lower-case hex SHA-256 of the *raw body*, a slash and the API key (a plain hash, not an
HMAC). Check it over the exact bytes received, before any JSON parsing, and answer 200 fast.

- ``TRACKING_UPDATED``: ``data`` is ``{number, carrier, param, tag, track_info}``; it becomes
  a :class:`TrackingUpdated` whose ``events`` are every provider's scans in our vocabulary.
- ``TRACKING_STOPPED``: the number stopped updating by a system rule; no status change,
  mark it "not tracked" and decide whether to ``retrack`` (a :class:`TrackingStopped`).
- Any other event name is kept as :class:`UnknownPush` (logged), never a crash.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pydantic import SecretStr, ValidationError

from ozonops.carriers.taxonomy import Leg, Normalized
from ozonops.carriers.track17_errors import PushError
from ozonops.carriers.track17_models import TrackEvent, TrackInfo

__all__ = [
    "PushEvent",
    "TrackedEvent",
    "TrackingStopped",
    "TrackingUpdated",
    "UnknownPush",
    "parse_push",
    "push_signature",
    "verify_push",
]

log = logging.getLogger(__name__)


def push_signature(body: bytes, key: SecretStr | str) -> str:
    """What 17TRACK puts in ``sign`` for ``body`` sent under ``key``."""
    secret = key.get_secret_value() if isinstance(key, SecretStr) else key
    return hashlib.sha256(body + b"/" + secret.encode()).hexdigest()


def verify_push(body: bytes, sign: str | None, key: SecretStr | str) -> bool:
    """True if ``sign`` is 17TRACK's signature of these exact ``body`` bytes (constant time)."""
    if not sign:
        return False
    expected = push_signature(body, key)
    return hmac.compare_digest(expected.encode(), sign.strip().lower().encode())


@dataclass(frozen=True, slots=True)
class TrackedEvent:
    """One carrier scan in our vocabulary, with 17TRACK's raw sub-status kept."""

    at: datetime | None
    normalized: Normalized
    leg: Leg
    description: str  # English where 17TRACK translated it
    location: str
    provider: int | None  # 17TRACK key of the carrier that reported it


@dataclass(frozen=True, slots=True)
class TrackingUpdated:
    number: str
    carrier: int | None
    tag: str | None
    track_info: TrackInfo

    @property
    def status(self) -> Normalized:
        return self.track_info.normalized

    @property
    def events(self) -> list[TrackedEvent]:
        """Every provider's scans, oldest first."""
        return [tracked_event(e, key) for key, e in self.track_info.events()]


@dataclass(frozen=True, slots=True)
class TrackingStopped:
    number: str
    carrier: int | None
    tag: str | None


@dataclass(frozen=True, slots=True)
class UnknownPush:
    event: str
    data: dict[str, Any]


PushEvent = TrackingUpdated | TrackingStopped | UnknownPush

_CUSTOMS_WORDS = ("customs", "таможн", "海关")


def leg_of(event: TrackEvent, provider: int | None = None) -> Leg:
    """The journey leg a scan belongs to, judged from its sub-status, place and words."""
    sub = event.sub_status or ""
    text = f"{event.description or ''} {event.text_en}".lower()
    country = ((event.address.country if event.address else None) or "").upper()
    if not country and event.location:
        country = event.location.rsplit(",", 1)[-1].strip().upper()
    if sub.startswith("AvailableForPickup") or "pickup point" in text:
        return Leg.PICKUP_POINT
    if sub.startswith("InTransit_Customs") or any(w in text for w in _CUSTOMS_WORDS):
        return Leg.EXPORT_CUSTOMS if country == "CN" else Leg.IMPORT_CUSTOMS
    if sub in ("InTransit_Departure", "InTransit_Arrival"):
        return Leg.LINE_HAUL
    if country == "CN":
        return Leg.FIRST_MILE_CN
    if country == "RU":
        return Leg.LAST_MILE_RU
    return Leg.UNKNOWN


def tracked_event(event: TrackEvent, provider: int | None) -> TrackedEvent:
    return TrackedEvent(
        at=event.time_utc,
        normalized=event.normalized,
        leg=leg_of(event, provider),
        description=event.text_en,
        location=event.location or "",
        provider=provider,
    )


def parse_push(body: bytes) -> PushEvent:
    """The push in ``body`` as a typed event; :class:`PushError` naming what is wrong."""
    try:
        payload = json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise PushError(f"17TRACK push: the body is not JSON ({exc})") from None
    if not isinstance(payload, dict) or not isinstance(payload.get("event"), str):
        raise PushError('17TRACK push: expected an object with an "event" name')
    event = payload["event"]
    data = payload.get("data")
    if not isinstance(data, dict):
        raise PushError(f'17TRACK push {event}: "data" must be an object')
    number = data.get("number")
    if event in ("TRACKING_UPDATED", "TRACKING_STOPPED") and not (
        isinstance(number, str) and number
    ):
        raise PushError(f'17TRACK push {event}: "data.number" is missing')
    carrier = data.get("carrier") if isinstance(data.get("carrier"), int) else None
    tag = data.get("tag") if isinstance(data.get("tag"), str) else None
    if event == "TRACKING_STOPPED":
        return TrackingStopped(str(number), carrier, tag)
    if event == "TRACKING_UPDATED":
        try:
            info = TrackInfo.model_validate(data.get("track_info") or {})
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(x) for x in first["loc"])
            raise PushError(f"17TRACK push {event}: track_info.{where}: {first['msg']}") from None
        return TrackingUpdated(str(number), carrier, tag, info)
    log.warning("17TRACK push with an unknown event %r: kept as is", event)
    return UnknownPush(event, data)
