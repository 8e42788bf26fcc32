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

from ozonops.carriers.taxonomy import Leg, NormalizedStatus
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
    "tracked_events",
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
    normalized: NormalizedStatus
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
    def status(self) -> NormalizedStatus:
        return self.track_info.normalized

    @property
    def events(self) -> list[TrackedEvent]:
        """Every provider's scans, oldest first."""
        return tracked_events(self.track_info)


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
#: Sub-statuses that say nothing of where the parcel is: they keep the previous scan's leg.
_INHERIT = ("Delivered", "Exception", "DeliveryFailure", "Expired")


def _country(event: TrackEvent) -> str:
    country = ((event.address.country if event.address else None) or "").upper()
    if not country and event.location:
        country = event.location.rsplit(",", 1)[-1].strip().upper()
    return country


def leg_of(event: TrackEvent, previous: Leg | None = None) -> Leg:
    """The journey leg of a scan, from its sub-status, its country and its words; a scan
    whose sub-status does not place it (delivered, an exception) keeps ``previous``."""
    sub = event.sub_status or ""
    text = f"{event.description or ''} {event.text_en}".lower()
    country = _country(event)
    if sub.startswith("AvailableForPickup"):
        return Leg.PICKUP_POINT
    if sub.startswith("OutForDelivery"):
        return Leg.LAST_MILE_RU
    if sub in ("InTransit_Departure", "InTransit_Arrival"):
        return Leg.LINE_HAUL
    if sub == "InTransit_PickedUp":
        return Leg.FIRST_MILE_CN
    if sub.startswith(_INHERIT) and previous is not None:
        return previous
    if sub.startswith("InTransit_Customs") or any(w in text for w in _CUSTOMS_WORDS):
        return Leg.EXPORT_CUSTOMS if country == "CN" else Leg.IMPORT_CUSTOMS
    if country == "CN":
        return Leg.FIRST_MILE_CN
    if country == "RU":
        return Leg.LAST_MILE_RU
    return previous or Leg.UNKNOWN


def tracked_events(info: TrackInfo) -> list[TrackedEvent]:
    """Every provider's scans of a ``track_info``, oldest first, in our vocabulary."""
    out: list[TrackedEvent] = []
    previous: Leg | None = None
    for provider, event in info.events():
        previous = leg_of(event, previous)
        out.append(
            TrackedEvent(
                at=event.time_utc,
                normalized=event.normalized,
                leg=previous,
                description=event.text_en,
                location=event.location or "",
                provider=provider,
            )
        )
    return out


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
