"""Pure rendering: a notification into a :class:`Message`, and a message into parts that fit
a platform's size limit.

Size rule (long messages are split or cut, never rejected):

* At render time each body line is clipped to ``MAX_LINE`` characters and the title to
  ``MAX_TITLE``, so a header, one line and the footer always fit the smallest platform limit
  (WeCom markdown, 4,096 bytes) — lines are never cut inside platform markup.
* :func:`pack` then fills parts block by block under the platform's limit, measured on the
  assembled part in the platform's own unit (UTF-8 bytes of the markdown or of the whole
  JSON body, or UTF-16 units of visible text for Telegram). Each part repeats the header
  with "(i/n)" and the footer. Past ``max_parts`` the last part ends with a "cut, open the
  link" note.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

from ozonops.notify.i18n import Lang, fact_label, translate
from ozonops.notify.model import Line, Message, Notification

__all__ = ["MAX_LINE", "MAX_TITLE", "clip", "pack", "render_alert", "utf8_len"]

MAX_LINE = 800
MAX_TITLE = 200

T = TypeVar("T")


def utf8_len(text: str) -> int:
    return len(text.encode("utf-8"))


def clip(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` characters, ending with "…" when cut."""
    text = text.replace("\r", " ").replace("\n", " ")
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def render_alert(notification: Notification, *, lang: Lang, ref: str) -> Message:
    """One alert in one language: title, body lines, labelled facts, link, footer."""
    lines = tuple(
        Line(clip(raw, MAX_LINE)) for raw in notification.body.get(lang).splitlines() if raw.strip()
    )
    facts = (
        (translate("alert.shop", lang), notification.shop),
        *((fact_label(key, lang), clip(value, MAX_LINE)) for key, value in notification.facts),
    )
    return Message(
        kind="alert",
        severity=notification.severity,
        title=clip(notification.title.get(lang), MAX_TITLE),
        lang=lang,
        ref=ref,
        lines=lines,
        facts=facts,
        link=notification.link,
        link_label=translate("alert.link", lang),
        footer=translate("alert.ref", lang, ref=ref),
        sources=(notification,),
    )


def pack(
    *,
    blocks: Sequence[str],
    assemble: Callable[[str, Sequence[str]], T],
    measure: Callable[[T], int],
    limit: int,
    lang: Lang,
    max_parts: int,
    truncated: str,
) -> list[T]:
    """Split ``blocks`` into at most ``max_parts`` parts whose ``measure`` is at most ``limit``.

    ``assemble(label, blocks)`` builds one part in the platform's form (markup text, a card,
    a JSON body) — header with the "(i/n)" ``label`` ("" when there is one part), the blocks,
    the footer — so the measure is taken on exactly what is sent. ``truncated`` is the block
    that ends the last part when the blocks do not all fit.
    """
    widest = translate("alert.part", lang, index=99, total=99)

    def fits(label: str, group: Sequence[str]) -> bool:
        return measure(assemble(label, group)) <= limit

    groups: list[list[str]] = [[]]
    for block in blocks:
        if groups[-1] and not fits(widest, [*groups[-1], block]):
            groups.append([])
        groups[-1].append(block)
    if len(groups) > max_parts:
        last = groups[max_parts - 1]
        while last and not fits(widest, [*last, truncated]):
            last.pop()
        groups = [*groups[: max_parts - 1], [*last, truncated]]
    total = len(groups)
    parts = []
    for index, group in enumerate(groups, start=1):
        label = "" if total == 1 else translate("alert.part", lang, index=index, total=total)
        if len(group) == 1 and not fits(label, group):
            group = [_cut(group[0], label, fits)]
        parts.append(assemble(label, group))
    return parts


def _cut(block: str, label: str, fits: Callable[[str, Sequence[str]], bool]) -> str:
    """Last resort for one block too long on its own: the longest prefix that fits, + "…"."""
    low, high = 0, len(block)
    while low < high:
        mid = (low + high + 1) // 2
        if fits(label, [block[:mid] + "…"]):
            low = mid
        else:
            high = mid - 1
    return block[:low] + "…"
