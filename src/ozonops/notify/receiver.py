"""Verify a generic-webhook request on the receiving side (for users' receivers and tests).

The scheme, in full:

1. Read the raw body bytes (before any JSON parsing) and the headers
   ``X-Ozonops-Timestamp`` (integer Unix seconds) and ``X-Ozonops-Signature``
   (``sha256=<lowercase hex>``).
2. Refuse the request if the timestamp is more than ``tolerance`` seconds away from your
   clock (default 5 minutes): an old request replayed by someone who captured it.
3. Compute ``HMAC-SHA256(key=secret, msg=timestamp + "." + body)`` and compare it with the
   header in constant time. During a secret rotation accept either secret.
4. Deduplicate on ``X-Ozonops-Delivery`` (also in the body as ``delivery_id``): a sender
   that crashed after sending but before recording will send the same delivery again.

Answer 2xx when accepted; 401 on a failed check (the sender gives up and reports it); 429
or 5xx to make the sender retry later.
"""

from __future__ import annotations

import hmac
import time
from collections.abc import Iterable, Mapping

from ozonops.notify.errors import BadSignature, MissingSignature, StaleTimestamp
from ozonops.notify.signing import webhook_signature

__all__ = [
    "DELIVERY_HEADER",
    "SIGNATURE_HEADER",
    "TIMESTAMP_HEADER",
    "verify_webhook",
]

TIMESTAMP_HEADER = "X-Ozonops-Timestamp"
SIGNATURE_HEADER = "X-Ozonops-Signature"
DELIVERY_HEADER = "X-Ozonops-Delivery"
DEFAULT_TOLERANCE = 300.0


def verify_webhook(
    *,
    body: bytes,
    headers: Mapping[str, str],
    secrets: str | Iterable[str],
    now: float | None = None,
    tolerance: float = DEFAULT_TOLERANCE,
) -> int:
    """Check one request; returns its timestamp, or raises a ``WebhookVerificationError``.

    ``headers`` may be any case-insensitive mapping (Starlette's, httpx's) or a plain dict.
    """
    lowered = {key.lower(): value for key, value in headers.items()}
    raw_ts = lowered.get(TIMESTAMP_HEADER.lower())
    given = lowered.get(SIGNATURE_HEADER.lower())
    if raw_ts is None or given is None:
        missing = TIMESTAMP_HEADER if raw_ts is None else SIGNATURE_HEADER
        raise MissingSignature(f"header {missing} is missing; is the sender an ozonops webhook?")
    try:
        timestamp = int(raw_ts)
    except ValueError:
        raise MissingSignature(
            f"header {TIMESTAMP_HEADER}={raw_ts!r} is not Unix seconds"
        ) from None
    current = time.time() if now is None else now
    if abs(current - timestamp) > tolerance:
        raise StaleTimestamp(
            f"timestamp {timestamp} is {current - timestamp:+.0f} s from now (tolerance "
            f"{tolerance:.0f} s): a replay, or one of the two clocks is wrong"
        )
    candidates = [secrets] if isinstance(secrets, str) else list(secrets)
    for secret in candidates:
        if hmac.compare_digest(webhook_signature(secret, timestamp, body), given):
            return timestamp
    raise BadSignature(
        f"{SIGNATURE_HEADER} does not match the body under the configured secret(s); "
        "check that sender and receiver share the same secret"
    )
