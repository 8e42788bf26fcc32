"""Which request and response model belong to each Seller API method we call."""

from __future__ import annotations

from pydantic import BaseModel

from ozonops.ozon.models import (
    accruals,
    chats,
    fbo,
    finance,
    postings,
    reference,
    returns,
    reviews,
    stocks,
)

WIRE_MODELS: dict[str, tuple[type[BaseModel], type[BaseModel]]] = {
    # FBS / rFBS postings
    "/v4/posting/fbs/list": (postings.FbsListV4Request, postings.FbsListV4Response),
    "/v4/posting/fbs/unfulfilled/list": (
        postings.FbsUnfulfilledListV4Request,
        postings.FbsUnfulfilledListV4Response,
    ),
    "/v3/posting/fbs/list": (postings.FbsListV3Request, postings.FbsListV3Response),
    "/v3/posting/fbs/get": (postings.FbsGetV3Request, postings.FbsGetV3Response),
    "/v4/posting/fbs/ship": (postings.ShipV4Request, postings.ShipV4Response),
    "/v2/fbs/posting/tracking-number/set": (
        postings.TrackingNumberSetRequest,
        postings.MoveStatusResponse,
    ),
    "/v2/fbs/posting/delivering": (postings.PostingNumbersRequest, postings.MoveStatusResponse),
    "/v2/fbs/posting/last-mile": (postings.PostingNumbersRequest, postings.MoveStatusResponse),
    "/v2/fbs/posting/delivered": (postings.PostingNumbersRequest, postings.MoveStatusResponse),
    "/v2/posting/fbs/cancel": (postings.CancelRequest, postings.CancelResponse),
    "/v2/posting/fbs/cancel-reason/list": (
        postings.CancelReasonListRequest,
        postings.CancelReasonListResponse,
    ),
    "/v2/posting/fbs/arbitration": (postings.PostingNumbersRequest, postings.ArbitrationResponse),
    # FBO postings
    "/v3/posting/fbo/list": (fbo.FboListV3Request, fbo.FboListV3Response),
    "/v2/posting/fbo/list": (fbo.FboListV2Request, fbo.FboListV2Response),
    "/v2/posting/fbo/get": (fbo.FboGetV2Request, fbo.FboGetV2Response),
    # returns
    "/v1/returns/list": (returns.ReturnsListRequest, returns.ReturnsListResponse),
    "/v2/returns/rfbs/list": (returns.RfbsReturnsListRequest, returns.RfbsReturnsListResponse),
    "/v2/returns/rfbs/get": (returns.RfbsReturnGetRequest, returns.RfbsReturnGetResponse),
    "/v1/returns/rfbs/action/set": (
        returns.RfbsActionSetRequest,
        returns.RfbsActionSetResponse,
    ),
    # reviews
    "/v2/review/list": (reviews.ReviewListRequest, reviews.ReviewListResponse),
    "/v2/review/info": (reviews.ReviewInfoRequest, reviews.ReviewInfoResponse),
    "/v2/review/count": (reviews.ReviewCountRequest, reviews.ReviewCountResponse),
    "/v2/review/change-status": (
        reviews.ReviewChangeStatusRequest,
        reviews.ReviewChangeStatusResponse,
    ),
    "/v1/review/comment/create": (reviews.CommentCreateRequest, reviews.CommentCreateResponse),
    "/v1/review/comment/list": (reviews.CommentListRequest, reviews.CommentListResponse),
    # chats
    "/v3/chat/list": (chats.ChatListRequest, chats.ChatListResponse),
    "/v3/chat/history": (chats.ChatHistoryRequest, chats.ChatHistoryResponse),
    "/v1/chat/start": (chats.ChatStartRequest, chats.ChatStartResponse),
    "/v1/chat/send/message": (chats.ChatSendMessageRequest, chats.ChatSendMessageResponse),
    # finance
    "/v3/finance/transaction/list": (
        finance.TransactionListRequest,
        finance.TransactionListResponse,
    ),
    "/v3/finance/transaction/totals": (
        finance.TransactionTotalsRequest,
        finance.TransactionTotalsResponse,
    ),
    "/v1/finance/accrual/postings": (
        accruals.AccrualPostingsRequest,
        accruals.AccrualPostingsResponse,
    ),
    "/v1/finance/accrual/by-day": (accruals.AccrualByDayRequest, accruals.AccrualByDayResponse),
    "/v1/finance/accrual/types": (accruals.AccrualTypesRequest, accruals.AccrualTypesResponse),
    "/v2/finance/realization": (finance.RealizationRequest, finance.RealizationResponse),
    "/v1/finance/realization/posting": (
        finance.RealizationPostingRequest,
        finance.RealizationPostingResponse,
    ),
    "/v1/finance/cash-flow-statement/list": (
        finance.CashFlowStatementRequest,
        finance.CashFlowStatementResponse,
    ),
    # stock and supplies
    "/v1/analytics/stocks": (stocks.AnalyticsStocksRequest, stocks.AnalyticsStocksResponse),
    "/v4/product/info/stocks": (stocks.ProductStocksRequest, stocks.ProductStocksResponse),
    "/v3/supply-order/list": (stocks.SupplyOrderListRequest, stocks.SupplyOrderListResponse),
    "/v3/supply-order/get": (stocks.SupplyOrderGetRequest, stocks.SupplyOrderGetResponse),
    # reference
    "/v2/warehouse/list": (reference.WarehouseListRequest, reference.WarehouseListResponse),
    "/v2/delivery-method/list": (
        reference.DeliveryMethodListRequest,
        reference.DeliveryMethodListResponse,
    ),
    "/v1/roles": (reference.RolesRequest, reference.RolesResponse),
}
"""Path → (Request, Response) for every method the client calls; the client and the contract
tests iterate over it."""

__all__ = ["WIRE_MODELS"]
