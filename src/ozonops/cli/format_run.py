"""Renderables for ``ozonops run`` and ``ozonops demo``."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.text import Text

from ozonops.cli.format import ShopView, format_shops
from ozonops.simulator.config import SimConfig
from ozonops.sync import RunResult
from ozonops.worker import Schedule

__all__ = [
    "format_demo_banner",
    "format_run_banner",
    "format_run_line",
    "format_sim_shops",
    "format_step",
]

_STYLE = {"ok": "green", "unavailable": "yellow", "failed": "bold red"}


def _every(schedule: Schedule) -> str:
    if schedule.every is None:
        return "on its own interval (postings 5 min, money hourly …) · 各自的间隔"
    return f"every {_duration(schedule.every)} · 每 {_duration(schedule.every)}"


def _duration(span: timedelta) -> str:
    seconds = int(span.total_seconds())
    parts = [(seconds // 3600, "h"), (seconds % 3600 // 60, "m"), (seconds % 60, "s")]
    return "".join(f"{n}{unit}" for n, unit in parts if n) or "0s"


def format_run_line(result: RunResult, *, at: datetime) -> Text:
    """One finished run: when, which, how it went, what it changed."""
    text = Text(f"{at:%H:%M:%S} ")
    text.append(f"{result.shop} · {result.resource} ", style="bold")
    text.append(result.outcome, style=_STYLE.get(result.outcome, ""))
    text.append(
        f"  +{result.new} new 新增, {result.changed} changed 变更, "
        f"{result.calls} calls 调用, {result.seconds:.1f}s"
    )
    if result.error:
        text.append(f"  {result.error}", style=_STYLE.get(result.outcome, ""))
    return text


def format_run_banner(*, schedule: Schedule, resources: Sequence[str]) -> Panel:
    body = Group(
        Text(f"Syncing {', '.join(resources)}, each {_every(schedule)}."),
        Text("正在同步上述数据。按 Ctrl+C 停止 · Stop with Ctrl+C."),
    )
    return Panel(body, title="ozonops run", title_align="left", border_style="green")


def format_demo_banner(*, base_url: str, config: SimConfig, db: str, schedule: Schedule) -> Panel:
    """Explain, in English and Chinese, what the demo runs and how to stop it."""
    english = (
        f"ozonops demo — the whole system on an embedded Ozon Seller API simulator:\n"
        f"  1. Ozon (simulated) at {base_url}: {config.shops} shops, "
        f"{config.orders_per_day} orders/day, {config.history_days} days of history, "
        f"clock at {config.speed:g}x real time;\n"
        f"  2. a first sync of every resource into the store {db};\n"
        f"  3. the scheduler: every resource again, {_every(schedule)}, while the simulated\n"
        "     Ozon pushes its changes to the receiver;\n"
        "  4. the watchtower: Ozon's deadlines and every exception as alerts after each sync\n"
        "     (in another terminal: `ozonops alerts list`, `ozonops metrics`).\n"
        "The dashboard comes next. Stop with Ctrl+C."
    )
    chinese = (
        f"ozonops 演示——在内置的 Ozon 卖家 API 模拟器上运行整个系统：\n"
        f"  1. 模拟的 Ozon：{base_url}，{config.shops} 个店铺，每天 {config.orders_per_day} 单，"
        f"{config.history_days} 天历史订单，时钟 {config.speed:g} 倍速；\n"
        f"  2. 首次同步全部数据到本地数据库 {db}；\n"
        "  3. 定时同步：之后按间隔反复同步，同时模拟的 Ozon 向接收端推送变化；\n"
        "  4. 告警：每次同步后检查 Ozon 的各种期限与异常（另开终端运行 `ozonops alerts list`、\n"
        "     `ozonops metrics` 查看）。\n"
        "仪表盘即将推出。按 Ctrl+C 停止。"
    )
    body: RenderableType = Group(Text(english), Text(), Text(chinese))
    return Panel(body, title="ozonops demo · 演示", title_align="left", border_style="green")


def format_sim_shops(shops: Sequence[ShopView], *, base_url: str) -> Panel:
    return format_shops(shops, base_url=base_url)


def format_step(title: str, *, schedule: Schedule | None = None) -> Text:
    text = Text(f"▶ {title}", style="bold cyan")
    if schedule is not None:
        text.append(f"  ({_every(schedule)}; Ctrl+C 停止)", style="cyan")
    return text
