"""Finance: transactions, realization reports, cash-flow statement (§7; accruals: accruals.py).

The cash-flow statement's ``details``, ``details.payments`` and the ``items`` of delivery and
return services are objects in the schema and arrays in Ozon's example (§14): all are lists here.
"""

from __future__ import annotations

from pydantic import Field, model_validator

from ozonops.ozon.models.common import (
    Many,
    OzonDate,
    OzonDecimal,
    OzonInt,
    OzonTime,
    Request,
    Response,
    TimeRange,
    UtcTime,
    check_period,
)

TransactionType = str  # all|orders|returns|services|compensation|transferDelivery|other

# --- requests ---------------------------------------------------------------------------------


class TransactionPeriod(Request):
    from_: UtcTime = Field(alias="from")
    to: UtcTime


class TransactionListFilter(Request):
    """Exactly one of ``date`` (at most one calendar month) or ``posting_number``."""

    date: TransactionPeriod | None = None
    posting_number: str | None = None
    operation_type: list[str] | None = None
    transaction_type: TransactionType | None = None

    @model_validator(mode="after")
    def _one_selector(self) -> TransactionListFilter:
        if (self.date is None) == (self.posting_number is None):
            raise ValueError("give exactly one of filter.date or filter.posting_number")
        if self.date is not None:
            check_period(self.date.from_, self.date.to, months=1, names="filter.date")
        return self


class TransactionListRequest(Request):
    filter: TransactionListFilter
    page: int = Field(ge=1)
    page_size: int = Field(ge=1, le=1000)


class TransactionTotalsRequest(Request):
    """Exactly one of ``date`` or ``posting_number`` (the spec's ``oneOf``)."""

    date: TransactionPeriod | None = None
    posting_number: str | None = None
    transaction_type: TransactionType | None = None

    @model_validator(mode="after")
    def _one_selector(self) -> TransactionTotalsRequest:
        if (self.date is None) == (self.posting_number is None):
            raise ValueError("give exactly one of date or posting_number")
        if self.date is not None and self.date.from_ > self.date.to:
            raise ValueError("date: `from` must not be after `to`")
        return self


class RealizationRequest(Request):
    month: int = Field(ge=1, le=12)
    year: int = Field(ge=2023)


class CashFlowStatementRequest(Request):
    date: TimeRange
    page: int = Field(ge=1)
    page_size: int = Field(ge=1)
    with_details: bool | None = None

    @model_validator(mode="after")
    def _bounded(self) -> CashFlowStatementRequest:
        if self.date.from_ is None or self.date.to is None:
            raise ValueError("date needs both `from` and `to`")
        return self


# --- responses --------------------------------------------------------------------------------


class OperationItem(Response):
    name: str | None = None
    sku: OzonInt = None


class OperationPosting(Response):
    posting_number: str | None = None
    order_date: OzonTime = None
    delivery_schema: str | None = None
    warehouse_id: OzonInt = None


class OperationService(Response):
    name: str | None = None
    price: OzonDecimal = None


class Operation(Response):
    operation_id: OzonInt = None
    operation_type: str | None = None
    operation_type_name: str | None = None
    operation_date: OzonTime = None
    type: str | None = None
    amount: OzonDecimal = None
    accruals_for_sale: OzonDecimal = None
    sale_commission: OzonDecimal = None
    delivery_charge: OzonDecimal = None
    return_delivery_charge: OzonDecimal = None
    posting: OperationPosting | None = None
    items: Many[OperationItem] = Field(default_factory=list)
    services: Many[OperationService] = Field(default_factory=list)


class TransactionListResult(Response):
    operations: Many[Operation] = Field(default_factory=list)
    page_count: OzonInt = None
    row_count: OzonInt = None


class TransactionListResponse(Response):
    result: TransactionListResult = Field(default_factory=TransactionListResult)


class TransactionTotals(Response):
    accruals_for_sale: OzonDecimal = None
    sale_commission: OzonDecimal = None
    processing_and_delivery: OzonDecimal = None
    refunds_and_cancellations: OzonDecimal = None
    services_amount: OzonDecimal = None
    compensation_amount: OzonDecimal = None
    money_transfer: OzonDecimal = None
    others_amount: OzonDecimal = None


class TransactionTotalsResponse(Response):
    result: TransactionTotals = Field(default_factory=TransactionTotals)


class RealizationHeader(Response):
    number: str | None = None
    doc_date: OzonDate = None
    start_date: OzonDate = None
    stop_date: OzonDate = None
    contract_date: OzonDate = None
    contract_number: str | None = None
    currency_sys_name: str | None = None
    payer_inn: str | None = None
    payer_kpp: str | None = None
    payer_name: str | None = None
    receiver_inn: str | None = None
    receiver_kpp: str | None = None
    receiver_name: str | None = None


class RowItem(Response):
    sku: OzonInt = None
    offer_id: str | None = None
    name: str | None = None
    barcode: str | None = None


class RowCommission(Response):
    amount: OzonDecimal = None
    bonus: OzonDecimal = None
    commission: OzonDecimal = None
    compensation: OzonDecimal = None
    price_per_instance: OzonDecimal = None
    quantity: OzonInt = None
    standard_fee: OzonDecimal = None
    bank_coinvestment: OzonDecimal = None
    stars: OzonDecimal = None
    pick_up_point_coinvestment: OzonDecimal = None
    total: OzonDecimal = None


class RowOrder(Response):
    posting_number: str | None = None
    created_date: OzonDate = None


class LegalEntityDocument(Response):
    number: str | None = None
    sale_date: OzonDate = None


class RealizationRow(Response):
    """A report row; v2 spells the row number ``rowNumber``, the per-posting v1 ``row_number``."""

    row_number: OzonInt = Field(None, validation_alias="rowNumber")
    item: RowItem | None = None
    commission_ratio: OzonDecimal = None
    seller_price_per_instance: OzonDecimal = None
    delivery_commission: RowCommission | None = None
    return_commission: RowCommission | None = None
    order: RowOrder | None = None
    legal_entity_document: LegalEntityDocument | None = None


class RealizationReport(Response):
    header: RealizationHeader | None = None
    rows: Many[RealizationRow] = Field(default_factory=list)


class RealizationResponse(Response):
    result: RealizationReport = Field(default_factory=RealizationReport)


RealizationPostingRequest = RealizationRequest
RealizationPostingResponse = RealizationReport


class CashFlowPeriod(Response):
    id: OzonInt = None
    begin: OzonTime = None
    end: OzonTime = None


class CashFlow(Response):
    period: CashFlowPeriod | None = None
    orders_amount: OzonDecimal = None
    returns_amount: OzonDecimal = None
    commission_amount: OzonDecimal = None
    services_amount: OzonDecimal = None
    item_delivery_and_return_amount: OzonDecimal = None
    currency_code: str | None = None


class NamedAmount(Response):
    name: str | None = None
    price: OzonDecimal = None


class ServiceGroup(Response):
    total: OzonDecimal = None
    items: Many[NamedAmount] = Field(default_factory=list)


class DeliveryDetails(Response):
    total: OzonDecimal = None
    amount: OzonDecimal = None
    delivery_services: ServiceGroup | None = None


class ReturnDetails(Response):
    total: OzonDecimal = None
    amount: OzonDecimal = None
    return_services: ServiceGroup | None = None


class RfbsDetails(Response):
    total: OzonDecimal = None
    transfer_delivery: OzonDecimal = None
    transfer_delivery_return: OzonDecimal = None
    compensation_delivery_return: OzonDecimal = None
    partial_compensation: OzonDecimal = None
    partial_compensation_return: OzonDecimal = None


class Payment(Response):
    payment: OzonDecimal = None
    currency_code: str | None = None


class CashFlowDetails(Response):
    period: CashFlowPeriod | None = None
    begin_balance_amount: OzonDecimal = None
    end_balance_amount: OzonDecimal = None
    invoice_transfer: OzonDecimal = None
    loan: OzonDecimal = None
    payments: Many[Payment] = Field(default_factory=list)
    delivery: DeliveryDetails | None = None
    return_: ReturnDetails | None = Field(None, alias="return")
    rfbs: RfbsDetails | None = None
    services: ServiceGroup | None = None
    others: ServiceGroup | None = None


class CashFlowResult(Response):
    cash_flows: Many[CashFlow] = Field(default_factory=list)
    details: Many[CashFlowDetails] = Field(default_factory=list)
    page_count: OzonInt = None


class CashFlowStatementResponse(Response):
    result: CashFlowResult = Field(default_factory=CashFlowResult)


__all__ = [
    "CashFlow",
    "CashFlowDetails",
    "CashFlowResult",
    "CashFlowStatementRequest",
    "CashFlowStatementResponse",
    "NamedAmount",
    "Operation",
    "RealizationHeader",
    "RealizationPostingRequest",
    "RealizationPostingResponse",
    "RealizationReport",
    "RealizationRequest",
    "RealizationResponse",
    "RealizationRow",
    "TransactionListFilter",
    "TransactionListRequest",
    "TransactionListResponse",
    "TransactionPeriod",
    "TransactionTotals",
    "TransactionTotalsRequest",
    "TransactionTotalsResponse",
]
