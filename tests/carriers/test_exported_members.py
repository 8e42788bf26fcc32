"""The public door of ``ozonops.carriers`` (house habit 1): an ``__all__`` whose names all
exist, holding the tracking vocabulary and the 17TRACK client. (Other parts of the package add
their own names, so this checks a subset, not equality.)"""

from __future__ import annotations

import ozonops.carriers as carriers

TRACKING = {
    "TrackingStatus", "ExceptionReason", "Leg", "NormalizedStatus", "from_track17", "from_ozon",
    "TRACK17_SUB_STATUSES", "TRACK17_MAIN_STATUSES", "OZON_SUBSTATUSES",
    "Track17Client", "Track17Retry", "BatchResult", "Rejection", "ErrorCode", "TrackInfo",
    "TrackedParcel", "Registration", "NumberRef", "CarrierChange", "Quota", "TrackListPage",
    "Track17Error", "Track17TransientError", "Track17TerminalError", "Track17AuthError",
    "Track17RateLimited", "Track17RequestError", "Track17Unavailable", "PushError",
    "verify_push", "parse_push", "push_signature", "tracked_events", "TrackingUpdated",
    "TrackingStopped", "UnknownPush",
}  # fmt: skip


def test_all_resolves() -> None:  # (its order is ruff's RUF022 isort-style sort)
    assert len(set(carriers.__all__)) == len(carriers.__all__)
    for name in carriers.__all__:
        assert hasattr(carriers, name), name


def test_tracking_names_are_exported() -> None:
    assert set(carriers.__all__) >= TRACKING
