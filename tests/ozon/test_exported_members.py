"""The public door of ``ozonops.ozon`` (house habit 1): the exported names are exactly these."""

from __future__ import annotations

import ozonops.ozon as ozon

EXPECTED = {
    "DegradationDetector",
    "Feature",
    "KeyStatus",
    "MethodSnapshot",
    "ShopClient",
    "ShopClients",
    "ShopReport",
    "UnknownShop",
    "diagnose",
    "answered_at",
    "ApiError",
    "BulkResult",
    "CursorPaginator",
    "InvalidArguments",
    "ItemFailure",
    "LastIdPaginator",
    "Limiter",
    "Metrics",
    "OffsetPaginator",
    "OzonClient",
    "OzonHttp",
    "PagePaginator",
    "Paginator",
    "RetryPolicy",
    "TerminalApiError",
    "TransientApiError",
    "UnexpectedResponse",
    "WindowStats",
    "WindowedList",
    "errors",
    "iter_items",
    "memory_limiter",
    "models",
    "paginate",
    "read_windows",
    "redis_limiter",
    "split_period",
}


def test_all_is_the_expected_surface() -> None:
    assert set(ozon.__all__) == EXPECTED
    assert ozon.__all__ == sorted(ozon.__all__, key=lambda n: (n[0].islower(), n))


def test_every_exported_name_exists_and_belongs_to_the_package() -> None:
    for name in ozon.__all__:
        member = getattr(ozon, name)
        module = getattr(member, "__module__", None) or getattr(member, "__name__", "")
        assert module.startswith("ozonops.ozon"), name
