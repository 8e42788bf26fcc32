"""After the sale: return requests and disputes, negative reviews, buyers waiting for a reply."""

from __future__ import annotations

from sqlalchemy import String, cast, exists, func, or_, select

from ozonops.db.tables import Chat, ChatMessage, Review, ReviewComment, RfbsReturn
from ozonops.notify import LocalText, Severity
from ozonops.rules.rule import Context, Facts, Query, Rule
from ozonops.rules.texts import at, hours_between, span, text, when
from ozonops.watch_config import ChatUnanswered, ReturnDecision, ReviewUnanswered

__all__ = ["BUYER", "NOT_SELLER", "RULES"]

#: Message authors (``user.type``, Ozon's spec): the buyer, and those who are not the seller.
BUYER = "Customer"
NOT_SELLER = ("Customer", "Support", "NotificationUser")


def _return_decision(ctx: Context) -> Query:
    s = ctx.config.return_decision
    assert isinstance(s, ReturnDecision)
    return select(
        RfbsReturn.shop_id,
        cast(RfbsReturn.return_id, String).label("object_id"),
        RfbsReturn.posting_number,
        RfbsReturn.return_number,
        RfbsReturn.state,
        RfbsReturn.created_at,
        RfbsReturn.return_reason,
    ).where(RfbsReturn.state.in_(s.states))


def _return_decision_text(f: Facts, ctx: Context) -> tuple[LocalText, LocalText]:
    created = when(f["created_at"])
    hours = ctx.ozon.return_decision_hours
    left = hours - (hours_between(created, ctx.now) if created else 0.0)
    number = f.get("return_number") or f["object_id"]
    if left > 0:
        zh = f"须在 {hours:g} 小时内处理（还剩 {span(left).zh}），否则 Ozon 自动同意退货。"
        en = f"Decide within {hours:g} hours ({span(left).en} left) or Ozon approves it."
    else:
        zh = f"已超过 {hours:g} 小时，Ozon 可能已自动同意退货。"
        en = f"More than {hours:g} hours passed: Ozon may approve it on its own."
    reason = f.get("return_reason") or ""
    return (
        text(f"退货申请 {number} 等待处理", f"Return request {number} awaits your decision"),
        text(f"{zh} 原因：{reason}", f"{en} Reason: {reason}"),
    )


def _return_arbitration(ctx: Context) -> Query:
    return select(
        RfbsReturn.shop_id,
        cast(RfbsReturn.return_id, String).label("object_id"),
        RfbsReturn.posting_number,
        RfbsReturn.return_number,
        RfbsReturn.state,
        RfbsReturn.state_name,
    ).where(RfbsReturn.group_state == "Arbitration")


def _return_arbitration_text(f: Facts, ctx: Context) -> tuple[LocalText, LocalText]:
    number = f.get("return_number") or f["object_id"]
    return (
        text(f"退货 {number} 进入争议", f"Return {number} is disputed"),
        text(
            "买家对拒绝退货提出争议，Ozon 将在 3 天内裁决。请在 Ozon 后台补充证据。",
            "The buyer disputed the refusal; Ozon decides within 3 days. Add your evidence "
            "in the seller cabinet.",
        ),
    )


def _review(ctx: Context) -> Query:
    s = ctx.config.review_unanswered
    assert isinstance(s, ReviewUnanswered)
    answered = exists().where(ReviewComment.review_id == Review.id, ReviewComment.is_owner)
    return select(
        Review.shop_id,
        Review.id.label("object_id"),
        Review.sku,
        Review.rating,
        Review.published_at,
        Review.text,
    ).where(
        Review.rating <= s.max_rating,
        Review.published_at >= ctx.ago(days=s.lookback_days),
        ~answered,
    )


def _review_text(f: Facts, ctx: Context) -> tuple[LocalText, LocalText]:
    excerpt = (f.get("text") or "")[:120]
    return (
        text(f"差评未回复（{f['rating']} 星）", f"Negative review unanswered ({f['rating']}★)"),
        text(
            f"SKU {f['sku']} 的 {f['rating']} 星评价（{at(f['published_at'])}）还没有回复。"
            f"“{excerpt}” 回复时避免重复相同内容。",
            f"A {f['rating']}-star review of SKU {f['sku']} ({at(f['published_at'])}) has no "
            f'answer. "{excerpt}" Vary your replies: Ozon throttles identical ones.',
        ),
    )


def _chat(ctx: Context) -> Query:
    s = ctx.config.chat_unanswered
    assert isinstance(s, ChatUnanswered)
    since = ctx.ago(hours=ctx.ozon.chat_reply_hours)
    buyer = (
        select(ChatMessage.chat_id, func.max(ChatMessage.created_at).label("at"))
        .where(ChatMessage.user_type == BUYER, ChatMessage.created_at > since)
        .group_by(ChatMessage.chat_id)
        .subquery("buyer")
    )
    last_buyer = buyer.c.at
    replied = exists().where(
        ChatMessage.chat_id == buyer.c.chat_id,
        or_(ChatMessage.user_type.is_(None), ChatMessage.user_type.not_in(NOT_SELLER)),
        ChatMessage.created_at >= last_buyer,
    )
    return (
        select(
            Chat.shop_id,
            Chat.chat_id.label("object_id"),
            Chat.order_number,
            func.max(last_buyer).label("last_buyer_message_at"),
        )
        .join(buyer, buyer.c.chat_id == Chat.chat_id)
        .where(
            Chat.chat_type == "BUYER_SELLER",
            or_(Chat.chat_status.is_(None), Chat.chat_status != "CLOSED"),
            last_buyer <= ctx.ago(hours=s.after_hours),
            ~replied,
        )
        .group_by(Chat.shop_id, Chat.chat_id, Chat.order_number)
    )


def _chat_text(f: Facts, ctx: Context) -> tuple[LocalText, LocalText]:
    last = f["last_buyer_message_at"]
    left = ctx.ozon.chat_reply_hours - hours_between(last, ctx.now)
    order = f.get("order_number") or f["object_id"]
    return (
        text(f"买家消息未回复（订单 {order}）", f"Buyer message unanswered (order {order})"),
        text(
            f"买家最后一条消息在 {at(last)}，{ctx.ozon.chat_reply_hours:g} 小时回复窗口还剩 "
            f"{span(left).zh}；窗口关闭后将无法回复。",
            f"The buyer last wrote at {at(last)}; {span(left).en} left of the "
            f"{ctx.ozon.chat_reply_hours:g}-hour reply window, after which you cannot answer.",
        ),
    )


def _chat_path(chat_id: str) -> str:
    return f"/chats/{chat_id}"


def _return_path(return_id: str) -> str:
    return f"/returns/{return_id}"


RULES = (
    Rule(
        id="return_decision",
        severity=Severity.CRITICAL,
        object_type="return",
        name=text("退货申请待处理（24 小时）", "Return request awaiting decision (24 h)"),
        protects="return requests must be decided within 24 hours or Ozon approves them",
        source='ozon-rules.md "Deadlines and clocks"',
        query=_return_decision,
        describe=_return_decision_text,
        path=_return_path,
        defaults='states=("ON_APPROVAL", "ON_SELLER_CLARIFICATION")',
    ),
    Rule(
        id="return_arbitration",
        severity=Severity.WARNING,
        object_type="return",
        name=text("退货争议", "Return disputed"),
        protects="the buyer has 5 days to dispute a refusal; Ozon decides within 3 days",
        source='ozon-rules.md "Deadlines and clocks"',
        query=_return_arbitration,
        describe=_return_arbitration_text,
        path=_return_path,
    ),
    Rule(
        id="review_unanswered",
        severity=Severity.WARNING,
        object_type="review",
        name=text("差评未回复", "Negative review without an answer"),
        protects="complaints count in the seller rating; an answered review shows care",
        source='ozon-rules.md "Penalties and ratings", "Paid-tier gates"',
        query=_review,
        describe=_review_text,
        defaults="max_rating=3, lookback_days=30",
    ),
    Rule(
        id="chat_unanswered",
        severity=Severity.WARNING,
        object_type="chat",
        name=text("买家消息未回复（48 小时窗口）", "Buyer message without a reply (48 h window)"),
        protects="after 72 hours the seller may only reply within 48 hours of the buyer's "
        "last message",
        source='ozon-rules.md "Deadlines and clocks" (Chats)',
        query=_chat,
        describe=_chat_text,
        path=_chat_path,
        defaults="after_hours=12 (of ozon.chat_reply_hours=48)",
    ),
)
