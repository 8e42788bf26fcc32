"""The simulator's truth for every synced resource, read whole and plainly through the client.

No cursors, no windows, no overlaps: every list read from its start with no filter, so a sync
bug cannot hide in the same logic on both sides. Rows go through the same mapping as the sync
(so the comparison is about what was read, not how it was spelled) without the columns that
record when we saw them.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
from pydantic import SecretStr
from sqlalchemy import func, select
from starlette.applications import Starlette

from ozonops.db import Database
from ozonops.db.tables import (
    Accrual,
    Chat,
    ChatMessage,
    DeliveryMethod,
    RealizationRow,
    Return,
    Review,
    ReviewComment,
    RfbsReturn,
    StockSnapshot,
    Transaction,
    Warehouse,
)
from ozonops.ozon import OzonClient, errors
from ozonops.simulator.world import Shop
from ozonops.sync.mapping.aftersales import (
    chat_row,
    comment_row,
    message_row,
    return_row,
    review_row,
    rfbs_row,
)
from ozonops.sync.mapping.money import (
    accrual_row,
    delivery_method_row,
    operation_row,
    realization_row,
    stock_row,
    warehouse_row,
)
from ozonops.sync.resources.common import gather_bounded

AT = datetime(2000, 1, 1, tzinfo=UTC)  # placeholder for the "when we saw it" columns
DROP = {"updated_at", "taken_at", "id"}
Rows = dict[Any, dict[str, Any]]
EVER = {"time_from": AT, "time_to": datetime(2100, 1, 1, tzinfo=UTC)}


def _clean(row: dict[str, Any], *, keep_id: bool = False) -> dict[str, Any]:
    drop = DROP - ({"id"} if keep_id else set())
    return {k: v for k, v in row.items() if k not in drop}


async def read_truth(app: Starlette, shop: Shop, *, shop_id: int, since: date) -> dict[str, Rows]:
    """Every resource of ``shop`` as the simulator answers it now, whole."""
    out: dict[str, Rows] = {}
    async with OzonClient(
        client_id=shop.client_id,
        api_key=SecretStr(shop.api_key),
        base_url="https://api-seller.ozon.ru",
        transport=httpx.ASGITransport(app=app),
        limit_rate=False,  # the tests' simulator lifts its limit
    ) as oz:
        now = app.state.world.now()
        out["returns"] = {
            r.id: _clean(return_row(r, shop_id=shop_id, at=AT), keep_id=True)
            async for r in oz.iter_returns(filter={"visual_status_change_moment": EVER})
        }
        listed = [r async for r in oz.iter_rfbs_returns()]
        details = await gather_bounded(oz.rfbs_return_get(return_id=r.return_id) for r in listed)
        out["rfbs_returns"] = {
            r.return_id: _clean(rfbs_row(r, d.returns, shop_id=shop_id, at=AT))
            for r, d in zip(listed, details, strict=True)
        }
        try:
            reviews = [r async for r in oz.iter_reviews()]
        except errors.SubscriptionRequired:
            reviews = []
        out["reviews"] = {
            r.id: _clean(review_row(r, shop_id=shop_id, at=AT), keep_id=True) for r in reviews
        }
        comments: Rows = {}
        pages = await gather_bounded(
            oz.review_comment_list(review_id=r.id, limit=100) for r in reviews
        )
        for r, page in zip(reviews, pages, strict=True):
            for c in page.comments:
                comments[c.id] = _clean(comment_row(c, review_id=r.id), keep_id=True)
        out["review_comments"] = comments
        chats: Rows = {}
        messages: Rows = {}
        infos = [info async for info in oz.iter_chats()]
        histories = await gather_bounded(
            oz.chat_history(chat_id=i.chat.chat_id, limit=1000) for i in infos
        )
        for info, history in zip(infos, histories, strict=True):
            row = chat_row(info, shop_id=shop_id, at=AT)
            rows = [message_row(msg, chat_id=row["chat_id"]) for msg in history.messages]
            row["order_number"] = next((m["order_number"] for m in rows if m["order_number"]), None)
            chats[row["chat_id"]] = _clean(row)
            for m in rows:
                messages[(m["chat_id"], m["message_id"])] = _clean(m)
        out["chats"], out["chat_messages"] = chats, messages
        accruals: Rows = {}

        async def whole_day(day: date) -> None:
            last_id = ""
            while True:
                page = await oz.accrual_by_day(date=day, last_id=last_id)
                for a in page.accruals:
                    accruals[a.accrual_id] = accrual_row(a, shop_id=shop_id, day=day)
                if not page.last_id or not page.accruals:
                    return
                last_id = page.last_id

        days = (now.date() - since).days + 1
        await gather_bounded(whole_day(since + timedelta(days=k)) for k in range(days))
        out["accruals"] = accruals
        start = datetime.combine(since, datetime.min.time(), UTC)
        out["transactions"] = {
            op.operation_id: operation_row(op, shop_id=shop_id)
            async for op in oz.iter_transactions(start, now)
        }
        realization: Rows = {}
        month = since.replace(day=1)
        while month < now.date().replace(day=1):
            try:
                report = await oz.realization(year=month.year, month=month.month)
            except errors.BadRequest as exc:  # not formed yet
                if "not ready" not in str(exc):
                    raise
                report = None
            for k, r in enumerate(report.result.rows if report else []):
                row = realization_row(
                    r, shop_id=shop_id, year=month.year, month=month.month, position=k + 1
                )
                realization[(row["year"], row["month"], row["row_number"])] = row
            month = (month.replace(day=28) + timedelta(days=4)).replace(day=1)
        out["realization_rows"] = realization
        skus = sorted(
            {
                s.sku
                for item in (await oz.product_stocks(filter={}, limit=1000)).items
                for s in item.stocks
                if s.sku
            }
        )
        stocks: Rows = {}
        for i in range(0, len(skus), 100):
            for item in (await oz.analytics_stocks(skus=skus[i : i + 100])).items:
                row = _clean(stock_row(item, shop_id=shop_id, at=AT))
                stocks[(row["sku"], row["warehouse_id"])] = row
        out["stocks"] = {k: v for k, v in stocks.items()}
        out["warehouses"] = {
            w.warehouse_id: _clean(warehouse_row(w, shop_id=shop_id, at=AT))
            for w in (await oz.warehouse_list(limit=200)).warehouses
        }
        out["delivery_methods"] = {
            d.id: _clean(delivery_method_row(d, shop_id=shop_id, at=AT), keep_id=True)
            for d in (await oz.delivery_method_list(limit=100)).delivery_methods
        }
    return out


def _rows(
    db: Database, model: Any, key: Any, shop_id: int | None, *, keep_id: bool = False
) -> Rows:
    with db.transaction() as s:
        query = select(model)
        if shop_id is not None and hasattr(model, "shop_id"):
            query = query.where(model.shop_id == shop_id)
        out = {}
        for obj in s.scalars(query):
            row = {c.key: getattr(obj, c.key) for c in model.__table__.columns}
            out[key(row)] = _clean(row, keep_id=keep_id)
        return out


def read_store(db: Database, *, shop_id: int) -> dict[str, Rows]:
    """The same resources as the store holds them for ``shop_id``."""
    reviews = _rows(db, Review, lambda r: r["id"], shop_id, keep_id=True)
    chats = _rows(db, Chat, lambda r: r["chat_id"], shop_id)
    comments = {
        k: v
        for k, v in _rows(db, ReviewComment, lambda r: r["id"], None, keep_id=True).items()
        if v["review_id"] in reviews
    }
    messages = {
        k: v
        for k, v in _rows(db, ChatMessage, lambda r: (r["chat_id"], r["message_id"]), None).items()
        if k[0] in chats
    }
    return {
        "returns": _rows(db, Return, lambda r: r["id"], shop_id, keep_id=True),
        "rfbs_returns": _rows(db, RfbsReturn, lambda r: r["return_id"], shop_id),
        "reviews": reviews,
        "review_comments": comments,
        "chats": chats,
        "chat_messages": messages,
        "accruals": _rows(db, Accrual, lambda r: r["accrual_id"], shop_id, keep_id=True),
        "transactions": _rows(db, Transaction, lambda r: r["operation_id"], shop_id, keep_id=True),
        "realization_rows": _rows(
            db,
            RealizationRow,
            lambda r: (r["year"], r["month"], r["row_number"]),
            shop_id,
            keep_id=True,
        ),
        "stocks": latest_stock(db, shop_id),
        "warehouses": _rows(db, Warehouse, lambda r: r["warehouse_id"], shop_id),
        "delivery_methods": _rows(db, DeliveryMethod, lambda r: r["id"], shop_id, keep_id=True),
    }


def latest_stock(db: Database, shop_id: int) -> Rows:
    """The newest snapshot per (sku, warehouse), without the ones that fell to nothing."""
    rows = _rows(db, StockSnapshot, lambda r: (r["sku"], r["warehouse_id"], r["taken_at"]), shop_id)
    with db.transaction() as s:
        stamps = {
            (sku, wh): at
            for sku, wh, at in s.execute(
                select(
                    StockSnapshot.sku, StockSnapshot.warehouse_id, func.max(StockSnapshot.taken_at)
                )
                .where(StockSnapshot.shop_id == shop_id)
                .group_by(StockSnapshot.sku, StockSnapshot.warehouse_id)
            )
        }
    return {(sku, wh): rows[(sku, wh, at)] for (sku, wh), at in stamps.items()}
