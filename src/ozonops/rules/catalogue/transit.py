"""On the way: stalls, promised windows, the buyer's right to cancel, losses and returns.

Parcel-tracking facts (17TRACK scans, from the tracking issue) will sharpen several of these:
a stall measured from the last carrier scan instead of the last Ozon status change, customs
holds, untraceable numbers (the 3-day replacement clock), returns to sender and failed
deliveries seen on the carrier's side before Ozon cancels. Until then they read what the
store shows: statuses, their times, and Ozon's cancellation reasons.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, case, literal, select

from ozonops.db.tables import Posting
from ozonops.db.tables.base import UtcDateTime
from ozonops.domain import FBO_PUSH_STATES, FBS_PUSH_STATES, FINAL_STATUSES
from ozonops.notify import LocalText, Severity
from ozonops.rules.catalogue.common import cancelled_because, posting_columns
from ozonops.rules.rule import Context, Facts, Query, Rule, posting_path
from ozonops.rules.texts import at, hours_between, span, text, when
from ozonops.watch_config import CancelRight, DeliveryLate, EventLookback, NotClosed, Stalled

__all__ = ["IN_TRANSIT", "OPEN", "RULES", "SELLER_SCHEMES"]

#: Statuses of a parcel on its way to the buyer (the carrier holds it).
IN_TRANSIT = ("acceptance_in_progress", "driver_pickup", "delivering")
#: Substatuses of ``delivering`` where the parcel waits for the buyer, not the carrier.
WAITING_FOR_BUYER = ("posting_in_pickup_point", "posting_conditionally_delivered")
#: Not delivered, not cancelled: every status a posting is still open in (Ozon's vocabulary,
#: ``ozonops.domain``), named rather than "not final", so the status index narrows the scan.
OPEN = tuple(sorted((set(FBS_PUSH_STATES) | set(FBO_PUSH_STATES)) - FINAL_STATUSES))
#: Schemes whose delivery promise the seller answers for (FBO lists carry no window).
SELLER_SCHEMES = ("fbs", "rfbs")


def _stalled(ctx: Context) -> Query:
    s = ctx.config.stalled
    assert isinstance(s, Stalled)

    def cutoff(days: float) -> ColumnElement[Any]:
        return literal(ctx.ago(days=days), UtcDateTime())

    whens: list[tuple[ColumnElement[bool], ColumnElement[Any]]] = [
        (Posting.delivery_method_id == method, cutoff(days))
        for method, days in sorted(s.by_delivery_method.items())
    ]
    whens += [(Posting.scheme == scheme, cutoff(days)) for scheme, days in sorted(s.days.items())]
    limit = case(*whens, else_=cutoff(max(s.days.values(), default=30.0)))
    return select(
        *posting_columns(), Posting.status_at, Posting.delivery_method_name, Posting.tracking_number
    ).where(
        Posting.status.in_(IN_TRANSIT),
        Posting.substatus.not_in(WAITING_FOR_BUYER),
        Posting.status_at < limit,
    )


def _stalled_text(f: Facts, ctx: Context) -> tuple[LocalText, LocalText]:
    quiet = span(hours_between(f["status_at"], ctx.now))
    lane = f.get("delivery_method_name") or f.get("scheme", "")
    return (
        text(f"货件 {f['object_id']} 运输停滞", f"Posting {f['object_id']} has stalled"),
        text(
            f"状态 {f['status']}/{f['substatus']} 已 {quiet.zh} 没有变化，超过该线路（{lane}）的"
            "通常时间。请联系承运商核实。",
            f"No status change for {quiet.en} ({f['status']}/{f['substatus']}), longer than "
            f"usual on this lane ({lane}). Ask the carrier.",
        ),
    )


def _cancelled_for(ctx: Context, rule_id: str) -> Query:
    s = ctx.config.settings_of(rule_id)
    assert isinstance(s, EventLookback)
    return select(
        *posting_columns(),
        Posting.status_at.label("cancelled_at"),
        Posting.cancel_reason_id,
        Posting.cancel_reason,
        Posting.tracking_number,
    ).where(
        Posting.status == "cancelled",
        Posting.status_at >= ctx.ago(days=s.lookback_days),
        cancelled_because(s),
    )


def _event_text(zh: str, en: str, zh_body: str, en_body: str) -> Any:
    def describe(f: Facts, ctx: Context) -> tuple[LocalText, LocalText]:
        reason = f.get("cancel_reason") or ""
        return (
            text(zh.format(n=f["object_id"]), en.format(n=f["object_id"])),
            text(
                f"{zh_body}（取消原因：{reason}，{at(f['cancelled_at'])}）",
                f"{en_body} (reason: {reason}, {at(f['cancelled_at'])})",
            ),
        )

    return describe


def _late(ctx: Context) -> Query:
    s = ctx.config.delivery_late
    assert isinstance(s, DeliveryLate)
    return select(*posting_columns(), Posting.delivery_date_end).where(
        Posting.scheme.in_(SELLER_SCHEMES),
        Posting.status.in_(OPEN),
        Posting.substatus != "posting_conditionally_delivered",
        Posting.delivery_date_end < ctx.ago(hours=s.grace_hours),
    )


def _late_text(f: Facts, ctx: Context) -> tuple[LocalText, LocalText]:
    late = span(hours_between(f["delivery_date_end"], ctx.now))
    return (
        text(f"货件 {f['object_id']} 超过承诺送达时间", f"Posting {f['object_id']} is late"),
        text(
            f"承诺最晚 {at(f['delivery_date_end'])} 送达，已晚 {late.zh}。准时送达计入卖家评级；"
            "可给买家发送延误说明。",
            f"Promised by {at(f['delivery_date_end'])}, now {late.en} late. On-time delivery "
            "counts in the seller rating; a delay notice to the buyer helps.",
        ),
    )


def _may_cancel(ctx: Context) -> Query:
    s = ctx.config.buyer_may_cancel
    assert isinstance(s, CancelRight)
    days = ctx.ozon.buyer_cancel_overdue_days - s.warn_days
    return select(*posting_columns(), Posting.delivery_date_end).where(
        Posting.scheme.in_(SELLER_SCHEMES),
        Posting.status.in_(OPEN),
        Posting.substatus != "posting_conditionally_delivered",
        Posting.delivery_date_end <= ctx.ago(days=days),
    )


def _may_cancel_text(f: Facts, ctx: Context) -> tuple[LocalText, LocalText]:
    end = when(f["delivery_date_end"])
    assert end is not None
    days = ctx.ozon.buyer_cancel_overdue_days
    from_ts = end.timestamp() + days * 86400
    left = (from_ts - ctx.now.timestamp()) / 3600
    if left > 0:
        zh = f"逾期满 {days:g} 天后买家可取消订单，还剩 {span(left).zh}。"
        en = f"Once {days:g} days overdue the buyer may cancel: {span(left).en} left."
    else:
        zh = f"已逾期超过 {days:g} 天，买家现在可以取消订单。"
        en = f"More than {days:g} days overdue: the buyer may cancel now."
    return (
        text(f"货件 {f['object_id']} 买家可取消", f"Posting {f['object_id']}: buyer may cancel"),
        text(zh, en),
    )


def _not_closed(ctx: Context) -> Query:
    s = ctx.config.delivered_not_closed
    assert isinstance(s, NotClosed)
    return select(*posting_columns(), Posting.status_at).where(
        Posting.scheme == "rfbs",
        Posting.status == "delivering",
        Posting.substatus == "posting_conditionally_delivered",
        Posting.status_at <= ctx.ago(days=s.after_days),
    )


def _not_closed_text(f: Facts, ctx: Context) -> tuple[LocalText, LocalText]:
    waited = span(hours_between(f["status_at"], ctx.now))
    return (
        text(f"货件 {f['object_id']} 已送达但未完结", f"Posting {f['object_id']} not closed"),
        text(
            f"标记为已送达 {waited.zh}，买家仍未确认，订单未完结，货款也不会结算。",
            f"Marked delivered {waited.en} ago and the buyer has not confirmed: the order is "
            "not closed and not paid.",
        ),
    )


def _arbitration(ctx: Context) -> Query:
    return select(*posting_columns(), Posting.status_at).where(
        Posting.status.in_(("arbitration", "client_arbitration"))
    )


def _arbitration_text(f: Facts, ctx: Context) -> tuple[LocalText, LocalText]:
    who = "买家" if f["status"] == "client_arbitration" else "卖家"
    who_en = "the buyer" if f["status"] == "client_arbitration" else "the seller"
    return (
        text(f"货件 {f['object_id']} 进入争议", f"Posting {f['object_id']} is in arbitration"),
        text(
            f"{who}发起的争议（{f['status']}），自 {at(f['status_at'])}。请准备交运凭证。",
            f"A dispute opened by {who_en} ({f['status']}) since {at(f['status_at'])}. Have "
            "the handover proof ready.",
        ),
    )


RULES = (
    Rule(
        id="stalled",
        severity=Severity.WARNING,
        object_type="posting",
        name=text("运输停滞", "Stalled in transit"),
        protects="a parcel stalled beyond the lane's usual time is heading for late delivery, "
        "a buyer cancellation or a loss",
        source='ozon-rules.md "Deadlines and clocks"; thresholds ours',
        query=_stalled,
        describe=_stalled_text,
        path=posting_path,
        defaults='days={"fbs": 30, "rfbs": 30, "fbo": 5}, by_delivery_method={}',
    ),
    Rule(
        id="return_to_sender",
        severity=Severity.WARNING,
        object_type="posting",
        name=text("退回发件人", "Returned to sender"),
        protects="a posting whose parcel moves back to the sender is cancelled",
        source='ozon-rules.md "Deadlines and clocks"',
        query=lambda ctx: _cancelled_for(ctx, "return_to_sender"),
        describe=_event_text(
            "货件 {n} 被退回发件人",
            "Posting {n} was returned to sender",
            "包裹正退回发件人，订单已取消；请联系承运商取回并核对退货费用。",
            "The parcel is going back to the sender and the order is cancelled; arrange its "
            "return with the carrier and check the return charges",
        ),
        path=posting_path,
        defaults='lookback_days=14, reason_words=("возврат отправителю",)',
    ),
    Rule(
        id="lost",
        severity=Severity.WARNING,
        object_type="posting",
        name=text("包裹丢失", "Lost by the carrier"),
        protects="lost parcels are cancelled without hurting metrics and compensated",
        source='ozon-rules.md "Deadlines and clocks"; ozon-api.md §1.7 (reason 667)',
        query=lambda ctx: _cancelled_for(ctx, "lost"),
        describe=_event_text(
            "货件 {n} 被承运商丢失",
            "Posting {n} was lost by the carrier",
            "订单因包裹丢失被取消，不影响评级；约 20 天内应收到赔偿，请留意。",
            "The order was cancelled as lost: no harm to the rating, and compensation is due "
            "in about 20 days",
        ),
        path=posting_path,
        defaults="lookback_days=14, reason_ids=(667,)",
    ),
    Rule(
        id="failed_delivery",
        severity=Severity.WARNING,
        object_type="posting",
        name=text("投递失败", "Failed delivery"),
        protects="a parcel the buyer did not collect is cancelled and comes back at a cost",
        source="ozon-api.md §1.7 (reason 665)",
        query=lambda ctx: _cancelled_for(ctx, "failed_delivery"),
        describe=_event_text(
            "货件 {n} 投递失败",
            "Delivery of posting {n} failed",
            "买家未取件或无法投递，订单已取消，包裹将退回。",
            "The buyer did not collect it or could not be reached; the order is cancelled and "
            "the parcel comes back",
        ),
        path=posting_path,
        defaults="lookback_days=14, reason_ids=(665,)",
    ),
    Rule(
        id="delivery_late",
        severity=Severity.WARNING,
        object_type="posting",
        name=text("超过承诺送达时间", "Later than the promised window"),
        protects="on-time delivery counts in the seller rating",
        source='ozon-rules.md "Penalties and ratings"',
        query=_late,
        describe=_late_text,
        path=posting_path,
        defaults="grace_hours=0",
    ),
    Rule(
        id="buyer_may_cancel",
        severity=Severity.CRITICAL,
        object_type="posting",
        name=text("逾期 20 天买家可取消", "Buyer may cancel (20 days overdue)"),
        protects="the buyer may cancel once delivery is more than 20 days overdue",
        source='ozon-rules.md "Deadlines and clocks"',
        query=_may_cancel,
        describe=_may_cancel_text,
        path=posting_path,
        defaults="warn_days=5 (of ozon.buyer_cancel_overdue_days=20)",
    ),
    Rule(
        id="delivered_not_closed",
        severity=Severity.WARNING,
        object_type="posting",
        name=text("已送达未完结", "Delivered but not closed"),
        protects="an rFBS posting is paid only once delivered; conditionally delivered waits "
        "for the buyer",
        source="ozon-api.md §2 (statuses); simulator.md (rFBS delivered)",
        query=_not_closed,
        describe=_not_closed_text,
        path=posting_path,
        defaults="after_days=5",
    ),
    Rule(
        id="arbitration_opened",
        severity=Severity.CRITICAL,
        object_type="posting",
        name=text("争议已开启", "Arbitration opened"),
        protects="a dispute decides who pays for a parcel; the seller must show proof in time",
        source="ozon-api.md §1.7 (disputes)",
        query=_arbitration,
        describe=_arbitration_text,
        path=posting_path,
    ),
)
