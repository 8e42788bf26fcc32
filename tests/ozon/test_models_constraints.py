"""Strict requests: arguments that break the spec's rules fail before sending, naming the field."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from pydantic import ValidationError

from ozonops.ozon import models as m

T0 = datetime(2025, 8, 1, tzinfo=UTC)


def _v4_filter(**kw: Any) -> m.FbsListV4Filter:
    return m.FbsListV4Filter(since=T0, to=datetime(2025, 8, 2, tzinfo=UTC), **kw)


@pytest.mark.parametrize("limit", [0, 101])
def test_v4_limit_range(limit: int) -> None:
    with pytest.raises(ValidationError, match="limit"):
        m.FbsListV4Request(filter=_v4_filter(), limit=limit)


def test_period_longer_than_a_year() -> None:
    with pytest.raises(ValidationError, match=r"filter\.since\.\.filter\.to.*1 year"):
        m.FbsListV4Filter(since=T0, to=datetime(2026, 8, 1, 0, 0, 1, tzinfo=UTC))
    m.FbsListV4Filter(since=T0, to=datetime(2026, 8, 1, tzinfo=UTC))  # exactly a year is fine
    with pytest.raises(ValidationError, match="1 year"):
        m.FbsListV3Filter(since=T0, to=datetime(2027, 1, 1, tzinfo=UTC))
    with pytest.raises(ValidationError, match="start must not be after"):
        m.FboListV2Filter(since=T0, to=datetime(2025, 7, 1, tzinfo=UTC))


def test_unfulfilled_needs_exactly_one_window() -> None:
    t1 = datetime(2025, 8, 2, tzinfo=UTC)
    with pytest.raises(ValidationError, match="cutoff_from/cutoff_to or delivering_date"):
        m.FbsUnfulfilledListV4Filter(
            cutoff_from=T0, cutoff_to=t1, delivering_date_from=T0, delivering_date_to=t1
        )
    with pytest.raises(ValidationError, match="exactly one window"):
        m.FbsUnfulfilledListV4Filter()
    with pytest.raises(ValidationError, match="both ends of cutoff"):
        m.FbsUnfulfilledListV4Filter(cutoff_from=T0)


def test_tracking_numbers_at_most_20() -> None:
    pairs = [m.TrackingNumber(posting_number=f"1-{i}", tracking_number="T") for i in range(21)]
    with pytest.raises(ValidationError, match="tracking_numbers"):
        m.TrackingNumberSetRequest(tracking_numbers=pairs)
    m.TrackingNumberSetRequest(tracking_numbers=pairs[:20])


def test_returns_need_exactly_one_date_filter() -> None:
    window = m.ReturnsTimeRange(time_from=T0, time_to=T0)
    with pytest.raises(ValidationError, match="exactly one date filter"):
        m.ReturnsListFilter(logistic_return_date=window, visual_status_change_moment=window)
    with pytest.raises(ValidationError, match="exactly one date filter"):
        m.ReturnsListFilter()
    with pytest.raises(ValidationError, match="limit"):
        m.ReturnsListRequest(filter=m.ReturnsListFilter(logistic_return_date=window), limit=501)


def test_transactions_at_most_one_month_and_one_selector() -> None:
    period = m.TransactionPeriod(from_=T0, to=datetime(2025, 9, 1, 0, 0, 1, tzinfo=UTC))
    with pytest.raises(ValidationError, match=r"filter\.date.*1 month"):
        m.TransactionListFilter(date=period)
    with pytest.raises(
        ValidationError, match=r"exactly one of filter\.date or filter\.posting_number"
    ):
        m.TransactionListFilter(posting_number="1-1-1", date=m.TransactionPeriod(from_=T0, to=T0))
    with pytest.raises(ValidationError, match="page_size"):
        m.TransactionListRequest(
            filter=m.TransactionListFilter(posting_number="1"), page=1, page_size=1001
        )
    with pytest.raises(ValidationError, match="exactly one of date or posting_number"):
        m.TransactionTotalsRequest()


def test_comment_list_one_of_review_or_sku() -> None:
    with pytest.raises(ValidationError, match=r"exactly one of review_id or filter\.sku"):
        m.CommentListRequest(limit=20, review_id="r", filter=m.CommentListFilter(sku=1))
    with pytest.raises(ValidationError, match=r"exactly one of review_id or filter\.sku"):
        m.CommentListRequest(limit=20)
    with pytest.raises(ValidationError, match="limit"):
        m.CommentListRequest(limit=19, review_id="r")


@pytest.mark.parametrize(
    ("build", "field"),
    [
        (lambda: m.ReviewListRequest(limit=10), "limit"),
        (lambda: m.ReviewChangeStatusRequest(review_ids=[], status="NEW"), "review_ids"),
        (lambda: m.ChatSendMessageRequest(chat_id="c", text="x" * 1001), "text"),
        (lambda: m.ChatListRequest(limit=101), "limit"),
        (lambda: m.AnalyticsStocksRequest(skus=list(range(101))), "skus"),
        (lambda: m.SupplyOrderGetRequest(order_ids=list(range(51))), "order_ids"),
        (lambda: m.WarehouseListRequest(limit=201), "limit"),
        (lambda: m.AccrualPostingsRequest(posting_numbers=[]), "posting_numbers"),
        (lambda: m.RealizationRequest(month=13, year=2026), "month"),
        (
            lambda: m.FboListV2Request(
                filter=m.FboListV2Filter(since=T0, to=T0), limit=1, offset=20001
            ),
            "offset",
        ),
        (lambda: m.FbsListV4Filter(since=T0, to=T0, order_numbers=["x"] * 101), "order_numbers"),
    ],
)
def test_limits_name_the_field(build: Any, field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        build()
    assert any(field in map(str, error["loc"]) for error in caught.value.errors())


def test_other_rules() -> None:
    with pytest.raises(ValidationError, match="cancel_reason_message is required"):
        m.CancelRequest(posting_number="1", cancel_reason_id=402)
    with pytest.raises(ValidationError, match="cluster_ids or macrolocal_cluster_ids"):
        m.AnalyticsStocksRequest(skus=[1], cluster_ids=[1], macrolocal_cluster_ids=[2])
    with pytest.raises(ValidationError, match="1020 needs compensation_amount"):
        m.RfbsActionSetRequest(return_id=1, id=1020)
    with pytest.raises(ValidationError, match="timezone"):
        m.FbsListV4Filter(since=datetime(2025, 8, 1), to=T0)  # naive on purpose
    with pytest.raises(ValidationError, match="Extra inputs"):
        m.ChatStartRequest(posting_number="1", postingNumber="2")  # type: ignore[call-arg]
