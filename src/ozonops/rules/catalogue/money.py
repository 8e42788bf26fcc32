"""Money: delivered and not paid, lost and not compensated, the error index and what it costs."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    Row,
    String,
    and_,
    case,
    cast,
    exists,
    func,
    literal,
    or_,
    select,
    type_coerce,
    union_all,
)

from ozonops.db.tables import Accrual, Posting, PostingItem, Shop, SyncCursor, Transaction
from ozonops.db.tables.base import Amount
from ozonops.notify import LocalText, Severity
from ozonops.rules.catalogue.common import cancelled_because
from ozonops.rules.catalogue.shipping import NOT_HANDED_OVER, NOT_PACKED
from ozonops.rules.rule import Context, Facts, Hit, Query, Rule, posting_path
from ozonops.rules.texts import at, text
from ozonops.watch_config import ErrorIndex, EventLookback, NotCompensated, NotPaid

__all__ = ["RULES", "error_index_hits"]

#: Transaction types that pay a seller for a lost or damaged item (ozon-api.md §7).
COMPENSATION_OPERATIONS = ("MarketplaceSellerCompensationOperation",)
#: Sync resources that book money per posting: a shop reading neither says nothing.
MONEY_RESOURCES = ("accruals", "transactions")


def _money_synced(ctx: Context) -> Any:
    """The posting's shop reads money (computed once per query, not per posting)."""
    return Posting.shop_id.in_(
        select(SyncCursor.shop_id).where(
            SyncCursor.resource.in_(MONEY_RESOURCES),
            SyncCursor.status == "ok",
            SyncCursor.last_value.is_not(None),
        )
    )


def _paid_since(since: datetime) -> tuple[Any, Any]:
    """Postings with money booked to the seller since ``since``, as two sets the database
    builds once (each read on its (shop, date) index), not a lookup per posting."""
    shops = select(Shop.id)
    accrued = select(Accrual.unit_number).where(
        Accrual.shop_id.in_(shops),
        Accrual.accrual_date >= since.date(),
        Accrual.total_amount > Decimal(0),
        Accrual.unit_number.is_not(None),
    )
    operated = select(Transaction.posting_number).where(
        Transaction.shop_id.in_(shops),
        Transaction.operation_date >= since,
        Transaction.amount > Decimal(0),
        Transaction.posting_number.is_not(None),
    )
    return accrued, operated


def _not_paid(ctx: Context) -> Query:
    s = ctx.config.delivered_not_paid
    assert isinstance(s, NotPaid)
    # Money for a delivery is booked on or after it (a day's slack for time zones).
    accrued, operated = _paid_since(ctx.ago(days=s.lookback_days + 1))
    return select(
        Posting.shop_id,
        Posting.posting_number.label("object_id"),
        Posting.scheme,
        Posting.status_at.label("delivered_at"),
    ).where(
        Posting.status == "delivered",
        Posting.status_at <= ctx.ago(days=s.after_days),
        Posting.status_at >= ctx.ago(days=s.lookback_days),
        Posting.posting_number.not_in(accrued),
        Posting.posting_number.not_in(operated),
        _money_synced(ctx),
    )


def _not_paid_text(f: Facts, ctx: Context) -> tuple[LocalText, LocalText]:
    return (
        text(
            f"货件 {f['object_id']} 已送达未结算", f"Posting {f['object_id']} delivered, not paid"
        ),
        text(
            f"{at(f['delivered_at'])} 已送达，至今没有该货件的收入记录。请在 Ozon 财务报表中核对。",
            f"Delivered at {at(f['delivered_at'])} and no money booked for it since. Check it "
            "in Ozon's finance reports.",
        ),
    )


def _not_compensated(ctx: Context) -> Query:
    s = ctx.config.lost_not_compensated
    lost = ctx.config.lost
    assert isinstance(s, NotCompensated)
    assert isinstance(lost, EventLookback)
    compensated = or_(
        exists().where(
            Transaction.posting_number == Posting.posting_number,
            Transaction.operation_type.in_(COMPENSATION_OPERATIONS),
        ),
        exists().where(
            Accrual.unit_number == Posting.posting_number,
            Accrual.total_amount > Decimal(0),
            Accrual.accrual_date >= func.date(Posting.status_at),
        ),
    )
    due = ctx.ozon.lost_compensation_days + s.margin_days
    return select(
        Posting.shop_id,
        Posting.posting_number.label("object_id"),
        Posting.status_at.label("cancelled_at"),
        Posting.cancel_reason,
    ).where(
        Posting.status == "cancelled",
        cancelled_because(lost),
        Posting.status_at <= ctx.ago(days=due),
        Posting.status_at >= ctx.ago(days=s.lookback_days),
        ~compensated,
        _money_synced(ctx),
    )


def _not_compensated_text(f: Facts, ctx: Context) -> tuple[LocalText, LocalText]:
    days = ctx.ozon.lost_compensation_days
    return (
        text(
            f"丢失包裹 {f['object_id']} 未获赔偿", f"Lost posting {f['object_id']}: no compensation"
        ),
        text(
            f"{at(f['cancelled_at'])} 因丢失取消，通常约 {days:g} 天内赔偿，"
            "至今没有赔偿记录。请联系 Ozon 支持。",
            f"Cancelled as lost at {at(f['cancelled_at'])}; compensation usually comes within "
            f"about {days:g} days and none is booked. Ask Ozon support.",
        ),
    )


def _price() -> Any:
    return (
        select(type_coerce(func.sum(PostingItem.price * PostingItem.quantity), Amount()))
        .where(PostingItem.posting_number == Posting.posting_number)
        .scalar_subquery()
    )


def _error_index(ctx: Context) -> Query:
    start = ctx.ago(days=ctx.ozon.error_index_window_days)
    # Per shop, so the (shop_id, in_process_at) index reads only the window.
    in_window = and_(
        Posting.shop_id.in_(select(Shop.id)),
        Posting.in_process_at >= start,
        Posting.scheme == "rfbs",
    )
    orders = (
        select(
            Posting.shop_id,
            literal("orders").label("kind"),
            cast(func.count(), String).label("object_id"),
            type_coerce(literal(None), Amount()).label("price"),
        )
        .where(in_window)
        .group_by(Posting.shop_id)
    )
    seller_fault = and_(
        Posting.status == "cancelled",
        Posting.status_at >= start,  # cancelled after it was placed: the index bounds it
        or_(Posting.affect_cancellation_rating, Posting.cancellation_initiator == "seller"),
    )
    late = and_(Posting.status.in_(NOT_PACKED), Posting.shipment_date <= ctx.now)
    handover = and_(
        Posting.status.in_(NOT_HANDED_OVER),
        Posting.in_process_at <= ctx.ago(days=ctx.ozon.handover_days - 1),
    )
    risky = select(
        Posting.shop_id,
        case((seller_fault, literal("cancelled")), else_=literal("at_risk")).label("kind"),
        Posting.posting_number.label("object_id"),
        _price().label("price"),
    ).where(in_window, or_(seller_fault, late, handover))
    return union_all(orders, risky)


def error_index_hits(rows: Sequence[Row[Any]], ctx: Context) -> list[Hit]:
    """Per shop: the index now and forecast (at-risk postings cancelled too), and its cost."""
    s = ctx.config.error_index
    assert isinstance(s, ErrorIndex)
    figures = ctx.ozon
    orders: dict[int, int] = {}
    prices: dict[int, dict[str, list[Decimal]]] = defaultdict(lambda: defaultdict(list))
    for row in rows:
        if row.kind == "orders":
            orders[int(row.shop_id)] = int(row.object_id)
        else:
            prices[int(row.shop_id)][str(row.kind)].append(Decimal(row.price or 0))
    warn_at = figures.error_index_free if s.warn_at is None else s.warn_at
    hits = []
    for shop_id, count in sorted(orders.items()):
        if count < s.min_orders:
            continue
        cancelled = prices[shop_id]["cancelled"]
        at_risk = prices[shop_id]["at_risk"]
        index = len(cancelled) / count
        forecast = (len(cancelled) + len(at_risk)) / count
        if forecast < warn_at or forecast <= 0:
            continue
        cost_now = sum((figures.fee(p, index) for p in cancelled), Decimal(0))
        cost_forecast = sum((figures.fee(p, forecast) for p in cancelled + at_risk), Decimal(0))
        hits.append(
            Hit(
                shop_id,
                "error_index",
                {
                    "orders": count,
                    "cancelled": len(cancelled),
                    "at_risk": len(at_risk),
                    "index": round(index, 4),
                    "forecast": round(forecast, 4),
                    "penalty_rate": figures.penalty_rate(forecast),
                    "cost_rub": str(cost_now),
                    "forecast_cost_rub": str(cost_forecast),
                },
            )
        )
    return hits


def _error_index_text(f: Facts, ctx: Context) -> tuple[LocalText, LocalText]:
    free = ctx.ozon.error_index_free
    days = ctx.ozon.error_index_window_days
    idx, fc = float(f["index"]), float(f["forecast"])
    return (
        text(f"错误指数预计达到 {fc:.1%}", f"Error index heading for {fc:.1%}"),
        text(
            f"近 {days:g} 天 {f['orders']} 单中卖家原因取消 {f['cancelled']} 单（{idx:.1%}），"
            f"另有 {f['at_risk']} 单有取消风险；若都取消，指数为 {fc:.1%}（免费上限 {free:.0%}），"
            f"罚款约 {f['forecast_cost_rub']} 卢布（当前 {f['cost_rub']} 卢布）。",
            f"Over {days:g} days: {f['cancelled']} seller-fault cancellations of "
            f"{f['orders']} orders ({idx:.1%}) and {f['at_risk']} more at risk; if they cancel "
            f"the index is {fc:.1%} (free up to {free:.0%}) and the fees about "
            f"{f['forecast_cost_rub']} RUB (now {f['cost_rub']} RUB).",
        ),
    )


RULES = (
    Rule(
        id="delivered_not_paid",
        severity=Severity.WARNING,
        object_type="posting",
        name=text("已送达未结算", "Delivered and not paid"),
        protects="a delivered posting is paid; sellers report missing payouts",
        source='ozon-rules.md "Money"',
        query=_not_paid,
        describe=_not_paid_text,
        path=posting_path,
        defaults="after_days=7, lookback_days=60",
    ),
    Rule(
        id="lost_not_compensated",
        severity=Severity.WARNING,
        object_type="posting",
        name=text("丢失未赔偿", "Lost parcel without compensation"),
        protects="lost parcels are compensated about 20 days after cancellation",
        source='ozon-rules.md "Deadlines and clocks", "Money"',
        query=_not_compensated,
        describe=_not_compensated_text,
        path=posting_path,
        defaults="margin_days=10 (after ozon.lost_compensation_days=20), lookback_days=120",
    ),
    Rule(
        id="error_index",
        severity=Severity.CRITICAL,
        object_type="shop",
        name=text("错误指数将超过 4%", "Error index heading over 4 %"),
        protects="realFBS error index over 14 days: 0-4 % free, above that 3/6/9 % of the "
        "price per cancelled order (≤ 1,500 RUB)",
        source='ozon-rules.md "Penalties and ratings"',
        query=_error_index,
        describe=_error_index_text,
        collect=error_index_hits,
        path=lambda _shop: "/shops",
        defaults="warn_at=ozon.error_index_free (4 %), min_orders=20",
    ),
)
