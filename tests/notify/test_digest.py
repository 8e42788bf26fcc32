"""Digest windows and the digest message (pure)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ozonops.notify import LocalText, build_digest, window_of
from tests.notify.factories import make_notification


def test_hourly_and_daily_windows_in_beijing_time() -> None:
    moment = datetime(2024, 5, 1, 16, 5, tzinfo=UTC)  # 00:05 on 2 May in Beijing
    hourly = window_of(moment, cadence="hourly", tz="Asia/Shanghai")
    assert (hourly.start.isoformat(), hourly.end.isoformat()) == (
        "2024-05-02T00:00:00+08:00",
        "2024-05-02T01:00:00+08:00",
    )
    daily = window_of(moment, cadence="daily", tz="Asia/Shanghai")
    assert daily.key == "daily:2024-05-02T00:00:00+08:00"
    assert daily.end - daily.start == timedelta(days=1)
    assert not daily.closed(moment)
    assert daily.closed(daily.end)


def test_daily_window_across_a_dst_change_is_the_local_day() -> None:
    window = window_of(datetime(2024, 3, 31, 12, tzinfo=UTC), cadence="daily", tz="Europe/Moscow")
    assert window.end - window.start == timedelta(days=1)  # Moscow has no DST since 2014
    berlin = window_of(datetime(2024, 3, 31, 12, tzinfo=UTC), cadence="daily", tz="Europe/Berlin")
    length = berlin.end.astimezone(UTC) - berlin.start.astimezone(UTC)
    assert length == timedelta(hours=23)  # the spring-forward day is 23 hours long


@given(
    moment=st.datetimes(
        min_value=datetime(2020, 1, 1), max_value=datetime(2030, 1, 1), timezones=st.just(UTC)
    ),
    cadence=st.sampled_from(["hourly", "daily"]),
    tz=st.sampled_from(["Asia/Shanghai", "Europe/Moscow", "UTC", "America/New_York"]),
)
def test_every_moment_falls_in_its_window(moment: datetime, cadence: str, tz: str) -> None:
    window = window_of(moment, cadence=cadence, tz=tz)  # type: ignore[arg-type]
    assert window.contains(moment)
    assert window_of(window.end, cadence=cadence, tz=tz).start == window.end  # type: ignore[arg-type]


def test_naive_moment_is_refused() -> None:
    with pytest.raises(ValueError, match="no time zone"):
        window_of(datetime(2024, 5, 1), cadence="daily", tz="UTC")


def _items() -> list:  # type: ignore[type-arg]
    late = [
        make_notification(i, severity="warning", shop="A" if i % 2 else "B") for i in range(1, 8)
    ]
    review = [
        make_notification(
            20 + i,
            rule_id="bad_review",
            severity="critical" if i == 0 else "info",
            shop="B",
            dedupe_key=f"review:{i}",
            title=LocalText(zh=f"差评 {i}", en=f"Bad review {i}"),
        )
        for i in range(5)
    ]
    return late + review


def test_digest_counts_per_severity_and_rule_and_lists_top_items() -> None:
    window = window_of(_items()[0].created_at, cadence="hourly", tz="Asia/Shanghai")
    message = build_digest(
        _items(),
        window=window,
        lang="zh",
        ref="d1",
        top=3,
        dashboard_url="https://ops.example.com/alerts",
    )
    texts = [line.text for line in message.lines]
    assert message.title == "Ozon 告警小时摘要 05-01 10:00–11:00"
    assert texts[0] == "共 12 条：严重 1 · 警告 7 · 提示 4"
    assert texts[1:4] == ["按规则：", "late_shipment × 7（A, B）", "bad_review × 5（B）"]
    assert texts[4] == "最重要的 3 条："
    top = message.lines[5:8]
    assert next(line.text for line in top) == "[严重] B · 差评 0"  # critical first
    assert [line.text.split(" · ")[0] for line in top][1:] == [
        "[警告] A",
        "[警告] B",
    ]  # then newest warnings
    assert all(line.link and line.bullet for line in top)
    assert texts[8] == "……另有 9 条，见看板"
    assert message.severity == "critical"
    assert message.link == "https://ops.example.com/alerts"
    assert len(message.sources) == 12


def test_digest_counts_a_re_raised_alert_once_and_speaks_english() -> None:
    again = make_notification(
        1, severity="warning", created_at=datetime(2024, 5, 1, 2, 50, tzinfo=UTC)
    )
    items = [make_notification(1, severity="warning"), again]
    window = window_of(again.created_at, cadence="daily", tz="Asia/Shanghai")
    message = build_digest(items, window=window, lang="en", ref="d2")
    assert message.title == "Ozon alerts, daily 2024-05-01"
    assert message.lines[0].text == "1 alerts: 0 critical · 1 warning · 0 info"
    assert message.sources == (again,)


def test_empty_digest_is_refused() -> None:
    window = window_of(datetime(2024, 5, 1, tzinfo=UTC), cadence="daily", tz="UTC")
    with pytest.raises(ValueError, match="send nothing instead"):
        build_digest([], window=window, lang="en", ref="x")
