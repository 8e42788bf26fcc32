"""Stock: FBO stock analytics, FBS/rFBS stock per product, supply orders (ozon-api.md §8)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from ozonops.ozon.models.common import (
    Int64Str,
    IntList,
    Many,
    OzonDecimal,
    OzonInt,
    OzonTime,
    Request,
    Response,
    SortDir,
    UtcTime,
)

# --- requests ---------------------------------------------------------------------------------


class AnalyticsStocksRequest(Request):
    """No paging: at most 100 SKUs per call; ``cluster_ids`` and ``macrolocal_cluster_ids``
    exclude each other."""

    skus: list[Int64Str] = Field(min_length=1, max_length=100)
    cluster_ids: list[Int64Str] | None = None
    macrolocal_cluster_ids: list[Int64Str] | None = None
    warehouse_ids: list[Int64Str] | None = None
    item_tags: list[str] | None = None
    turnover_grades: list[str] | None = None
    placement_zone: list[str] | None = None
    unmarked_stocks_only: bool | None = None

    @model_validator(mode="after")
    def _one_cluster_kind(self) -> AnalyticsStocksRequest:
        if self.cluster_ids and self.macrolocal_cluster_ids:
            raise ValueError("give cluster_ids or macrolocal_cluster_ids, not both")
        return self


class WithQuant(Request):
    created: bool | None = None
    exists: bool | None = None


class ProductStocksFilter(Request):
    offer_id: list[str] | None = None
    product_id: list[Int64Str] | None = None
    visibility: str | None = None
    with_quant: WithQuant | None = None


class ProductStocksRequest(Request):
    filter: ProductStocksFilter = Field(default_factory=ProductStocksFilter)
    limit: int = Field(ge=1, le=1000)
    cursor: str | None = None


class TimeslotRange(Request):
    from_: UtcTime | None = Field(None, alias="from")
    to: UtcTime | None = None
    timeslot_filter_type: Literal["BY_LOCAL_TIME", "BY_UTC_TIME"] | None = None


class SupplyOrderListFilter(Request):
    states: list[str] = Field(min_length=1)
    dropoff_warehouse_ids: list[Int64Str] | None = None
    order_number_search: str | None = Field(None, min_length=3)
    timeslot_from_range: TimeslotRange | None = None


class SupplyOrderListRequest(Request):
    filter: SupplyOrderListFilter
    limit: int = Field(ge=1, le=100)
    sort_by: Literal[
        "ORDER_CREATION", "ORDER_STATE_UPDATED_AT", "TIMESLOT_FROM_UTC", "TIMESLOT_FROM_LOCAL"
    ]
    sort_dir: SortDir | None = None
    last_id: str | None = None


class SupplyOrderGetRequest(Request):
    order_ids: list[Int64Str] = Field(min_length=1, max_length=50)


# --- responses --------------------------------------------------------------------------------


class AnalyticsStockItem(Response):
    sku: OzonInt = None
    offer_id: str | None = None
    name: str | None = None
    warehouse_id: OzonInt = None
    warehouse_name: str | None = None
    cluster_id: OzonInt = None
    cluster_name: str | None = None
    macrolocal_cluster_id: OzonInt = None
    available_stock_count: OzonInt = None
    valid_stock_count: OzonInt = None
    transit_stock_count: OzonInt = None
    requested_stock_count: OzonInt = None
    other_stock_count: OzonInt = None
    excess_stock_count: OzonInt = None
    expiring_stock_count: OzonInt = None
    return_from_customer_stock_count: OzonInt = None
    return_to_seller_stock_count: OzonInt = None
    stock_defect_stock_count: OzonInt = None
    transit_defect_stock_count: OzonInt = None
    waiting_docs_stock_count: OzonInt = None
    waiting_docs_to_export_stock_count: OzonInt = None
    ads: OzonDecimal = None
    ads_cluster: OzonDecimal = None
    idc: OzonDecimal = None
    idc_cluster: OzonDecimal = None
    days_without_sales: OzonInt = None
    days_without_sales_cluster: OzonInt = None
    turnover_grade: str | None = None
    turnover_grade_cluster: str | None = None
    item_tags: Many[str] = Field(default_factory=list)
    placement_zone: Many[str] = Field(default_factory=list)


class AnalyticsStocksResponse(Response):
    items: Many[AnalyticsStockItem] = Field(default_factory=list)


class ProductStock(Response):
    type: str | None = None
    sku: OzonInt = None
    present: OzonInt = None
    reserved: OzonInt = None
    shipment_type: str | None = None
    warehouse_ids: IntList = Field(default_factory=list)


class ProductStocksItem(Response):
    product_id: OzonInt = None
    offer_id: str | None = None
    stocks: Many[ProductStock] = Field(default_factory=list)


class ProductStocksResponse(Response):
    items: Many[ProductStocksItem] = Field(default_factory=list)
    cursor: str | None = None
    total: OzonInt = None


class SupplyOrderListResponse(Response):
    order_ids: IntList = Field(default_factory=list)
    last_id: str | None = None


class DropOffWarehouse(Response):
    warehouse_id: OzonInt = None
    name: str | None = None
    address: str | None = None


class OrderTags(Response):
    is_econom: bool = False
    is_pickup: bool = False
    is_quant: bool = False
    is_super_fbo: bool = False
    is_virtual: bool = False
    original_supply_id: OzonInt = None
    product_super_fbo: bool = False
    seller_warehouse_id: OzonInt = None


class StorageWarehouse(DropOffWarehouse):
    arrival_date: OzonTime = None


class SupplyTags(Response):
    freeze_stock_for_marking: bool = False
    is_ettn_required: bool = False
    is_evsd_required: bool = False
    is_jewelry: bool = False
    is_marking_possible: bool = False
    is_marking_required: bool = False
    is_utd: bool = False


class Supply(Response):
    supply_id: OzonInt = None
    bundle_id: str | None = None
    state: str | None = None
    is_crossdock: bool = False
    macrolocal_cluster_id: OzonInt = None
    storage_warehouse: StorageWarehouse | None = None
    supply_tags: SupplyTags | None = None


class Timeslot(Response):
    from_: OzonTime = Field(None, alias="from")
    to: OzonTime = None


class TimezoneInfo(Response):
    iana_name: str | None = None
    offset: OzonInt = None


class SupplyTimeslot(Response):
    timeslot: Timeslot | None = None
    timezone_info: TimezoneInfo | None = None


class SupplyOrder(Response):
    order_id: OzonInt = None
    order_number: str | None = None
    state: str | None = None
    created_date: OzonTime = None
    state_updated_date: OzonTime = None
    data_filling_deadline_utc: OzonTime = None
    dropoff_warehouse: DropOffWarehouse | None = None
    order_tags: OrderTags | None = None
    supplies: Many[Supply] = Field(default_factory=list)
    timeslot: SupplyTimeslot | None = None


class SupplyOrderGetResponse(Response):
    orders: Many[SupplyOrder] = Field(default_factory=list)


__all__ = [
    "AnalyticsStockItem",
    "AnalyticsStocksRequest",
    "AnalyticsStocksResponse",
    "ProductStock",
    "ProductStocksFilter",
    "ProductStocksItem",
    "ProductStocksRequest",
    "ProductStocksResponse",
    "Supply",
    "SupplyOrder",
    "SupplyOrderGetRequest",
    "SupplyOrderGetResponse",
    "SupplyOrderListFilter",
    "SupplyOrderListRequest",
    "SupplyOrderListResponse",
    "TimeslotRange",
    "WithQuant",
]
