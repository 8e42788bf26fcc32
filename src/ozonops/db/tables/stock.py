"""Stock and logistics reference: FBO stock snapshots, warehouses, delivery methods."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import BigInteger, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from ozonops.db.tables.base import Base, shop_fk

__all__ = ["DeliveryMethod", "StockSnapshot", "Warehouse"]


class StockSnapshot(Base):
    """A SKU's stock at one Ozon warehouse (``/v1/analytics/stocks``), kept when it changes.

    The newest snapshot per (shop, sku, warehouse) is the current level; older ones are the
    history that days-of-cover and stock-out forecasts read.
    """

    __tablename__ = "stock_snapshots"
    __table_args__ = (
        Index("ix_stock_snapshots_key_taken", "shop_id", "sku", "warehouse_id", "taken_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    shop_id: Mapped[int] = mapped_column(shop_fk())
    sku: Mapped[int] = mapped_column(BigInteger)
    warehouse_id: Mapped[int] = mapped_column(BigInteger)
    taken_at: Mapped[datetime]
    offer_id: Mapped[str | None] = mapped_column(String(100))
    warehouse_name: Mapped[str | None] = mapped_column(String(200))
    cluster_id: Mapped[int | None] = mapped_column(BigInteger)
    available: Mapped[int] = mapped_column(default=0)
    valid: Mapped[int] = mapped_column(default=0)
    transit: Mapped[int] = mapped_column(default=0)
    requested: Mapped[int] = mapped_column(default=0)
    returning_from_customer: Mapped[int] = mapped_column(default=0)
    defect: Mapped[int] = mapped_column(default=0)
    #: 28-day average daily sales and days of cover, as Ozon computes them.
    ads: Mapped[Decimal | None]
    idc: Mapped[Decimal | None]
    turnover_grade: Mapped[str | None] = mapped_column(String(30))


class Warehouse(Base):
    """A seller warehouse (FBS/rFBS) of ``/v2/warehouse/list``."""

    __tablename__ = "warehouses"

    warehouse_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    shop_id: Mapped[int] = mapped_column(shop_fk(), index=True)
    name: Mapped[str | None] = mapped_column(String(200))
    status: Mapped[str | None] = mapped_column(String(30))
    is_rfbs: Mapped[bool] = mapped_column(default=False)
    is_express: Mapped[bool] = mapped_column(default=False)
    raw: Mapped[dict[str, Any]]
    updated_at: Mapped[datetime]


class DeliveryMethod(Base):
    """A delivery method of ``/v2/delivery-method/list``: carrier, warehouse, integration."""

    __tablename__ = "delivery_methods"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    shop_id: Mapped[int] = mapped_column(shop_fk(), index=True)
    name: Mapped[str | None] = mapped_column(String(200))
    warehouse_id: Mapped[int | None] = mapped_column(BigInteger)
    provider_id: Mapped[int | None] = mapped_column(BigInteger)
    status: Mapped[str | None] = mapped_column(String(30))
    tpl_integration_type: Mapped[str | None] = mapped_column(String(30))
    raw: Mapped[dict[str, Any]]
    updated_at: Mapped[datetime]
