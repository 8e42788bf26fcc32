"""The notification package's own words, in Chinese and English.

A message's *content* (an alert's title and body) comes from the rules engine as a
:class:`~ozonops.notify.model.LocalText` holding both languages; this catalogue holds only
the frame around it: severity labels, fact labels, digest headings, link and footer text.
Keys are dotted (``severity.critical``); parameters use ``str.format`` names. An unknown key
or a missing parameter is a programming error and raises a :class:`KeyError` naming it.
Fact keys without a ``fact.<key>`` entry are shown as the key itself.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Literal

__all__ = ["CATALOGUE", "LANGS", "Lang", "fact_label", "translate"]

Lang = Literal["zh", "en"]
LANGS: tuple[Lang, ...] = ("zh", "en")

_ENTRIES: dict[str, tuple[str, str]] = {
    # severity
    "severity.info": ("提示", "Info"),
    "severity.warning": ("警告", "Warning"),
    "severity.critical": ("严重", "Critical"),
    # frame of one alert
    "alert.shop": ("店铺", "Shop"),
    "alert.link": ("查看时间线", "Open timeline"),
    "alert.ref": ("编号 {ref}", "ref {ref}"),
    "alert.part": ("（{index}/{total}）", " ({index}/{total})"),
    "alert.truncated": ("……（内容过长已截断，详见链接）", "… (too long, cut; open the link)"),
    # digest
    "digest.title.hourly": ("Ozon 告警小时摘要 {start}–{end}", "Ozon alerts, hourly {start}–{end}"),
    "digest.title.daily": ("Ozon 告警日报 {start}", "Ozon alerts, daily {start}"),
    "digest.total": (
        "共 {total} 条：严重 {critical} · 警告 {warning} · 提示 {info}",
        "{total} alerts: {critical} critical · {warning} warning · {info} info",
    ),
    "digest.by_rule": ("按规则：", "By rule:"),
    "digest.rule_line": ("{rule} × {count}（{shops}）", "{rule} × {count} ({shops})"),
    "digest.top": ("最重要的 {count} 条：", "Top {count}:"),
    "digest.more": ("……另有 {count} 条，见看板", "… and {count} more on the dashboard"),
    "digest.link": ("打开看板", "Open dashboard"),
    # common fact labels (the rules engine may use others; those show as their key)
    "fact.posting_number": ("货件号", "Posting"),
    "fact.order_number": ("订单号", "Order"),
    "fact.tracking_number": ("运单号", "Tracking number"),
    "fact.carrier": ("承运商", "Carrier"),
    "fact.status": ("状态", "Status"),
    "fact.deadline": ("截止时间", "Deadline"),
    "fact.sku": ("SKU", "SKU"),
    "fact.offer_id": ("商品编码", "Offer ID"),
    "fact.rating": ("评分", "Rating"),
    "fact.amount": ("金额", "Amount"),
    "fact.expected": ("应收", "Expected"),
    "fact.actual": ("实收", "Actual"),
    "fact.warehouse": ("仓库", "Warehouse"),
    "fact.days": ("天数", "Days"),
    "fact.count": ("数量", "Count"),
}

CATALOGUE: Mapping[str, tuple[str, str]] = MappingProxyType(_ENTRIES)


def translate(key: str, lang: Lang, **params: object) -> str:
    """The catalogue text for ``key`` in ``lang``, formatted with ``params``."""
    try:
        zh, en = CATALOGUE[key]
    except KeyError:
        raise KeyError(f"no catalogue entry {key!r}; add it to ozonops.notify.i18n") from None
    template = zh if lang == "zh" else en
    try:
        return template.format(**params)
    except KeyError as exc:
        raise KeyError(f"catalogue entry {key!r} needs parameter {exc.args[0]!r}") from None


def fact_label(key: str, lang: Lang) -> str:
    """The label of a fact key (``posting_number`` → 货件号 / Posting), else the key itself."""
    entry = CATALOGUE.get(f"fact.{key}")
    if entry is None:
        return key
    return entry[0] if lang == "zh" else entry[1]
