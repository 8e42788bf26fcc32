"""Reference lists: FBS/rFBS warehouses, delivery methods, the API key's roles (§0, §10)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from ozonops.ozon.models.common import (
    EmptyRequest,
    Int64Str,
    Many,
    OzonDecimal,
    OzonInt,
    OzonTime,
    Request,
    Response,
    SortDir,
)

# --- requests ---------------------------------------------------------------------------------


class WarehouseListRequest(Request):
    limit: int = Field(ge=1, le=200)
    cursor: str | None = None
    warehouse_ids: list[Int64Str] | None = Field(None, max_length=200)


DeliveryMethodStatus = Literal["NEW", "EDITED", "ACTIVE", "DISABLED", "WAITING", "BROKEN"]


class DeliveryMethodFilter(Request):
    warehouse_ids: list[Int64Str] | None = Field(None, max_length=100)
    provider_ids: list[Int64Str] | None = Field(None, max_length=100)
    delivery_method_ids: list[Int64Str] | None = Field(None, max_length=100)
    status: list[DeliveryMethodStatus] | None = None


class DeliveryMethodListRequest(Request):
    limit: int = Field(ge=1, le=100)
    cursor: str | None = None
    sort_dir: SortDir | None = None
    filter: DeliveryMethodFilter | None = None


RolesRequest = EmptyRequest

# --- responses --------------------------------------------------------------------------------


class AddressInfo(Response):
    address: str | None = None
    latitude: OzonDecimal = None
    longitude: OzonDecimal = None
    utc: str | None = None


class FirstMile(Response):
    type: str | None = None
    dropoff_point_id: str | None = None
    first_mile_is_changing: bool = False
    timeslot_id: OzonInt = None
    timeslot_from: str | None = None
    timeslot_to: str | None = None


class WorkingHours(Response):
    time_from: OzonTime = None
    time_to: OzonTime = None


class Timetable(Response):
    timetable_from: OzonTime = None
    timetable_to: OzonTime = None
    working_hours: Many[WorkingHours] = Field(default_factory=list)


class Warehouse(Response):
    """``working_days`` are names (``MONDAY``) in the spec; old answers send numbers (kept as
    their string form)."""

    warehouse_id: OzonInt = None
    name: str | None = None
    status: str | None = None
    warehouse_type: str | None = None
    is_rfbs: bool = False
    is_express: bool = False
    is_comfort: bool = False
    is_kgt: bool = False
    is_auto_assembly: bool = False
    is_waybill_enabled: bool = False
    with_item_list: bool = False
    has_entrusted_acceptance: bool = False
    has_postings_limit: bool = False
    min_postings_limit: OzonInt = None
    postings_limit: OzonInt = None
    cut_in_time: OzonInt = None
    sla_cut_in: OzonInt = None
    carriage_label_type: str | None = None
    courier_comment: str | None = None
    courier_phones: Many[str] = Field(default_factory=list)
    phone: str | None = None
    first_mile: FirstMile | None = None
    address_info: AddressInfo | None = None
    timetable: Timetable | None = None
    working_days: Many[str] = Field(default_factory=list)
    pause_at: OzonTime = None
    created_at: OzonTime = None
    updated_at: OzonTime = None


class WarehouseListResponse(Response):
    warehouses: Many[Warehouse] = Field(default_factory=list)
    cursor: str | None = None
    has_next: bool = False


class Coordinates(Response):
    latitude: OzonDecimal = None
    longitude: OzonDecimal = None


class DropOffPoint(Response):
    address: str | None = None
    address_coordinates: Coordinates | None = None
    code: str | None = None
    name: str | None = None


class DeliveryMethod(Response):
    id: OzonInt = None
    name: str | None = None
    warehouse_id: OzonInt = None
    provider_id: OzonInt = None
    template_id: OzonInt = None
    status: str | None = None
    cutoff: str | None = None
    sla_cut_in: OzonInt = None
    is_express: bool = False
    tpl_integration_type: str | None = None
    tpl_dropoff_point: DropOffPoint | None = None
    created_at: OzonTime = None
    updated_at: OzonTime = None


class DeliveryMethodListResponse(Response):
    delivery_methods: Many[DeliveryMethod] = Field(default_factory=list)
    cursor: str | None = None
    has_next: bool = False


class Role(Response):
    name: str | None = None
    methods: Many[str] = Field(default_factory=list)


class RolesResponse(Response):
    expires_at: OzonTime = None
    roles: Many[Role] = Field(default_factory=list)


__all__ = [
    "DeliveryMethod",
    "DeliveryMethodFilter",
    "DeliveryMethodListRequest",
    "DeliveryMethodListResponse",
    "DeliveryMethodStatus",
    "Role",
    "RolesRequest",
    "RolesResponse",
    "Warehouse",
    "WarehouseListRequest",
    "WarehouseListResponse",
]
