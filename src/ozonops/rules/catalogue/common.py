"""What several rule families share: a posting's identifying columns, a cancellation reason."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, literal, or_

from ozonops.db.tables import Posting
from ozonops.watch_config import EventLookback

__all__ = ["cancelled_because", "posting_columns"]


def posting_columns() -> tuple[Any, ...]:
    """``shop_id``, the posting number as ``object_id``, and its scheme and status."""
    return (
        Posting.shop_id,
        Posting.posting_number.label("object_id"),
        Posting.scheme,
        Posting.status,
        Posting.substatus,
    )


def cancelled_because(settings: EventLookback) -> ColumnElement[bool]:
    """The posting's cancel reason is one of ``settings``' ids, or names one of its words
    (in any case of its first letter: SQLite's LIKE folds ASCII only)."""
    reasons: list[ColumnElement[bool]] = []
    if settings.reason_ids:
        reasons.append(Posting.cancel_reason_id.in_(settings.reason_ids))
    for word in settings.reason_words:
        for form in sorted({word, word[:1].upper() + word[1:], word[:1].lower() + word[1:]}):
            reasons.append(Posting.cancel_reason.like(f"%{form}%"))
    return or_(*reasons) if reasons else literal(False)
