"""``OzonClient``: one shop's typed Seller API client — one short async method per method.

Every method takes its request model, or the same fields as keyword arguments (nested blocks as
dicts), and returns the parsed response model::

    async with OzonClient(client_id="123", api_key=SecretStr("...")) as ozon:
        page = await ozon.fbs_list(filter={"since": since, "to": to}, limit=100)
        async for posting in ozon.iter_fbs_postings(since, to):
            ...

The steps (house habit 4): build the request model (arguments the spec forbids raise
``InvalidArguments`` before anything is sent) → ``OzonHttp.post`` (rate limit, retries, Ozon's
errors) → parse the response model (``UnexpectedResponse`` if it does not fit). Batch writes
answer per posting: they return a :class:`~ozonops.ozon.bulk.BulkResult`, and the ``bulk_*``
helpers cut any number of postings into calls of 20. ``iter_*`` walk whole lists.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any, Literal, TypeVar

import httpx
from pydantic import BaseModel, SecretStr

from ozonops.ozon import models as m
from ozonops.ozon.bulk import BULK_CHUNK, BulkResult, ItemFailure, chunked
from ozonops.ozon.errors import ApiError, InvalidArguments
from ozonops.ozon.http import DEFAULT_BASE_URL, AsyncClosing, OzonHttp
from ozonops.ozon.metrics import Metrics
from ozonops.ozon.pagination import (
    CursorPaginator,
    LastIdPaginator,
    PagePaginator,
    Paginator,
    iter_items,
)
from ozonops.ozon.ratelimit import Limiter
from ozonops.ozon.retry import RetryPolicy
from ozonops.ozon.windows import WindowedList, WindowStats, read_windows
from ozonops.ozon.wire import build_request, parse_response, request_body

__all__ = ["OzonClient"]

RequestT = TypeVar("RequestT", bound=BaseModel)
ResponseT = TypeVar("ResponseT", bound=BaseModel)
StatusMove = Literal["delivering", "last-mile", "delivered"]
_TICK = timedelta(microseconds=1)
#: Hears each call's outcome: the method path and None (success) or the error.
Observer = Callable[[str, BaseException | None], object]


class OzonClient(AsyncClosing):
    """The Seller API as one shop: credentials, base URL and the sending stack of ``OzonHttp``.

    ``transport`` replaces the network (``httpx.ASGITransport(simulator)`` in tests);
    ``limiter``, ``limit_rate``, ``retry`` and ``metrics`` pass through to ``OzonHttp``.
    ``observer`` hears every call's outcome (``None`` for success, else the error, parse
    failures included) — ``ShopClients`` feeds its degradation detector this way.
    """

    def __init__(
        self,
        *,
        client_id: str,
        api_key: SecretStr,
        base_url: str = DEFAULT_BASE_URL,
        transport: httpx.AsyncBaseTransport | None = None,
        limiter: Limiter | None = None,
        limit_rate: bool = True,
        retry: RetryPolicy | None = None,
        metrics: Metrics | None = None,
        observer: Observer | None = None,
        **http_options: Any,
    ) -> None:
        self._observer = observer
        self.http = OzonHttp(
            client_id=client_id,
            api_key=api_key,
            base_url=base_url,
            transport=transport,
            limiter=limiter,
            limit_rate=limit_rate,
            policy=retry,
            metrics=metrics,
            **http_options,
        )

    @classmethod
    def over(cls, http: OzonHttp, *, observer: Observer | None = None) -> OzonClient:
        """A client sending through an existing ``OzonHttp`` (its pool, limiter, metrics)."""
        client = cls.__new__(cls)
        client.http = http
        client._observer = observer
        return client

    def __repr__(self) -> str:
        return f"OzonClient(client_id={self.http.client_id!r})"

    @property
    def metrics(self) -> Metrics:
        return self.http.metrics

    async def aclose(self) -> None:
        await self.http.aclose()

    async def _call(
        self,
        path: str,
        request_type: type[RequestT],
        response_type: type[ResponseT],
        request: BaseModel | None,
        fields: Mapping[str, Any],
    ) -> ResponseT:
        built = build_request(path, request_type, request, fields)
        try:
            data = await self.http.post(path, request_body(built))
            parsed = parse_response(path, response_type, data)
        except ApiError as exc:
            if self._observer is not None:
                self._observer(path, exc)
            raise
        if self._observer is not None:
            self._observer(path, None)
        return parsed

    # --- one method per Seller API method ------------------------------------------------------
    async def fbs_list(
        self, request: m.FbsListV4Request | None = None, /, **fields: Any
    ) -> m.FbsListV4Response:
        """One page of FBS/rFBS postings created in ``filter.since..to`` (cursor)."""
        return await self._call(
            "/v4/posting/fbs/list", m.FbsListV4Request, m.FbsListV4Response, request, fields
        )

    async def fbs_unfulfilled_list(
        self, request: m.FbsUnfulfilledListV4Request | None = None, /, **fields: Any
    ) -> m.FbsUnfulfilledListV4Response:
        """One page of postings still to ship, by cut-off or handover window (cursor)."""
        return await self._call(
            "/v4/posting/fbs/unfulfilled/list",
            m.FbsUnfulfilledListV4Request,
            m.FbsUnfulfilledListV4Response,
            request,
            fields,
        )

    async def fbs_list_v3(
        self, request: m.FbsListV3Request | None = None, /, **fields: Any
    ) -> m.FbsListV3Response:
        """One page of the legacy v3 FBS list (offset; off 31 Aug 2026)."""
        return await self._call(
            "/v3/posting/fbs/list", m.FbsListV3Request, m.FbsListV3Response, request, fields
        )

    async def fbs_get(
        self, request: m.FbsGetV3Request | None = None, /, **fields: Any
    ) -> m.FbsGetV3Response:
        """One FBS/rFBS posting by number."""
        return await self._call(
            "/v3/posting/fbs/get", m.FbsGetV3Request, m.FbsGetV3Response, request, fields
        )

    async def fbo_list(
        self, request: m.FboListV3Request | None = None, /, **fields: Any
    ) -> m.FboListV3Response:
        """One page of FBO postings (cursor)."""
        return await self._call(
            "/v3/posting/fbo/list", m.FboListV3Request, m.FboListV3Response, request, fields
        )

    async def fbo_list_v2(
        self, request: m.FboListV2Request | None = None, /, **fields: Any
    ) -> m.FboListV2Response:
        """One page of the legacy v2 FBO list (offset; off 31 Aug 2026)."""
        return await self._call(
            "/v2/posting/fbo/list", m.FboListV2Request, m.FboListV2Response, request, fields
        )

    async def fbo_get(
        self, request: m.FboGetV2Request | None = None, /, **fields: Any
    ) -> m.FboGetV2Response:
        """One FBO posting by number."""
        return await self._call(
            "/v2/posting/fbo/get", m.FboGetV2Request, m.FboGetV2Response, request, fields
        )

    async def fbs_ship(
        self, request: m.ShipV4Request | None = None, /, **fields: Any
    ) -> m.ShipV4Response:
        """Pack a posting into packages (not retried: a repeat may pack twice)."""
        return await self._call(
            "/v4/posting/fbs/ship", m.ShipV4Request, m.ShipV4Response, request, fields
        )

    async def fbs_cancel(
        self, request: m.CancelRequest | None = None, /, **fields: Any
    ) -> m.CancelResponse:
        """Cancel a posting with a reason from :meth:`cancel_reasons`."""
        return await self._call(
            "/v2/posting/fbs/cancel", m.CancelRequest, m.CancelResponse, request, fields
        )

    async def cancel_reasons(
        self, request: m.CancelReasonListRequest | None = None, /, **fields: Any
    ) -> m.CancelReasonListResponse:
        """The cancellation reasons."""
        return await self._call(
            "/v2/posting/fbs/cancel-reason/list",
            m.CancelReasonListRequest,
            m.CancelReasonListResponse,
            request,
            fields,
        )

    async def fbs_arbitration(
        self, request: m.PostingNumbersRequest | None = None, /, **fields: Any
    ) -> m.ArbitrationResponse:
        """Open a dispute for postings."""
        return await self._call(
            "/v2/posting/fbs/arbitration",
            m.PostingNumbersRequest,
            m.ArbitrationResponse,
            request,
            fields,
        )

    async def returns_list(
        self, request: m.ReturnsListRequest | None = None, /, **fields: Any
    ) -> m.ReturnsListResponse:
        """One page of FBO/FBS returns (``last_id``)."""
        return await self._call(
            "/v1/returns/list", m.ReturnsListRequest, m.ReturnsListResponse, request, fields
        )

    async def rfbs_returns_list(
        self, request: m.RfbsReturnsListRequest | None = None, /, **fields: Any
    ) -> m.RfbsReturnsListResponse:
        """rFBS return requests after ``last_id`` (one per call)."""
        return await self._call(
            "/v2/returns/rfbs/list",
            m.RfbsReturnsListRequest,
            m.RfbsReturnsListResponse,
            request,
            fields,
        )

    async def rfbs_return_get(
        self, request: m.RfbsReturnGetRequest | None = None, /, **fields: Any
    ) -> m.RfbsReturnGetResponse:
        """One rFBS return request with its available actions."""
        return await self._call(
            "/v2/returns/rfbs/get", m.RfbsReturnGetRequest, m.RfbsReturnGetResponse, request, fields
        )

    async def rfbs_return_action(
        self, request: m.RfbsActionSetRequest | None = None, /, **fields: Any
    ) -> m.RfbsActionSetResponse:
        """Act on an rFBS return request (approve, reject, compensate...)."""
        return await self._call(
            "/v1/returns/rfbs/action/set",
            m.RfbsActionSetRequest,
            m.RfbsActionSetResponse,
            request,
            fields,
        )

    async def review_list(
        self, request: m.ReviewListRequest | None = None, /, **fields: Any
    ) -> m.ReviewListResponse:
        """One page of reviews (``last_id``)."""
        return await self._call(
            "/v2/review/list", m.ReviewListRequest, m.ReviewListResponse, request, fields
        )

    async def review_info(
        self, request: m.ReviewInfoRequest | None = None, /, **fields: Any
    ) -> m.ReviewInfoResponse:
        """One review with photos and videos."""
        return await self._call(
            "/v2/review/info", m.ReviewInfoRequest, m.ReviewInfoResponse, request, fields
        )

    async def review_count(
        self, request: m.ReviewCountRequest | None = None, /, **fields: Any
    ) -> m.ReviewCountResponse:
        """Review counts by status."""
        return await self._call(
            "/v2/review/count", m.ReviewCountRequest, m.ReviewCountResponse, request, fields
        )

    async def review_change_status(
        self, request: m.ReviewChangeStatusRequest | None = None, /, **fields: Any
    ) -> m.ReviewChangeStatusResponse:
        """Set the status of up to 100 reviews."""
        return await self._call(
            "/v2/review/change-status",
            m.ReviewChangeStatusRequest,
            m.ReviewChangeStatusResponse,
            request,
            fields,
        )

    async def review_comment_create(
        self, request: m.CommentCreateRequest | None = None, /, **fields: Any
    ) -> m.CommentCreateResponse:
        """Answer a review (not retried: a repeat posts twice)."""
        return await self._call(
            "/v1/review/comment/create",
            m.CommentCreateRequest,
            m.CommentCreateResponse,
            request,
            fields,
        )

    async def review_comment_list(
        self, request: m.CommentListRequest | None = None, /, **fields: Any
    ) -> m.CommentListResponse:
        """One page of a review's comments (offset)."""
        return await self._call(
            "/v1/review/comment/list", m.CommentListRequest, m.CommentListResponse, request, fields
        )

    async def chat_list(
        self, request: m.ChatListRequest | None = None, /, **fields: Any
    ) -> m.ChatListResponse:
        """One page of chats (cursor)."""
        return await self._call(
            "/v3/chat/list", m.ChatListRequest, m.ChatListResponse, request, fields
        )

    async def chat_history(
        self, request: m.ChatHistoryRequest | None = None, /, **fields: Any
    ) -> m.ChatHistoryResponse:
        """Messages of one chat."""
        return await self._call(
            "/v3/chat/history", m.ChatHistoryRequest, m.ChatHistoryResponse, request, fields
        )

    async def chat_start(
        self, request: m.ChatStartRequest | None = None, /, **fields: Any
    ) -> m.ChatStartResponse:
        """Open (or find) the chat about a posting."""
        return await self._call(
            "/v1/chat/start", m.ChatStartRequest, m.ChatStartResponse, request, fields
        )

    async def chat_send_message(
        self, request: m.ChatSendMessageRequest | None = None, /, **fields: Any
    ) -> m.ChatSendMessageResponse:
        """Send a text to a chat (not retried: the buyer would get it twice)."""
        return await self._call(
            "/v1/chat/send/message",
            m.ChatSendMessageRequest,
            m.ChatSendMessageResponse,
            request,
            fields,
        )

    async def finance_transactions(
        self, request: m.TransactionListRequest | None = None, /, **fields: Any
    ) -> m.TransactionListResponse:
        """One page of transactions over at most one month (page)."""
        return await self._call(
            "/v3/finance/transaction/list",
            m.TransactionListRequest,
            m.TransactionListResponse,
            request,
            fields,
        )

    async def finance_totals(
        self, request: m.TransactionTotalsRequest | None = None, /, **fields: Any
    ) -> m.TransactionTotalsResponse:
        """Transaction totals for a period or a posting."""
        return await self._call(
            "/v3/finance/transaction/totals",
            m.TransactionTotalsRequest,
            m.TransactionTotalsResponse,
            request,
            fields,
        )

    async def accrual_postings(
        self, request: m.AccrualPostingsRequest | None = None, /, **fields: Any
    ) -> m.AccrualPostingsResponse:
        """Accruals of up to 200 postings."""
        return await self._call(
            "/v1/finance/accrual/postings",
            m.AccrualPostingsRequest,
            m.AccrualPostingsResponse,
            request,
            fields,
        )

    async def accrual_by_day(
        self, request: m.AccrualByDayRequest | None = None, /, **fields: Any
    ) -> m.AccrualByDayResponse:
        """One page of one day's accruals (``last_id``)."""
        return await self._call(
            "/v1/finance/accrual/by-day",
            m.AccrualByDayRequest,
            m.AccrualByDayResponse,
            request,
            fields,
        )

    async def accrual_types(
        self, request: m.AccrualTypesRequest | None = None, /, **fields: Any
    ) -> m.AccrualTypesResponse:
        """The accrual types."""
        return await self._call(
            "/v1/finance/accrual/types",
            m.AccrualTypesRequest,
            m.AccrualTypesResponse,
            request,
            fields,
        )

    async def realization(
        self, request: m.RealizationRequest | None = None, /, **fields: Any
    ) -> m.RealizationResponse:
        """A month's realization report."""
        return await self._call(
            "/v2/finance/realization", m.RealizationRequest, m.RealizationResponse, request, fields
        )

    async def realization_by_posting(
        self, request: m.RealizationPostingRequest | None = None, /, **fields: Any
    ) -> m.RealizationPostingResponse:
        """A month's realization report, one row per posting line."""
        return await self._call(
            "/v1/finance/realization/posting",
            m.RealizationPostingRequest,
            m.RealizationPostingResponse,
            request,
            fields,
        )

    async def cash_flow_statement(
        self, request: m.CashFlowStatementRequest | None = None, /, **fields: Any
    ) -> m.CashFlowStatementResponse:
        """One page of the half-monthly cash-flow statement (page)."""
        return await self._call(
            "/v1/finance/cash-flow-statement/list",
            m.CashFlowStatementRequest,
            m.CashFlowStatementResponse,
            request,
            fields,
        )

    async def analytics_stocks(
        self, request: m.AnalyticsStocksRequest | None = None, /, **fields: Any
    ) -> m.AnalyticsStocksResponse:
        """FBO stock analytics for up to 100 SKUs."""
        return await self._call(
            "/v1/analytics/stocks",
            m.AnalyticsStocksRequest,
            m.AnalyticsStocksResponse,
            request,
            fields,
        )

    async def product_stocks(
        self, request: m.ProductStocksRequest | None = None, /, **fields: Any
    ) -> m.ProductStocksResponse:
        """One page of FBS/rFBS stock per product (cursor)."""
        return await self._call(
            "/v4/product/info/stocks",
            m.ProductStocksRequest,
            m.ProductStocksResponse,
            request,
            fields,
        )

    async def supply_order_list(
        self, request: m.SupplyOrderListRequest | None = None, /, **fields: Any
    ) -> m.SupplyOrderListResponse:
        """One page of FBO supply order ids (``last_id``)."""
        return await self._call(
            "/v3/supply-order/list",
            m.SupplyOrderListRequest,
            m.SupplyOrderListResponse,
            request,
            fields,
        )

    async def supply_order_get(
        self, request: m.SupplyOrderGetRequest | None = None, /, **fields: Any
    ) -> m.SupplyOrderGetResponse:
        """Up to 50 supply orders by id."""
        return await self._call(
            "/v3/supply-order/get",
            m.SupplyOrderGetRequest,
            m.SupplyOrderGetResponse,
            request,
            fields,
        )

    async def warehouse_list(
        self, request: m.WarehouseListRequest | None = None, /, **fields: Any
    ) -> m.WarehouseListResponse:
        """One page of the seller's FBS/rFBS warehouses (cursor)."""
        return await self._call(
            "/v2/warehouse/list", m.WarehouseListRequest, m.WarehouseListResponse, request, fields
        )

    async def delivery_method_list(
        self, request: m.DeliveryMethodListRequest | None = None, /, **fields: Any
    ) -> m.DeliveryMethodListResponse:
        """One page of delivery methods (cursor)."""
        return await self._call(
            "/v2/delivery-method/list",
            m.DeliveryMethodListRequest,
            m.DeliveryMethodListResponse,
            request,
            fields,
        )

    async def roles(
        self, request: m.RolesRequest | None = None, /, **fields: Any
    ) -> m.RolesResponse:
        """The API key's roles, methods and expiry."""
        return await self._call("/v1/roles", m.RolesRequest, m.RolesResponse, request, fields)

    # --- batch writes: one outcome per posting -------------------------------------------------
    async def set_tracking_numbers(
        self, request: m.TrackingNumberSetRequest | None = None, /, **fields: Any
    ) -> BulkResult:
        """``/v2/fbs/posting/tracking-number/set``: up to 20 rFBS tracking numbers."""
        path = "/v2/fbs/posting/tracking-number/set"
        built = build_request(path, m.TrackingNumberSetRequest, request, fields)
        answer = await self._call(path, m.TrackingNumberSetRequest, m.MoveStatusResponse, built, {})
        return BulkResult.from_response([t.posting_number for t in built.tracking_numbers], answer)

    async def move_to_delivering(
        self, request: m.PostingNumbersRequest | None = None, /, **fields: Any
    ) -> BulkResult:
        """``/v2/fbs/posting/delivering``: rFBS postings handed to the carrier."""
        return await self._move("/v2/fbs/posting/delivering", request, fields)

    async def move_to_last_mile(
        self, request: m.PostingNumbersRequest | None = None, /, **fields: Any
    ) -> BulkResult:
        """``/v2/fbs/posting/last-mile``: rFBS postings out for final delivery."""
        return await self._move("/v2/fbs/posting/last-mile", request, fields)

    async def move_to_delivered(
        self, request: m.PostingNumbersRequest | None = None, /, **fields: Any
    ) -> BulkResult:
        """``/v2/fbs/posting/delivered``: rFBS postings delivered to the buyer."""
        return await self._move("/v2/fbs/posting/delivered", request, fields)

    async def _move(
        self, path: str, request: BaseModel | None, fields: Mapping[str, Any]
    ) -> BulkResult:
        built = build_request(path, m.PostingNumbersRequest, request, fields)
        answer = await self._call(path, m.PostingNumbersRequest, m.MoveStatusResponse, built, {})
        return BulkResult.from_response(built.posting_number, answer)

    async def bulk_set_tracking_numbers(
        self, pairs: Iterable[tuple[str, str]], *, chunk: int = BULK_CHUNK
    ) -> BulkResult:
        """Any number of ``(posting_number, tracking_number)`` pairs, 20 per call.

        A pair the spec refuses, or a call that fails as a whole, becomes failed items; the
        other calls still go.
        """
        result = BulkResult()
        valid: list[m.TrackingNumber] = []
        for number, track in pairs:
            if not number or not track:
                result += BulkResult(failed=(ItemFailure(number, "empty tracking number"),))
            else:
                valid.append(m.TrackingNumber(posting_number=number, tracking_number=track))
        for part in chunked(valid, chunk):
            sent = [t.posting_number for t in part]
            try:
                result += await self.set_tracking_numbers(tracking_numbers=list(part))
            except ApiError as exc:
                if isinstance(exc, InvalidArguments):
                    raise
                result += BulkResult.from_error(sent, exc)
        return result

    async def bulk_move(
        self, step: StatusMove, posting_numbers: Sequence[str], *, chunk: int = BULK_CHUNK
    ) -> BulkResult:
        """Move any number of rFBS postings one step (``delivering``, ``last-mile``,
        ``delivered``), ``chunk`` per call; failures are data."""
        path = f"/v2/fbs/posting/{step}"
        result = BulkResult()
        for part in chunked(list(posting_numbers), chunk):
            try:
                result += await self._move(path, None, {"posting_number": list(part)})
            except ApiError as exc:
                if isinstance(exc, InvalidArguments):
                    raise
                result += BulkResult.from_error(part, exc)
        return result

    # --- whole lists ---------------------------------------------------------------------------
    def _walk(
        self,
        path: str,
        request_type: type[BaseModel],
        response_type: type[BaseModel],
        fields: Mapping[str, Any],
        paginator: Paginator,
    ) -> AsyncIterator[Any]:
        request = build_request(path, request_type, None, fields)  # refuses before sending
        return iter_items(self.http, path, request, response_type, paginator)

    def fbs_postings_list(self, **fields: Any) -> WindowedList[m.FbsPosting]:
        """How the window splitter reads ``/v4/posting/fbs/list`` (``filter`` fields, ``with``)."""
        path = "/v4/posting/fbs/list"
        filters = dict(fields.pop("filter", None) or {})

        def make(since: datetime, to: datetime) -> BaseModel:
            body = {
                **fields,
                "filter": {**filters, "since": since, "to": to},
                "limit": 100,
                "sort_dir": "ASC",
            }
            return build_request(path, m.FbsListV4Request, None, body)

        return WindowedList(path, m.FbsListV4Response, make, key_model=m.PostingKeysPage)

    async def iter_fbs_postings(
        self,
        since: datetime,
        to: datetime,
        *,
        concurrency: int = 10,
        stats: WindowStats | None = None,
        **fields: Any,
    ) -> AsyncIterator[m.FbsPosting]:
        """Every FBS/rFBS posting created in ``[since, to]`` (any length), oldest first.

        Read in concurrent windows (``ozonops.ozon.windows``); ``fields`` are the request's
        other fields (``filter={"statuses": [...]}``, ``with_={...}``).
        """
        spec = self.fbs_postings_list(**fields)
        _check_range(spec, since, to)
        async for posting in read_windows(
            self.http, spec, since, to, concurrency=concurrency, stats=stats
        ):
            yield posting

    async def iter_fbo_postings(
        self,
        since: datetime,
        to: datetime,
        *,
        concurrency: int = 10,
        stats: WindowStats | None = None,
        **fields: Any,
    ) -> AsyncIterator[m.FboPosting]:
        """Every FBO posting created in ``[since, to]``, oldest first, in concurrent windows."""
        path = "/v3/posting/fbo/list"
        filters = dict(fields.pop("filter", None) or {})

        def make(a: datetime, b: datetime) -> BaseModel:
            body = {**fields, "filter": {**filters, "since": a, "to": b}, "limit": 100}
            return build_request(path, m.FboListV3Request, None, {**body, "sort_dir": "ASC"})

        spec: WindowedList[m.FboPosting] = WindowedList(
            path,
            m.FboListV3Response,
            make,
            key=lambda p: p.created_at,
            key_model=m.PostingKeysPage,
        )
        _check_range(spec, since, to)
        async for posting in read_windows(
            self.http, spec, since, to, concurrency=concurrency, stats=stats
        ):
            yield posting

    def iter_returns(self, *, limit: int = 500, **fields: Any) -> AsyncIterator[m.Return]:
        """Every FBO/FBS return matching ``filter`` (one of its three date ranges)."""
        return self._walk(
            "/v1/returns/list",
            m.ReturnsListRequest,
            m.ReturnsListResponse,
            {**fields, "limit": limit},
            LastIdPaginator(items="returns", last_id_field=None, item_id="id"),
        )

    def iter_rfbs_returns(self, *, limit: int = 100, **fields: Any) -> AsyncIterator[m.RfbsReturn]:
        """Every rFBS return request (Ozon answers one per call)."""
        return self._walk(
            "/v2/returns/rfbs/list",
            m.RfbsReturnsListRequest,
            m.RfbsReturnsListResponse,
            {**fields, "limit": limit},
            LastIdPaginator(
                items="returns", last_id_field=None, item_id="return_id", has_next_field=None
            ),
        )

    def iter_reviews(self, *, limit: int = 100, **fields: Any) -> AsyncIterator[m.Review]:
        """Every review matching ``filters``, newest first unless ``sort_dir="ASC"``."""
        return self._walk(
            "/v2/review/list",
            m.ReviewListRequest,
            m.ReviewListResponse,
            {**fields, "limit": limit},
            LastIdPaginator(items="reviews"),
        )

    def iter_chats(self, *, limit: int = 100, **fields: Any) -> AsyncIterator[m.ChatInfo]:
        """Every chat matching ``filter``."""
        return self._walk(
            "/v3/chat/list",
            m.ChatListRequest,
            m.ChatListResponse,
            {**fields, "limit": limit},
            CursorPaginator(items="chats"),
        )

    async def iter_transactions(
        self, since: datetime, to: datetime, *, page_size: int = 1000, **filters: Any
    ) -> AsyncIterator[m.Operation]:
        """Every transaction in ``[since, to]``, a calendar month per walk (Ozon's limit)."""
        path = "/v3/finance/transaction/list"
        start = since
        while start <= to:
            end = min(m.add_months(start, 1), to)
            stop = end if end == to else end - _TICK  # windows must not share an instant
            fields = {"filter": {**filters, "date": {"from": start, "to": stop}}}
            walk = self._walk(
                path,
                m.TransactionListRequest,
                m.TransactionListResponse,
                {**fields, "page": 1, "page_size": page_size},
                PagePaginator(items="result.operations"),
            )
            async for operation in walk:
                yield operation
            if end == to:
                return
            start = end


def _check_range(spec: WindowedList[Any], since: datetime, to: datetime) -> None:
    """Refuse bad arguments before the first call: build the first window's request."""
    if to < since:
        raise InvalidArguments("`to` must not be before `since`", method=spec.path)
    spec.make_request(since, min(to, m.add_months(since, 12)))
