"""The declarative base and the column types every table shares.

- :class:`UtcDateTime` — aware UTC datetimes in and out, on every database (SQLite keeps no
  zone: we store UTC and give it back as UTC).
- :class:`Amount` — money as ``Decimal``, exact everywhere: ``NUMERIC(20, 4)`` on PostgreSQL,
  and on SQLite an integer of ten-thousandths (SQLite's NUMERIC is a float), so sums in SQL
  stay exact too.
- ``Json`` — JSON, as ``JSONB`` on PostgreSQL.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, ClassVar

from sqlalchemy import JSON, BigInteger, DateTime, Dialect, ForeignKey, MetaData, Numeric
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.types import TypeDecorator, TypeEngine

__all__ = ["AMOUNT_SCALE", "Amount", "Base", "Json", "UtcDateTime", "posting_fk", "shop_fk"]

#: Amounts keep 4 decimal places (Ozon sends 2; percentages and unit prices may have more).
AMOUNT_SCALE = 4
_FACTOR = Decimal(10) ** AMOUNT_SCALE

# Stable constraint names, so Alembic migrations can name what they change.
NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

Json = JSON().with_variant(JSONB(), "postgresql")


class UtcDateTime(TypeDecorator[datetime]):
    """A timestamp that is always an aware UTC ``datetime`` in Python."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: the store takes aware UTC times only")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        # SQLite gives an aggregate's (max(), min()) value back as text.
        at = datetime.fromisoformat(value) if isinstance(value, str) else value
        if not isinstance(at, datetime):
            raise TypeError(f"expected a timestamp from the database, got {value!r}")
        return at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)


class Amount(TypeDecorator[Decimal]):
    """Money and other exact decimals (see the module docstring for the storage)."""

    impl = Numeric(20, AMOUNT_SCALE)
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "sqlite":
            return dialect.type_descriptor(BigInteger())
        return dialect.type_descriptor(Numeric(20, AMOUNT_SCALE))

    def process_bind_param(self, value: Decimal | int | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        value = Decimal(value)
        if dialect.name == "sqlite":
            return int((value * _FACTOR).to_integral_value())
        return value

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        if dialect.name == "sqlite":
            return Decimal(int(value)) / _FACTOR
        return Decimal(value)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: UtcDateTime(),
        Decimal: Amount(),
        dict[str, Any]: Json,
    }


def shop_fk() -> ForeignKey:
    return ForeignKey("shops.id", ondelete="CASCADE")


def posting_fk() -> ForeignKey:
    return ForeignKey("postings.posting_number", ondelete="CASCADE")
