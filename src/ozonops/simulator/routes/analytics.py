"""Analytics limited to one request per minute: ``/v1/analytics/data`` and
``/v1/analytics/turnover/stocks``.

Both are registered with ``per_minute=1``: a second call by the same Client-Id within a minute
is refused by the app's limiter with 429, code 8, "You have reached request rate limit per
minute" and a ``Retry-After`` header, before the handler runs.

``/v1/analytics/data`` groups the cells of ``world.analytics`` (see there what is counted and
what is simulated). Rules [inferred where Ozon is silent]:

- ``date_from``/``date_to`` are ``YYYY-MM-DD`` (a date-time is cut to its Moscow date);
  ``date_from`` after ``date_to`` → 400; days after today are empty.
- Shops without Premium Plus / Premium Pro (``Shop.subscription``): ``date_from`` older than
  3 months before today → 403 ``date_from: data older than 3 months is not available with
  existing subscription``; a dimension other than sku|spu|day|week|month or a metric other than
  revenue|ordered_units → 403 ``<field> <value>: not available with existing subscription``.
- 400 ``InvalidArgument``: no dimension or metric, ``unknownDimension``/``unknown_metric``, a
  repeated one, more than 14 metrics, ``limit`` outside 1–1000, negative ``offset``, a filter or
  sort key that is not a requested dimension or metric, ``brand`` as a filter key, a metric
  filter whose value is not a number.
- Filters compare a dimension's id (numerically when both sides are numbers) or a metric's
  value; all filters must hold. Rows are sorted by ``sort`` (keys in order), then by dimension
  ids ascending; ``offset``/``limit`` page that order. ``totals`` cover every filtered row:
  sums, ratios of sums for ``conv_tocart*``, a mean for ``position_category``.
- ``timestamp`` is the report time, Moscow time, ``YYYY-MM-DD HH:MM:SS`` as in the spec example.

``/v1/analytics/turnover/stocks`` reads the FBO stock book (``world.stock``): per SKU that has
ever lain in an FBO warehouse, ``current_stock`` (available units, all warehouses), ``ads``
(units sold a day over the last 60 days, as the spec says), ``idc`` = stock ÷ ads,
``turnover`` = average daily stock over those 60 days ÷ ads. Grades [inferred]:
``GRADES_NONE`` no stock and no sales, ``GRADES_NOSALES`` no sales; turnover ≤ 45 days GREEN,
≤ 90 YELLOW, ≤ 120 RED, else CRITICAL; idc < 7 days CRITICAL, < 14 RED, < 28 YELLOW, else GREEN.
Without ``sku`` the ``limit`` is required (400); with it, unknown or foreign SKUs are left out.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from functools import partial
from typing import Any

from ozonops.simulator.errors import bad_request, forbidden
from ozonops.simulator.paging import check_limit, check_offset
from ozonops.simulator.routing import JSON, Ctx, int_ids, route
from ozonops.simulator.world import Shop, Sku
from ozonops.simulator.world.analytics import (
    MSK,
    Cell,
    aggregate,
    cells,
    day_dimension,
    msk_day,
    sku_dimension,
)
from ozonops.simulator.world.index import DAY_S
from ozonops.simulator.world.stock import ShopStock, shop_stock

MAX_METRICS = 14
MAX_LIMIT = 1000
#: Without Premium Plus/Pro: history depth, dimensions and metrics (ozon-api.md §9).
FREE_MONTHS = 3
FREE_DIMENSIONS = frozenset({"sku", "spu", "day", "week", "month"})
FREE_METRICS = frozenset({"revenue", "ordered_units"})
PREMIUM = frozenset({"premium_plus", "premium_pro"})
SKU_DIMENSIONS = frozenset(
    {"sku", "spu", "brand", "category1", "category2", "modelID", "descriptionType"}
)
TIME_DIMENSIONS = frozenset({"day", "week", "month", "year"})
TRAFFIC_FREE = FREE_METRICS | {
    "cancellations",
    "delivered_units",
    "returns",
    "postings",
}
NOT_AVAILABLE = "not available with existing subscription"
_OPS: dict[str, Callable[[Any, Any], bool]] = {
    "EQ": lambda a, b: a == b,
    "GT": lambda a, b: a > b,
    "GTE": lambda a, b: a >= b,
    "LT": lambda a, b: a < b,
    "LTE": lambda a, b: a <= b,
}


def is_premium(shop: Shop) -> bool:
    return shop.subscription in PREMIUM


def months_back(d: date, months: int) -> date:
    """The same day ``months`` calendar months earlier (clamped to the month's end)."""
    y, m = divmod(d.year * 12 + d.month - 1 - months, 12)
    m += 1
    for day in (d.day, 30, 29, 28):
        try:
            return date(y, m, day)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def parse_day(value: Any, field: str) -> date:
    if not isinstance(value, str) or not value:
        raise bad_request(f"{field}: expected a date YYYY-MM-DD", field=field)
    try:
        if len(value) == 10:
            return date.fromisoformat(value)
        dt = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise bad_request(f"{field}: invalid date {value!r}", field=field) from None
    return msk_day(dt) if dt.tzinfo else dt.date()


# --- /v1/analytics/data ---------------------------------------------------------------------
@route("/v1/analytics/data", per_minute=1)
def analytics_data(ctx: Ctx) -> JSON:
    body = ctx.body
    first = parse_day(body.get("date_from"), "date_from")
    last = parse_day(body.get("date_to"), "date_to")
    if first > last:
        raise bad_request("date_from must not be later than date_to", field="date_from")
    dims = _names(body.get("dimension"), "dimension", "unknownDimension")
    metrics = _names(body.get("metrics"), "metrics", "unknown_metric")
    if len(metrics) > MAX_METRICS:
        raise bad_request(
            f"InvalidArgument: metrics: at most {MAX_METRICS} metrics are allowed", field="metrics"
        )
    limit = check_limit(body.get("limit"), MAX_LIMIT)
    offset = check_offset(body.get("offset") or 0)
    today = msk_day(ctx.now)
    if not is_premium(ctx.shop):
        if first < months_back(today, FREE_MONTHS):
            raise forbidden(f"date_from: data older than 3 months is {NOT_AVAILABLE}")
        for d in dims:
            if d not in FREE_DIMENSIONS:
                raise forbidden(f"dimension {d}: {NOT_AVAILABLE}")
        for m in metrics:
            if m not in FREE_METRICS:
                raise forbidden(f"metrics {m}: {NOT_AVAILABLE}")
    filters = [_filter(f, dims, metrics) for f in body.get("filters") or []]
    sorts = [_sort(s, dims, metrics) for s in body.get("sort") or []]

    traffic = any(m not in TRAFFIC_FREE for m in metrics)
    groups: dict[tuple[str, ...], list[Cell]] = {}
    names: dict[tuple[str, ...], list[dict[str, str]]] = {}
    for c in cells(ctx.world, ctx.shop, first, min(last, today), ctx.now, traffic=traffic):
        parts = [_dimension(c, d) for d in dims]
        key = tuple(p[0] for p in parts)
        groups.setdefault(key, []).append(c)
        names.setdefault(key, [{"id": i, "name": n} for i, n in parts])
    rows: list[Row] = [(key, aggregate(g, metrics)) for key, g in groups.items()]
    rows = [r for r in rows if all(f(r[0], r[1]) for f in filters)]
    rows.sort(key=lambda r: r[0])
    for index, descending in reversed(sorts):  # stable sorts: the first key wins
        rows.sort(key=partial(_sort_value, index=index), reverse=descending)
    totals = aggregate([c for key, _ in rows for c in groups[key]], metrics)
    page = rows[offset : offset + limit]
    return {
        "result": {
            "data": [{"dimensions": names[key], "metrics": values} for key, values in page],
            "totals": totals,
        },
        "timestamp": ctx.now.astimezone(MSK).strftime("%Y-%m-%d %H:%M:%S"),
    }


def _names(values: Any, field: str, unknown: str) -> list[str]:
    out: list[str] = list(values or [])
    if not out:
        raise bad_request(f"InvalidArgument: {field} is required", field=field)
    if unknown in out:
        raise bad_request(f"InvalidArgument: {field}: {unknown} is not allowed", field=field)
    if len(set(out)) != len(out):
        raise bad_request(f"InvalidArgument: {field}: repeated values", field=field)
    return out


def _dimension(c: Cell, dim: str) -> tuple[str, str]:
    if dim in TIME_DIMENSIONS:
        return day_dimension(c.day, dim)
    return sku_dimension(c.sku, dim)


def _number(value: str) -> float | None:
    try:
        return float(value)
    except ValueError:
        return None


Row = tuple[tuple[str, ...], list[float]]


def _filter(f: dict[str, Any], dims: list[str], metrics: list[str]) -> Callable[..., bool]:
    key = f.get("key") or ""
    op = _OPS[f.get("op") or "EQ"]
    value = str(f.get("value") or "")
    if key == "brand":
        raise bad_request("InvalidArgument: filters: brand cannot be filtered", field="filters")
    if key in metrics:
        i = metrics.index(key)
        target = _number(value)
        if target is None:
            raise bad_request(
                f"InvalidArgument: filters: {value!r} is not a number", field="filters"
            )
        return lambda key_, values: op(values[i], target)
    if key in dims:
        j = dims.index(key)
        num = _number(value)

        def keep(key_: tuple[str, ...], values: list[float]) -> bool:
            got = _number(key_[j]) if num is not None else None
            if num is not None and got is not None:
                return op(got, num)
            return op(key_[j], value)

        return keep
    raise bad_request(
        f"InvalidArgument: filters: {key!r} is not a requested dimension or metric",
        field="filters",
    )


def _sort(s: dict[str, Any], dims: list[str], metrics: list[str]) -> tuple[int, bool]:
    """``(column, descending)``: metrics are columns 0.., dimensions -1, -2, ..."""
    key = s.get("key") or ""
    descending = s.get("order") == "DESC"
    if key in metrics:
        return metrics.index(key), descending
    if key in dims:
        return -1 - dims.index(key), descending
    raise bad_request(
        f"InvalidArgument: sort: {key!r} is not a requested dimension or metric", field="sort"
    )


def _sort_value(row: Row, *, index: int) -> Any:
    if index >= 0:
        return row[1][index]
    return row[0][-1 - index]


# --- /v1/analytics/turnover/stocks ----------------------------------------------------------
ADS_DAYS = 60


@route("/v1/analytics/turnover/stocks", per_minute=1)
def turnover_stocks(ctx: Ctx) -> JSON:
    body = ctx.body
    wanted = int_ids(body.get("sku"), "sku")
    limit = body.get("limit")
    offset = body.get("offset") or 0
    if not wanted and limit is None:
        raise bad_request("limit is required when sku is not set", field="limit")
    if limit is not None:
        check_limit(limit, MAX_LIMIT)
    check_offset(offset)
    book = shop_stock(ctx.world, ctx.shop.index, ctx.now)
    skus = sorted(book.skus, key=lambda k: k.sku)
    if wanted:
        keep = set(wanted)
        skus = [k for k in skus if k.sku in keep]
    items = [i for k in skus if (i := turnover_item(book, k, ctx.now)) is not None]
    end = None if limit is None else offset + limit
    return {"items": items[offset:end]}


def turnover_item(book: ShopStock, k: Sku, now: datetime) -> dict[str, Any] | None:
    """One SKU's turnover, or None when it has never lain in an FBO warehouse."""
    ledgers = [led for (sku, _), led in book.ledgers.items() if sku == k.sku]
    if not ledgers:
        return None
    t = int(now.timestamp())
    stock = sum(led.available(t) for led in ledgers)
    ads = book.sales[k.sku].between(t - ADS_DAYS * DAY_S, t) / ADS_DAYS
    start = max(book.start, t - ADS_DAYS * DAY_S)
    days = max(1, (t - start) // DAY_S)
    average = sum(led.available(t - n * DAY_S) for led in ledgers for n in range(days)) / days
    idc = stock / ads if ads > 0 else 0.0
    turnover = average / ads if ads > 0 else 0.0
    return {
        "ads": round(ads, 2),
        "current_stock": stock,
        "idc": round(idc, 1),
        "idc_grade": idc_grade(stock, ads),
        "name": k.name,
        "offer_id": k.offer_id,
        "sku": k.sku,
        "turnover": round(turnover, 1),
        "turnover_grade": turnover_grade(stock, ads, turnover),
    }


def idc_grade(stock: int, ads: float) -> str:
    if ads <= 0:
        return "GRADES_NOSALES" if stock > 0 else "GRADES_NONE"
    idc = stock / ads
    if idc < 7:
        return "GRADES_CRITICAL"
    if idc < 14:
        return "GRADES_RED"
    if idc < 28:
        return "GRADES_YELLOW"
    return "GRADES_GREEN"


def turnover_grade(stock: int, ads: float, turnover: float) -> str:
    if ads <= 0:
        return "GRADES_NOSALES" if stock > 0 else "GRADES_NONE"
    if turnover <= 45:
        return "GRADES_GREEN"
    if turnover <= 90:
        return "GRADES_YELLOW"
    if turnover <= 120:
        return "GRADES_RED"
    return "GRADES_CRITICAL"


__all__ = ["analytics_data", "months_back", "turnover_stocks"]
