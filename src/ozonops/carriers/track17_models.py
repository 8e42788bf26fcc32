"""Wire shapes of 17TRACK API v2.2 (carriers.md §2.2–2.3): what we send, what comes back.

Requests are small frozen dataclasses. Answers are tolerant pydantic models: every field
optional, unknown fields kept (``extra="allow"``), so a field 17TRACK adds tomorrow neither
breaks parsing nor gets lost. Statuses are kept raw and mapped to our vocabulary
(``taxonomy``) by properties, never rejected.

Per-number outcomes are data: a :class:`BatchResult` holds the accepted items and the
:class:`Rejection` s, each with 17TRACK's error code.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from ozonops.carriers.taxonomy import NormalizedStatus, from_track17

__all__ = [
    "BatchResult",
    "CarrierChange",
    "ErrorCode",
    "NumberRef",
    "Quota",
    "Registered",
    "Registration",
    "Rejection",
    "TrackEvent",
    "TrackInfo",
    "TrackListItem",
    "TrackListPage",
    "TrackedParcel",
]

T = TypeVar("T")


class ErrorCode(enum.IntEnum):
    """17TRACK's error codes we act on (carriers.md §2.4); others are kept as raw ints."""

    IP_NOT_WHITELISTED = -18010001
    INVALID_KEY = -18010002
    INTERNAL_ERROR = -18010003
    ACCOUNT_DISABLED = -18010004
    UNAUTHORIZED = -18010005
    FIELD_REQUIRED = -18010010
    INVALID_VALUE = -18010011
    INVALID_FORMAT = -18010012
    INVALID_DATA = -18010013
    OVER_40 = -18010014
    INVALID_FIELD = -18010015
    WEBHOOK_NOT_SET = -18010204
    CARRIER_CHANGE_STOPPED = -18019806
    CARRIER_CHANGE_LIMIT = -18019807
    ALREADY_REGISTERED = -18019901
    NOT_REGISTERED = -18019902
    CARRIER_NOT_DETECTED = -18019903
    RETRACK_ONLY_STOPPED = -18019904
    RETRACK_ONLY_ONCE = -18019905
    STOP_ONLY_TRACKING = -18019906
    DAILY_LIMIT = -18019907
    QUOTA_EXHAUSTED = -18019908
    NO_INFO_YET = -18019909
    WRONG_CARRIER = -18019910
    CARRIER_NOT_REGISTRABLE = -18019911


# --- requests ----------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Registration:
    """One number to register; ``carrier`` None lets 17TRACK detect it."""

    number: str
    carrier: int | None = None
    final_carrier: int | None = None  # the postal last-mile carrier, if known
    tag: str | None = None
    order_no: str | None = None
    param: str | None = None  # phone / postcode some carriers need

    def wire(self) -> dict[str, Any]:
        out: dict[str, Any] = {"number": self.number}
        for name in ("carrier", "final_carrier", "tag", "order_no", "param"):
            value = getattr(self, name)
            if value is not None:
                out[name] = value
        return out


@dataclass(frozen=True, slots=True)
class NumberRef:
    """A registered number (``carrier`` narrows it when one number has several carriers)."""

    number: str
    carrier: int | None = None

    def wire(self) -> dict[str, Any]:
        out: dict[str, Any] = {"number": self.number}
        if self.carrier is not None:
            out["carrier"] = self.carrier
        return out


@dataclass(frozen=True, slots=True)
class CarrierChange:
    number: str
    carrier_old: int
    carrier_new: int

    def wire(self) -> dict[str, Any]:
        return {"number": self.number, "carrier_old": self.carrier_old,
                "carrier_new": self.carrier_new}  # fmt: skip


# --- answers -----------------------------------------------------------------------------------
class _Wire(BaseModel):
    model_config = ConfigDict(extra="allow", frozen=True, populate_by_name=True)


class ItemError(_Wire):
    code: int = 0
    message: str = ""


class Rejection(_Wire):
    """A number 17TRACK refused, with its error code (see :class:`ErrorCode`)."""

    number: str | None = None
    carrier: int | str | None = None
    tag: str | None = None
    error: ItemError = Field(default_factory=ItemError)

    @property
    def code(self) -> int:
        return self.error.code

    @property
    def known(self) -> ErrorCode | None:
        """The code as an :class:`ErrorCode`, None for one we do not know."""
        try:
            return ErrorCode(self.error.code)
        except ValueError:
            return None

    @property
    def already_registered(self) -> bool:
        """−18019901: for a register call this is a success (the number is tracked)."""
        return self.error.code == ErrorCode.ALREADY_REGISTERED


class Registered(_Wire):
    """An accepted registration (or any accepted ``{number, carrier}`` item)."""

    number: str
    carrier: int | None = None
    origin: int | None = None
    tag: str | None = None


class Address(_Wire):
    country: str | None = None
    state: str | None = None
    city: str | None = None
    postal_code: str | None = None


class Translation(_Wire):
    lang: str | None = None
    description: str | None = None


class TrackEvent(_Wire):
    """One carrier scan (``tracking.providers[].events[]`` and ``latest_event``)."""

    time_iso: str | None = None
    time_utc: datetime | None = None
    description: str | None = None
    description_translation: Translation | None = None
    location: str | None = None
    stage: str | None = None
    sub_status: str | None = None
    address: Address | None = None

    @property
    def normalized(self) -> NormalizedStatus:
        return from_track17(None, self.sub_status)

    @property
    def text_en(self) -> str:
        """The English description where 17TRACK gave one, else the carrier's own words."""
        tr = self.description_translation
        if tr is not None and tr.description and (tr.lang or "en").startswith("en"):
            return tr.description
        return self.description or ""


class ProviderInfo(_Wire):
    key: int | None = None
    name: str | None = None
    alias: str | None = None
    country: str | None = None


class ProviderTrack(_Wire):
    provider: ProviderInfo | None = None
    latest_sync_status: str | None = None
    latest_sync_time: datetime | None = None
    events: list[TrackEvent] = Field(default_factory=list)


class Tracking(_Wire):
    providers: list[ProviderTrack] = Field(default_factory=list)


class LatestStatus(_Wire):
    status: str | None = None
    sub_status: str | None = None
    sub_status_descr: str | None = None


class MiscInfo(_Wire):
    local_number: str | None = None
    local_provider: str | None = None
    local_key: int | None = None


class TrackInfo(_Wire):
    """``track_info`` of gettrackinfo and of the TRACKING_UPDATED push (§2.3)."""

    latest_status: LatestStatus = Field(default_factory=LatestStatus)
    latest_event: TrackEvent | None = None
    tracking: Tracking = Field(default_factory=Tracking)
    misc_info: MiscInfo | None = None
    time_metrics: dict[str, Any] | None = None
    shipping_info: dict[str, Any] | None = None
    milestone: list[dict[str, Any]] = Field(default_factory=list)

    @property
    def normalized(self) -> NormalizedStatus:
        s = self.latest_status
        return from_track17(s.status, s.sub_status)

    def events(self) -> list[tuple[int | None, TrackEvent]]:
        """Every provider's scans merged oldest first, each with its provider's key
        (several providers per number are normal: first mile CN, last mile RU). 17TRACK
        lists a provider's scans newest first; scans at one instant keep that order."""
        merged = [
            (p.provider.key if p.provider else None, e)
            for p in self.tracking.providers
            for e in reversed(p.events)
        ]
        merged.sort(key=lambda pe: pe[1].time_utc.timestamp() if pe[1].time_utc else 0.0)
        return merged


class TrackedParcel(_Wire):
    """An accepted gettrackinfo item."""

    number: str
    carrier: int | None = None
    param: str | None = None
    tag: str | None = None
    track_info: TrackInfo | None = None

    @property
    def normalized(self) -> NormalizedStatus:
        if self.track_info is None:
            return from_track17("NotFound", "NotFound_Other")
        return self.track_info.normalized


class Quota(_Wire):
    quota_total: int | None = None
    quota_used: int | None = None
    quota_remain: int | None = None
    today_used: int | None = None
    max_track_daily: int | None = None


class TrackListItem(_Wire):
    number: str
    carrier: int | None = None
    register_time: datetime | None = None
    tracking_status: str | None = None  # Tracking | Stopped
    package_status: str | None = None  # a main status
    stop_track_reason: str | None = None  # Expired | ByRequest | InvalidCarrier
    push_status: str | None = None
    is_retracked: bool | None = None
    tag: str | None = None


@dataclass(frozen=True, slots=True)
class TrackListPage:
    items: tuple[TrackListItem, ...]
    page_no: int
    page_total: int
    data_total: int

    @property
    def has_next(self) -> bool:
        return self.page_no < self.page_total


@dataclass(frozen=True, slots=True)
class BatchResult(Generic[T]):
    """Per-number outcomes of a batch call, over however many 40-number calls it took."""

    accepted: tuple[T, ...] = ()
    rejected: tuple[Rejection, ...] = field(default=())
    calls: int = 0

    @property
    def failed(self) -> tuple[Rejection, ...]:
        """Rejections that are real failures (−18019901 "already registered" is not)."""
        return tuple(r for r in self.rejected if not r.already_registered)

    def __add__(self, other: BatchResult[T]) -> BatchResult[T]:
        return BatchResult(
            self.accepted + other.accepted, self.rejected + other.rejected, self.calls + other.calls
        )
