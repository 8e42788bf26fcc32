"""The store on SQLite and PostgreSQL: migrations equal the models, exact types, upserts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from pydantic import SecretStr
from sqlalchemy import func, select

from ozonops.db import (
    Database,
    KeyBox,
    SchemaOutdated,
    SecretUnreadable,
    StoreUnavailable,
    ensure_current,
    head_revision,
    load_shops,
    save_shop,
    shop_by_token,
    upgrade,
    upsert,
)
from ozonops.db.tables import Base, Posting, PostingItem, Shop

KEYS = KeyBox(SecretStr("test-secret"))
T0 = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)


def test_migrations_build_exactly_the_models(db: Database) -> None:
    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []
    ensure_current(db)


def test_upgrade_twice_is_a_no_op(db: Database) -> None:
    upgrade(db)
    ensure_current(db)


def test_an_empty_database_is_refused_until_upgraded(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'sub' / 'fresh.db'}")  # the folder is made
    with pytest.raises(SchemaOutdated, match="ozonops db upgrade"):
        ensure_current(db)
    upgrade(db)
    ensure_current(db)
    assert head_revision() == "0003"


def test_bad_urls_say_what_to_use() -> None:
    with pytest.raises(StoreUnavailable, match="sqlite:///"):
        Database("not a url")
    with pytest.raises(StoreUnavailable, match="SQLite or PostgreSQL"):
        Database("mysql://root@localhost/x")


def _shop(db: Database) -> int:
    with db.transaction() as s:
        return save_shop(s, keys=KEYS, name="main", client_id="123", api_key=SecretStr("k")).id


def _posting(shop_id: int, number: str, **fields: object) -> dict[str, object]:
    row: dict[str, object] = {
        "posting_number": number,
        "shop_id": shop_id,
        "scheme": "fbs",
        "status": "awaiting_packaging",
        "substatus": "posting_created",
        "status_at": T0,
        "content_hash": "h",
        "first_seen_at": T0,
        "last_seen_at": T0,
        "available_actions": ["ship"],
    }
    row.update(fields)
    return row


def test_times_come_back_aware_utc_and_money_exact(db: Database) -> None:
    shop_id = _shop(db)
    moscow = timezone(timedelta(hours=3))
    with db.transaction() as s:
        upsert(
            s,
            Posting,
            [_posting(shop_id, "1-1-1", shipment_date=T0.astimezone(moscow))],
            key=["posting_number"],
        )
        prices = ["0.1", "0.2", "1234567.8912", "-0.3"]
        rows = [
            {
                "posting_number": "1-1-1",
                "line": i,
                "sku": 10 + i,
                "quantity": 1,
                "price": Decimal(p),
            }
            for i, p in enumerate(prices)
        ]
        upsert(s, PostingItem, rows, key=["posting_number", "line"])
    with db.transaction() as s:
        posting = s.get(Posting, "1-1-1")
        assert posting is not None
        assert posting.shipment_date == T0
        assert posting.shipment_date.tzinfo is not None
        assert posting.available_actions == ["ship"]
        total = s.scalar(select(func.sum(PostingItem.price)))
        latest = s.scalar(select(func.max(Posting.status_at)))
    assert total == Decimal("1234567.8912")  # 0.1 + 0.2 - 0.3 is 0 exactly, not 5.5e-17
    assert latest == T0


def test_naive_times_are_refused(db: Database) -> None:
    shop_id = _shop(db)
    with pytest.raises(Exception, match="naive datetime"), db.transaction() as s:
        upsert(
            s,
            Posting,
            [_posting(shop_id, "1", status_at=T0.replace(tzinfo=None))],
            key=["posting_number"],
        )


def test_upsert_is_idempotent_and_updates_in_place(db: Database) -> None:
    shop_id = _shop(db)
    rows = [_posting(shop_id, f"1-{i}-1") for i in range(300)]
    for _ in range(2):
        with db.transaction() as s:
            upsert(s, Posting, rows, key=["posting_number"])
    with db.transaction() as s:
        upsert(
            s, Posting, [_posting(shop_id, "1-7-1", status="delivering")], key=["posting_number"]
        )
    with db.transaction() as s:
        assert s.scalar(select(func.count()).select_from(Posting)) == 300
        assert s.get(Posting, "1-7-1").status == "delivering"  # type: ignore[union-attr]
        assert s.get(Posting, "1-8-1").status == "awaiting_packaging"  # type: ignore[union-attr]


def test_a_failed_transaction_writes_nothing(db: Database) -> None:
    shop_id = _shop(db)

    def crash() -> None:
        with db.transaction() as s:
            upsert(s, Posting, [_posting(shop_id, "9-9-9")], key=["posting_number"])
            raise RuntimeError("crash before commit")

    with pytest.raises(RuntimeError):
        crash()
    with db.transaction() as s:
        assert s.get(Posting, "9-9-9") is None


def test_api_keys_are_sealed_at_rest(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'keys.db'}")
    upgrade(db)
    secret = "ab12cd34-very-secret-api-key-5678"
    with db.transaction() as s:
        shop = save_shop(s, keys=KEYS, name="main", client_id="42", api_key=SecretStr(secret))
        token = shop.push_token
    db.dispose()
    raw = b"".join(p.read_bytes() for p in tmp_path.glob("keys.db*"))
    assert secret.encode() not in raw
    with db.transaction() as s:
        (stored,) = load_shops(s, keys=KEYS)
        assert shop_by_token(s, token) == stored.id
        assert shop_by_token(s, "wrong") is None
        with pytest.raises(SecretUnreadable, match="OZONOPS_SECRET_KEY"):
            load_shops(s, keys=KeyBox(SecretStr("another secret")))
    assert stored.api_key.get_secret_value() == secret
    assert secret not in repr(stored)


def test_saving_a_shop_again_updates_it(db: Database) -> None:
    with db.transaction() as s:
        first = save_shop(s, keys=KEYS, name="a", client_id="1", api_key=SecretStr("old"))
        token = first.push_token
    with db.transaction() as s:
        save_shop(
            s,
            keys=KEYS,
            name="renamed",
            client_id="1",
            api_key=SecretStr("new"),
            base_url="http://127.0.0.1:8900",
        )
    with db.transaction() as s:
        (shop,) = load_shops(s, keys=KEYS)
        assert s.scalar(select(func.count()).select_from(Shop)) == 1
    assert (shop.name, shop.api_key.get_secret_value(), shop.push_token) == (
        "renamed",
        "new",
        token,
    )
    assert shop.base_url == "http://127.0.0.1:8900"
