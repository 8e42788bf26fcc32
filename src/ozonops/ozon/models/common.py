"""Building blocks for the wire models: two base classes and the tolerant and strict field types.

Requests are **strict**: ``extra="forbid"``, the spec's limits as constraints, int64 ids that the
spec types as strings serialised as strings, datetimes as RFC 3339 in UTC with ``Z``.
``Request.to_json()`` is the body we send.

Responses are **tolerant** (ozon-api.md §14: Ozon's answers break its own schemas):

- every field is optional and ``null`` means "use the default" (``None``, ``[]``, ``False``, ``0``);
- int64 and amounts may be JSON strings (``"123"``, ``"3.13"``); amounts are ``Decimal``;
- times become aware UTC datetimes (``Z``, offsets, no zone = UTC, ``""`` = ``None``);
- a list field also takes a single object (``returns``, cash-flow ``details``);
- enums are plain ``str``, so a new Ozon value never fails a parse;
- a number or time that does not parse at all (SDK fixtures send ``"string"``) becomes ``None``;
- unknown fields are kept in ``model_extra``.
"""

from __future__ import annotations

import calendar
from datetime import UTC, date, datetime, time
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any, Literal, TypeVar

from pydantic import (
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    model_validator,
)

from ozonops.ozon.errors import parse_error_body

T = TypeVar("T")

SortDir = Literal["ASC", "DESC"]


# --- tolerant parsing (responses) -------------------------------------------------------------


def _blank_to_none(value: Any) -> Any:
    if isinstance(value, str) and not value.strip():
        return None
    return value.strip() if isinstance(value, str) else value


def _to_int(value: Any) -> Any:
    if type(value) is int:  # the usual case, first: a page calls this thousands of times
        return value
    value = _blank_to_none(value)
    if isinstance(value, str):
        try:
            number = Decimal(value)
        except InvalidOperation:
            return None  # a placeholder such as "string": unknown, not an error
        return int(number) if number.is_finite() else None
    if isinstance(value, float):
        return int(value)
    return value


def _to_decimal(value: Any) -> Any:
    kind = type(value)
    if kind is float:  # the usual cases first: a page calls this thousands of times
        return Decimal(repr(value))  # 3.13 → Decimal("3.13"), not the binary expansion
    if kind is int:
        return value
    value = _blank_to_none(value)
    if isinstance(value, float):
        return Decimal(repr(value))  # 3.13 → Decimal("3.13"), not the binary expansion
    if isinstance(value, str):
        try:
            number = Decimal(value.replace(" ", "").replace(",", "."))
        except InvalidOperation:
            return None  # a placeholder such as "string": unknown, not an error
        return number if number.is_finite() else None
    return value


def parse_time(value: Any) -> datetime | None:
    """An Ozon time in any of its spellings → aware UTC datetime (``None`` for empty).

    Accepts ``Z`` or an offset (converted to UTC), no zone (taken as UTC, as Ozon documents),
    a space instead of ``T``, 1–9 fraction digits, and a plain date (midnight UTC).
    """
    if type(value) is str:  # the usual spelling, RFC 3339 with "Z", needs no repair
        try:
            fast = datetime.fromisoformat(value)
        except ValueError:
            pass
        else:
            if fast.tzinfo is UTC and fast.year > 1:
                return fast
    if value is None or isinstance(value, datetime | date):
        parsed = value
    elif isinstance(value, str):
        text = value.strip()
        if not text or text.startswith("0001-01-01"):  # Go zero time means "not set"
            return None
        text = text.replace("z", "Z").replace("Z", "+00:00")
        head, dot, tail = text.partition(".")
        if dot:  # Python keeps at most 6 fraction digits
            digits = len(tail) - len(tail.lstrip("0123456789"))
            tail = tail[: min(digits, 6)] + tail[digits:]
            text = f"{head}.{tail}"
        try:
            parsed = datetime.fromisoformat(text)
        except ValueError:
            return None  # a placeholder such as "string": unknown, not an error
    else:
        raise ValueError(f"expected a date-time string, got {type(value).__name__}")
    if parsed is None:
        return None
    if not isinstance(parsed, datetime):
        parsed = datetime.combine(parsed, time(), UTC)
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def _to_date(value: Any) -> Any:
    if isinstance(value, str) and value.strip():
        parsed = parse_time(value)
        return None if parsed is None else parsed.date()
    return _blank_to_none(value)


def _to_list(value: Any) -> Any:
    """``null`` → ``[]``; a lone object (where Ozon's example and schema disagree) → ``[obj]``."""
    if value is None:
        return []
    if isinstance(value, dict):
        return [] if not value else [value]
    return value


def _first(value: Any) -> Any:
    """A lone object that some answers wrap in an array (v3 ``tariffication``) → the first item."""
    if isinstance(value, list):
        return value[0] if value else None
    return value


def _error_text(value: Any) -> Any:
    """A per-item ``error``: the schema says string, examples send ``[]`` or a list of strings.

    Normalised to one string (items joined with ``"; "``) or ``None`` when there is no error.
    """
    if isinstance(value, list):
        parts = [str(item) for item in value if item not in (None, "")]
        return "; ".join(parts) or None
    if isinstance(value, dict):
        return str(value.get("message") or value) or None
    return _blank_to_none(value)


OzonInt = Annotated[int | None, BeforeValidator(_to_int)]
"""An integer (int32/int64/uint64) given as a JSON number or a string."""
OzonDecimal = Annotated[Decimal | None, BeforeValidator(_to_decimal)]
"""An amount, price or other number: never a float."""
OzonTime = Annotated[datetime | None, BeforeValidator(parse_time)]
"""A date-time, always aware and in UTC."""
OzonDate = Annotated[date | None, BeforeValidator(_to_date)]
"""A field the spec documents as a plain date ("YYYY-MM-DD")."""
ErrorText = Annotated[str | None, BeforeValidator(_error_text)]
Many = Annotated[list[T], BeforeValidator(_to_list)]
"""A list that also accepts ``null`` and a lone object."""
One = Annotated[T | None, BeforeValidator(_first)]
"""One object that may arrive wrapped in an array."""
IntList = Many[Annotated[int, BeforeValidator(_to_int)]]
"""A list of int64 (SKUs, ids) that the spec types as strings and examples send as numbers."""


_KNOWN_KEYS: dict[type[BaseModel], frozenset[str]] = {}


def _known_keys(model: type[BaseModel]) -> frozenset[str]:
    """A model's field names and aliases, computed once per class (parsing calls this a lot)."""
    known = _KNOWN_KEYS.get(model)
    if known is None:
        fields = model.model_fields
        known = frozenset(fields) | {f.alias for f in fields.values() if f.alias}
        _KNOWN_KEYS[model] = known
    return known


class Response(BaseModel):
    """Base of every response model: tolerant, and keeps unknown fields in ``model_extra``."""

    model_config = ConfigDict(
        extra="allow", populate_by_name=True, coerce_numbers_to_str=True, frozen=False
    )

    @model_validator(mode="before")
    @classmethod
    def _nulls_mean_default(cls, data: Any) -> Any:
        if isinstance(data, dict):
            if None not in data.values():  # the usual case: nothing to drop, nothing to copy
                return data
            known = _known_keys(cls)
            return {k: v for k, v in data.items() if v is not None or k not in known}
        if data is None:
            return {}
        return data


class Money(Response):
    """``{amount, currency}``; a bare number or string is read as the amount."""

    amount: OzonDecimal = None
    currency: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _bare_amount(cls, data: Any) -> Any:
        if isinstance(data, int | float | str | Decimal) and not isinstance(data, bool):
            return {"amount": data}
        return data


class PriceMoney(Response):
    """``{price, currency_code}`` as the returns methods spell a money value."""

    price: OzonDecimal = None
    currency_code: str | None = None


class KeyValue(Response):
    key: str | None = None
    value: str | None = None


class EmptyResponse(Response):
    """A method that answers 200 with an empty body (or fields we do not use)."""


class MoveStatusResult(Response):
    """One posting's outcome in a batch call: each succeeds or fails on its own."""

    posting_number: str | None = None
    result: bool = False
    error: ErrorText = None


class BoolResult(Response):
    result: bool = False


# --- errors -----------------------------------------------------------------------------------


class ErrorBody(Response):
    """Ozon's error body, whatever its shape (``rpcStatus`` or the legacy ``error`` envelope).

    ``code`` is an int when Ozon sends a number or a numeric string, else the string
    (``"RESOURCE_EXHAUSTED"``). Parsing is ``errors.parse_error_body``'s; this is its typed view.
    """

    code: int | str | None = None
    message: str = ""
    details: list[Any] = Field(default_factory=list)

    @classmethod
    def from_bytes(cls, raw: bytes) -> ErrorBody:
        message, code, details = parse_error_body(raw)
        return cls(code=code, message=message, details=details)


class RpcStatus(Response):
    """The spec's ``rpcStatus``: ``{code, message, details[]}``; ``code`` may be a string."""

    code: int | str | None = None
    message: str | None = None
    details: Many[Any] = Field(default_factory=list)


class LegacyErrorInner(Response):
    code: int | str | None = None
    message: str | None = None
    data: Many[Any] = Field(default_factory=list)


class LegacyError(Response):
    """The old ``{"error": {code, message, data}}`` envelope."""

    error: LegacyErrorInner | None = None


# --- strict building (requests) ---------------------------------------------------------------


def _utc(value: datetime) -> datetime:
    return value.astimezone(UTC)


def _rfc3339(value: datetime) -> str:
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


UtcTime = Annotated[
    AwareDatetime,
    BeforeValidator(lambda v: _utc(v) if isinstance(v, datetime) and v.tzinfo else v),
    PlainSerializer(_rfc3339, return_type=str, when_used="json"),
]
"""A request time: must carry a zone (Ozon works in UTC); sent as RFC 3339 with ``Z``."""
Int64Str = Annotated[int, PlainSerializer(str, return_type=str, when_used="json")]
"""An int64 id the spec types as a string: give an int, it is sent as ``"123"``."""


class Request(BaseModel):
    """Base of every request model: strict; ``to_json()`` is the body to send."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True, validate_assignment=True)

    def to_json(self) -> dict[str, Any]:
        body: dict[str, Any] = self.model_dump(mode="json", exclude_none=True, by_alias=True)
        return body


class EmptyRequest(Request):
    """A method without a request body; sent as ``{}``."""


class TimeRange(Request):
    """``{from, to}``; ``from`` must not be after ``to``."""

    from_: UtcTime | None = Field(None, alias="from")
    to: UtcTime | None = None

    @model_validator(mode="after")
    def _ordered(self) -> TimeRange:
        if self.from_ and self.to and self.from_ > self.to:
            raise ValueError("`from` must not be after `to`")
        return self


def add_months(moment: datetime, months: int) -> datetime:
    """``moment`` plus whole calendar months, the day clamped to the month's end."""
    index = moment.month - 1 + months
    year, month = moment.year + index // 12, index % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def check_period(start: datetime, end: datetime, *, months: int, names: str) -> None:
    """Raise if ``start`` > ``end`` or the period is longer than ``months`` calendar months."""
    if start > end:
        raise ValueError(f"{names}: the start must not be after the end")
    if end > add_months(start, months):
        span = "1 year" if months == 12 else f"{months} month(s)"
        raise ValueError(f"{names}: the period must not be longer than {span}; split it")


__all__ = [
    "BoolResult",
    "EmptyRequest",
    "EmptyResponse",
    "ErrorBody",
    "ErrorText",
    "Int64Str",
    "IntList",
    "KeyValue",
    "LegacyError",
    "LegacyErrorInner",
    "Many",
    "Money",
    "MoveStatusResult",
    "One",
    "OzonDate",
    "OzonDecimal",
    "OzonInt",
    "OzonTime",
    "PriceMoney",
    "Request",
    "Response",
    "RpcStatus",
    "SortDir",
    "TimeRange",
    "UtcTime",
    "add_months",
    "check_period",
    "parse_time",
]
