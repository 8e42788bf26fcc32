"""Golden request bodies: for each method, a typical request model → the exact JSON we send,
which must also pass the spec's request schema."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import pytest
from pydantic import BaseModel

from ozonops.ozon import models as m
from ozonops.ozon.models import WIRE_MODELS
from ozonops.ozon.spec import default_validator

T0 = datetime(2026, 8, 1, tzinfo=UTC)
T1 = datetime(2026, 8, 20, 12, 30, tzinfo=UTC)
MSK = timezone(timedelta(hours=3))

GOLDEN: dict[str, tuple[BaseModel, dict[str, Any]]] = {
    "/v4/posting/fbs/list": (
        m.FbsListV4Request(
            filter=m.FbsListV4Filter(
                since=T0,
                to=datetime(2026, 8, 20, 15, 30, tzinfo=MSK),
                statuses=["awaiting_packaging"],
                warehouse_ids=[3092889984],
                delivery_method_ids=[21321684811000],
                provider_ids=[24],
                last_changed_status_date=m.TimeRange(from_=T0, to=T1),
            ),
            limit=100,
            cursor="",
            sort_dir="ASC",
            with_=m.FbsListWith(analytics_data=True, financial_data=True),
        ),
        {
            "filter": {
                "since": "2026-08-01T00:00:00Z",
                "to": "2026-08-20T12:30:00Z",
                "statuses": ["awaiting_packaging"],
                "warehouse_ids": ["3092889984"],
                "delivery_method_ids": ["21321684811000"],
                "provider_ids": ["24"],
                "last_changed_status_date": {
                    "from": "2026-08-01T00:00:00Z",
                    "to": "2026-08-20T12:30:00Z",
                },
            },
            "limit": 100,
            "cursor": "",
            "sort_dir": "ASC",
            "with": {"analytics_data": True, "financial_data": True},
        },
    ),
    "/v4/posting/fbs/unfulfilled/list": (
        m.FbsUnfulfilledListV4Request(
            filter=m.FbsUnfulfilledListV4Filter(cutoff_from=T0, cutoff_to=T1, warehouse_ids=[7]),
            limit=50,
        ),
        {
            "filter": {
                "cutoff_from": "2026-08-01T00:00:00Z",
                "cutoff_to": "2026-08-20T12:30:00Z",
                "warehouse_ids": ["7"],
            },
            "limit": 50,
        },
    ),
    "/v3/posting/fbs/list": (
        m.FbsListV3Request(
            filter=m.FbsListV3Filter(
                since=T0,
                to=T1,
                status="delivering",
                warehouse_id=[21321684811000],
                delivery_method_id=[1],
                provider_id=[24],
            ),
            limit=1000,
            offset=0,
            dir="asc",
            with_=m.FbsListV3With(barcodes=True, translit=True),
        ),
        {
            "filter": {
                "since": "2026-08-01T00:00:00Z",
                "to": "2026-08-20T12:30:00Z",
                "status": "delivering",
                "warehouse_id": ["21321684811000"],
                "delivery_method_id": [1],
                "provider_id": [24],
            },
            "limit": 1000,
            "offset": 0,
            "dir": "asc",
            "with": {"barcodes": True, "translit": True},
        },
    ),
    "/v3/posting/fbs/get": (
        m.FbsGetV3Request(
            posting_number="57195475-0050-3",
            with_=m.FbsGetV3With(related_postings=True, product_exemplars=True),
        ),
        {
            "posting_number": "57195475-0050-3",
            "with": {"product_exemplars": True, "related_postings": True},
        },
    ),
    "/v3/posting/fbo/list": (
        m.FboListV3Request(
            filter=m.FboListV3Filter(since=T0, to=T1, statuses=["delivered"]),
            limit=100,
            with_=m.FboWith(analytics_data=True),
        ),
        {
            "filter": {
                "since": "2026-08-01T00:00:00Z",
                "to": "2026-08-20T12:30:00Z",
                "statuses": ["delivered"],
            },
            "limit": 100,
            "with": {"analytics_data": True},
        },
    ),
    "/v2/posting/fbo/list": (
        m.FboListV2Request(
            filter=m.FboListV2Filter(since=T0, to=T1), limit=1000, offset=20000, dir="ASC"
        ),
        {
            "filter": {"since": "2026-08-01T00:00:00Z", "to": "2026-08-20T12:30:00Z"},
            "limit": 1000,
            "offset": 20000,
            "dir": "ASC",
        },
    ),
    "/v2/posting/fbo/get": (
        m.FboGetV2Request(posting_number="123-0001-1", with_=m.FboWith(financial_data=True)),
        {"posting_number": "123-0001-1", "with": {"financial_data": True}},
    ),
    "/v4/posting/fbs/ship": (
        m.ShipV4Request(
            posting_number="89491381-0072-1",
            packages=[m.ShipPackage(products=[m.ShipProduct(product_id=185479045, quantity=2)])],
            with_=m.ShipWith(additional_data=True),
        ),
        {
            "posting_number": "89491381-0072-1",
            "packages": [{"products": [{"product_id": 185479045, "quantity": 2}]}],
            "with": {"additional_data": True},
        },
    ),
    "/v2/fbs/posting/tracking-number/set": (
        m.TrackingNumberSetRequest(
            tracking_numbers=[
                m.TrackingNumber(posting_number="1-1-1", tracking_number="RA123456789RU")
            ]
        ),
        {"tracking_numbers": [{"posting_number": "1-1-1", "tracking_number": "RA123456789RU"}]},
    ),
    "/v2/fbs/posting/delivering": (
        m.PostingNumbersRequest(posting_number=["1-1-1", "1-1-2"]),
        {"posting_number": ["1-1-1", "1-1-2"]},
    ),
    "/v2/fbs/posting/last-mile": (
        m.PostingNumbersRequest(posting_number=["1-1-1"]),
        {"posting_number": ["1-1-1"]},
    ),
    "/v2/fbs/posting/delivered": (
        m.PostingNumbersRequest(posting_number=["1-1-1"]),
        {"posting_number": ["1-1-1"]},
    ),
    "/v2/posting/fbs/cancel": (
        m.CancelRequest(
            posting_number="1-1-1", cancel_reason_id=402, cancel_reason_message="no stock"
        ),
        {"posting_number": "1-1-1", "cancel_reason_id": 402, "cancel_reason_message": "no stock"},
    ),
    "/v2/posting/fbs/cancel-reason/list": (m.CancelReasonListRequest(), {}),
    "/v2/posting/fbs/arbitration": (
        m.PostingNumbersRequest(posting_number=["1-1-1"]),
        {"posting_number": ["1-1-1"]},
    ),
    "/v1/returns/list": (
        m.ReturnsListRequest(
            filter=m.ReturnsListFilter(
                visual_status_change_moment=m.ReturnsTimeRange(time_from=T0, time_to=T1),
                return_schema="FBS",
            ),
            limit=500,
            last_id=0,
        ),
        {
            "filter": {
                "visual_status_change_moment": {
                    "time_from": "2026-08-01T00:00:00Z",
                    "time_to": "2026-08-20T12:30:00Z",
                },
                "return_schema": "FBS",
            },
            "limit": 500,
            "last_id": 0,
        },
    ),
    "/v2/returns/rfbs/list": (
        m.RfbsReturnsListRequest(
            filter=m.RfbsReturnsFilter(
                group_state=["New"], created_at=m.RfbsCreatedAt(from_=T0, to=T1)
            ),
            limit=50,
        ),
        {
            "filter": {
                "group_state": ["New"],
                "created_at": {"from": "2026-08-01T00:00:00Z", "to": "2026-08-20T12:30:00Z"},
            },
            "limit": 50,
        },
    ),
    "/v2/returns/rfbs/get": (m.RfbsReturnGetRequest(return_id=123), {"return_id": 123}),
    "/v1/returns/rfbs/action/set": (
        m.RfbsActionSetRequest(return_id=1, id=-1, comment="worn", rejection_reason_id=2),
        {"return_id": 1, "id": -1, "comment": "worn", "rejection_reason_id": 2},
    ),
    "/v2/review/list": (
        m.ReviewListRequest(
            limit=100,
            last_id="",
            sort_dir="DESC",
            filters=m.ReviewListFilters(status="NEW", skus=[1001], published_from=T0),
        ),
        {
            "limit": 100,
            "last_id": "",
            "sort_dir": "DESC",
            "filters": {
                "status": "NEW",
                "published_from": "2026-08-01T00:00:00Z",
                "skus": ["1001"],
            },
        },
    ),
    "/v2/review/info": (m.ReviewInfoRequest(review_id="r-1"), {"review_id": "r-1"}),
    "/v2/review/count": (m.ReviewCountRequest(), {}),
    "/v2/review/change-status": (
        m.ReviewChangeStatusRequest(review_ids=["r-1", "r-2"], status="PROCESSED"),
        {"review_ids": ["r-1", "r-2"], "status": "PROCESSED"},
    ),
    "/v1/review/comment/create": (
        m.CommentCreateRequest(review_id="r-1", text="Thank you!", mark_review_as_processed=True),
        {"review_id": "r-1", "text": "Thank you!", "mark_review_as_processed": True},
    ),
    "/v1/review/comment/list": (
        m.CommentListRequest(review_id="r-1", limit=20, offset=0, sort_dir="ASC"),
        {"review_id": "r-1", "limit": 20, "offset": 0, "sort_dir": "ASC", "filter": {}},
    ),
    "/v3/chat/list": (
        m.ChatListRequest(limit=30, filter=m.ChatListFilter(chat_status="OPENED")),
        {"limit": 30, "filter": {"chat_status": "OPENED"}},
    ),
    "/v3/chat/history": (
        m.ChatHistoryRequest(
            chat_id="c-1", direction="Forward", from_message_id=3000000000118021931, limit=100
        ),
        {
            "chat_id": "c-1",
            "direction": "Forward",
            "from_message_id": 3000000000118021931,
            "limit": 100,
        },
    ),
    "/v1/chat/start": (m.ChatStartRequest(posting_number="1-1-1"), {"posting_number": "1-1-1"}),
    "/v1/chat/send/message": (
        m.ChatSendMessageRequest(chat_id="c-1", text="Hello"),
        {"chat_id": "c-1", "text": "Hello"},
    ),
    "/v3/finance/transaction/list": (
        m.TransactionListRequest(
            filter=m.TransactionListFilter(
                date=m.TransactionPeriod(from_=T0, to=datetime(2026, 9, 1, tzinfo=UTC)),
                transaction_type="all",
            ),
            page=1,
            page_size=1000,
        ),
        {
            "filter": {
                "date": {"from": "2026-08-01T00:00:00Z", "to": "2026-09-01T00:00:00Z"},
                "transaction_type": "all",
            },
            "page": 1,
            "page_size": 1000,
        },
    ),
    "/v3/finance/transaction/totals": (
        m.TransactionTotalsRequest(posting_number="1-1-1", transaction_type="all"),
        {"posting_number": "1-1-1", "transaction_type": "all"},
    ),
    "/v1/finance/accrual/postings": (
        m.AccrualPostingsRequest(posting_numbers=["1-1-1"]),
        {"posting_numbers": ["1-1-1"]},
    ),
    "/v1/finance/accrual/by-day": (
        m.AccrualByDayRequest(date=date(2026, 8, 3)),
        {"date": "2026-08-03", "last_id": ""},
    ),
    "/v1/finance/accrual/types": (m.AccrualTypesRequest(), {}),
    "/v2/finance/realization": (
        m.RealizationRequest(month=7, year=2026),
        {"month": 7, "year": 2026},
    ),
    "/v1/finance/realization/posting": (
        m.RealizationPostingRequest(month=7, year=2026),
        {"month": 7, "year": 2026},
    ),
    "/v1/finance/cash-flow-statement/list": (
        m.CashFlowStatementRequest(
            date=m.TimeRange(from_=T0, to=datetime(2026, 8, 15, 23, 59, 59, tzinfo=UTC)),
            page=1,
            page_size=100,
            with_details=True,
        ),
        {
            "date": {"from": "2026-08-01T00:00:00Z", "to": "2026-08-15T23:59:59Z"},
            "page": 1,
            "page_size": 100,
            "with_details": True,
        },
    ),
    "/v1/analytics/stocks": (
        m.AnalyticsStocksRequest(skus=[1001, 1002], cluster_ids=[4], warehouse_ids=[5]),
        {"skus": ["1001", "1002"], "cluster_ids": ["4"], "warehouse_ids": ["5"]},
    ),
    "/v4/product/info/stocks": (
        m.ProductStocksRequest(
            filter=m.ProductStocksFilter(product_id=[214887921], visibility="ALL"), limit=1000
        ),
        {"filter": {"product_id": ["214887921"], "visibility": "ALL"}, "limit": 1000},
    ),
    "/v3/supply-order/list": (
        m.SupplyOrderListRequest(
            filter=m.SupplyOrderListFilter(states=["IN_TRANSIT", "COMPLETED"]),
            limit=100,
            sort_by="ORDER_CREATION",
            sort_dir="DESC",
        ),
        {
            "filter": {"states": ["IN_TRANSIT", "COMPLETED"]},
            "limit": 100,
            "sort_by": "ORDER_CREATION",
            "sort_dir": "DESC",
        },
    ),
    "/v3/supply-order/get": (
        m.SupplyOrderGetRequest(order_ids=[1, 2]),
        {"order_ids": ["1", "2"]},
    ),
    "/v2/warehouse/list": (
        m.WarehouseListRequest(limit=200, warehouse_ids=[22142605386000]),
        {"limit": 200, "warehouse_ids": ["22142605386000"]},
    ),
    "/v2/delivery-method/list": (
        m.DeliveryMethodListRequest(
            limit=100, filter=m.DeliveryMethodFilter(warehouse_ids=[9], status=["ACTIVE"])
        ),
        {"limit": 100, "filter": {"warehouse_ids": ["9"], "status": ["ACTIVE"]}},
    ),
    "/v1/roles": (m.RolesRequest(), {}),
}


def test_every_method_has_models_and_a_golden_request() -> None:
    assert len(WIRE_MODELS) == 44
    assert set(GOLDEN) == set(WIRE_MODELS)
    validator = default_validator()
    for path in WIRE_MODELS:
        assert validator.has_method(path), path


@pytest.mark.parametrize("path", sorted(GOLDEN))
def test_golden_request(path: str) -> None:
    request, expected = GOLDEN[path]
    assert isinstance(request, WIRE_MODELS[path][0])
    assert isinstance(request, m.Request)
    body = request.to_json()
    assert body == expected
    assert default_validator().validate_request(path, body) == []


def test_empty_filter_is_an_object() -> None:
    body = m.DeliveryMethodListRequest(limit=1, filter=m.DeliveryMethodFilter()).to_json()
    assert body == {"limit": 1, "filter": {}}
    assert m.ProductStocksRequest(limit=10).to_json() == {"filter": {}, "limit": 10}


def test_comment_list_by_sku_sends_no_review_id() -> None:
    body = m.CommentListRequest(limit=20, filter=m.CommentListFilter(sku=42)).to_json()
    assert body == {"limit": 20, "filter": {"sku": 42}}
    assert default_validator().validate_request("/v1/review/comment/list", body) == []


def test_request_times_are_sent_in_utc_with_z() -> None:
    moscow = datetime(2026, 8, 1, 3, 0, 0, 500000, tzinfo=MSK)
    body = m.TimeRange(from_=moscow, to=moscow).to_json()
    assert body == {"from": "2026-08-01T00:00:00.500000Z", "to": "2026-08-01T00:00:00.500000Z"}
