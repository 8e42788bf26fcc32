"""The store's errors; SQLAlchemy's never leave ``ozonops.db``.

::

    OzonOpsError
    └── StoreError                 the store refused or failed
        ├── StoreUnavailable       (transient) the database cannot be reached or is locked
        ├── SchemaOutdated         (terminal) the database needs ``ozonops db upgrade``
        └── SecretUnreadable       (terminal) an Api-Key does not decrypt with this secret key
"""

from __future__ import annotations

from ozonops.errors import OzonOpsError, TerminalError, TransientError

__all__ = ["SchemaOutdated", "SecretUnreadable", "StoreError", "StoreUnavailable"]


class StoreError(OzonOpsError):
    """Fires when the store refuses or fails an operation."""


class StoreUnavailable(StoreError, TransientError):
    """Fires when the database cannot be reached, is locked, or its URL is unusable."""


class SchemaOutdated(StoreError, TerminalError):
    """Fires when the database's schema is older (or newer) than this ozonops expects."""


class SecretUnreadable(StoreError, TerminalError):
    """Fires when a stored Api-Key does not decrypt: ``OZONOPS_SECRET_KEY`` changed."""
