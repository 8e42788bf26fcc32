"""The shops the store knows: added with their Api-Key sealed, read back as credentials."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime

from pydantic import SecretStr
from sqlalchemy import select
from sqlalchemy.orm import Session

from ozonops.db.secrets import KeyBox
from ozonops.db.tables import Shop

__all__ = ["StoredShop", "load_shops", "save_shop", "shop_by_token"]


@dataclass(frozen=True, slots=True)
class StoredShop:
    """A shop as the services use it: the Api-Key opened, the push token, its base URL."""

    id: int
    name: str
    client_id: str
    api_key: SecretStr
    push_token: str
    base_url: str | None

    def __repr__(self) -> str:
        return f"StoredShop(id={self.id}, name={self.name!r}, client_id={self.client_id!r})"


def save_shop(
    session: Session,
    *,
    keys: KeyBox,
    name: str,
    client_id: str,
    api_key: SecretStr,
    base_url: str | None = None,
) -> Shop:
    """Add the shop, or update the one with this Client-Id (new name, key or URL)."""
    shop = session.scalar(select(Shop).where(Shop.client_id == client_id))
    if shop is None:
        shop = Shop(
            name=name,
            client_id=client_id,
            push_token=secrets.token_urlsafe(24),
            created_at=datetime.now(UTC),
            api_key_encrypted=keys.seal(api_key),
        )
        session.add(shop)
    shop.name = name
    shop.api_key_encrypted = keys.seal(api_key)
    shop.base_url = base_url
    shop.active = True
    session.flush()
    return shop


def _stored(shop: Shop, keys: KeyBox) -> StoredShop:
    return StoredShop(
        id=shop.id,
        name=shop.name,
        client_id=shop.client_id,
        api_key=keys.open(shop.api_key_encrypted, shop=shop.name),
        push_token=shop.push_token,
        base_url=shop.base_url,
    )


def load_shops(session: Session, *, keys: KeyBox) -> list[StoredShop]:
    """Every active shop, ordered by name."""
    rows = session.scalars(select(Shop).where(Shop.active).order_by(Shop.name))
    return [_stored(s, keys) for s in rows]


def shop_by_token(session: Session, token: str) -> int | None:
    """The id of the active shop whose push URL carries ``token``."""
    return session.scalar(select(Shop.id).where(Shop.push_token == token, Shop.active))
