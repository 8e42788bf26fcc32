"""The store's tables (SQLAlchemy 2 typed declarative), one module per family."""

from __future__ import annotations

from ozonops.db.tables.aftersales import (
    Chat,
    ChatMessage,
    Return,
    Review,
    ReviewComment,
    RfbsReturn,
)
from ozonops.db.tables.alerts import (
    Alert,
    AlertDelivery,
    AlertEvent,
    BuyerMessage,
    NotifyJournal,
    WatchFact,
)
from ozonops.db.tables.base import Amount, Base, Json, UtcDateTime
from ozonops.db.tables.money import Accrual, RealizationRow, Transaction
from ozonops.db.tables.ops import (
    ApiMethodStats,
    AuditEntry,
    InboxPush,
    Shop,
    SyncCursor,
    SyncRun,
)
from ozonops.db.tables.postings import Posting, PostingItem, PostingTracking, StatusHistory
from ozonops.db.tables.stock import DeliveryMethod, StockSnapshot, Warehouse

__all__ = [
    "Accrual",
    "Alert",
    "AlertDelivery",
    "AlertEvent",
    "Amount",
    "ApiMethodStats",
    "AuditEntry",
    "Base",
    "BuyerMessage",
    "Chat",
    "ChatMessage",
    "DeliveryMethod",
    "InboxPush",
    "Json",
    "NotifyJournal",
    "Posting",
    "PostingItem",
    "PostingTracking",
    "RealizationRow",
    "Return",
    "Review",
    "ReviewComment",
    "RfbsReturn",
    "Shop",
    "StatusHistory",
    "StockSnapshot",
    "SyncCursor",
    "SyncRun",
    "Transaction",
    "UtcDateTime",
    "Warehouse",
    "WatchFact",
]
