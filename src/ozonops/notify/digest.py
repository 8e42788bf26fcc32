"""Digest windows and the digest message: pure functions, no clock read.

A digest route collects its notifications per window — an hour, or a calendar day, in the
route's time zone (sellers in China think in Beijing time, so ``Asia/Shanghai`` is the
default) — and sends one message when the window has closed: counts per severity and per
rule (with the shops involved), the most important items with their links, and a link to
the dashboard. The same alert occurrence (``dedupe_key``) counts once per window.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from ozonops.notify.i18n import Lang, translate
from ozonops.notify.model import Line, Message, Notification, Severity
from ozonops.notify.render import MAX_TITLE, clip

__all__ = ["Cadence", "Window", "build_digest", "window_of"]

Cadence = Literal["hourly", "daily"]

TOP_ITEMS = 10


@dataclass(frozen=True, slots=True)
class Window:
    """``[start, end)`` in the route's zone; ``key`` names it for storage and delivery keys."""

    cadence: Cadence
    start: datetime
    end: datetime

    @property
    def key(self) -> str:
        return f"{self.cadence}:{self.start.isoformat()}"

    def contains(self, moment: datetime) -> bool:
        return self.start <= moment < self.end

    def closed(self, now: datetime) -> bool:
        """Whether nothing more can fall into the window at ``now``."""
        return now >= self.end


def window_of(moment: datetime, *, cadence: Cadence, tz: str) -> Window:
    """The window of ``cadence`` in zone ``tz`` that holds ``moment`` (an aware datetime)."""
    if moment.utcoffset() is None:
        raise ValueError(f"{moment!r} has no time zone; pass an aware datetime")
    zone = ZoneInfo(tz)
    local = moment.astimezone(zone)
    if cadence == "hourly":
        start = local.replace(minute=0, second=0, microsecond=0)
        end = (start.astimezone(UTC) + timedelta(hours=1)).astimezone(zone)
    else:
        start = datetime.combine(local.date(), time(), tzinfo=zone)
        end = datetime.combine(local.date() + timedelta(days=1), time(), tzinfo=zone)
    return Window(cadence=cadence, start=start, end=end)


def build_digest(
    notifications: Iterable[Notification],
    *,
    window: Window,
    lang: Lang,
    ref: str,
    dashboard_url: str | None = None,
    top: int = TOP_ITEMS,
) -> Message:
    """One message summing up ``notifications`` (at least one) for ``window``."""
    latest: dict[str, Notification] = {}
    for item in notifications:
        kept = latest.get(item.dedupe_key)
        if kept is None or item.created_at >= kept.created_at:
            latest[item.dedupe_key] = item
    items = sorted(latest.values(), key=lambda n: (-n.severity.rank, -n.created_at.timestamp()))
    if not items:
        raise ValueError(f"digest {window.key} has no notifications; send nothing instead")

    per_severity = Counter(item.severity for item in items)
    lines = [
        Line(
            translate(
                "digest.total",
                lang,
                total=len(items),
                critical=per_severity[Severity.CRITICAL],
                warning=per_severity[Severity.WARNING],
                info=per_severity[Severity.INFO],
            )
        ),
        Line(translate("digest.by_rule", lang)),
    ]
    per_rule: dict[str, list[Notification]] = defaultdict(list)
    for item in items:
        per_rule[item.rule_id].append(item)
    for rule, group in sorted(per_rule.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        shops = ", ".join(sorted({item.shop for item in group}))
        text = translate("digest.rule_line", lang, rule=rule, count=len(group), shops=shops)
        lines.append(Line(text, bullet=True))
    shown = items[:top]
    lines.append(Line(translate("digest.top", lang, count=len(shown))))
    for item in shown:
        label = translate(f"severity.{item.severity.value}", lang)
        text = clip(f"[{label}] {item.shop} · {item.title.get(lang)}", MAX_TITLE)
        lines.append(Line(text, link=item.link, bullet=True))
    if len(items) > len(shown):
        lines.append(Line(translate("digest.more", lang, count=len(items) - len(shown))))

    return Message(
        kind="digest",
        severity=items[0].severity,
        title=_title(window, lang),
        lang=lang,
        ref=ref,
        lines=tuple(lines),
        link=dashboard_url,
        link_label=translate("digest.link", lang),
        footer=translate("alert.ref", lang, ref=ref),
        sources=tuple(items),
    )


def _title(window: Window, lang: Lang) -> str:
    if window.cadence == "daily":
        return translate("digest.title.daily", lang, start=window.start.strftime("%Y-%m-%d"))
    return translate(
        "digest.title.hourly",
        lang,
        start=window.start.strftime("%m-%d %H:%M"),
        end=window.end.strftime("%H:%M"),
    )
