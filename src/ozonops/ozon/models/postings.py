"""FBS/rFBS postings: lists, lookup, packing, tracking numbers, status moves, cancel, disputes.

Spec sections: ozon-api.md §1 (and §2 for the status vocabulary).
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from ozonops.ozon.models.common import (
    BoolResult,
    EmptyRequest,
    Int64Str,
    KeyValue,
    Many,
    MoveStatusResult,
    One,
    OzonDecimal,
    OzonInt,
    OzonTime,
    Request,
    Response,
    SortDir,
    TimeRange,
    UtcTime,
    check_period,
)
from ozonops.ozon.models.posting_parts import (
    Addressee,
    AnalyticsData,
    Barcodes,
    Cancellation,
    Container,
    Customer,
    DeliveryMethodRef,
    ExternalOrder,
    FinancialData,
    LegalInfo,
    OptionalProducts,
    PostingProduct,
    Requirements,
    SortingCenter,
    Tariffication,
    TarifficationStep,
)

# --- requests ---------------------------------------------------------------------------------

IdList = list[Int64Str]


class FbsListWith(Request):
    analytics_data: bool | None = None
    barcodes: bool | None = None
    financial_data: bool | None = None
    legal_info: bool | None = None


class FbsListV4Filter(Request):
    """``since``..``to`` is at most one year (Ozon answers ``PERIOD_IS_TOO_LONG`` otherwise)."""

    since: UtcTime
    to: UtcTime
    statuses: list[str] | None = None
    last_changed_status_date: TimeRange | None = None
    order_id: int | None = None
    order_numbers: list[str] | None = Field(None, max_length=100)
    warehouse_ids: IdList | None = Field(None, max_length=1000)
    delivery_method_ids: IdList | None = Field(None, max_length=1000)
    provider_ids: IdList | None = Field(None, max_length=1000)
    integration_type_flow: list[str] | None = None
    is_blr_traceable: bool | None = None

    @model_validator(mode="after")
    def _period(self) -> FbsListV4Filter:
        check_period(self.since, self.to, months=12, names="filter.since..filter.to")
        return self


class FbsListV4Request(Request):
    filter: FbsListV4Filter
    limit: int = Field(ge=1, le=100)
    cursor: str | None = None
    sort_dir: SortDir | None = None
    translit: bool | None = None
    with_: FbsListWith | None = Field(None, alias="with")


class FbsUnfulfilledListV4Filter(Request):
    """Exactly one window: the packing deadline (``cutoff_*``) or the handover date."""

    cutoff_from: UtcTime | None = None
    cutoff_to: UtcTime | None = None
    delivering_date_from: UtcTime | None = None
    delivering_date_to: UtcTime | None = None
    statuses: list[str] | None = None
    last_changed_status_date: TimeRange | None = None
    warehouse_ids: IdList | None = Field(None, max_length=1000)
    delivery_method_ids: IdList | None = Field(None, max_length=1000)
    provider_ids: IdList | None = Field(None, max_length=1000)

    @model_validator(mode="after")
    def _one_window(self) -> FbsUnfulfilledListV4Filter:
        cutoff = (self.cutoff_from, self.cutoff_to)
        delivering = (self.delivering_date_from, self.delivering_date_to)
        has_cutoff, has_delivering = any(cutoff), any(delivering)
        if has_cutoff == has_delivering:
            raise ValueError(
                "give exactly one window: cutoff_from/cutoff_to or "
                "delivering_date_from/delivering_date_to (Ozon refuses both and neither)"
            )
        start, end = cutoff if has_cutoff else delivering
        if start is None or end is None:
            pair = "cutoff_from/cutoff_to" if has_cutoff else "delivering_date_from/_to"
            raise ValueError(f"give both ends of {pair}")
        if start > end:
            raise ValueError("the window's start must not be after its end")
        return self


class FbsUnfulfilledListV4Request(Request):
    filter: FbsUnfulfilledListV4Filter
    limit: int | None = Field(None, ge=1, le=100)
    cursor: str | None = None
    sort_dir: SortDir | None = None
    translit: bool | None = None
    with_: FbsListWith | None = Field(None, alias="with")


class FbsListV3Filter(Request):
    """Legacy v3 filter: ``status`` is one string; the id lists mix int and string types."""

    since: UtcTime
    to: UtcTime
    status: str | None = None
    order_id: int | None = None
    warehouse_id: IdList | None = None
    delivery_method_id: list[int] | None = None
    provider_id: list[int] | None = None
    integration_type_flow: list[str] | None = None
    is_blr_traceable: bool | None = None
    is_quantum: bool | None = None
    last_changed_status_date: TimeRange | None = None

    @model_validator(mode="after")
    def _period(self) -> FbsListV3Filter:
        check_period(self.since, self.to, months=12, names="filter.since..filter.to")
        return self


class FbsListV3With(FbsListWith):
    translit: bool | None = None


class FbsListV3Request(Request):
    filter: FbsListV3Filter
    limit: int = Field(ge=1, le=1000)
    offset: int = Field(0, ge=0)
    dir: Literal["asc", "desc"] | None = None
    with_: FbsListV3With | None = Field(None, alias="with")


class FbsGetV3With(FbsListV3With):
    product_exemplars: bool | None = None
    related_postings: bool | None = None


class FbsGetV3Request(Request):
    posting_number: str = Field(min_length=1)
    with_: FbsGetV3With | None = Field(None, alias="with")


class ShipProduct(Request):
    product_id: int = Field(description="The SKU, not the seller's product_id.")
    quantity: int = Field(ge=1)


class ShipPackage(Request):
    products: list[ShipProduct] = Field(min_length=1)


class ShipWith(Request):
    additional_data: bool | None = None


class ShipV4Request(Request):
    posting_number: str = Field(min_length=1)
    packages: list[ShipPackage] = Field(min_length=1)
    with_: ShipWith | None = Field(None, alias="with")


class TrackingNumber(Request):
    posting_number: str = Field(min_length=1)
    tracking_number: str = Field(min_length=1)


class TrackingNumberSetRequest(Request):
    """At most 20 pairs per call; each succeeds or fails on its own."""

    tracking_numbers: list[TrackingNumber] = Field(min_length=1, max_length=20)


class PostingNumbersRequest(Request):
    """Body of the status moves (delivering, last-mile, delivered) and of arbitration."""

    posting_number: list[str] = Field(min_length=1)


class CancelRequest(Request):
    posting_number: str = Field(min_length=1)
    cancel_reason_id: int
    cancel_reason_message: str | None = None

    @model_validator(mode="after")
    def _message_for_other(self) -> CancelRequest:
        if self.cancel_reason_id == 402 and not self.cancel_reason_message:
            raise ValueError("cancel_reason_message is required when cancel_reason_id is 402")
        return self


CancelReasonListRequest = EmptyRequest

# --- responses --------------------------------------------------------------------------------


class Courier(Response):
    car_model: str | None = None
    car_number: str | None = None
    name: str | None = None
    phone: str | None = None


class PrrOption(Response):
    code: str | None = None
    price: OzonDecimal = None
    currency_code: str | None = None
    floor: str | None = None


class Exemplar(Response):
    exemplar_id: OzonInt = None
    mandatory_mark: str | None = None
    gtd: str | None = None
    is_gtd_absent: bool = False
    rnpt: str | None = None
    is_rnpt_absent: bool = False
    weight: OzonDecimal = None
    imei: Many[str] = Field(default_factory=list)


class ExemplarProduct(Response):
    sku: OzonInt = None
    exemplars: Many[Exemplar] = Field(default_factory=list)


class ProductExemplars(Response):
    products: Many[ExemplarProduct] = Field(default_factory=list)


class RelatedPostings(Response):
    related_posting_numbers: Many[str] = Field(default_factory=list)


class FbsPosting(Response):
    """An FBS/rFBS posting as the v4 lists, the v3 list and ``/v3/posting/fbs/get`` return it.

    ``prr_option`` is a code string in the lists and an object in ``get``.
    """

    posting_number: str | None = None
    order_id: OzonInt = None
    order_number: str | None = None
    parent_posting_number: str | None = None
    status: str | None = None
    substatus: str | None = None
    previous_substatus: str | None = None
    provider_status: str | None = None
    available_actions: Many[str] = Field(default_factory=list)
    in_process_at: OzonTime = None
    shipment_date: OzonTime = None
    shipment_date_without_delay: OzonTime = None
    delivering_date: OzonTime = None
    fact_delivery_date: OzonTime = None
    pickup_code_verified_at: OzonTime = None
    tracking_number: str | None = None
    tpl_integration_type: str | None = None
    integration_type_flow: str | None = None
    delivery_method: DeliveryMethodRef | None = None
    delivery_price: OzonDecimal = None
    delivery_schema: str | None = None
    is_express: bool = False
    is_multibox: bool = False
    multi_box_qty: OzonInt = None
    is_presortable: bool = False
    is_click_and_collect: bool = False
    require_blr_traceable_attrs: bool = False
    quantum_id: OzonInt = None
    destination_place_id: OzonInt = None
    destination_place_name: str | None = None
    container_sort_type: str | None = None
    volume_weight: OzonDecimal = None
    products: Many[PostingProduct] = Field(default_factory=list)
    addressee: Addressee | None = None
    customer: Customer | None = None
    courier: Courier | None = None
    cancellation: Cancellation | None = None
    analytics_data: AnalyticsData | None = None
    financial_data: FinancialData | None = None
    barcodes: Barcodes | None = None
    legal_info: LegalInfo | None = None
    external_order: ExternalOrder | None = None
    requirements: Requirements | None = None
    optional: OptionalProducts | None = None
    tariffication: One[Tariffication] = None
    tariffication_steps: Many[TarifficationStep] = Field(default_factory=list)
    container: Container | None = None
    sorting_center: SortingCenter | None = None
    prr_option: PrrOption | str | None = None
    product_exemplars: ProductExemplars | None = None
    related_postings: RelatedPostings | None = None
    related_weight_postings: Many[str] = Field(default_factory=list)
    additional_data: Many[KeyValue] = Field(default_factory=list)


class FbsListV4Response(Response):
    postings: Many[FbsPosting] = Field(default_factory=list)
    has_next: bool = False
    cursor: str | None = None


class FbsUnfulfilledListV4Response(FbsListV4Response):
    count: OzonInt = None


class FbsListV3Result(Response):
    postings: Many[FbsPosting] = Field(default_factory=list)
    has_next: bool = False
    count: OzonInt = None  # only the legacy unfulfilled list sends it


class FbsListV3Response(Response):
    result: FbsListV3Result = Field(default_factory=FbsListV3Result)


class FbsGetV3Response(Response):
    result: FbsPosting | None = None


class ShipAdditionalData(Response):
    posting_number: str | None = None
    products: Many[PostingProduct] = Field(default_factory=list)


class ShipV4Response(Response):
    """``result`` lists the posting numbers the packages became. 200 ≠ packed: re-read."""

    result: Many[str] = Field(default_factory=list)
    additional_data: Many[ShipAdditionalData] = Field(default_factory=list)


class MoveStatusResponse(Response):
    """Answer of tracking-number/set and the status moves: one outcome per posting."""

    result: Many[MoveStatusResult] = Field(default_factory=list)


class CancelReason(Response):
    id: OzonInt = None
    title: str | None = None
    type_id: str | None = None
    is_available_for_cancellation: bool = False


class CancelReasonListResponse(Response):
    result: Many[CancelReason] = Field(default_factory=list)


class PostingKey(BaseModel):
    """Just what the window splitter orders and deduplicates a posting by (FBS or FBO)."""

    model_config = ConfigDict(extra="ignore", coerce_numbers_to_str=True)

    posting_number: str | None = None
    in_process_at: OzonTime = None
    created_at: OzonTime = None


class PostingKeysPage(BaseModel):
    """A posting list page (v4 FBS, v3 FBO) read for its cursor and keys only.

    Every other field is skipped, and there are no Python hooks above the keys, so pydantic
    parses it straight from the bytes. ``postings`` is a plain list (``None`` for ``null``): a
    page this model refuses is read with the full model instead.
    """

    model_config = ConfigDict(extra="ignore", coerce_numbers_to_str=True)

    postings: list[PostingKey] | None = None
    has_next: bool | None = False
    cursor: str | None = None


CancelResponse = BoolResult
ArbitrationResponse = BoolResult

__all__ = [
    "ArbitrationResponse",
    "CancelReason",
    "CancelReasonListRequest",
    "CancelReasonListResponse",
    "CancelRequest",
    "CancelResponse",
    "Courier",
    "FbsGetV3Request",
    "FbsGetV3Response",
    "FbsGetV3With",
    "FbsListV3Filter",
    "FbsListV3Request",
    "FbsListV3Response",
    "FbsListV3Result",
    "FbsListV3With",
    "FbsListV4Filter",
    "FbsListV4Request",
    "FbsListV4Response",
    "FbsListWith",
    "FbsPosting",
    "FbsUnfulfilledListV4Filter",
    "FbsUnfulfilledListV4Request",
    "FbsUnfulfilledListV4Response",
    "MoveStatusResponse",
    "PostingKey",
    "PostingKeysPage",
    "PostingNumbersRequest",
    "PrrOption",
    "ShipAdditionalData",
    "ShipPackage",
    "ShipProduct",
    "ShipV4Request",
    "ShipV4Response",
    "ShipWith",
    "TrackingNumber",
    "TrackingNumberSetRequest",
]
