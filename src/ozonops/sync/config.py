"""How the sync reads (the settings' ``sync`` block, ``OZONOPS_SYNC__*``)."""

from __future__ import annotations

from ozonops.config import SyncConfig

__all__ = ["SyncConfig"]
