"""Wire postings → store rows (pure): one function per posting family, one for their lines."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import orjson

from ozonops.ozon import models as m

__all__ = ["PostingRows", "fbo_rows", "fbs_rows", "scheme_of"]


@dataclass(frozen=True, slots=True)
class PostingRows:
    """What one posting writes: its row (without the bookkeeping columns) and its lines."""

    posting_number: str
    row: dict[str, Any]
    items: list[dict[str, Any]]
    status: str
    substatus: str
    fbo: bool

    @property
    def content_hash(self) -> str:
        body = orjson.dumps(
            [self.row, self.items, self.status, self.substatus],
            option=orjson.OPT_SORT_KEYS,
            default=str,  # Decimal
        )
        return hashlib.blake2b(body, digest_size=16).hexdigest()


def scheme_of(tpl_integration_type: str | None) -> str:
    """fbs when Ozon delivers; rfbs for the seller's own or a partner carrier."""
    return "fbs" if (tpl_integration_type or "ozon") == "ozon" else "rfbs"


def _items(
    products: Sequence[m.PostingProduct], financial: m.FinancialData | None
) -> list[dict[str, Any]]:
    money: dict[int, m.FinancialProduct] = {}
    for product in financial.products if financial else []:
        if product.product_id is not None:
            money.setdefault(product.product_id, product)
    out: list[dict[str, Any]] = []
    for line, p in enumerate(products):
        fp = money.get(p.sku) if p.sku is not None else None
        commission: Decimal | None = None
        percent: Decimal | None = None
        customer_price: Decimal | None = None
        if fp is not None:
            commission = fp.commission.amount if fp.commission else fp.commission_amount
            percent = fp.commission.percent if fp.commission else fp.commission_percent
            customer_price = fp.customer_price.amount if fp.customer_price else None
        out.append(
            {
                "line": line,
                "sku": p.sku or 0,
                "offer_id": p.offer_id,
                "name": p.name,
                "quantity": p.quantity or 0,
                "price": p.price.amount if p.price else None,
                "currency": (p.price.currency if p.price else None) or p.currency_code,
                "old_price": fp.old_price if fp else None,
                "payout": fp.payout if fp else None,
                "commission_amount": commission,
                "commission_percent": percent,
                "total_discount_value": fp.total_discount_value if fp else None,
                "customer_price": customer_price,
            }
        )
    return out


def _cancellation(c: m.Cancellation | None) -> dict[str, Any]:
    return {
        "cancel_reason_id": c.cancel_reason_id if c else None,
        "cancel_reason": c.cancel_reason if c else None,
        "cancellation_type": c.cancellation_type if c else None,
        "cancellation_initiator": c.cancellation_initiator if c else None,
        "cancelled_after_ship": c.cancelled_after_ship if c else False,
        "affect_cancellation_rating": c.affect_cancellation_rating if c else False,
    }


def fbs_rows(p: m.FbsPosting) -> PostingRows:
    """An FBS or rFBS posting (v4 lists, v3 get)."""
    if not p.posting_number:
        raise ValueError("a posting without posting_number")
    dm, ad, fd = p.delivery_method, p.analytics_data, p.financial_data
    row: dict[str, Any] = {
        "scheme": scheme_of(p.tpl_integration_type),
        "order_id": p.order_id,
        "order_number": p.order_number,
        "parent_posting_number": p.parent_posting_number or None,
        "tpl_integration_type": p.tpl_integration_type,
        "tracking_number": p.tracking_number or None,
        "delivery_method_id": dm.id if dm else None,
        "delivery_method_name": dm.name if dm else None,
        "warehouse_id": (dm.warehouse_id if dm else None) or (ad.warehouse_id if ad else None),
        "warehouse_name": (dm.warehouse if dm else None) or (ad.warehouse if ad else None),
        "tpl_provider_id": (dm.tpl_provider_id if dm else None)
        or (ad.tpl_provider_id if ad else None),
        "tpl_provider": (dm.tpl_provider if dm else None) or (ad.tpl_provider if ad else None),
        "is_express": p.is_express,
        "created_at": None,
        "in_process_at": p.in_process_at,
        "shipment_date": p.shipment_date,
        "shipment_date_without_delay": p.shipment_date_without_delay,
        "delivering_date": p.delivering_date,
        "delivery_date_begin": ad.delivery_date_begin if ad else None,
        "delivery_date_end": ad.delivery_date_end if ad else None,
        "region": ad.region if ad else None,
        "city": ad.city if ad else None,
        "cluster_from": fd.cluster_from if fd else None,
        "cluster_to": fd.cluster_to if fd else None,
        **_cancellation(p.cancellation),
        "available_actions": list(p.available_actions),
    }
    return PostingRows(
        posting_number=p.posting_number,
        row=row,
        items=_items(p.products, fd),
        status=p.status or "",
        substatus=p.substatus or "",
        fbo=False,
    )


def fbo_rows(p: m.FboPosting) -> PostingRows:
    """An FBO posting (v3 list, v2 get)."""
    if not p.posting_number:
        raise ValueError("a posting without posting_number")
    ad, fd = p.analytics_data, p.financial_data
    cancellation = _cancellation(p.cancellation)
    if cancellation["cancel_reason_id"] is None and p.cancel_reason_id:
        cancellation["cancel_reason_id"] = p.cancel_reason_id
    row: dict[str, Any] = {
        "scheme": "fbo",
        "order_id": p.order_id,
        "order_number": p.order_number,
        "parent_posting_number": None,
        "tpl_integration_type": "ozon",
        "tracking_number": None,
        "delivery_method_id": None,
        "delivery_method_name": None,
        "warehouse_id": ad.warehouse_id if ad else None,
        "warehouse_name": ad.warehouse_name if ad else None,
        "tpl_provider_id": None,
        "tpl_provider": None,
        "is_express": False,
        "created_at": p.created_at,
        "in_process_at": p.in_process_at,
        "shipment_date": None,
        "shipment_date_without_delay": None,
        "delivering_date": None,
        "delivery_date_begin": ad.delivery_date_begin if ad else None,
        "delivery_date_end": ad.delivery_date_end if ad else None,
        "region": ad.region if ad else None,
        "city": ad.city if ad else None,
        "cluster_from": fd.cluster_from if fd else None,
        "cluster_to": fd.cluster_to if fd else None,
        **cancellation,
        "available_actions": [],
    }
    return PostingRows(
        posting_number=p.posting_number,
        row=row,
        items=_items(p.products, fd),
        status=p.status or "",
        substatus=p.substatus or "",
        fbo=True,
    )
