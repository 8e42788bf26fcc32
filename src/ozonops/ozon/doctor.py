"""``diagnose``: what works for one shop, asked with read-only calls only.

Checks, in order (ozon-api.md §0, §5, §6; ozon-rules.md "Paid-tier gates"):

* reachability and the key: ``/v1/roles`` is cheap and answers with the key's ``expires_at``
  (keys made after 13 Feb 2026 live 180 days) and its roles. Any HTTP answer means Ozon is
  reachable; its latency is the call's, retries included.
* reviews: ``/v2/review/count``. A 403 "not available with existing subscription" means the
  plan lacks "Review management" / Premium Pro: a fact about the shop, not an outage.
* chats: reading (``/v3/chat/list``, no subscription needed) is probed. Writing (start, send,
  mark read) needs Premium Plus or Pro, but every method behind that gate is a write: starting
  a chat opens one for a buyer, sending messages them, marking read changes unread counters.
  No read-only call reveals the plan, so chat writing is reported as *unknown* when the key's
  roles grant ``/v1/chat/send/message`` and as *not allowed* when they don't. We learn the
  truth the first time a real send answers (SubscriptionRequired is then recorded).
* health: degraded methods and the last failures per method, from the shop's detector, which
  also saw the calls above.

Nothing here raises for an Ozon answer: every finding is data in the :class:`ShopReport`.
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from ozonops.ozon.errors import (
    ApiError,
    ApiTimeout,
    AuthError,
    ConnectionLost,
    PermissionDenied,
    SubscriptionRequired,
)
from ozonops.ozon.health import Failure, MethodHealth
from ozonops.ozon.metrics import MethodSnapshot
from ozonops.ozon.models import ChatListResponse, ReviewCountResponse, RolesResponse
from ozonops.ozon.shops import ShopClient

__all__ = [
    "CHAT_SEND",
    "KEY_WARN_DAYS",
    "Feature",
    "KeyStatus",
    "Reachability",
    "ShopReport",
    "diagnose",
]

# Warn this long before the key expires: time to create a new one in the seller cabinet.
KEY_WARN_DAYS = 14
ROLES = "/v1/roles"
REVIEW_COUNT = "/v2/review/count"
CHAT_LIST = "/v3/chat/list"
CHAT_SEND = "/v1/chat/send/message"

KeyState = Literal["ok", "expiring", "expired", "invalid", "error", "unknown"]
FeatureState = Literal["available", "not_on_plan", "not_allowed", "unknown", "error"]


@dataclass(frozen=True, slots=True)
class KeyStatus:
    state: KeyState
    expires_at: datetime | None = None
    days_left: int | None = None  # whole days, rounded down; negative once expired
    message: str = ""

    @property
    def problem(self) -> bool:
        return self.state not in ("ok", "unknown")


@dataclass(frozen=True, slots=True)
class Feature:
    state: FeatureState
    detail: str = ""

    @property
    def problem(self) -> bool:
        # A plan without the feature is a fact to show, not a fault to fix.
        return self.state == "error"


@dataclass(frozen=True, slots=True)
class Reachability:
    ok: bool
    latency_ms: float | None
    message: str = ""


@dataclass(frozen=True, slots=True)
class ShopReport:
    shop: str
    client_id: str
    checked_at: datetime
    reachability: Reachability
    key: KeyStatus
    roles: tuple[str, ...]
    reviews: Feature
    chat_read: Feature
    chat_write: Feature
    degraded: tuple[MethodHealth, ...]
    last_failures: Mapping[str, tuple[Failure, ...]]
    metrics: Mapping[str, MethodSnapshot]

    @property
    def problems(self) -> list[str]:
        """One line per thing a person should act on; empty when the shop is fine."""
        found: list[str] = []
        if not self.reachability.ok:
            found.append(f"unreachable: {self.reachability.message}")
        if self.key.problem:
            found.append(f"key {self.key.state}: {self.key.message}")
        for name, feature in (
            ("reviews", self.reviews),
            ("chat read", self.chat_read),
            ("chat write", self.chat_write),
        ):
            if feature.problem:
                found.append(f"{name}: {feature.detail}")
        found.extend(f"{h.method} degraded: {h.reason}" for h in self.degraded)
        return found

    @property
    def ok(self) -> bool:
        return not self.problems


async def diagnose(
    shop: ShopClient, *, now: datetime, warn_days: int = KEY_WARN_DAYS
) -> ShopReport:
    """Check one shop; ``now`` is the time the key's expiry is measured against."""
    unknown = Feature("unknown", "not checked: the key does not work")
    roles: tuple[str, ...] = ()
    allowed: set[str] = set()
    started = time.perf_counter()
    try:
        answer = await shop.fetch(ROLES, {}, RolesResponse)
    except (ConnectionLost, ApiTimeout) as exc:
        reach = Reachability(False, None, _unreachable(exc, shop))
        key = KeyStatus("unknown", message="not checked: Ozon did not answer")
        reviews = chat_read = chat_write = Feature("unknown", "not checked: Ozon did not answer")
    except ApiError as exc:
        reach = _reached(started, exc)
        key = _key_error(exc)
        reviews = chat_read = chat_write = unknown
    else:
        reach = _reached(started, None)
        key = _key_status(answer.expires_at, now=now, warn_days=warn_days)
        roles = tuple(role.name or "?" for role in answer.roles)
        allowed = {method for role in answer.roles for method in role.methods}
        reviews = await _probe_reviews(shop)
        chat_read = await _probe_chat_read(shop)
        chat_write = _chat_write(allowed, has_roles=bool(answer.roles))
    health = shop.detector.snapshot()
    return ShopReport(
        shop=shop.name,
        client_id=shop.client_id,
        checked_at=now,
        reachability=reach,
        key=key,
        roles=roles,
        reviews=reviews,
        chat_read=chat_read,
        chat_write=chat_write,
        degraded=tuple(h for h in health.values() if h.state == "degraded"),
        last_failures={m: h.last_failures for m, h in health.items() if h.last_failures},
        metrics=shop.metrics.snapshot(),
    )


def _reached(started: float, error: ApiError | None) -> Reachability:
    latency = round((time.perf_counter() - started) * 1000.0, 1)
    if error is not None and error.status is not None and error.status >= 500:
        return Reachability(False, latency, f"Ozon answered HTTP {error.status}: {error}")
    return Reachability(True, latency)


def _unreachable(error: ApiError, shop: ShopClient) -> str:
    base = shop.base_url or "the Ozon API"
    if isinstance(error, ApiTimeout):
        return f"no answer from {base} in time; Ozon may be slow or the network down"
    return (
        f"cannot connect to {base}; check the network and OZONOPS_OZON_BASE_URL "
        f"({error.ozon_message})"
    )


def _key_error(error: ApiError) -> KeyStatus:
    if isinstance(error, AuthError):
        if "expired" in error.ozon_message.lower():
            return KeyStatus(
                "expired", message="the Api-Key has expired: create a new one in the seller cabinet"
            )
        return KeyStatus(
            "invalid",
            message=f"Ozon refused the Client-Id / Api-Key pair ({error.ozon_message}): "
            "check both in the seller cabinet (Settings → Seller API)",
        )
    if isinstance(error, PermissionDenied):
        return KeyStatus("error", message=f"access denied: {error.ozon_message}")
    return KeyStatus("error", message=str(error))


def _key_status(expires_at: datetime | None, *, now: datetime, warn_days: int) -> KeyStatus:
    if expires_at is None:
        # Keys made before 13 Feb 2026 carry no expiry.
        return KeyStatus("ok", message="the key has no expiry date")
    days = math.floor((expires_at - now).total_seconds() / 86400)
    if expires_at <= now:
        return KeyStatus(
            "expired",
            expires_at,
            days,
            f"expired on {expires_at:%Y-%m-%d}: create a new key in the seller cabinet",
        )
    if days < warn_days:
        return KeyStatus(
            "expiring",
            expires_at,
            days,
            f"expires on {expires_at:%Y-%m-%d}: create a new key in the seller cabinet before then",
        )
    return KeyStatus("ok", expires_at, days, f"valid until {expires_at:%Y-%m-%d}")


def _feature_error(error: ApiError) -> Feature:
    if isinstance(error, SubscriptionRequired):
        return Feature("not_on_plan", error.ozon_message)
    if isinstance(error, PermissionDenied | AuthError):
        return Feature("not_allowed", f"the key's roles don't allow it ({error.ozon_message})")
    return Feature("error", str(error))


async def _probe_reviews(shop: ShopClient) -> Feature:
    try:
        count = await shop.fetch(REVIEW_COUNT, {}, ReviewCountResponse)
    except ApiError as exc:
        return _feature_error(exc)
    return Feature("available", f"{count.total or 0} reviews, {count.new or 0} new")


async def _probe_chat_read(shop: ShopClient) -> Feature:
    try:
        await shop.fetch(CHAT_LIST, {"limit": 1}, ChatListResponse)
    except ApiError as exc:
        return _feature_error(exc)
    return Feature("available")


def _chat_write(allowed: set[str], *, has_roles: bool) -> Feature:
    if has_roles and CHAT_SEND not in allowed:
        return Feature("not_allowed", f"the key's roles don't include {CHAT_SEND}")
    return Feature(
        "unknown", "needs Premium Plus or Pro; only a real write could tell, so none was sent"
    )
