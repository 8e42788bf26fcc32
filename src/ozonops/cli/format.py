"""Build what the CLI shows; every function returns a rich renderable and prints nothing."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Protocol

from rich.console import Group, JustifyMethod, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from ozonops.ozon import Feature, KeyStatus, MethodSnapshot, ShopReport
from ozonops.ozon.specdiff import SpecDiff

__all__ = [
    "ShopView",
    "format_clock",
    "format_doctor",
    "format_error",
    "format_faults",
    "format_metrics",
    "format_no_shops",
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


# --- doctor ---------------------------------------------------------------------------------

_OK, _WARN, _BAD, _UNKNOWN = ("✓", "green"), ("⚠", "yellow"), ("✗", "bold red"), ("?", "dim")


def format_no_shops() -> Text:
    """How to configure shops, when none are: a red first line, then the recipe."""
    text = Text("error: no shops configured · 未配置店铺\n", style="bold red")
    text.append(
        "Set OZONOPS_SHOPS to a JSON list, in the environment or in a .env file:\n"
        '  OZONOPS_SHOPS=\'[{"name": "main", "client_id": "123456", '
        '"api_key": "..."}]\'\n'
        "在环境变量或 .env 文件中设置 OZONOPS_SHOPS（JSON 列表，如上）。\n"
        "To look at the demo shops instead · 查看演示店铺: "
        "ozonops doctor --simulator http://127.0.0.1:8900"
    )
    return text


def _line(mark: tuple[str, str], english: str, chinese: str, detail: str = "") -> Text:
    symbol, style = mark
    text = Text.assemble((f"{symbol} ", style), (english, style), " · ", chinese)
    if detail:
        text.append(f"  ({detail})", style="dim")
    return text


def _key_line(key: KeyStatus) -> Text:
    days = key.days_left
    if key.state == "ok" and days is None:
        return _line(_OK, "Key valid, no expiry date", "密钥有效，无到期日")
    if key.state == "ok":
        return _line(_OK, f"Key valid for {days} more days", f"密钥有效，还剩{days}天", key.message)
    if key.state == "expiring" and days is not None and days < 1:
        return _line(_WARN, "Key expires within a day", "密钥将在一天内过期", key.message)
    if key.state == "expiring":
        return _line(_WARN, f"Key expires in {days} days", f"密钥{days}天后过期", key.message)
    if key.state == "expired":
        return _line(_BAD, "Key expired", "密钥已过期", key.message)
    if key.state == "invalid":
        return _line(_BAD, "Key invalid", "密钥无效", key.message)
    if key.state == "error":
        return _line(_BAD, "Key check failed", "密钥检查失败", key.message)
    return _line(_UNKNOWN, "Key not checked", "未检查密钥", key.message)


# (mark, English, Chinese) per feature state; {en} / {zh} is the feature's name.
_FEATURE_WORDING: dict[str, tuple[tuple[str, str], str, str]] = {
    "available": (_OK, "{en}: available", "{zh}：可用"),
    "not_on_plan": (_BAD, "{en}: not on this plan", "{zh}：当前套餐不支持"),
    "not_allowed": (_BAD, "{en}: not allowed for this key", "{zh}：此密钥无权限"),
    "unknown": (_UNKNOWN, "{en}: unknown", "{zh}：未知"),
    "error": (_BAD, "{en}: check failed", "{zh}：检查失败"),
}


def _feature_line(feature: Feature, en: str, zh: str, plan_hint: str = "") -> Text:
    mark, english, chinese = _FEATURE_WORDING[feature.state]
    detail = feature.detail
    if feature.state == "not_on_plan" and plan_hint:
        detail = plan_hint
    return _line(mark, english.format(en=en), chinese.format(zh=zh), detail)


def _reach_line(report: ShopReport) -> Text:
    reach = report.reachability
    if reach.ok:
        ms = f"{reach.latency_ms:.0f} ms" if reach.latency_ms is not None else "?"
        return _line(_OK, f"Reachable, {ms}", f"可连接，{ms}")
    return _line(_BAD, "Unreachable", "无法连接", reach.message)


def format_shop_report(report: ShopReport) -> Panel:
    """One shop's doctor findings, English and Chinese on each line."""
    lines: list[RenderableType] = [
        _reach_line(report),
        _key_line(report.key),
        _feature_line(
            report.reviews,
            "Reviews",
            "评价",
            "needs Review management or Premium Pro · 需要评价管理或 Premium Pro 订阅",
        ),
        _feature_line(report.chat_read, "Reading chats", "读取聊天"),
        _feature_line(report.chat_write, "Sending chat messages", "发送聊天消息"),
    ]
    if report.degraded:
        for health in report.degraded:
            since = f"{health.since:%Y-%m-%d %H:%M} UTC" if health.since else "?"
            lines.append(
                _line(
                    _BAD,
                    f"{health.method} degraded since {since}",
                    "接口异常",
                    health.reason or "",
                )
            )
    else:
        lines.append(_line(_OK, "No degraded methods", "无异常接口"))
    if report.last_failures:
        table = Table(title="Last failures · 最近失败", title_justify="left", box=None)
        table.add_column("method · 接口", overflow="fold")
        table.add_column("time (UTC)", no_wrap=True)
        table.add_column("error · 错误")
        table.add_column("message · 信息", overflow="fold")
        for method, failures in report.last_failures.items():
            for failure in failures[-3:]:
                table.add_row(method, f"{failure.at:%H:%M:%S}", failure.error, failure.message)
        lines.extend([Text(), table])
    problems = report.problems
    if problems:
        title_style = "red"
        verdict = f"{len(problems)} problem(s) · {len(problems)} 个问题"
    else:
        title_style = "green"
        verdict = "OK · 正常"
    return Panel(
        Group(*lines),
        title=f"{report.shop} (Client-Id {report.client_id}) — {verdict}",
        title_align="left",
        border_style=title_style,
    )


def format_doctor(reports: Sequence[ShopReport]) -> Group:
    """Every shop's report, then a one-line verdict."""
    bad = [r.shop for r in reports if not r.ok]
    if bad:
        verdict = Text(
            f"{len(bad)} of {len(reports)} shop(s) need attention: {', '.join(bad)} · "
            f"{len(bad)} 个店铺需要处理",
            style="bold red",
        )
    else:
        verdict = Text(f"All {len(reports)} shop(s) OK · 所有店铺正常", style="bold green")
    return Group(*(format_shop_report(r) for r in reports), verdict)


def _ms(value: float | None) -> str:
    return "—" if value is None else f"{value:.0f}"


def format_metrics(by_shop: Mapping[str, Mapping[str, MethodSnapshot]]) -> Table:
    """Per shop and method: calls, errors, retries, throttles, latency, limiter wait."""
    table = Table(title="API calls · 接口调用统计", title_justify="left")
    columns: tuple[tuple[str, JustifyMethod], ...] = (
        ("shop · 店铺", "left"),
        ("method · 接口", "left"),
        ("calls", "right"),
        ("errors", "right"),
        ("retries", "right"),
        ("429s", "right"),
        ("p50 ms", "right"),
        ("p95 ms", "right"),
        ("limiter wait s", "right"),
    )
    for name, justify in columns:
        table.add_column(name, justify=justify)
    for shop, methods in by_shop.items():
        for method, snap in methods.items():
            errors = sum(snap["errors"].values())
            table.add_row(
                shop,
                method,
                str(snap["calls"]),
                Text(str(errors), style="red" if errors else ""),
                str(snap["retries"]),
                str(snap["throttles"]),
                _ms(snap["latency_p50_ms"]),
                _ms(snap["latency_p95_ms"]),
                f"{snap['limiter_wait_s']:.2f}",
            )
    if table.row_count == 0:
        table.caption = (
            "No API calls recorded yet: `ozonops sync` and `ozonops run` record theirs "
            "(`ozonops doctor` prints its own) · 尚无接口调用记录"
        )
    return table
