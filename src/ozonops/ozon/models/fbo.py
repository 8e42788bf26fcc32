"""FBO postings: the current v3 list, the legacy v2 list and the v2 lookup (ozon-api.md §3)."""

from __future__ import annotations

from pydantic import Field, model_validator

from ozonops.ozon.models.common import (
    KeyValue,
    Many,
    OzonInt,
    OzonTime,
    Request,
    Response,
    SortDir,
    UtcTime,
    check_period,
)
from ozonops.ozon.models.posting_parts import (
    AnalyticsData,
    Cancellation,
    ExternalOrder,
    FinancialData,
    LegalInfo,
    PostingProduct,
)

# --- requests ---------------------------------------------------------------------------------


class FboWith(Request):
    analytics_data: bool | None = None
    financial_data: bool | None = None
    legal_info: bool | None = None


class FboListV3Filter(Request):
    since: UtcTime | None = None
    to: UtcTime | None = None
    statuses: list[str] | None = None
    posting_numbers: list[str] | None = Field(None, max_length=1000)
    order_numbers: list[str] | None = Field(None, max_length=1000)

    @model_validator(mode="after")
    def _period(self) -> FboListV3Filter:
        if self.since and self.to:
            check_period(self.since, self.to, months=12, names="filter.since..filter.to")
        return self


class FboListV3Request(Request):
    filter: FboListV3Filter | None = None
    limit: int | None = Field(None, ge=1, le=100)
    cursor: str | None = None
    sort_dir: SortDir | None = None
    translit: bool | None = None
    with_: FboWith | None = Field(None, alias="with")


class FboListV2Filter(Request):
    since: UtcTime
    to: UtcTime
    status: str | None = None

    @model_validator(mode="after")
    def _period(self) -> FboListV2Filter:
        check_period(self.since, self.to, months=12, names="filter.since..filter.to")
        return self


class FboListV2Request(Request):
    """Legacy offset paging; Ozon refuses ``offset`` beyond 20000 (``MAX_OFFSET_EXCEEDED``)."""

    filter: FboListV2Filter
    limit: int = Field(ge=1, le=1000)
    offset: int | None = Field(None, ge=0, le=20000)
    dir: SortDir | None = None
    translit: bool | None = None
    with_: FboWith | None = Field(None, alias="with")


class FboGetV2Request(Request):
    posting_number: str = Field(min_length=1)
    translit: bool | None = None
    with_: FboWith | None = Field(None, alias="with")


# --- responses --------------------------------------------------------------------------------


class FboPosting(Response):
    """An FBO posting from v3 list, v2 list or v2 get (``fact_delivery_date`` only in get)."""

    posting_number: str | None = None
    order_id: OzonInt = None
    order_number: str | None = None
    status: str | None = None
    substatus: str | None = None
    created_at: OzonTime = None
    in_process_at: OzonTime = None
    fact_delivery_date: OzonTime = None
    cancel_reason_id: OzonInt = None
    cancellation: Cancellation | None = None
    products: Many[PostingProduct] = Field(default_factory=list)
    analytics_data: AnalyticsData | None = None
    financial_data: FinancialData | None = None
    legal_info: LegalInfo | None = None
    external_order: ExternalOrder | None = None
    additional_data: Many[KeyValue] = Field(default_factory=list)


class FboListV3Response(Response):
    postings: Many[FboPosting] = Field(default_factory=list)
    has_next: bool = False
    cursor: str | None = None


class FboListV2Response(Response):
    """``result`` is a plain array; there is no ``has_next`` (stop on a short page)."""

    result: Many[FboPosting] = Field(default_factory=list)


class FboGetV2Response(Response):
    result: FboPosting | None = None


__all__ = [
    "FboGetV2Request",
    "FboGetV2Response",
    "FboListV2Filter",
    "FboListV2Request",
    "FboListV2Response",
    "FboListV3Filter",
    "FboListV3Request",
    "FboListV3Response",
    "FboPosting",
    "FboWith",
]
