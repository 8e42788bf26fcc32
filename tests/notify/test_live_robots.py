"""WeCom, DingTalk and Feishu/Lark robots, end to end over real sockets: the sinks check
keys, signatures and keywords the platforms' way and answer their real error codes, so the
sent, retried, rate-limited and terminal paths all run for real."""

from __future__ import annotations

import httpx
import pytest

from ozonops.notify import LocalText
from ozonops.notify.channels import (
    DingTalkChannel,
    DingTalkConfig,
    FeishuChannel,
    FeishuConfig,
    WeComChannel,
    WeComConfig,
)
from tests.notify.conftest import Served
from tests.notify.deliverkit import send
from tests.notify.factories import make_notification, secret
from tests.notify.sink_robots import DingTalkSink, FeishuSink, WeComSink
from tests.notify.sinkkit import FakeClock, Fault

pytestmark = pytest.mark.anyio


def wecom_channel(url: str, key: str = "wecom-key-1", **extra: object) -> WeComChannel:
    return WeComChannel(WeComConfig(name="ops-wecom", key=secret(key), base_url=url, **extra))  # type: ignore[arg-type]


def ding_channel(url: str, **extra: object) -> DingTalkChannel:
    fields: dict[str, object] = {
        "name": "ops-ding",
        "access_token": secret("ding-token-1"),
        "secret": secret("SECdingsecret"),
        "base_url": url,
    } | extra
    return DingTalkChannel(DingTalkConfig.model_validate(fields))


def feishu_channel(url: str, **extra: object) -> FeishuChannel:
    fields: dict[str, object] = {
        "name": "ops-feishu",
        "token": secret("feishu-hook-1"),
        "secret": secret("feishu-secret"),
        "base_url": url,
    } | extra
    return FeishuChannel(FeishuConfig.model_validate(fields))


# --- WeCom ---------------------------------------------------------------------------------


async def test_wecom_sends_markdown(
    wecom: Served[WeComSink], clock: FakeClock, http: httpx.AsyncClient
) -> None:
    [outcome] = await send(
        [make_notification()], [wecom_channel(wecom.url)], clock=clock, http=http
    )
    assert (outcome.status, outcome.attempts, outcome.retries) == ("sent", 1, 0)
    [body] = wecom.sink.received
    assert body["msgtype"] == "markdown"
    assert "货件 0123-4568-1 即将超时发货" in body["markdown"]["content"]
    assert f"编号 {outcome.delivery_key}" in body["markdown"]["content"]


async def test_wecom_limiter_keeps_25_alerts_under_20_a_minute(
    wecom: Served[WeComSink], clock: FakeClock, http: httpx.AsyncClient
) -> None:
    start = clock.time()
    alerts = [make_notification(i) for i in range(25)]
    outcomes = await send(alerts, [wecom_channel(wecom.url)], clock=clock, http=http)
    assert [o.status for o in outcomes] == ["sent"] * 25
    assert wecom.sink.refused == []  # never a 45009
    assert len(wecom.sink.received) == 25
    assert clock.time() - start >= 60.0  # the 21st waited for the window


async def test_wecom_45009_from_a_shared_robot_is_waited_out(
    wecom: Served[WeComSink], clock: FakeClock, http: httpx.AsyncClient
) -> None:
    for _ in range(20):  # another program used the robot's whole budget just now
        wecom.sink.fits(wecom.sink.key, 20, 60.0)
    [outcome] = await send(
        [make_notification()], [wecom_channel(wecom.url)], clock=clock, http=http
    )
    assert wecom.sink.refused == [45009]
    assert (outcome.status, outcome.retries) == ("sent", 1)


async def test_wecom_bad_key_is_terminal_and_says_what_to_fix(
    wecom: Served[WeComSink], clock: FakeClock, http: httpx.AsyncClient
) -> None:
    channel = wecom_channel(wecom.url, key="typo-key")
    [outcome] = await send([make_notification()], [channel], clock=clock, http=http)
    assert (outcome.status, outcome.retryable, outcome.attempts) == ("failed", False, 1)
    assert outcome.error is not None
    assert outcome.error.startswith("channel 'ops-wecom': WeCom does not know this robot key")
    assert "(code 93000)" in outcome.error
    assert "typo-key" not in outcome.error


async def test_wecom_5xx_and_timeouts_are_retried_with_backoff(
    wecom: Served[WeComSink], clock: FakeClock, http: httpx.AsyncClient
) -> None:
    wecom.sink.faults.extend([Fault(status=502), Fault(hang=0.5), Fault(status=503)])
    channel = wecom_channel(wecom.url, timeout=0.2)
    [outcome] = await send([make_notification()], [channel], clock=clock, http=http)
    assert (outcome.status, outcome.attempts, outcome.retries) == ("sent", 4, 3)
    assert len(clock.slept) == 3  # one backoff wait per failure


async def test_wecom_gives_up_on_a_dead_platform_as_retryable(
    wecom: Served[WeComSink], clock: FakeClock, http: httpx.AsyncClient
) -> None:
    wecom.sink.faults.extend([Fault(status=503)] * 10)
    [outcome] = await send(
        [make_notification()], [wecom_channel(wecom.url)], clock=clock, http=http
    )
    assert (outcome.status, outcome.retryable, outcome.attempts) == ("failed", True, 5)
    assert outcome.error == "channel 'ops-wecom': HTTP 503"


async def test_wecom_long_alert_is_split_not_rejected(
    wecom: Served[WeComSink], clock: FakeClock, http: httpx.AsyncClient
) -> None:
    body = "\n".join(f"第 {i} 条物流轨迹：" + "已到达转运中心，" * 40 for i in range(12))
    alert = make_notification(body=LocalText(zh=body, en=body))
    [outcome] = await send([alert], [wecom_channel(wecom.url)], clock=clock, http=http)
    assert (outcome.status, outcome.parts_sent, outcome.parts_total) == ("sent", 3, 3)
    contents = [b["markdown"]["content"] for b in wecom.sink.received]
    assert all(len(c.encode()) <= 4096 for c in contents)
    assert "（1/3）" in contents[0]
    assert "内容过长已截断" in contents[-1]


# --- DingTalk ------------------------------------------------------------------------------


async def test_dingtalk_signed_markdown_is_accepted(
    dingtalk: Served[DingTalkSink], clock: FakeClock, http: httpx.AsyncClient
) -> None:
    [outcome] = await send(
        [make_notification()], [ding_channel(dingtalk.url)], clock=clock, http=http
    )
    assert outcome.status == "sent"
    assert dingtalk.sink.received[0]["markdown"]["title"] == "货件 0123-4568-1 即将超时发货"


async def test_dingtalk_wrong_secret_is_a_signature_error(
    dingtalk: Served[DingTalkSink], clock: FakeClock, http: httpx.AsyncClient
) -> None:
    channel = ding_channel(dingtalk.url, secret=secret("SECwrong"))
    [outcome] = await send([make_notification()], [channel], clock=clock, http=http)
    assert (outcome.status, outcome.retryable) == ("failed", False)
    assert "DingTalk refused the signature: check secret" in (outcome.error or "")
    assert dingtalk.sink.refused == [310000]


async def test_dingtalk_refuses_a_clock_two_hours_off(
    dingtalk: Served[DingTalkSink], clock: FakeClock, http: httpx.AsyncClient
) -> None:
    behind = FakeClock(clock.time() - 7200)  # our machine's clock is wrong
    [outcome] = await send(
        [make_notification()], [ding_channel(dingtalk.url)], clock=behind, http=http
    )
    assert outcome.status == "failed"
    assert "clock is right to within an hour" in (outcome.error or "")


async def test_dingtalk_keyword_check(
    dingtalk: Served[DingTalkSink], clock: FakeClock, http: httpx.AsyncClient
) -> None:
    dingtalk.sink.keywords = ("告警",)
    [missing] = await send(
        [make_notification()], [ding_channel(dingtalk.url)], clock=clock, http=http
    )
    assert "keyword check failed: set keyword" in (missing.error or "")
    channel = ding_channel(dingtalk.url, keyword="告警")
    [kept] = await send([make_notification(2)], [channel], clock=clock, http=http)
    assert kept.status == "sent"


async def test_dingtalk_130101_throttle_fails_fast_as_retryable(
    dingtalk: Served[DingTalkSink], clock: FakeClock, http: httpx.AsyncClient
) -> None:
    for _ in range(20):  # another sender used the robot's minute
        dingtalk.sink.fits(dingtalk.sink.token, 20, 60.0)
    alerts = [make_notification(i) for i in range(3)]
    outcomes = await send(alerts, [ding_channel(dingtalk.url)], clock=clock, http=http)
    assert [(o.status, o.retryable) for o in outcomes] == [("failed", True)] * 3
    assert "throttled (about 10 minutes)" in (outcomes[0].error or "")
    assert "would not free up" in (outcomes[1].error or "")
    assert dingtalk.sink.refused == [130101]  # later sends did not hammer the blocked robot
    assert [o.attempts for o in outcomes] == [1, 0, 0]


async def test_dingtalk_limiter_spaces_21_alerts(
    dingtalk: Served[DingTalkSink], clock: FakeClock, http: httpx.AsyncClient
) -> None:
    alerts = [make_notification(i) for i in range(21)]
    outcomes = await send(alerts, [ding_channel(dingtalk.url)], clock=clock, http=http)
    assert {o.status for o in outcomes} == {"sent"}
    assert dingtalk.sink.refused == []


# --- Feishu / Lark -------------------------------------------------------------------------


async def test_feishu_signed_card_is_accepted(
    feishu: Served[FeishuSink], clock: FakeClock, http: httpx.AsyncClient
) -> None:
    [outcome] = await send(
        [make_notification()], [feishu_channel(feishu.url)], clock=clock, http=http, lang="en"
    )
    assert outcome.status == "sent"
    card = feishu.sink.received[0]["card"]
    assert card["header"]["template"] == "red"
    assert (
        card["elements"][1]["actions"][0]["url"] == "https://ops.example.com/postings/0123-4568-1"
    )


@pytest.mark.parametrize(
    ("extra", "code", "text"),
    [
        ({"secret": secret("wrong")}, 19021, "Feishu refused the signature"),
        ({"token": secret("old-hook")}, 19001, "does not know this hook token"),
    ],
)
async def test_feishu_terminal_errors(
    feishu: Served[FeishuSink],
    clock: FakeClock,
    http: httpx.AsyncClient,
    extra: dict[str, object],
    code: int,
    text: str,
) -> None:
    [outcome] = await send(
        [make_notification()], [feishu_channel(feishu.url, **extra)], clock=clock, http=http
    )
    assert (outcome.status, outcome.retryable) == ("failed", False)
    assert text in (outcome.error or "")
    assert feishu.sink.refused == [code]


async def test_feishu_keyword_missing(
    feishu: Served[FeishuSink], clock: FakeClock, http: httpx.AsyncClient
) -> None:
    feishu.sink.keywords = ("Ozon",)
    [outcome] = await send(
        [make_notification()], [feishu_channel(feishu.url)], clock=clock, http=http
    )
    assert feishu.sink.refused == [19024]
    [fixed] = await send(
        [make_notification()], [feishu_channel(feishu.url, keyword="Ozon")], clock=clock, http=http
    )
    assert (outcome.status, fixed.status) == ("failed", "sent")


async def test_feishu_five_a_second(
    feishu: Served[FeishuSink], clock: FakeClock, http: httpx.AsyncClient
) -> None:
    start = clock.time()
    outcomes = await send(
        [make_notification(i) for i in range(11)],
        [feishu_channel(feishu.url)],
        clock=clock,
        http=http,
    )
    assert {o.status for o in outcomes} == {"sent"}
    assert feishu.sink.refused == []
    assert clock.time() - start >= 2.0  # 11 sends at 5 per second span two full seconds


async def test_feishu_11232_is_retried(
    feishu: Served[FeishuSink], clock: FakeClock, http: httpx.AsyncClient
) -> None:
    for _ in range(5):
        feishu.sink.fits("second", 5, 1.0)
    [outcome] = await send(
        [make_notification()], [feishu_channel(feishu.url)], clock=clock, http=http
    )
    assert feishu.sink.refused[:1] == [11232]
    assert outcome.status == "sent"
    assert outcome.retries >= 1


async def test_feishu_oversized_body_is_never_sent_whole(
    feishu: Served[FeishuSink], clock: FakeClock, http: httpx.AsyncClient
) -> None:
    body = "\n".join("包裹已清关，" * 120 for _ in range(30))
    alert = make_notification(body=LocalText(zh=body, en=body))
    [outcome] = await send([alert], [feishu_channel(feishu.url)], clock=clock, http=http)
    assert outcome.status == "sent"
    assert outcome.parts_total > 1
    assert 9499 not in feishu.sink.refused
