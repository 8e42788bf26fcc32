"""Every synced resource, in the order a sync runs them."""

from __future__ import annotations

from ozonops.sync.resource import ResourceSpec
from ozonops.sync.resources.postings import FBO_POSTINGS, FBS_POSTINGS

__all__ = ["RESOURCES"]

RESOURCES: dict[str, ResourceSpec[object]] = {
    spec.name: spec  # type: ignore[misc]
    for spec in (FBS_POSTINGS, FBO_POSTINGS)
}
