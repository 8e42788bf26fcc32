"""Tracking numbers: normalisation, check digits, carrier recognition (no Ozon knowledge, no I/O).

``check_tracking_number(raw, carrier=..., posting_number=...)`` returns a ``TrackingNumber``
(normalised text, carrier candidates best first, warnings) or a ``TrackingNumberError`` whose
``TrackingIssue`` code names the rule broken, with messages in English and Chinese.
Rules and sources: docs/tracking-numbers.md (from shared/docs/carriers.md §1).

Errors: ``InvalidTrackingNumber`` (a ``TerminalError``) from ``parse_tracking_number``.
"""

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

__all__ = [
    "CARRIERS",
    "CARRIERS_BY_CODE",
    "MAX_LENGTH",
    "MIN_LENGTH",
    "CarrierCandidate",
    "CarrierInfo",
    "Confidence",
    "InvalidTrackingNumber",
    "Normalized",
    "NumberFormat",
    "ServiceClass",
    "TrackingIssue",
    "TrackingNumber",
    "TrackingNumberError",
    "TrackingNumberWarning",
    "check_tracking_number",
    "is_valid_rpo",
    "is_valid_s10",
    "looks_like_posting_number",
    "normalize",
    "parse_tracking_number",
    "resolve_carrier",
    "rpo_check_digit",
    "s10_check_digit",
    "service_class",
]
