"""Returns: the FBO/FBS returns list and rFBS return requests (ozon-api.md §4).

``returns`` in ``/v2/returns/rfbs/list`` is an array in Ozon's example and an object in the
schema (§14): the list model always holds a list (a lone object becomes one item), and the
``get`` model always holds one object (an array yields its first item).
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, model_validator

from ozonops.ozon.models.common import (
    EmptyResponse,
    Many,
    OzonDecimal,
    OzonInt,
    OzonTime,
    PriceMoney,
    Request,
    Response,
    UtcTime,
)

# --- requests ---------------------------------------------------------------------------------


class ReturnsTimeRange(Request):
    time_from: UtcTime
    time_to: UtcTime

    @model_validator(mode="after")
    def _ordered(self) -> ReturnsTimeRange:
        if self.time_from > self.time_to:
            raise ValueError("time_from must not be after time_to")
        return self


class ReturnsListFilter(Request):
    """Exactly one of the three date filters, as Ozon requires."""

    logistic_return_date: ReturnsTimeRange | None = None
    storage_tariffication_start_date: ReturnsTimeRange | None = None
    visual_status_change_moment: ReturnsTimeRange | None = None
    order_id: int | None = None
    posting_numbers: list[str] | None = Field(None, max_length=50)
    product_name: str | None = None
    offer_id: str | None = None
    visual_status_name: str | None = None
    warehouse_id: int | None = None
    barcode: str | None = None
    return_schema: Literal["FBS", "FBO"] | None = None
    compensation_status_id: int | None = Field(None, ge=1, le=4)

    @model_validator(mode="after")
    def _one_date_filter(self) -> ReturnsListFilter:
        dates = (
            self.logistic_return_date,
            self.storage_tariffication_start_date,
            self.visual_status_change_moment,
        )
        if sum(d is not None for d in dates) != 1:
            raise ValueError(
                "give exactly one date filter: logistic_return_date, "
                "storage_tariffication_start_date or visual_status_change_moment"
            )
        return self


class ReturnsListRequest(Request):
    filter: ReturnsListFilter
    limit: int = Field(ge=1, le=500)
    last_id: int | None = None


class RfbsCreatedAt(Request):
    from_: UtcTime | None = Field(None, alias="from")
    to: UtcTime | None = None


class RfbsReturnsFilter(Request):
    offer_id: str | None = None
    posting_number: str | None = None
    group_state: list[str] | None = None
    created_at: RfbsCreatedAt | None = None


class RfbsReturnsListRequest(Request):
    filter: RfbsReturnsFilter | None = None
    limit: int = Field(ge=1)
    last_id: int | None = None


class RfbsReturnGetRequest(Request):
    return_id: int


class RfbsActionSetRequest(Request):
    """Act on an rFBS return; ``id`` comes from the return's ``available_actions``.

    Reject-type actions (-1, -10) need ``comment`` and ``rejection_reason_id``; partial
    compensation (1020) needs ``compensation_amount``.
    """

    return_id: int
    id: int
    comment: str | None = None
    rejection_reason_id: int | None = None
    compensation_amount: float | None = None
    return_for_back_way: float | None = None

    @model_validator(mode="after")
    def _required_by_action(self) -> RfbsActionSetRequest:
        if self.id in (-1, -10) and (not self.comment or self.rejection_reason_id is None):
            raise ValueError(f"action {self.id} needs comment and rejection_reason_id")
        if self.id == 1020 and self.compensation_amount is None:
            raise ValueError("action 1020 needs compensation_amount")
        return self


# --- responses --------------------------------------------------------------------------------


class ReturnPlace(Response):
    id: OzonInt = None
    name: str | None = None
    address: str | None = None


class ReturnStorage(Response):
    sum: PriceMoney | None = None
    tariffication_first_date: OzonTime = None
    tariffication_start_date: OzonTime = None
    arrived_moment: OzonTime = None
    days: OzonInt = None
    utilization_sum: PriceMoney | None = None
    utilization_forecast_date: OzonTime = None


class ReturnProduct(Response):
    sku: OzonInt = None
    offer_id: str | None = None
    name: str | None = None
    quantity: OzonInt = None
    price: PriceMoney | None = None
    price_without_commission: PriceMoney | None = None
    commission_percent: OzonDecimal = None
    commission: PriceMoney | None = None


class ReturnLogistic(Response):
    technical_return_moment: OzonTime = None
    final_moment: OzonTime = None
    cancelled_with_compensation_moment: OzonTime = None
    return_date: OzonTime = None
    barcode: str | None = None


class StatusRef(Response):
    id: OzonInt = None
    display_name: str | None = None
    sys_name: str | None = None


class ReturnVisual(Response):
    status: StatusRef | None = None
    change_moment: OzonTime = None


class ReturnCompensation(Response):
    status: StatusRef | None = None
    change_moment: OzonTime = None


class ReturnAdditionalInfo(Response):
    is_opened: bool = False
    is_super_econom: bool = False


class ReturnExemplar(Response):
    id: OzonInt = None


class Return(Response):
    id: OzonInt = None
    company_id: OzonInt = None
    posting_number: str | None = None
    order_id: OzonInt = None
    order_number: str | None = None
    schema_: str | None = Field(None, alias="schema")
    type: str | None = None
    return_reason_name: str | None = None
    source_id: OzonInt = None
    clearing_id: OzonInt = None
    return_clearing_id: OzonInt = None
    place: ReturnPlace | None = None
    target_place: ReturnPlace | None = None
    storage: ReturnStorage | None = None
    product: ReturnProduct | None = None
    logistic: ReturnLogistic | None = None
    visual: ReturnVisual | None = None
    additional_info: ReturnAdditionalInfo | None = None
    compensation_status: ReturnCompensation | None = None
    exemplars: Many[ReturnExemplar] = Field(default_factory=list)


class ReturnsListResponse(Response):
    returns: Many[Return] = Field(default_factory=list)
    has_next: bool = False


class RfbsProduct(Response):
    sku: OzonInt = None
    offer_id: str | None = None
    name: str | None = None
    price: OzonDecimal = None
    currency_code: str | None = None


class RfbsState(Response):
    group_state: str | None = None
    state: str | None = None
    state_name: str | None = None
    money_return_state_name: str | None = None


class RfbsReturn(Response):
    return_id: OzonInt = None
    return_number: str | None = None
    posting_number: str | None = None
    order_number: str | None = None
    client_name: str | None = None
    created_at: OzonTime = None
    product: RfbsProduct | None = None
    state: RfbsState | None = None


class RfbsReturnsListResponse(Response):
    returns: Many[RfbsReturn] = Field(default_factory=list)


class IdName(Response):
    id: OzonInt = None
    name: str | None = None


class RfbsAction(IdName):
    """An available action; Ozon's example nests it as ``{"action": {id, name}}``."""

    @model_validator(mode="before")
    @classmethod
    def _unwrap(cls, data: Any) -> Any:
        if isinstance(data, dict) and isinstance(data.get("action"), dict):
            return {**data["action"], **{k: v for k, v in data.items() if k != "action"}}
        return data


class RejectionReason(Response):
    id: OzonInt = None
    name: str | None = None
    hint: str | None = None
    is_comment_required: bool = False


class ReturnReason(Response):
    id: OzonInt = None
    name: str | None = None
    is_defect: bool = False


class RfbsReturnDetail(RfbsReturn):
    available_actions: Many[RfbsAction] = Field(default_factory=list)
    client_photo: Many[str] = Field(default_factory=list)
    client_return_method_type: IdName | None = None
    comment: str | None = None
    rejection_comment: str | None = None
    rejection_reason: Many[RejectionReason] = Field(default_factory=list)
    return_method_description: str | None = None
    return_reason: ReturnReason | None = None
    ru_post_tracking_number: str | None = None
    warehouse_id: OzonInt = None


class RfbsReturnGetResponse(Response):
    returns: RfbsReturnDetail | None = None

    @model_validator(mode="before")
    @classmethod
    def _first_of_array(cls, data: Any) -> Any:
        if isinstance(data, dict) and isinstance(data.get("returns"), list):
            items = data["returns"]
            return {**data, "returns": items[0] if items else None}
        return data


RfbsActionSetResponse = EmptyResponse

__all__ = [
    "IdName",
    "RejectionReason",
    "Return",
    "ReturnProduct",
    "ReturnReason",
    "ReturnsListFilter",
    "ReturnsListRequest",
    "ReturnsListResponse",
    "ReturnsTimeRange",
    "RfbsAction",
    "RfbsActionSetRequest",
    "RfbsActionSetResponse",
    "RfbsCreatedAt",
    "RfbsProduct",
    "RfbsReturn",
    "RfbsReturnDetail",
    "RfbsReturnGetRequest",
    "RfbsReturnGetResponse",
    "RfbsReturnsFilter",
    "RfbsReturnsListRequest",
    "RfbsReturnsListResponse",
    "RfbsState",
]
