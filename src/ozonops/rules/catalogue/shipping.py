"""Before the parcel leaves: the ship-by date, packing, the 10-day handover, the tracking number."""

from __future__ import annotations

from sqlalchemy import and_, or_, select

from ozonops.db.tables import Posting
from ozonops.notify import LocalText, Severity
from ozonops.rules.catalogue.common import posting_columns
from ozonops.rules.rule import Context, Facts, Query, Rule, posting_path
from ozonops.rules.texts import at, hours_between, span, text, when
from ozonops.watch_config import Handover, NoTracking, ShipByNear

__all__ = ["NOT_HANDED_OVER", "NOT_PACKED", "RULES"]

#: Statuses of a posting the seller has not packed yet.
NOT_PACKED = ("awaiting_approve", "awaiting_packaging")
#: Statuses of a posting not yet handed to delivery.
NOT_HANDED_OVER = (*NOT_PACKED, "awaiting_registration", "awaiting_deliver")


def _ship_by_near(ctx: Context) -> Query:
    s = ctx.config.ship_by_near
    assert isinstance(s, ShipByNear)
    return select(*posting_columns(), Posting.shipment_date).where(
        Posting.status.in_(NOT_PACKED),
        Posting.scheme.in_(("fbs", "rfbs")),
        Posting.shipment_date > ctx.now,
        Posting.shipment_date <= ctx.ahead(hours=s.warn_hours),
    )


def _ship_by_near_text(f: Facts, ctx: Context) -> tuple[LocalText, LocalText]:
    left = span(hours_between(ctx.now, f["shipment_date"]))
    n = f["object_id"]
    return (
        text(f"货件 {n} 即将超过发货截止时间", f"Posting {n} is close to its ship-by date"),
        text(
            f"需在 {at(f['shipment_date'])} 前打包并交运，还剩 {left.zh}。",
            f"Pack and hand it over by {at(f['shipment_date'])}: {left.en} left.",
        ),
    )


def _ship_by_missed(ctx: Context) -> Query:
    return select(*posting_columns(), Posting.shipment_date).where(
        Posting.status.in_(NOT_PACKED),
        Posting.scheme.in_(("fbs", "rfbs")),
        Posting.shipment_date <= ctx.now,
    )


def _ship_by_missed_text(f: Facts, ctx: Context) -> tuple[LocalText, LocalText]:
    late = span(hours_between(f["shipment_date"], ctx.now))
    n = f["object_id"]
    return (
        text(f"货件 {n} 已超过发货截止时间", f"Posting {n} missed its ship-by date"),
        text(
            f"截止时间 {at(f['shipment_date'])}，已超时 {late.zh}，仍未打包。超时发货计入错误指数，"
            "可能被取消。",
            f"The deadline was {at(f['shipment_date'])}, {late.en} ago, and it is not packed. "
            "Late shipments count towards the error index and may be cancelled.",
        ),
    )


def _packing_failed(ctx: Context) -> Query:
    return select(*posting_columns(), Posting.shipment_date, Posting.status_at).where(
        Posting.status == "awaiting_packaging", Posting.substatus == "ship_failed"
    )


def _packing_failed_text(f: Facts, ctx: Context) -> tuple[LocalText, LocalText]:
    n = f["object_id"]
    return (
        text(f"货件 {n} 打包失败，需要重新打包", f"Packing posting {n} failed: pack it again"),
        text(
            f"Ozon 未接受打包请求（ship_failed）。请在 {at(f['shipment_date'])} 前重新打包。",
            f"Ozon did not accept the packing (ship_failed). Pack it again before "
            f"{at(f['shipment_date'])}.",
        ),
    )


def _handover(ctx: Context) -> Query:
    s = ctx.config.handover_deadline
    assert isinstance(s, Handover)
    # in_process_at + handover_days - now <= warn_days  <=>  in_process_at <= now - (days - warn)
    return select(*posting_columns(), Posting.in_process_at).where(
        Posting.scheme == "rfbs",
        Posting.status.in_(NOT_HANDED_OVER),
        Posting.in_process_at <= ctx.ago(days=ctx.ozon.handover_days - s.warn_days),
    )


def _handover_text(f: Facts, ctx: Context) -> tuple[LocalText, LocalText]:
    start = when(f["in_process_at"])
    assert start is not None
    deadline = start.timestamp() + ctx.ozon.handover_days * 86400
    left = (deadline - ctx.now.timestamp()) / 3600
    n = f["object_id"]
    days = f"{ctx.ozon.handover_days:g}"
    if left <= 0:
        body = text(
            f"跨境 rFBS 货件须在 {days} 天内交运；期限已过 {span(left).zh}，Ozon 将取消该订单。",
            f"Cross-border rFBS postings must be handed over within {days} days; the deadline "
            f"passed {span(left).en} ago and Ozon cancels the order.",
        )
    else:
        body = text(
            f"跨境 rFBS 货件须在付款后 {days} 天内交运，还剩 {span(left).zh}，否则订单会被取消。",
            f"Cross-border rFBS postings must be handed over within {days} days of payment: "
            f"{span(left).en} left before Ozon cancels it.",
        )
    return text(f"货件 {n} 的 {days} 天交运期限将到", f"Posting {n}: {days}-day handover"), body


def _no_tracking(ctx: Context) -> Query:
    s = ctx.config.no_tracking_number
    assert isinstance(s, NoTracking)
    missing = or_(Posting.tracking_number.is_(None), Posting.tracking_number == "")
    packed_late = and_(
        Posting.status == "awaiting_deliver",
        Posting.shipment_date <= ctx.ago(hours=s.after_hours),
    )
    return select(*posting_columns(), Posting.shipment_date, Posting.status_at).where(
        Posting.scheme == "rfbs",
        Posting.tpl_integration_type == "non_integrated",
        missing,
        or_(packed_late, Posting.status == "delivering"),
    )


def _no_tracking_text(f: Facts, ctx: Context) -> tuple[LocalText, LocalText]:
    n = f["object_id"]
    return (
        text(f"货件 {n} 已交运但没有运单号", f"Posting {n} has no tracking number"),
        text(
            "货件已打包交给承运商，但 Ozon 上没有运单号：买家和 Ozon 都无法跟踪，交运期限照常计算。"
            "请上传运单号。",
            "It is packed and with your carrier, but Ozon has no tracking number: neither the "
            "buyer nor Ozon can follow it, and the handover clock runs on. Upload the number.",
        ),
    )


def _not_accepted(ctx: Context) -> Query:
    return select(*posting_columns(), Posting.status_at).where(Posting.status == "not_accepted")


def _not_accepted_text(f: Facts, ctx: Context) -> tuple[LocalText, LocalText]:
    n = f["object_id"]
    return (
        text(f"货件 {n} 未被分拣中心接收", f"Posting {n} was not accepted at the sort centre"),
        text(
            "货件已交运但分拣中心没有扫描入库。请尽快发起争议（arbitration），否则货件会被取消。",
            "It was handed over but never scanned at the sort centre. Open a dispute "
            "(arbitration) soon, or the posting is cancelled.",
        ),
    )


RULES = (
    Rule(
        id="ship_by_near",
        severity=Severity.WARNING,
        object_type="posting",
        name=text("即将超时发货", "Ship-by date near"),
        protects="shipment_date is the deadline to pack and hand over an FBS/rFBS posting",
        source='ozon-rules.md "Deadlines and clocks"',
        query=_ship_by_near,
        describe=_ship_by_near_text,
        path=posting_path,
        defaults="warn_hours=24",
    ),
    Rule(
        id="ship_by_missed",
        severity=Severity.CRITICAL,
        object_type="posting",
        name=text("已超时未发货", "Ship-by date missed"),
        protects="shipment_date passed and the posting is not packed: late shipment, error index",
        source='ozon-rules.md "Deadlines and clocks", "Penalties and ratings"',
        query=_ship_by_missed,
        describe=_ship_by_missed_text,
        path=posting_path,
    ),
    Rule(
        id="packing_failed",
        severity=Severity.CRITICAL,
        object_type="posting",
        name=text("打包失败", "Packing failed"),
        protects="packing is asynchronous; substatus ship_failed means pack again",
        source='ozon-rules.md "Request-shape gotchas"',
        query=_packing_failed,
        describe=_packing_failed_text,
        path=posting_path,
    ),
    Rule(
        id="handover_deadline",
        severity=Severity.CRITICAL,
        object_type="posting",
        name=text("10 天交运期限", "10-day cross-border handover"),
        protects="a cross-border rFBS posting not handed to delivery within 10 days is cancelled",
        source='ozon-rules.md "Deadlines and clocks"',
        query=_handover,
        describe=_handover_text,
        path=posting_path,
        defaults="warn_days=3 (of ozon.handover_days=10)",
    ),
    Rule(
        id="no_tracking_number",
        severity=Severity.WARNING,
        object_type="posting",
        name=text("交运后无运单号", "No tracking number after handover"),
        protects="a non-integrated rFBS parcel must carry a tracking number Ozon can follow",
        source="ozon-api.md §1.6 (tracking number, status moves)",
        query=_no_tracking,
        describe=_no_tracking_text,
        path=posting_path,
        defaults="after_hours=12 (past the shipment date)",
    ),
    Rule(
        id="not_accepted",
        severity=Severity.CRITICAL,
        object_type="posting",
        name=text("分拣中心未接收", "Not accepted at the sort centre"),
        protects="a handed-over parcel never scanned must be disputed (arbitration) or is lost",
        source="ozon-api.md §1.7 (disputes)",
        query=_not_accepted,
        describe=_not_accepted_text,
        path=posting_path,
    ),
)
