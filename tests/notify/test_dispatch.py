"""The dispatcher as a whole: routing a mixed batch to several real sinks, digests over a
controllable clock, outcomes as data, and secrets kept out of logs and outcomes."""

from __future__ import annotations

import logging
import random
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import httpx
import pytest

from ozonops.log import RedactingFilter
from ozonops.notify import (
    Backoff,
    ConfigurationError,
    Dispatcher,
    Limiters,
    Route,
    channel_secrets,
    deliver,
    deliver_digests,
)
from ozonops.notify.channels import (
    TelegramChannel,
    TelegramConfig,
    WebhookChannel,
    WebhookConfig,
    WeComChannel,
    WeComConfig,
)
from tests.notify.conftest import Served
from tests.notify.factories import make_notification, secret
from tests.notify.sink_others import TelegramSink, WebhookSink
from tests.notify.sink_robots import WeComSink
from tests.notify.sinkkit import FakeClock, Fault

pytestmark = pytest.mark.anyio


@dataclass
class Sinks:
    wecom: Served[WeComSink]
    telegram: Served[TelegramSink]
    webhook: Served[WebhookSink]


@pytest.fixture
def sinks(
    wecom: Served[WeComSink], telegram: Served[TelegramSink], webhook: Served[WebhookSink]
) -> Sinks:
    return Sinks(wecom, telegram, webhook)


def channels(sinks: Sinks) -> dict[str, Any]:
    return {
        "wecom": WeComChannel(
            WeComConfig(name="wecom", key=secret("wecom-key-1"), base_url=sinks.wecom.url)
        ),
        "tg": TelegramChannel(
            TelegramConfig(
                name="tg",
                token=secret("123456:tg-token"),
                chat_id=-1001,
                base_url=sinks.telegram.url,
            )
        ),
        "hook": WebhookChannel(
            WebhookConfig(
                name="hook", url=f"{sinks.webhook.url}/hook", secret=secret("webhook-secret")
            )
        ),
    }


ROUTES = [
    Route(name="critical-now", channels=("wecom", "tg"), min_severity="critical"),
    Route(name="reviews-en", channels=("hook",), rules=frozenset({"bad_review"}), lang="en"),
    Route(
        name="hourly",
        channels=("wecom",),
        mode="hourly",
        dashboard_url="https://ops.example.com/alerts",
    ),
]


async def test_a_mixed_batch_goes_where_the_routes_say(
    sinks: Sinks,
    clock: FakeClock,
    http: httpx.AsyncClient,
) -> None:
    late = make_notification(1, severity="critical")
    review = make_notification(2, severity="warning", rule_id="bad_review", dedupe_key="review:2")
    outcomes = await deliver(
        [late, review],
        routes=ROUTES,
        channels=channels(sinks),
        clock=clock,
        http=http,
    )
    table = sorted((o.alert_id, o.route, o.channel, o.status) for o in outcomes)
    assert table == [
        ("alert-1", "critical-now", "tg", "sent"),
        ("alert-1", "critical-now", "wecom", "sent"),
        ("alert-1", "hourly", None, "deferred"),
        ("alert-2", "hourly", None, "deferred"),
        ("alert-2", "reviews-en", "hook", "sent"),
    ]
    assert (
        len(sinks.wecom.sink.received)
        == len(sinks.telegram.sink.received)
        == len(sinks.webhook.sink.received)
        == 1
    )
    assert sinks.webhook.sink.received[0]["lang"] == "en"
    keys = {o.delivery_key for o in outcomes if o.status == "sent"}
    assert len(keys) == 3  # one delivery key per (alert, channel)


async def test_hourly_digest_waits_for_its_window_then_sends_one_message(
    sinks: Sinks,
    clock: FakeClock,
    http: httpx.AsyncClient,
) -> None:
    configured = channels(sinks)
    routes = ROUTES[2:]
    pending = [make_notification(i, severity="warning" if i % 3 else "info") for i in range(30)]
    outcomes = await deliver(pending, routes=routes, channels=configured, clock=clock, http=http)
    assert {(o.status, o.window) for o in outcomes} == {
        ("deferred", "hourly:2024-05-01T10:00:00+08:00")
    }
    assert sinks.wecom.sink.received == []

    limiters = Limiters()
    early = await deliver_digests(
        pending, routes=routes, channels=configured, clock=clock, http=http, limiters=limiters
    )
    assert early == []  # 10:30 Beijing: the 10:00–11:00 window is still open

    clock.advance(timedelta(minutes=30).total_seconds())  # 11:00 sharp
    sent = await deliver_digests(
        pending, routes=routes, channels=configured, clock=clock, http=http, limiters=limiters
    )
    assert len(sent) == 30
    assert {(o.status, o.via, o.channel) for o in sent} == {("sent", "digest", "wecom")}
    assert len({o.delivery_key for o in sent}) == 1
    [digest] = sinks.wecom.sink.received
    content = digest["markdown"]["content"]
    assert "Ozon 告警小时摘要 05-01 10:00–11:00" in content
    assert "共 30 条：严重 0 · 警告 20 · 提示 10" in content
    assert "late_shipment × 30（深圳旗舰店）" in content
    assert "……另有 20 条，见看板" in content
    assert "[打开看板](https://ops.example.com/alerts)" in content


async def test_unrouted_and_misconfigured(
    sinks: Sinks,
    clock: FakeClock,
    http: httpx.AsyncClient,
) -> None:
    configured = channels(sinks)
    [skipped] = await deliver(
        [make_notification(severity="info", shop="杭州店")],
        routes=ROUTES[:2],
        channels=configured,
        clock=clock,
        http=http,
    )
    assert skipped.status == "skipped"
    assert skipped.error == "no route matches severity info, rule 'late_shipment', shop '杭州店'"
    with pytest.raises(ConfigurationError, match=r"route 'x' names channel\(s\) \['pager'\]"):
        await deliver(
            [], routes=[Route(name="x", channels=("pager",))], channels=configured, clock=clock
        )


async def test_one_failing_channel_does_not_hold_up_the_others(
    sinks: Sinks,
    clock: FakeClock,
    http: httpx.AsyncClient,
) -> None:
    configured = channels(sinks)
    configured["tg"] = TelegramChannel(
        TelegramConfig(
            name="tg", token=secret("123456:tg-token"), chat_id=-4242, base_url=sinks.telegram.url
        )
    )
    outcomes = await deliver(
        [make_notification(i) for i in range(3)],
        routes=ROUTES[:1],
        channels=configured,
        clock=clock,
        http=http,
    )
    by_channel = {(o.channel, o.status) for o in outcomes}
    assert by_channel == {("wecom", "sent"), ("tg", "failed")}
    assert len(sinks.wecom.sink.received) == 3


async def test_secrets_stay_out_of_outcomes_and_scrubbed_logs(
    sinks: Sinks,
    clock: FakeClock,
    http: httpx.AsyncClient,
    caplog: pytest.LogCaptureFixture,
) -> None:
    configured = channels(sinks)
    configured["hook"] = WebhookChannel(
        WebhookConfig(
            name="hook", url=f"{sinks.webhook.url}/hook", secret=secret("wrong-shared-secret")
        )
    )
    sinks.wecom.sink.faults.append(Fault(status=500))
    caplog.handler.addFilter(RedactingFilter(secrets=channel_secrets(configured.values())))
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="httpx")  # configure_logging may have quieted it
    outcomes = await deliver(
        [make_notification(severity="critical", rule_id="bad_review")],
        routes=ROUTES[:2],
        channels=configured,
        clock=clock,
        http=http,
        backoff=Backoff(),
        rng=random.Random(1),
    )
    everything = repr(outcomes) + repr(configured) + caplog.text
    assert "HTTP Request: POST" in caplog.text  # httpx logged the URLs...
    for value in ("wecom-key-1", "123456:tg-token", "wrong-shared-secret"):
        assert value not in everything  # ...but not the keys in them
    assert any("retrying in" in r.getMessage() for r in caplog.records)


async def test_one_dispatcher_keeps_the_budget_across_batches(
    sinks: Sinks, clock: FakeClock, http: httpx.AsyncClient
) -> None:
    dispatcher = Dispatcher(channels=channels(sinks), clock=clock, http=http)
    route = [Route(name="r", channels=("wecom",))]
    first = await dispatcher.deliver([make_notification(i) for i in range(15)], routes=route)
    second = await dispatcher.deliver([make_notification(i) for i in range(15, 25)], routes=route)
    assert {o.status for o in first + second} == {"sent"}
    assert sinks.wecom.sink.refused == []  # the second batch waited for the first's minute
    # A fresh dispatcher per batch knows nothing of the earlier sends and collects a 45009.
    clock.advance(120)
    await Dispatcher(channels=channels(sinks), clock=clock, http=http).deliver(
        [make_notification(i) for i in range(15)], routes=route
    )
    await Dispatcher(channels=channels(sinks), clock=clock, http=http).deliver(
        [make_notification(i) for i in range(15, 25)], routes=route
    )
    assert sinks.wecom.sink.refused == [45009]
