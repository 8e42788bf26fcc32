"""Every synced resource, in the order a sync runs them (cheap and urgent first)."""

from __future__ import annotations

from ozonops.sync.resource import ResourceSpec
from ozonops.sync.resources.aftersales import CHATS, RETURNS, REVIEWS, RFBS_RETURNS
from ozonops.sync.resources.money import ACCRUALS, REALIZATION, TRANSACTIONS
from ozonops.sync.resources.postings import FBO_POSTINGS, FBS_POSTINGS, FBS_UNFULFILLED
from ozonops.sync.resources.stock import DELIVERY_METHODS, STOCKS, WAREHOUSES

__all__ = ["RESOURCES"]

RESOURCES: dict[str, ResourceSpec[object]] = {
    spec.name: spec  # type: ignore[misc]
    for spec in (
        WAREHOUSES,
        DELIVERY_METHODS,
        FBS_POSTINGS,
        FBS_UNFULFILLED,
        FBO_POSTINGS,
        RETURNS,
        RFBS_RETURNS,
        ACCRUALS,
        TRANSACTIONS,
        REALIZATION,
        STOCKS,
        # One call per review (its comments) or chat (its history) on a first run: last.
        REVIEWS,
        CHATS,
    )
}
