"""Renderables for ``ozonops alerts …`` and ``ozonops messages …``."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from rich import box
from rich.table import Table
from rich.text import Text

from ozonops.notify import Lang
from ozonops.rules import (
    CATALOGUE,
    RULES_BY_ID,
    TEMPLATES,
    AlertEntry,
    AlertView,
    Context,
    Evaluation,
    Preview,
    Sent,
)

__all__ = [
    "format_alerts",
    "format_catalogue",
    "format_evaluation",
    "format_history",
    "format_previews",
    "format_sent",
    "format_templates",
]

_SEVERITY = {
    "critical": ("bold red", "严重 critical"),
    "warning": ("yellow", "警告 warning"),
    "info": ("cyan", "提示 info"),
}
_STATE = {
    "open": "open 待处理",
    "acknowledged": "ack 已确认",
    "snoozed": "snoozed 暂缓",
    "resolved": "resolved 已解决",
}


def _at(value: datetime | None) -> str:
    return "" if value is None else value.strftime("%Y-%m-%d %H:%M")


def format_alerts(alerts: Sequence[AlertView], *, ctx: Context, lang: Lang) -> Table | Text:
    if not alerts:
        return Text("no alerts · 没有告警", style="green")
    table = Table(title="alerts · 告警", title_justify="left", box=box.SIMPLE_HEAD)
    table.add_column("#", justify="right", no_wrap=True)
    table.add_column("severity\n级别", no_wrap=True)
    table.add_column("state\n状态", no_wrap=True)
    table.add_column("shop\n店铺", overflow="fold")
    table.add_column("object\n对象", no_wrap=True)
    table.add_column("alert · 告警", overflow="fold")
    table.add_column("opened\n开始", no_wrap=True)
    for a in alerts:
        style, label = _SEVERITY.get(a.severity, ("", a.severity))
        rule = RULES_BY_ID.get(a.rule_id)
        title = a.rule_id
        if rule is not None:
            title = rule.describe({**a.facts, "object_id": a.object_id}, ctx)[0].get(lang)
        state = _STATE.get(a.state, a.state)
        if a.state == "snoozed" and a.snoozed_until is not None:
            state += f" → {_at(a.snoozed_until)}"
        table.add_row(
            str(a.id),
            Text(label, style=style),
            state,
            a.shop,
            a.object_id,
            title,
            _at(a.opened_at),
        )
    return table


def format_history(alert: AlertView, entries: Sequence[AlertEntry], *, ctx: Context) -> Table:
    rule = RULES_BY_ID.get(alert.rule_id)
    table = Table(
        title=f"alert #{alert.id} · 告警历史 ({alert.rule_id}, {alert.object_id})",
        title_justify="left",
        box=box.SIMPLE_HEAD,
    )
    table.add_column("at · 时间", no_wrap=True)
    table.add_column("what · 事件", no_wrap=True)
    table.add_column("by · 操作人")
    table.add_column("details · 详情", overflow="fold")
    for e in entries:
        details = ", ".join(f"{k}={v}" for k, v in e.details.items() if k != "facts")
        table.add_row(_at(e.at), e.kind, e.actor, details)
    if rule is not None:
        title, body = rule.describe({**alert.facts, "object_id": alert.object_id}, ctx)
        table.caption = f"{title.zh} — {body.zh}\n{title.en} — {body.en}"
        table.caption_justify = "left"
    return table


def format_catalogue(*, lang: Lang) -> Table:
    table = Table(title="rules · 规则", title_justify="left", box=box.SIMPLE_HEAD)
    table.add_column("id", no_wrap=True, style="cyan")
    table.add_column("severity\n级别", no_wrap=True)
    table.add_column("rule · 规则", overflow="fold")
    table.add_column("protects · 保护的 Ozon 规则", overflow="fold")
    table.add_column("source · 出处", overflow="fold")
    for rule in CATALOGUE:
        style, label = _SEVERITY[rule.severity.value]
        table.add_row(
            rule.id, Text(label, style=style), rule.name.get(lang), rule.protects, rule.source
        )
    return table


def format_evaluation(evaluation: Evaluation) -> Text:
    fired = [r for r in evaluation.rules if r.firing]
    parts = [f"{r.rule_id} {r.firing}" for r in fired]
    return Text(
        f"evaluated · 已评估 {len(evaluation.rules)} rules in {evaluation.seconds:.2f} s: "
        f"{evaluation.total('opened')} opened 新增, "
        f"{evaluation.total('reopened')} reopened 重新打开, "
        f"{evaluation.total('resolved')} resolved 已解决"
        + ("\nfiring · 触发中: " + ", ".join(parts) if parts else "")
    )


def format_templates() -> Table:
    table = Table(title="buyer messages · 买家消息模板", title_justify="left", box=box.SIMPLE_HEAD)
    table.add_column("id", style="cyan", no_wrap=True)
    table.add_column("name · 名称")
    table.add_column("Russian (to the buyer) · 俄语（发给买家）", overflow="fold")
    table.add_column("中文翻译", overflow="fold")
    for t in TEMPLATES.values():
        for k, (ru, zh) in enumerate(t.wordings):
            table.add_row(t.id if k == 0 else "", t.name.zh if k == 0 else "", ru, zh)
    return table


def format_previews(previews: Sequence[Preview]) -> Table:
    table = Table(title="preview · 预览", title_justify="left", box=box.SIMPLE_HEAD)
    table.add_column("posting\n货件", no_wrap=True)
    table.add_column("shop\n店铺")
    table.add_column("message (ru) · 消息（俄语）", overflow="fold")
    table.add_column("中文", overflow="fold")
    table.add_column("window · 窗口", overflow="fold")
    for p in previews:
        if p.allowed:
            window = Text(
                f"ok · 可发送 ({p.verdict.how}, until {_at(p.verdict.closes_at)})", style="green"
            )
        else:
            window = Text(f"✗ {p.refusal}", style="yellow")
        table.add_row(p.posting_number, p.shop, p.message.ru, p.message.zh, window)
    return table


def format_sent(results: Sequence[Sent]) -> Table:
    table = Table(title="sent · 发送结果", title_justify="left", box=box.SIMPLE_HEAD)
    table.add_column("posting\n货件", no_wrap=True)
    table.add_column("result\n结果", no_wrap=True)
    table.add_column("why · 原因", overflow="fold")
    style = {"sent": "green", "refused": "yellow", "in_doubt": "bold red"}
    label = {"sent": "sent 已发送", "refused": "not sent 未发送", "in_doubt": "in doubt 不确定"}
    for r in results:
        table.add_row(r.posting_number, Text(label[r.status], style=style[r.status]), r.reason)
    return table
