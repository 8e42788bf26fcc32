"""Server-side paging rules the list handlers share: cursors, page sizes, offsets, periods.

Every cursor the simulator hands out (``cursor``, and ``last_id`` where Ozon's is opaque) is
base64 of a JSON object. A cursor may carry a fingerprint of the request it belongs to
(:func:`fingerprint`); decoding it with another request's fingerprint is refused, so a client
that changes the filter mid-walk gets a 400 instead of a page from another list.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from datetime import datetime, timedelta
from typing import Any

from ozonops.simulator.errors import OzonApiError, bad_request
from ozonops.simulator.routing import Ctx

#: The key the request fingerprint sits under, as in Ozon's own v4 cursor.
_FINGERPRINT_KEY = "filter"


def fingerprint(ctx: Ctx, *extra: str) -> str:
    """A short hash of the shop, path, ``filter`` and ``extra`` (e.g. the sort direction)."""
    raw = json.dumps(
        [ctx.shop.client_id, ctx.path, ctx.body.get("filter") or {}, *extra],
        sort_keys=True,
        ensure_ascii=False,
    )
    return hashlib.sha256(raw.encode()).hexdigest()[:16]


def encode_cursor(data: dict[str, Any], *, fp: str | None = None) -> str:
    """``data`` (plus the request fingerprint ``fp``) as an opaque cursor."""
    if fp is not None:
        data = {**data, _FINGERPRINT_KEY: fp}
    raw = json.dumps(data, separators=(",", ":"))
    return base64.b64encode(raw.encode()).decode()


def decode_cursor(cursor: str, *, field: str = "cursor", fp: str | None = None) -> dict[str, Any]:
    """What :func:`encode_cursor` put in; 400 if garbled or (with ``fp``) made for another request.

    The caller still checks the fields it reads: a cursor is client input.
    """
    try:
        data = json.loads(base64.b64decode(cursor.encode(), validate=True))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise bad_request(f"invalid {field}", field=field) from None
    if not isinstance(data, dict):
        raise bad_request(f"invalid {field}", field=field)
    if fp is not None and data.get(_FINGERPRINT_KEY) != fp:
        raise bad_request(
            f"{field} does not match the request: send the same filter and sort order "
            f"as the request that returned it, or no {field}",
            field=field,
        )
    return data


def invalid_cursor(field: str = "cursor") -> OzonApiError:
    """The refusal for a cursor that decodes but does not hold what its method wrote."""
    return bad_request(f"invalid {field}", field=field)


def check_limit(value: Any, top: int, *, bottom: int = 1) -> int:
    """``value`` as a page size in ``[bottom, top]``; 400 naming the range otherwise."""
    if not isinstance(value, int) or not bottom <= value <= top:
        raise bad_request(f"limit must be between {bottom} and {top}", field="limit")
    return value


def check_offset(value: Any) -> int:
    """``value`` as an offset; 400 when it is negative or not a number."""
    if not isinstance(value, int) or value < 0:
        raise bad_request("offset must not be negative", field="offset")
    return value


def one_year_after(t: datetime) -> datetime:
    """The same moment a calendar year later (29 February goes to 1 March)."""
    try:
        return t.replace(year=t.year + 1)
    except ValueError:  # 29 February
        return t.replace(year=t.year + 1, day=28) + timedelta(days=1)


def one_month_after(t: datetime) -> datetime:
    """The same moment a calendar month later, clamped to the month's last day."""
    year, month = (t.year + 1, 1) if t.month == 12 else (t.year, t.month + 1)
    day = t.day
    while True:
        try:
            return t.replace(year=year, month=month, day=day)
        except ValueError:
            day -= 1


def check_period_length(to: datetime, *, latest: datetime, field: str) -> None:
    """Refuse a period ending after ``latest``, the furthest end its method allows."""
    if to > latest:
        raise bad_request("PERIOD_IS_TOO_LONG", field=field)
