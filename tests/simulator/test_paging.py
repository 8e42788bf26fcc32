"""The shared paging rules: cursors round-trip, refuse garbage and another request's cursor."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from ozonops.simulator.errors import OzonApiError
from ozonops.simulator.paging import (
    check_limit,
    decode_cursor,
    encode_cursor,
    one_month_after,
    one_year_after,
)


def test_cursor_round_trips_and_checks_its_request() -> None:
    cursor = encode_cursor({"after": 42}, fp="abc")
    assert decode_cursor(cursor, fp="abc")["after"] == 42
    with pytest.raises(OzonApiError) as other:
        decode_cursor(cursor, fp="xyz")
    assert other.value.http_status == 400
    assert "does not match" in other.value.message
    for garbage in ("not a cursor!", encode_cursor({"x": 1})[:-2], "WzFd"):  # "WzFd" is [1]
        with pytest.raises(OzonApiError) as bad:
            decode_cursor(garbage, field="last_id")
        assert bad.value.message == "invalid last_id"


def test_limit_and_calendar_periods() -> None:
    assert check_limit(20, 100, bottom=20) == 20
    for value in (19, 101, None, "50"):
        with pytest.raises(OzonApiError):
            check_limit(value, 100, bottom=20)
    leap = datetime(2024, 2, 29, 12, tzinfo=UTC)
    assert one_year_after(leap) == datetime(2025, 3, 1, 12, tzinfo=UTC)
    assert one_month_after(datetime(2026, 1, 31, tzinfo=UTC)) == datetime(2026, 2, 28, tzinfo=UTC)
    assert one_month_after(datetime(2026, 12, 15, tzinfo=UTC)) == datetime(2027, 1, 15, tzinfo=UTC)
