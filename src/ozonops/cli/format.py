"""Build what the CLI shows; every function returns a rich renderable and prints nothing."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Protocol

from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from ozonops.ozon.specdiff import SpecDiff

__all__ = [
    "ShopView",
    "format_clock",
    "format_demo_banner",
    "format_error",
    "format_faults",
    "format_shops",
    "format_spec_diff",
    "format_version",
]


class ShopView(Protocol):
    """What the CLI reads from a simulated shop (``app.state.world.shops``)."""

    @property
    def name(self) -> str: ...
    @property
    def client_id(self) -> str: ...
    @property
    def api_key(self) -> str: ...
    @property
    def subscription(self) -> str: ...


def format_version(version: str) -> Text:
    return Text(f"ozonops {version}")


def format_error(message: str) -> Text:
    return Text(f"error: {message}", style="bold red")


def format_shops(shops: Sequence[ShopView], *, base_url: str) -> Panel:
    """The simulated shops' credentials and how to point a client at them."""
    table = Table(box=None, pad_edge=False)
    table.add_column("shop")
    table.add_column("subscription")
    table.add_column("Client-Id", style="cyan", no_wrap=True)
    table.add_column("Api-Key", style="cyan", no_wrap=True)
    for shop in shops:
        table.add_row(shop.name, shop.subscription, shop.client_id, shop.api_key)
    hint = Text.assemble(
        "Point any Ozon Seller API client at ",
        (base_url, "bold"),
        " with a Client-Id / Api-Key pair above, e.g. OZONOPS_OZON_BASE_URL=",
        base_url,
        "\n用上面任一组 Client-Id / Api-Key 访问 ",
        (base_url, "bold"),
        " (与真实 Ozon Seller API 相同的路径和 JSON)。",
    )
    return Panel(
        Group(table, Text(), hint),
        title="Simulated Ozon shops · 模拟店铺",
        title_align="left",
    )


def format_faults(config: Mapping[str, Any]) -> Table:
    """The simulator's fault configuration, one field per row."""
    table = Table(title="Simulator faults", title_justify="left")
    table.add_column("fault")
    table.add_column("value", justify="right")
    for name, value in config.items():
        table.add_row(name, str(value))
    return table


def format_clock(clock: Mapping[str, Any]) -> Table:
    """The simulated clock as returned by ``/_sim/clock``."""
    speed = clock.get("speed")
    table = Table(title="Simulator clock", title_justify="left")
    table.add_column("now")
    table.add_column("speed", justify="right")
    shown = "frozen (0)" if speed == 0 else f"{speed}x"
    table.add_row(str(clock.get("now")), shown)
    return table


def format_demo_banner(*, base_url: str, config: Mapping[str, Any]) -> Panel:
    """Explain, in English and Chinese, what the demo runs and how to stop it."""
    english = (
        f"ozonops demo: an embedded Ozon Seller API simulator at {base_url}\n"
        f"({config['shops']} shops, {config['orders_per_day']} orders/day, "
        f"{config['history_days']} days of history, clock at {config['speed']:g}x real time, "
        f"seed {config['seed']}).\n"
        "Sync, alerts and the dashboard are coming; for now explore the API with the keys below.\n"
        "Stop with Ctrl+C."
    )
    chinese = (
        f"ozonops 演示：在 {base_url} 运行内置的 Ozon 卖家 API 模拟器\n"
        f"（{config['shops']} 个店铺，每天 {config['orders_per_day']} 单，"
        f"{config['history_days']} 天历史订单，时钟 {config['speed']:g} 倍速，"
        f"随机种子 {config['seed']}）。\n"
        "同步、告警和仪表盘即将推出；现在可以用下面的密钥调用 API。\n"
        "按 Ctrl+C 停止。"
    )
    body: RenderableType = Group(Text(english), Text(), Text(chinese))
    return Panel(body, title="ozonops demo · 演示", title_align="left", border_style="green")


_SEVERITY_STYLES = {"breaking": "bold red", "warning": "yellow", "notice": "cyan"}


def format_spec_diff(diff: SpecDiff) -> Table:
    """The findings of ``ozonops spec-diff``, grouped under each method; totals in the title."""
    counts = diff.counts()
    title = (
        f"Spec diff: {len(diff.methods)} methods checked — {counts['breaking']} breaking, "
        f"{counts['warning']} warnings, {counts['notice']} notices"
    )
    table = Table(title=title, title_justify="left")
    table.add_column("severity", no_wrap=True)
    table.add_column("method / location", overflow="fold")
    table.add_column("change")
    table.add_column("old → new", overflow="fold")
    method = None
    for finding in diff.findings:
        if finding.method != method:
            method = finding.method
            table.add_row("", Text(method, style="bold"), "", "")
        table.add_row(
            Text(finding.severity, style=_SEVERITY_STYLES[finding.severity]),
            f"  {finding.location or '(method)'}",
            finding.kind.replace("_", " "),
            f"{finding.old or '—'} → {finding.new or '—'}",
        )
    if not diff.findings:
        table.caption = "No changes to the methods we call."
    return table
