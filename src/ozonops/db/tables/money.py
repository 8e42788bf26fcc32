"""Money as Ozon books it: daily accruals, the legacy transaction list, realization reports."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import BigInteger, Date, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ozonops.db.tables.base import Base, shop_fk

__all__ = ["Accrual", "RealizationRow", "Transaction"]


class Accrual(Base):
    """One accrual of ``/v1/finance/accrual/by-day``: a posting's, an item's or a shop fee."""

    __tablename__ = "accruals"
    __table_args__ = (Index("ix_accruals_shop_date", "shop_id", "accrual_date"),)

    accrual_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    shop_id: Mapped[int] = mapped_column(shop_fk())
    accrual_date: Mapped[date] = mapped_column(Date)
    #: The posting number for POSTING/ITEM accruals (Ozon's ``unit_number``).
    unit_number: Mapped[str | None] = mapped_column(String(60), index=True)
    accrued_category: Mapped[str | None] = mapped_column(String(30))
    total_amount: Mapped[Decimal | None]
    currency: Mapped[str | None] = mapped_column(String(8))
    raw: Mapped[dict[str, Any]]


class Transaction(Base):
    """An operation of the legacy ``/v3/finance/transaction/list`` (off 8 Sep 2026 at Ozon)."""

    __tablename__ = "transactions"
    __table_args__ = (Index("ix_transactions_shop_date", "shop_id", "operation_date"),)

    operation_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    shop_id: Mapped[int] = mapped_column(shop_fk())
    operation_type: Mapped[str | None] = mapped_column(String(100))
    operation_type_name: Mapped[str | None] = mapped_column(Text)
    operation_date: Mapped[datetime | None]
    type: Mapped[str | None] = mapped_column(String(30))
    amount: Mapped[Decimal | None]
    accruals_for_sale: Mapped[Decimal | None]
    sale_commission: Mapped[Decimal | None]
    delivery_charge: Mapped[Decimal | None]
    return_delivery_charge: Mapped[Decimal | None]
    posting_number: Mapped[str | None] = mapped_column(String(60), index=True)
    delivery_schema: Mapped[str | None] = mapped_column(String(20))
    raw: Mapped[dict[str, Any]]


class RealizationRow(Base):
    """A row of the monthly realization report (``/v2/finance/realization``)."""

    __tablename__ = "realization_rows"

    shop_id: Mapped[int] = mapped_column(shop_fk(), primary_key=True)
    year: Mapped[int] = mapped_column(primary_key=True)
    month: Mapped[int] = mapped_column(primary_key=True)
    row_number: Mapped[int] = mapped_column(primary_key=True)
    sku: Mapped[int | None] = mapped_column(BigInteger, index=True)
    offer_id: Mapped[str | None] = mapped_column(String(100))
    name: Mapped[str | None] = mapped_column(Text)
    commission_ratio: Mapped[Decimal | None]
    seller_price_per_instance: Mapped[Decimal | None]
    delivery_quantity: Mapped[int | None]
    delivery_amount: Mapped[Decimal | None]
    delivery_total: Mapped[Decimal | None]
    return_quantity: Mapped[int | None]
    return_amount: Mapped[Decimal | None]
    return_total: Mapped[Decimal | None]
    raw: Mapped[dict[str, Any]]
