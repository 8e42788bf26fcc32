"""Carriers and parcels: tracking numbers (normalisation, check digits, carrier recognition)
and tracking (the normalized status vocabulary, the 17TRACK client and its pushes).

Tracking numbers: ``check_tracking_number(raw, carrier=..., posting_number=...)`` returns a
``TrackingNumber`` (normalised text, carrier candidates best first, warnings) or a
``TrackingNumberError`` whose ``TrackingIssue`` code names the rule broken, with messages in
English and Chinese. Rules and sources: docs/tracking-numbers.md (from shared/docs/carriers.md
§1). Errors: ``InvalidTrackingNumber`` (a ``TerminalError``) from ``parse_tracking_number``.

Tracking: ``from_track17`` / ``from_ozon`` map a source's status to a ``NormalizedStatus``
(``TrackingStatus`` + ``ExceptionReason``, the raw code kept); ``Track17Client`` talks to
17TRACK API v2.2; ``verify_push`` / ``parse_push`` take its webhook. docs/tracking.md; the
17TRACK error tree is drawn in ``track17_errors``.

Other packages import from here, never from the submodules.
"""

from __future__ import annotations

from ozonops.carriers.checkdigits import (
    is_valid_rpo,
    is_valid_s10,
    rpo_check_digit,
    s10_check_digit,
)
from ozonops.carriers.formats import (
    MAX_LENGTH,
    MIN_LENGTH,
    CarrierCandidate,
    Confidence,
    NumberFormat,
)
from ozonops.carriers.issues import (
    InvalidTrackingNumber,
    TrackingIssue,
    TrackingNumberError,
    TrackingNumberWarning,
)
from ozonops.carriers.normalize import Normalized, normalize
from ozonops.carriers.recognize import (
    TrackingNumber,
    check_tracking_number,
    looks_like_posting_number,
    parse_tracking_number,
)
from ozonops.carriers.registry import (
    CARRIERS,
    CARRIERS_BY_CODE,
    CarrierInfo,
    resolve_carrier,
)
from ozonops.carriers.s10 import ServiceClass, service_class
from ozonops.carriers.taxonomy import (
    OZON_SUBSTATUSES,
    TRACK17_MAIN_STATUSES,
    TRACK17_SUB_STATUSES,
    ExceptionReason,
    Leg,
    NormalizedStatus,
    TrackingStatus,
    from_ozon,
    from_track17,
)
from ozonops.carriers.track17 import Track17Client, Track17Retry
from ozonops.carriers.track17_errors import (
    PushError,
    Track17AuthError,
    Track17ConnectionError,
    Track17Error,
    Track17RateLimited,
    Track17RequestError,
    Track17TerminalError,
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
    TrackEvent,
    TrackInfo,
    TrackListItem,
    TrackListPage,
)
from ozonops.carriers.track17_push import (
    PushEvent,
    TrackedEvent,
    TrackingStopped,
    TrackingUpdated,
    UnknownPush,
    parse_push,
    push_signature,
    tracked_events,
    verify_push,
)

__all__ = [
    "CARRIERS",
    "CARRIERS_BY_CODE",
    "MAX_LENGTH",
    "MIN_LENGTH",
    "OZON_SUBSTATUSES",
    "TRACK17_MAIN_STATUSES",
    "TRACK17_SUB_STATUSES",
    "BatchResult",
    "CarrierCandidate",
    "CarrierChange",
    "CarrierInfo",
    "Confidence",
    "ErrorCode",
    "ExceptionReason",
    "InvalidTrackingNumber",
    "Leg",
    "Normalized",
    "NormalizedStatus",
    "NumberFormat",
    "NumberRef",
    "PushError",
    "PushEvent",
    "Quota",
    "Registered",
    "Registration",
    "Rejection",
    "ServiceClass",
    "Track17AuthError",
    "Track17Client",
    "Track17ConnectionError",
    "Track17Error",
    "Track17RateLimited",
    "Track17RequestError",
    "Track17Retry",
    "Track17TerminalError",
    "Track17TransientError",
    "Track17Unavailable",
    "Track17UnexpectedResponse",
    "TrackEvent",
    "TrackInfo",
    "TrackListItem",
    "TrackListPage",
    "TrackedEvent",
    "TrackedParcel",
    "TrackingIssue",
    "TrackingNumber",
    "TrackingNumberError",
    "TrackingNumberWarning",
    "TrackingStatus",
    "TrackingStopped",
    "TrackingUpdated",
    "UnknownPush",
    "check_tracking_number",
    "from_ozon",
    "from_track17",
    "is_valid_rpo",
    "is_valid_s10",
    "looks_like_posting_number",
    "normalize",
    "parse_push",
    "parse_tracking_number",
    "push_signature",
    "resolve_carrier",
    "rpo_check_digit",
    "s10_check_digit",
    "service_class",
    "tracked_events",
    "verify_push",
]
