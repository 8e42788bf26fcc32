"""Wire accruals, operations, realization rows, stock items, warehouses → store rows (pure)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from ozonops.ozon import models as m
from ozonops.sync.mapping.aftersales import raw

__all__ = [
    "accrual_row",
    "delivery_method_row",
    "operation_row",
    "realization_row",
    "stock_row",
    "warehouse_row",
]


def accrual_row(a: m.DayAccrual, *, shop_id: int, day: date) -> dict[str, Any]:
    if a.accrual_id is None:
        raise ValueError("an accrual without accrual_id")
    return {
        "accrual_id": a.accrual_id,
        "shop_id": shop_id,
        "accrual_date": a.date or day,
        "unit_number": a.unit_number,
        "accrued_category": a.accrued_category,
        "total_amount": a.total_amount.amount if a.total_amount else None,
        "currency": a.total_amount.currency if a.total_amount else None,
        "raw": raw(a),
    }


def operation_row(o: m.Operation, *, shop_id: int) -> dict[str, Any]:
    if o.operation_id is None:
        raise ValueError("an operation without operation_id")
    return {
        "operation_id": o.operation_id,
        "shop_id": shop_id,
        "operation_type": o.operation_type,
        "operation_type_name": o.operation_type_name,
        "operation_date": o.operation_date,
        "type": o.type,
        "amount": o.amount,
        "accruals_for_sale": o.accruals_for_sale,
        "sale_commission": o.sale_commission,
        "delivery_charge": o.delivery_charge,
        "return_delivery_charge": o.return_delivery_charge,
        "posting_number": o.posting.posting_number if o.posting else None,
        "delivery_schema": o.posting.delivery_schema if o.posting else None,
        "raw": raw(o),
    }


def realization_row(
    r: m.RealizationRow, *, shop_id: int, year: int, month: int, position: int
) -> dict[str, Any]:
    d, ret, item = r.delivery_commission, r.return_commission, r.item
    return {
        "shop_id": shop_id,
        "year": year,
        "month": month,
        "row_number": r.row_number if r.row_number is not None else position,
        "sku": item.sku if item else None,
        "offer_id": item.offer_id if item else None,
        "name": item.name if item else None,
        "commission_ratio": r.commission_ratio,
        "seller_price_per_instance": r.seller_price_per_instance,
        "delivery_quantity": d.quantity if d else None,
        "delivery_amount": d.amount if d else None,
        "delivery_total": d.total if d else None,
        "return_quantity": ret.quantity if ret else None,
        "return_amount": ret.amount if ret else None,
        "return_total": ret.total if ret else None,
        "raw": raw(r),
    }


def stock_row(i: m.AnalyticsStockItem, *, shop_id: int, at: datetime) -> dict[str, Any]:
    return {
        "shop_id": shop_id,
        "sku": i.sku or 0,
        "warehouse_id": i.warehouse_id or 0,
        "taken_at": at,
        "offer_id": i.offer_id,
        "warehouse_name": i.warehouse_name,
        "cluster_id": i.cluster_id,
        "available": i.available_stock_count or 0,
        "valid": i.valid_stock_count or 0,
        "transit": i.transit_stock_count or 0,
        "requested": i.requested_stock_count or 0,
        "returning_from_customer": i.return_from_customer_stock_count or 0,
        "defect": i.stock_defect_stock_count or 0,
        "ads": i.ads,
        "idc": i.idc,
        "turnover_grade": i.turnover_grade,
    }


def warehouse_row(w: m.Warehouse, *, shop_id: int, at: datetime) -> dict[str, Any]:
    if w.warehouse_id is None:
        raise ValueError("a warehouse without warehouse_id")
    return {
        "warehouse_id": w.warehouse_id,
        "shop_id": shop_id,
        "name": w.name,
        "status": w.status,
        "is_rfbs": w.is_rfbs,
        "is_express": w.is_express,
        "raw": raw(w),
        "updated_at": at,
    }


def delivery_method_row(d: m.DeliveryMethod, *, shop_id: int, at: datetime) -> dict[str, Any]:
    if d.id is None:
        raise ValueError("a delivery method without id")
    return {
        "id": d.id,
        "shop_id": shop_id,
        "name": d.name,
        "warehouse_id": d.warehouse_id,
        "provider_id": d.provider_id,
        "status": d.status,
        "tpl_integration_type": d.tpl_integration_type,
        "raw": raw(d),
        "updated_at": at,
    }
