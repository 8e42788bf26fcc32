"""Renderables for the store and sync commands (``ozonops db``, ``shops``, ``sync``)."""

from __future__ import annotations

from collections.abc import Sequence

from rich import box
from rich.console import Group
from rich.table import Table
from rich.text import Text

from ozonops.db import StoredShop
from ozonops.sync import RunResult

__all__ = ["format_db_status", "format_stored_shops", "format_sync_summary"]

_OUTCOME_STYLE = {"ok": "green", "unavailable": "yellow", "failed": "bold red"}
_OUTCOME_TEXT = {"ok": "ok 成功", "unavailable": "n/a 未开通", "failed": "FAIL 失败"}


def format_db_status(*, url: str, current: str | None, head: str) -> Table:
    table = Table(box=None, show_header=False, pad_edge=False)
    table.add_row("database · 数据库", url)
    table.add_row("schema · 当前版本", current or "(empty · 空)")
    table.add_row("this ozonops needs · 需要版本", head)
    state = "up to date · 已是最新" if current == head else "run `ozonops db upgrade`"
    table.add_row("", Text(state, style="green" if current == head else "bold yellow"))
    return table


def format_stored_shops(shops: Sequence[StoredShop], *, push_base: str | None) -> Table:
    """The store's shops; never their Api-Keys."""
    table = Table(title="shops · 店铺", title_justify="left")
    table.add_column("name · 名称")
    table.add_column("Client-Id", style="cyan")
    table.add_column("Ozon URL")
    table.add_column("push URL · 推送地址", overflow="fold")
    for shop in shops:
        push = f"{push_base or ''}/ozon/push/{shop.push_token}"
        table.add_row(shop.name, shop.client_id, shop.base_url or "(settings)", push)
    return table


def format_sync_summary(results: Sequence[RunResult], *, seconds: float) -> Group:
    table = Table(title="sync · 同步结果", title_justify="left", box=box.SIMPLE_HEAD)
    table.add_column("shop\n店铺", overflow="fold")
    table.add_column("resource\n数据", no_wrap=True)
    table.add_column("outcome\n结果", no_wrap=True)
    for name in ("new\n新增", "changed\n变更", "same\n未变", "calls\n调用", "retries\n重试"):
        table.add_column(name, justify="right", no_wrap=True)
    table.add_column("time\n用时", justify="right", no_wrap=True)
    for r in results:
        outcome = Text(_OUTCOME_TEXT.get(r.outcome, r.outcome))
        outcome.stylize(_OUTCOME_STYLE.get(r.outcome, ""))
        table.add_row(
            r.shop,
            r.resource,
            outcome,
            str(r.new),
            str(r.changed),
            str(r.unchanged),
            str(r.calls),
            str(r.retries),
            f"{r.seconds:.1f}s",
        )
    table.add_row(
        Text("total 合计", style="bold"),
        "",
        "",
        str(sum(r.new for r in results)),
        str(sum(r.changed for r in results)),
        str(sum(r.unchanged for r in results)),
        str(sum(r.calls for r in results)),
        str(sum(r.retries for r in results)),
        f"{seconds:.1f}s",
    )
    notes = [
        Text(f"{r.shop} / {r.resource}: {r.error}", style=_OUTCOME_STYLE[r.outcome])
        for r in results
        if r.error
    ]
    return Group(table, *notes)
