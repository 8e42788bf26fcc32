"""Pieces shared by the FBS/rFBS and FBO posting responses (all tolerant).

One model serves every version of a piece: where the versions disagree on a type, the field takes
both (``price`` is ``{amount, currency}`` in v4 and a bare string in v3; ``Money`` reads both).
"""

from __future__ import annotations

from pydantic import Field

from ozonops.ozon.models.common import (
    IntList,
    Many,
    Money,
    OzonDecimal,
    OzonInt,
    OzonTime,
    Response,
)


class Addressee(Response):
    name: str | None = None
    phone: str | None = None
    pin: str | None = None


class Address(Response):
    address_tail: str | None = None
    city: str | None = None
    comment: str | None = None
    country: str | None = None
    district: str | None = None
    latitude: OzonDecimal = None
    longitude: OzonDecimal = None
    provider_pvz_code: str | None = None
    pvz_code: OzonInt = None
    region: str | None = None
    zip_code: str | None = None


class Customer(Response):
    address: Address | None = None
    customer_email: str | None = None
    customer_id: OzonInt = None
    name: str | None = None
    phone: str | None = None


class AnalyticsData(Response):
    """FBS and FBO analytics: FBO names the warehouse ``warehouse_name``, FBS ``warehouse``."""

    city: str | None = None
    region: str | None = None
    client_delivery_date_begin: OzonTime = None
    client_delivery_date_end: OzonTime = None
    delivery_date_begin: OzonTime = None
    delivery_date_end: OzonTime = None
    delivery_type: str | None = None
    is_legal: bool = False
    is_premium: bool = False
    payment_type_group_name: str | None = None
    tpl_provider: str | None = None
    tpl_provider_id: OzonInt = None
    warehouse: str | None = None
    warehouse_id: OzonInt = None
    warehouse_name: str | None = None


class Barcodes(Response):
    lower_barcode: str | None = None
    upper_barcode: str | None = None


class Cancellation(Response):
    affect_cancellation_rating: bool = False
    cancel_reason: str | None = None
    cancel_reason_id: OzonInt = None
    cancellation_initiator: str | None = None
    cancellation_type: str | None = None
    cancelled_after_ship: bool = False


class DeliveryMethodRef(Response):
    id: OzonInt = None
    name: str | None = None
    tpl_provider: str | None = None
    tpl_provider_id: OzonInt = None
    warehouse: str | None = None
    warehouse_id: OzonInt = None


class ExternalOrder(Response):
    is_external: bool = False
    platform_name: str | None = None


class LegalInfo(Response):
    company_name: str | None = None
    inn: str | None = None
    kpp: str | None = None


class Commission(Response):
    amount: OzonDecimal = None
    currency: str | None = None
    percent: OzonDecimal = None


class FinancialProduct(Response):
    """v4/v3-FBO: ``commission`` object and ``customer_price`` money; v3/v2: flat fields."""

    product_id: OzonInt = None
    quantity: OzonInt = None
    actions: Many[str] = Field(default_factory=list)
    price: OzonDecimal = None
    old_price: OzonDecimal = None
    payout: OzonDecimal = None
    total_discount_percent: OzonDecimal = None
    total_discount_value: OzonDecimal = None
    commission: Commission | None = None
    commission_amount: OzonDecimal = None
    commission_percent: OzonDecimal = None
    commissions_currency_code: str | None = None
    currency_code: str | None = None
    customer_currency_code: str | None = None
    customer_price: Money | None = None


class FinancialData(Response):
    cluster_from: str | None = None
    cluster_to: str | None = None
    products: Many[FinancialProduct] = Field(default_factory=list)


class Dimensions(Response):
    height: OzonDecimal = None
    length: OzonDecimal = None
    weight: OzonDecimal = None
    width: OzonDecimal = None


class PostingProduct(Response):
    """A product line of any posting (FBS v4/v3, FBO v3/v2, the ship answer)."""

    sku: OzonInt = None
    offer_id: str | None = None
    name: str | None = None
    quantity: OzonInt = None
    price: Money | None = None
    currency_code: str | None = None
    imei: Many[str] = Field(default_factory=list)
    mandatory_mark: Many[str] = Field(default_factory=list)
    jw_uin: Many[str] = Field(default_factory=list)
    digital_codes: Many[str] = Field(default_factory=list)
    is_blr_traceable: bool = False
    is_marketplace_buyout: bool = False
    product_color: str | None = None
    weight: OzonDecimal = None
    dimensions: Dimensions | None = None
    has_imei: bool = False
    is_weight_needed: bool = False
    weight_max: OzonDecimal = None
    weight_min: OzonDecimal = None


class Requirements(Response):
    products_requiring_change_country: IntList = Field(default_factory=list)
    products_requiring_country: IntList = Field(default_factory=list)
    products_requiring_gtd: IntList = Field(default_factory=list)
    products_requiring_imei: IntList = Field(default_factory=list)
    products_requiring_jw_uin: IntList = Field(default_factory=list)
    products_requiring_mandatory_mark: IntList = Field(default_factory=list)
    products_requiring_rnpt: IntList = Field(default_factory=list)
    products_requiring_weight: IntList = Field(default_factory=list)


class OptionalProducts(Response):
    products_with_possible_mandatory_mark: IntList = Field(default_factory=list)


class Tariffication(Response):
    """v4 sends charges as money objects, v3 as strings plus ``*_currency_code``."""

    current_tariff_rate: OzonDecimal = None
    current_tariff_type: str | None = None
    current_tariff_charge: Money | None = None
    current_tariff_charge_currency_code: str | None = None
    current_tariff_min_charge: Money | None = None
    next_tariff_rate: OzonDecimal = None
    next_tariff_type: str | None = None
    next_tariff_charge: Money | None = None
    next_tariff_charge_currency_code: str | None = None
    next_tariff_min_charge: Money | None = None
    next_tariff_starts_at: OzonTime = None


class TarifficationStep(Response):
    min_charge: Money | None = None
    tariff_charge: Money | None = None
    tariff_deadline_at: OzonTime = None
    tariff_rate: OzonDecimal = None
    tariff_type: str | None = None


class Container(Response):
    cargo_type: str | None = None
    container_date: str | None = None  # in the warehouse's zone, which Ozon does not give
    container_id: OzonInt = None
    container_number: OzonInt = None


class SortingCenter(Response):
    code: str | None = None
    name: str | None = None


__all__ = [
    "Address",
    "Addressee",
    "AnalyticsData",
    "Barcodes",
    "Cancellation",
    "Commission",
    "Container",
    "Customer",
    "DeliveryMethodRef",
    "Dimensions",
    "ExternalOrder",
    "FinancialData",
    "FinancialProduct",
    "LegalInfo",
    "OptionalProducts",
    "PostingProduct",
    "Requirements",
    "SortingCenter",
    "Tariffication",
    "TarifficationStep",
]
