"""Root of every error ozonops raises on purpose.

The tree (concrete errors mix in exactly one marker, so a runner decides
"retry later" or "give up and tell a human" with one ``isinstance`` check)::

    OzonOpsError                 anything ozonops raises deliberately
    ├── TransientError           marker: the same call may succeed later
    └── TerminalError            marker: retrying will not help; a person must act

Later packages subclass these, e.g. ``class RateLimited(ApiError, TransientError)``.
Foreign errors (httpx, pydantic, SQLAlchemy) are translated into this tree at the
package boundary that meets them, and chained with ``raise ... from exc``.
"""

from __future__ import annotations

__all__ = ["OzonOpsError", "TerminalError", "TransientError"]


class OzonOpsError(Exception):
    """Fires for any failure ozonops detects and explains; the message says what to do next."""


class TransientError(OzonOpsError):
    """Fires when the cause is expected to pass (rate limit, 5xx, timeout): retry with backoff."""


class TerminalError(OzonOpsError):
    """Fires when retrying cannot help (bad credentials, invalid input): stop and report."""
