"""Routes: which channels get a notification, now or in a digest. Pure functions.

A :class:`Route` matches a notification when its severity is at least ``min_severity``,
its rule is in ``rules`` (or ``rules`` is unset) and its shop is in ``shops`` (or unset).
An ``immediate`` route sends each notification on its own; an ``hourly`` or ``daily`` one
puts it into the digest of the window that holds its ``created_at`` (in the route's zone).
A notification reaches a channel at most once immediately, even when several immediate
routes name that channel (the first matching route decides the language).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, field_validator

from ozonops.notify.digest import Window, window_of
from ozonops.notify.i18n import Lang
from ozonops.notify.model import Notification, Severity

__all__ = ["Mode", "Plan", "Route", "Target", "matching_routes", "plan"]

Mode = Literal["immediate", "hourly", "daily"]


class Route(BaseModel):
    """One routing rule, as read from settings."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    channels: tuple[str, ...] = Field(min_length=1)
    min_severity: Severity = Severity.INFO
    rules: frozenset[str] | None = None
    shops: frozenset[str] | None = None
    mode: Mode = "immediate"
    lang: Lang = "zh"
    tz: str = "Asia/Shanghai"
    dashboard_url: str | None = None  # the digest's "open dashboard" link

    @field_validator("tz")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                f"unknown time zone {value!r}; use an IANA name such as Asia/Shanghai"
            ) from None
        return value

    @field_validator("rules", "shops")
    @classmethod
    def _not_empty(cls, value: frozenset[str] | None) -> frozenset[str] | None:
        if value is not None and not value:
            raise ValueError("an empty list matches nothing; leave it out to match every one")
        return value

    def matches(self, notification: Notification) -> bool:
        return (
            notification.severity.at_least(self.min_severity)
            and (self.rules is None or notification.rule_id in self.rules)
            and (self.shops is None or notification.shop in self.shops)
        )


@dataclass(frozen=True, slots=True)
class Target:
    """Send ``notification`` to ``channel`` now, in ``route``'s language."""

    notification: Notification
    route: Route
    channel: str


@dataclass(frozen=True, slots=True)
class Plan:
    """What to do with a batch: send these now, put those into digests."""

    immediate: tuple[Target, ...]
    deferred: tuple[tuple[Notification, Route, Window], ...]
    unrouted: tuple[Notification, ...]


def matching_routes(notification: Notification, routes: Iterable[Route]) -> list[Route]:
    return [route for route in routes if route.matches(notification)]


def plan(notifications: Iterable[Notification], routes: Sequence[Route]) -> Plan:
    """Sort each notification into immediate sends and digest windows."""
    immediate: list[Target] = []
    deferred: list[tuple[Notification, Route, Window]] = []
    unrouted: list[Notification] = []
    for notification in notifications:
        matched = matching_routes(notification, routes)
        if not matched:
            unrouted.append(notification)
        seen: set[str] = set()
        for route in matched:
            if route.mode == "immediate":
                for channel in route.channels:
                    if channel not in seen:
                        seen.add(channel)
                        immediate.append(Target(notification, route, channel))
            else:
                window = window_of(notification.created_at, cadence=route.mode, tz=route.tz)
                deferred.append((notification, route, window))
    return Plan(tuple(immediate), tuple(deferred), tuple(unrouted))
