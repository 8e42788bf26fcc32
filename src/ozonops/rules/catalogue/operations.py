"""The shop itself: FBO stock cover, the API key, pushes, methods and resources that fail."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import String, and_, cast, func, select, type_coerce

from ozonops.db.tables import InboxPush, Posting, Shop, StockSnapshot, SyncCursor, WatchFact
from ozonops.db.tables.base import UtcDateTime
from ozonops.notify import LocalText, Severity
from ozonops.rules.rule import Context, Facts, Query, Rule
from ozonops.rules.texts import at, hours_between, span, text
from ozonops.watch_config import KeyExpiring, PushSilence, StockCover

__all__ = ["KEY_EXPIRY", "METHOD_DEGRADED", "RULES"]

#: ``watch_facts.kind`` values the watchtower's probes write.
KEY_EXPIRY = "key_expiry"
METHOD_DEGRADED = "method_degraded"


def _stock(ctx: Context) -> Query:
    s = ctx.config.stock_cover
    assert isinstance(s, StockCover)
    newest = (
        select(
            StockSnapshot.shop_id,
            StockSnapshot.sku,
            StockSnapshot.warehouse_id,
            func.max(StockSnapshot.taken_at).label("taken_at"),
        )
        .group_by(StockSnapshot.shop_id, StockSnapshot.sku, StockSnapshot.warehouse_id)
        .subquery("newest")
    )
    return (
        select(
            StockSnapshot.shop_id,
            (
                cast(StockSnapshot.sku, String) + "@" + cast(StockSnapshot.warehouse_id, String)
            ).label("object_id"),
            StockSnapshot.sku,
            StockSnapshot.offer_id,
            StockSnapshot.warehouse_name,
            StockSnapshot.available,
            StockSnapshot.ads,
            StockSnapshot.idc,
        )
        .join(
            newest,
            and_(
                newest.c.shop_id == StockSnapshot.shop_id,
                newest.c.sku == StockSnapshot.sku,
                newest.c.warehouse_id == StockSnapshot.warehouse_id,
                type_of(newest.c.taken_at) == StockSnapshot.taken_at,
            ),
        )
        .where(
            StockSnapshot.ads >= s.min_daily_sales,
            StockSnapshot.idc < s.lead_time_days,
        )
    )


def type_of(column: Any) -> Any:
    """An aggregate's column read back as the store's UTC time (SQLite returns text)."""
    return type_coerce(column, UtcDateTime())


def _stock_text(f: Facts, ctx: Context) -> tuple[LocalText, LocalText]:
    s = ctx.config.stock_cover
    assert isinstance(s, StockCover)
    name = f.get("offer_id") or f["sku"]
    return (
        text(f"FBO 库存即将不足：{name}", f"FBO stock running low: {name}"),
        text(
            f"{f.get('warehouse_name') or ''} 仓可售 {f['available']} 件，日均销量 {f['ads']}，"
            f"约可售 {f['idc']} 天，少于补货周期 {s.lead_time_days:g} 天。请尽快安排供货。",
            f"{f['available']} available at {f.get('warehouse_name') or 'the warehouse'}, "
            f"selling {f['ads']} a day: about {f['idc']} days of cover, below the "
            f"{s.lead_time_days:g}-day supply lead time. Plan a supply now.",
        ),
    )


def _key(ctx: Context) -> Query:
    s = ctx.config.api_key_expiring
    assert isinstance(s, KeyExpiring)
    return select(
        WatchFact.shop_id,
        WatchFact.subject.label("object_id"),
        WatchFact.since.label("expires_at"),
    ).where(WatchFact.kind == KEY_EXPIRY, WatchFact.since <= ctx.ahead(days=s.warn_days))


def _key_text(f: Facts, ctx: Context) -> tuple[LocalText, LocalText]:
    left = hours_between(ctx.now, f["expires_at"])
    if left <= 0:
        return (
            text("API 密钥已过期", "The API key has expired"),
            text(
                f"密钥已于 {at(f['expires_at'])} 过期，同步已停止。请在卖家后台创建新密钥。",
                f"It expired at {at(f['expires_at'])} and the sync stops. Create a new key in "
                "the seller cabinet.",
            ),
        )
    return (
        text("API 密钥即将过期", "The API key expires soon"),
        text(
            f"密钥将于 {at(f['expires_at'])} 过期（还剩 {span(left).zh}）。"
            "2026 年 2 月 13 日后创建的密钥有效期 180 天，请提前在卖家后台创建新密钥。",
            f"It expires at {at(f['expires_at'])} ({span(left).en} left); keys made after "
            "13 Feb 2026 live 180 days. Create a new one in the seller cabinet in time.",
        ),
    )


def _push(ctx: Context) -> Query:
    s = ctx.config.push_silence
    assert isinstance(s, PushSilence)
    last = (
        select(InboxPush.shop_id, func.max(InboxPush.received_at).label("at"))
        .group_by(InboxPush.shop_id)
        .subquery("last_push")
    )
    last_at = type_of(last.c.at)
    orders = (
        select(Posting.shop_id, func.count().label("n"))
        .where(
            Posting.shop_id.in_(select(Shop.id)), Posting.in_process_at >= ctx.ago(hours=s.hours)
        )
        .group_by(Posting.shop_id)
        .subquery("orders")
    )
    return (
        select(
            last.c.shop_id,
            cast(last.c.shop_id, String).label("object_id"),
            last_at.label("last_push_at"),
            orders.c.n.label("orders"),
        )
        .join(orders, orders.c.shop_id == last.c.shop_id)
        .where(last_at <= ctx.wall - timedelta(hours=s.hours), orders.c.n >= s.min_orders)
    )


def _push_text(f: Facts, ctx: Context) -> tuple[LocalText, LocalText]:
    quiet = span(hours_between(f["last_push_at"], ctx.wall))
    return (
        text("很久没有收到 Ozon 推送", "No push from Ozon for hours"),
        text(
            f"最后一次推送在 {at(f['last_push_at'])}（{quiet.zh}前），"
            f"同期有 {f['orders']} 个新订单。"
            "Ozon 可能已暂停推送，需在卖家后台手动重新开启；轮询同步仍在运行。",
            f"The last push came at {at(f['last_push_at'])} ({quiet.en} ago) while "
            f"{f['orders']} orders arrived. Ozon may have suspended pushes (only a person can "
            "re-enable them in the seller cabinet); polling goes on meanwhile.",
        ),
    )


def _method(ctx: Context) -> Query:
    return select(
        WatchFact.shop_id,
        WatchFact.subject.label("object_id"),
        WatchFact.since,
        WatchFact.details["reason"].as_string().label("reason"),
        WatchFact.details["last_error"].as_string().label("last_error"),
    ).where(WatchFact.kind == METHOD_DEGRADED)


def _method_text(f: Facts, ctx: Context) -> tuple[LocalText, LocalText]:
    return (
        text(f"接口 {f['object_id']} 开始失败", f"Method {f['object_id']} started failing"),
        text(
            f"该接口以前正常，自 {at(f['since'])} 起失败：{f.get('reason') or ''}。"
            f"最近错误：{f.get('last_error') or ''}。Ozon 可能已修改或下线该接口。",
            f"It used to work and fails since {at(f['since'])}: {f.get('reason') or ''}. "
            f"Last error: {f.get('last_error') or ''}. Ozon may have changed or retired it.",
        ),
    )


def _sync(ctx: Context) -> Query:
    return select(
        SyncCursor.shop_id,
        SyncCursor.resource.label("object_id"),
        SyncCursor.updated_at.label("since"),
        SyncCursor.detail,
    ).where(SyncCursor.status == "failing")


def _sync_text(f: Facts, ctx: Context) -> tuple[LocalText, LocalText]:
    return (
        text(f"同步 {f['object_id']} 失败", f"Sync of {f['object_id']} is failing"),
        text(
            f"最近一次同步失败（{at(f['since'])}）：{f.get('detail') or ''}。"
            "下次同步会从中断处继续。",
            f"The last run failed ({at(f['since'])}): {f.get('detail') or ''}. The next run "
            "resumes where it stopped.",
        ),
    )


RULES = (
    Rule(
        id="stock_cover",
        severity=Severity.WARNING,
        object_type="stock",
        name=text("FBO 可售天数低于补货周期", "FBO days of cover below lead time"),
        protects="an FBO SKU that runs out stops selling until a supply arrives",
        source="ozon-api.md §8 (FBO stock: ads, idc); lead time ours",
        query=_stock,
        describe=_stock_text,
        path=lambda object_id: f"/stock/{object_id}",
        defaults="lead_time_days=14, min_daily_sales=0.1",
    ),
    Rule(
        id="api_key_expiring",
        severity=Severity.CRITICAL,
        object_type="shop",
        name=text("API 密钥即将过期", "API key expiring"),
        protects="keys made after 13 Feb 2026 expire after 180 days (/v1/roles expires_at)",
        source='ozon-rules.md "API limits"',
        query=_key,
        describe=_key_text,
        path=lambda _object_id: "/shops",
        defaults="warn_days=14",
    ),
    Rule(
        id="push_silence",
        severity=Severity.WARNING,
        object_type="shop",
        name=text("长时间未收到推送", "No push received for hours"),
        protects="Ozon suspends pushes to an endpoint that fails; only a person re-enables them",
        source='ozon-rules.md "Webhooks"',
        query=_push,
        describe=_push_text,
        path=lambda _object_id: "/shops",
        defaults="hours=6, min_orders=5",
    ),
    Rule(
        id="method_failing",
        severity=Severity.CRITICAL,
        object_type="method",
        name=text("接口开始失败", "A method started failing"),
        protects="Ozon switches methods off on dated deadlines; a silent failure loses data",
        source='ozon-rules.md "API churn"',
        query=_method,
        describe=_method_text,
        path=lambda _object_id: "/shops",
    ),
    Rule(
        id="sync_failing",
        severity=Severity.WARNING,
        object_type="resource",
        name=text("同步失败", "Sync failing"),
        protects="the store stays equal to Ozon only while every resource syncs",
        source="sync.md (cursors: failing)",
        query=_sync,
        describe=_sync_text,
        path=lambda _object_id: "/shops",
    ),
)
