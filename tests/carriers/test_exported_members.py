"""The public door of ``ozonops.carriers``: the exported names are exactly these."""

from __future__ import annotations

import types

import ozonops.carriers as carriers

EXPECTED = {
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
}
#: Tracking: the status vocabulary, the 17TRACK client and its pushes.
EXPECTED |= {
    "OZON_SUBSTATUSES", "TRACK17_MAIN_STATUSES", "TRACK17_SUB_STATUSES",
    "ExceptionReason", "Leg", "NormalizedStatus", "TrackingStatus", "from_ozon", "from_track17",
    "Track17Client", "Track17Retry", "BatchResult", "CarrierChange", "ErrorCode", "NumberRef",
    "Quota", "Registered", "Registration", "Rejection", "TrackEvent", "TrackInfo",
    "TrackListItem", "TrackListPage", "TrackedParcel",
    "PushError", "Track17AuthError", "Track17ConnectionError", "Track17Error",
    "Track17RateLimited", "Track17RequestError", "Track17TerminalError",
    "Track17TransientError", "Track17UnexpectedResponse", "Track17Unavailable",
    "PushEvent", "TrackedEvent", "TrackingStopped", "TrackingUpdated", "UnknownPush",
    "parse_push", "push_signature", "tracked_events", "verify_push",
}  # fmt: skip


def isort_style(name: str) -> tuple[int, str]:
    """CONSTANTS, then Classes, then functions, each alphabetically (ruff's RUF022 order)."""
    return (0 if name.isupper() else 1 if name[0].isupper() else 2, name)


def test_all_is_the_expected_surface() -> None:
    assert set(carriers.__all__) == EXPECTED
    assert carriers.__all__ == sorted(carriers.__all__, key=isort_style)


def test_every_exported_name_exists_and_belongs_to_the_package() -> None:
    for name in carriers.__all__:
        member = getattr(carriers, name)
        module = getattr(member, "__module__", None) or getattr(member, "__name__", "")
        if isinstance(member, (int, tuple, types.UnionType)) or (
            type(member).__name__ == "mappingproxy"
        ):
            continue  # constants and union aliases carry no module; checked by name above
        assert module.startswith("ozonops.carriers"), name


def test_the_simulator_uses_the_same_check_digits() -> None:
    from ozonops.simulator.reference import tracking_numbers

    assert tracking_numbers.s10_check_digit is carriers.s10_check_digit
    assert tracking_numbers.rpo_check_digit is carriers.rpo_check_digit
