"""Accruals (beta, ozon-api.md §7): the replacements for the transaction list and totals.

``/v1/finance/accrual/postings`` per posting, ``/by-day`` for one day, ``/types`` the reference.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import Field, PlainSerializer

from ozonops.ozon.models.common import (
    EmptyRequest,
    Many,
    Money,
    OzonDate,
    OzonDecimal,
    OzonInt,
    Request,
    Response,
)

# --- requests ---------------------------------------------------------------------------------


class AccrualPostingsRequest(Request):
    posting_numbers: list[str] = Field(min_length=1, max_length=200)


IsoDate = Annotated[dt.date, PlainSerializer(dt.date.isoformat, return_type=str)]


class AccrualByDayRequest(Request):
    """One day of accruals; ``last_id`` is ``""`` for the first page and lives 15 minutes."""

    date: IsoDate = Field(ge=dt.date(2022, 1, 1))
    last_id: str = ""


AccrualTypesRequest = EmptyRequest


# --- responses --------------------------------------------------------------------------------


class Accrual(Response):
    accrual_date: OzonDate = None
    type_id: OzonInt = None
    sku: OzonInt = None
    quantity: OzonInt = None
    accrued: Money | None = None
    seller_price: Money | None = None


class PostingAccruals(Response):
    posting_number: str | None = None
    accruals: Many[Accrual] = Field(default_factory=list)


class AccrualPostingsResponse(Response):
    posting_accruals: Many[PostingAccruals] = Field(default_factory=list)


class Fee(Response):
    type_id: OzonInt = None
    accrued: Money | None = None


class ItemFee(Response):
    sku: OzonInt = None
    fees: Many[Fee] = Field(default_factory=list)


class Fees(Response):
    fees: Many[ItemFee] = Field(default_factory=list)


class ContainerFees(Response):
    fees: Many[Fee] = Field(default_factory=list)


class DayProductCommission(Response):
    bonus: Money | None = None
    coinvestment: Money | None = None
    commission: Money | None = None
    commission_ratio: OzonDecimal = None
    sale_amount: Money | None = None
    sale_commission: Money | None = None
    sale_price: Money | None = None
    seller_price: Money | None = None


class DayProductDelivery(Response):
    services: Many[Fee] = Field(default_factory=list)
    total_accrued: Money | None = None


class DayProduct(Response):
    sku: OzonInt = None
    commission: DayProductCommission | None = None
    delivery: DayProductDelivery | None = None


class DayPosting(Response):
    delivery_schema: str | None = None
    delivery_speed: OzonInt = None
    products: Many[DayProduct] = Field(default_factory=list)


class DayAccrual(Response):
    accrual_id: OzonInt = None
    unit_number: str | None = None
    accrued_category: str | None = None
    date: OzonDate = None
    total_amount: Money | None = None
    posting: DayPosting | None = None
    item_fees: Fees | None = None
    non_item_fee: Fee | None = None
    container_fees: ContainerFees | None = None


class AccrualByDayResponse(Response):
    accruals: Many[DayAccrual] = Field(default_factory=list)
    last_id: str | None = None


class AccrualType(Response):
    id: OzonInt = None
    name: str | None = None
    description: str | None = None


class AccrualTypesResponse(Response):
    accrual_types: Many[AccrualType] = Field(default_factory=list)


__all__ = [
    "Accrual",
    "AccrualByDayRequest",
    "AccrualByDayResponse",
    "AccrualPostingsRequest",
    "AccrualPostingsResponse",
    "AccrualType",
    "AccrualTypesRequest",
    "AccrualTypesResponse",
    "DayAccrual",
    "PostingAccruals",
]
