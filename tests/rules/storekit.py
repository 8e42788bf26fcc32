"""Rows written straight into a store, for rule tests that need a situation the simulator
rarely makes (a payout that never came, a review left unanswered, a key about to expire)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from pydantic import SecretStr
from sqlalchemy import insert

from ozonops.db import Database, KeyBox, save_shop
from ozonops.db.tables import Posting, PostingItem, StatusHistory
from ozonops.rules import Context, RulesConfig, evaluate, find_hits, rule

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
KEYS = KeyBox(SecretStr("rules-tests"))


def shop(db: Database, name: str = "main", client_id: str = "1001") -> int:
    with db.transaction() as s:
        saved = save_shop(s, keys=KEYS, name=name, client_id=client_id, api_key=SecretStr("k" * 36))
        s.flush()
        return saved.id


def posting(db: Database, shop_id: int, number: str, **fields: Any) -> None:
    """A posting (and its one line and one history entry); ``fields`` override defaults."""
    row: dict[str, Any] = {
        "posting_number": number,
        "shop_id": shop_id,
        "scheme": "rfbs",
        "order_number": number.rsplit("-", 1)[0],
        "status": "awaiting_packaging",
        "substatus": "posting_created",
        "status_at": NOW - timedelta(hours=1),
        "tpl_integration_type": "non_integrated",
        "in_process_at": NOW - timedelta(days=1),
        "shipment_date": NOW + timedelta(days=2),
        "delivery_date_end": NOW + timedelta(days=20),
        "content_hash": "x",
        "first_seen_at": NOW - timedelta(days=1),
        "last_seen_at": NOW,
        "available_actions": [],
    }
    row.update(fields)
    price = row.pop("price", Decimal("1000"))
    with db.transaction() as s:
        s.execute(insert(Posting).values(**row))
        s.execute(
            insert(PostingItem).values(
                posting_number=number, line=0, sku=1, quantity=1, price=price, currency="RUB"
            )
        )
        s.execute(
            insert(StatusHistory).values(
                posting_number=number,
                status=row["status"],
                substatus=row["substatus"],
                state=row["substatus"],
                at=row["status_at"],
                exact=False,
                source="poll",
                observed_at=row["status_at"],
            )
        )


def hits(
    db: Database, rule_id: str, *, now: datetime = NOW, config: RulesConfig | None = None
) -> dict[str, dict[str, Any]]:
    """The objects ``rule_id`` fires for now, with their facts (no alerts written)."""
    ctx = Context(now=now, wall=now, config=config or RulesConfig(), dialect=db.dialect)
    with db.transaction() as s:
        return {h.object_id: h.facts for h in find_hits(s, rule=rule(rule_id), ctx=ctx)}


def run(db: Database, *, now: datetime = NOW, config: RulesConfig | None = None) -> None:
    ctx = Context(now=now, wall=now, config=config or RulesConfig(), dialect=db.dialect)
    with db.transaction() as s:
        evaluate(s, ctx=ctx)
