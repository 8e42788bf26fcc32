"""The values that cross the package's boundary: what the rules engine hands over
(:class:`Notification`) and what a channel renders (:class:`Message`).

A ``Notification`` carries its title and body in both languages (:class:`LocalText`), so a
route picks the language without calling back into the rules engine. A ``Message`` is one
language's rendering of one alert or one digest: plain text lines, facts with translated
labels, a link and the delivery reference. Channels only ever see ``Message``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any, Literal

from ozonops.notify.errors import InvalidNotification
from ozonops.notify.i18n import Lang

__all__ = ["Line", "LocalText", "Message", "Notification", "Severity"]


class Severity(StrEnum):
    """How urgent an alert is; ordered ``info < warning < critical``."""

    INFO = "info"
    WARNING = "warning"
    CRITICAL = "critical"

    @property
    def rank(self) -> int:
        return _RANKS[self]

    def at_least(self, other: Severity) -> bool:
        return self.rank >= other.rank


_RANKS = {Severity.INFO: 0, Severity.WARNING: 1, Severity.CRITICAL: 2}


@dataclass(frozen=True, slots=True)
class LocalText:
    """One text in Chinese and English; ``get(lang)`` picks one."""

    zh: str
    en: str

    def get(self, lang: Lang) -> str:
        return self.zh if lang == "zh" else self.en


@dataclass(frozen=True, slots=True)
class Notification:
    """One alert to deliver, as the rules engine hands it over. Validated on construction.

    ``facts`` keep their order (a mapping is accepted and frozen into pairs); values are
    already formatted strings. ``dedupe_key`` identifies the alert occurrence for the caller
    (the same alert re-raised gets the same key); delivery keys are derived from it.
    """

    alert_id: str
    rule_id: str
    severity: Severity
    shop: str
    title: LocalText
    body: LocalText
    created_at: datetime
    dedupe_key: str
    facts: tuple[tuple[str, str], ...] = ()
    link: str | None = None

    def __init__(
        self,
        *,
        alert_id: str,
        rule_id: str,
        severity: Severity | str,
        shop: str,
        title: LocalText,
        body: LocalText,
        created_at: datetime,
        dedupe_key: str,
        facts: Mapping[str, str] | tuple[tuple[str, str], ...] = (),
        link: str | None = None,
    ) -> None:
        for name, value in (
            ("alert_id", alert_id),
            ("rule_id", rule_id),
            ("shop", shop),
            ("dedupe_key", dedupe_key),
        ):
            if not isinstance(value, str) or not value.strip():
                raise InvalidNotification(name, value, "must be a non-empty string")
        try:
            level = Severity(severity)
        except ValueError:
            raise InvalidNotification(
                "severity", severity, f"use one of {[s.value for s in Severity]}"
            ) from None
        for name, text in (("title", title), ("body", body)):
            if not isinstance(text, LocalText):
                raise InvalidNotification(name, text, "must be a LocalText(zh=..., en=...)")
        if not title.zh.strip() or not title.en.strip():
            raise InvalidNotification("title", title, "needs a Chinese and an English title")
        if not isinstance(created_at, datetime) or created_at.utcoffset() is None:
            raise InvalidNotification(
                "created_at", created_at, "must be a timezone-aware datetime (e.g. UTC)"
            )
        pairs = tuple(facts.items()) if isinstance(facts, Mapping) else tuple(facts)
        for pair in pairs:
            if len(pair) != 2 or not all(isinstance(part, str) for part in pair):
                raise InvalidNotification("facts", pair, "each fact is a (key, value) of strings")
        if link is not None and not link.startswith(("http://", "https://")):
            raise InvalidNotification("link", link, "must be an http(s) URL or None")
        set_ = object.__setattr__
        set_(self, "alert_id", alert_id)
        set_(self, "rule_id", rule_id)
        set_(self, "severity", level)
        set_(self, "shop", shop)
        set_(self, "title", title)
        set_(self, "body", body)
        set_(self, "created_at", created_at)
        set_(self, "dedupe_key", dedupe_key)
        set_(self, "facts", pairs)
        set_(self, "link", link)

    def to_json(self) -> dict[str, Any]:
        """Both languages and every field, for machine receivers (the generic webhook)."""
        return {
            "alert_id": self.alert_id,
            "rule_id": self.rule_id,
            "severity": self.severity.value,
            "shop": self.shop,
            "title": {"zh": self.title.zh, "en": self.title.en},
            "body": {"zh": self.body.zh, "en": self.body.en},
            "facts": dict(self.facts),
            "link": self.link,
            "created_at": self.created_at.isoformat(),
            "dedupe_key": self.dedupe_key,
        }


@dataclass(frozen=True, slots=True)
class Line:
    """One line of a message body: plain text, optionally a link, optionally a list item."""

    text: str
    link: str | None = None
    bullet: bool = False


@dataclass(frozen=True, slots=True)
class Message:
    """One rendering (one language) of one alert or one digest, before any platform markup."""

    kind: Literal["alert", "digest"]
    severity: Severity
    title: str
    lang: Lang
    ref: str  # the delivery reference shown in the footer: a duplicate is recognisable
    lines: tuple[Line, ...] = ()
    facts: tuple[tuple[str, str], ...] = ()  # (translated label, value)
    link: str | None = None
    link_label: str = ""
    footer: str = ""
    sources: tuple[Notification, ...] = field(default=(), repr=False)
