"""The store: typed tables, migrations, idempotent upserts, encrypted shop keys.

Other packages import from here (one public door). Sessions never commit on their own: the
service that writes owns the transaction (``Database.transaction()``), so a sync commits its
rows and its cursor together.
"""

from __future__ import annotations

from ozonops.db import tables
from ozonops.db.api_stats import add_api_stats, read_api_stats
from ozonops.db.engine import Database, normalize_url
from ozonops.db.errors import SchemaOutdated, SecretUnreadable, StoreError, StoreUnavailable
from ozonops.db.migrate import current_revision, ensure_current, head_revision, upgrade
from ozonops.db.secrets import KeyBox
from ozonops.db.shops import StoredShop, load_shops, save_shop, shop_by_token
from ozonops.db.upsert import insert_missing, upsert

__all__ = [
    "Database",
    "KeyBox",
    "SchemaOutdated",
    "SecretUnreadable",
    "StoreError",
    "StoreUnavailable",
    "StoredShop",
    "add_api_stats",
    "current_revision",
    "ensure_current",
    "head_revision",
    "insert_missing",
    "load_shops",
    "normalize_url",
    "read_api_stats",
    "save_shop",
    "shop_by_token",
    "tables",
    "upgrade",
    "upsert",
]
