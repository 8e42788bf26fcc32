"""Markup shared by channels: the robots' markdown, HTML (Telegram, email) and plain text.

Every function turns one :class:`~ozonops.notify.model.Message` into *blocks*, one per
line, fact or link, each self-contained (no tag or link spans two blocks), so
:func:`~ozonops.notify.render.pack` may split between any two of them.
"""

from __future__ import annotations

import html

from ozonops.notify.i18n import translate
from ozonops.notify.model import Line, Message, Severity

__all__ = [
    "ICON",
    "html_blocks",
    "markdown_blocks",
    "plain_text",
    "severity_label",
]

ICON = {Severity.CRITICAL: "🔴", Severity.WARNING: "🟠", Severity.INFO: "🔵"}


def severity_label(message: Message) -> str:
    """``🔴 严重`` / ``🔴 Critical``."""
    label = translate(f"severity.{message.severity.value}", message.lang)
    return f"{ICON[message.severity]} {label}"


def _md_link_text(text: str) -> str:
    # The robots' markdown has no escape for "]" inside link text; swap it for a look-alike.
    return text.replace("[", "【").replace("]", "】")


def markdown_blocks(message: Message, *, fact_prefix: str = "> ") -> list[str]:
    """Blocks for WeCom's and DingTalk's markdown dialect."""
    blocks = [_md_line(line) for line in message.lines]
    blocks += [f"{fact_prefix}**{label}**: {value}" for label, value in message.facts]
    if message.link:
        blocks.append(f"[{_md_link_text(message.link_label)}]({message.link})")
    return blocks


def _md_line(line: Line) -> str:
    text = f"[{_md_link_text(line.text)}]({line.link})" if line.link else line.text
    return f"- {text}" if line.bullet else text


def html_blocks(message: Message) -> list[str]:
    """Blocks in the small HTML subset Telegram accepts (b, i, a) — also used by email."""
    blocks = [_html_line(line) for line in message.lines]
    blocks += [
        f"<b>{html.escape(label)}</b>: {html.escape(value)}" for label, value in message.facts
    ]
    if message.link:
        blocks.append(_anchor(message.link, message.link_label))
    return blocks


def _anchor(url: str, text: str) -> str:
    return f'<a href="{html.escape(url, quote=True)}">{html.escape(text)}</a>'


def _html_line(line: Line) -> str:
    text = _anchor(line.link, line.text) if line.link else html.escape(line.text)
    return f"• {text}" if line.bullet else text


def plain_text(message: Message) -> str:
    """The message as plain text: email's text part, the webhook's ``text`` field."""
    out = [f"[{translate(f'severity.{message.severity.value}', message.lang)}] {message.title}"]
    for line in message.lines:
        text = f"{line.text} <{line.link}>" if line.link else line.text
        out.append(f"- {text}" if line.bullet else text)
    out += [f"{label}: {value}" for label, value in message.facts]
    if message.link:
        out.append(f"{message.link_label}: {message.link}")
    if message.footer:
        out += ["", message.footer]
    return "\n".join(out)
