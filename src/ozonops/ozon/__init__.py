"""The Ozon Seller API: the typed client, its sending stack, paging and wire shapes.

Other packages import from here, never from the submodules (house habit 1); the names are
guarded by ``tests/ozon/test_exported_members.py``. ``errors`` and ``models`` are namespaces:
``ozon.errors.RateLimited``, ``ozon.models.FbsPosting``.
"""

from __future__ import annotations

from ozonops.ozon import errors, models
from ozonops.ozon.bulk import BulkResult, ItemFailure
from ozonops.ozon.client import OzonClient
from ozonops.ozon.doctor import Feature, KeyStatus, ShopReport, diagnose
from ozonops.ozon.errors import (
    ApiError,
    InvalidArguments,
    TerminalApiError,
    TransientApiError,
    UnexpectedResponse,
)
from ozonops.ozon.health import DegradationDetector
from ozonops.ozon.http import OzonHttp, answered_at
from ozonops.ozon.metrics import MethodSnapshot, Metrics
from ozonops.ozon.pagination import (
    CursorPaginator,
    LastIdPaginator,
    OffsetPaginator,
    PagePaginator,
    Paginator,
    iter_items,
    paginate,
)
from ozonops.ozon.ratelimit import Limiter, memory_limiter, redis_limiter
from ozonops.ozon.retry import RetryPolicy
from ozonops.ozon.shops import ShopClient, ShopClients, UnknownShop
from ozonops.ozon.windows import WindowedList, WindowStats, read_windows, split_period

__all__ = [
    "ApiError",
    "BulkResult",
    "CursorPaginator",
    "DegradationDetector",
    "Feature",
    "InvalidArguments",
    "ItemFailure",
    "KeyStatus",
    "LastIdPaginator",
    "Limiter",
    "MethodSnapshot",
    "Metrics",
    "OffsetPaginator",
    "OzonClient",
    "OzonHttp",
    "PagePaginator",
    "Paginator",
    "RetryPolicy",
    "ShopClient",
    "ShopClients",
    "ShopReport",
    "TerminalApiError",
    "TransientApiError",
    "UnexpectedResponse",
    "UnknownShop",
    "WindowStats",
    "WindowedList",
    "answered_at",
    "diagnose",
    "errors",
    "iter_items",
    "memory_limiter",
    "models",
    "paginate",
    "read_windows",
    "redis_limiter",
    "split_period",
]
