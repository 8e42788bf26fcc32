"""Telegram and the generic webhook, end to end over real sockets."""

from __future__ import annotations

import httpx
import pytest

from ozonops.notify import LocalText, MemoryJournal, render_alert
from ozonops.notify.channels import TelegramChannel, TelegramConfig, WebhookChannel, WebhookConfig
from tests.notify.conftest import Served
from tests.notify.deliverkit import send
from tests.notify.factories import make_notification, secret
from tests.notify.sink_others import TelegramSink, WebhookSink
from tests.notify.sinkkit import FakeClock, Fault

pytestmark = pytest.mark.anyio


def tg_channel(url: str, **extra: object) -> TelegramChannel:
    fields: dict[str, object] = {
        "name": "ops-tg",
        "token": secret("123456:tg-token"),
        "chat_id": -1001,
        "base_url": url,
    } | extra
    return TelegramChannel(TelegramConfig.model_validate(fields))


def hook_channel(url: str, key: str = "webhook-secret") -> WebhookChannel:
    return WebhookChannel(WebhookConfig(name="ops-hook", url=f"{url}/hook", secret=secret(key)))


# --- Telegram ------------------------------------------------------------------------------


async def test_telegram_html_message_is_accepted(
    telegram: Served[TelegramSink], clock: FakeClock, http: httpx.AsyncClient
) -> None:
    alert = make_notification(title=LocalText(zh="差评 <1★> & 退货", en="Bad review <1★> & return"))
    [outcome] = await send([alert], [tg_channel(telegram.url)], clock=clock, http=http)
    assert outcome.status == "sent"
    [body] = telegram.sink.received
    assert body["parse_mode"] == "HTML"
    assert "差评 &lt;1★&gt; &amp; 退货" in body["text"]


@pytest.mark.parametrize(
    ("extra", "text"),
    [
        (
            {"token": secret("123456:revoked")},
            "rejected the bot token; copy it again from @BotFather",
        ),
        ({"chat_id": -999}, "cannot post to chat -999: add the bot to the chat"),
    ],
)
async def test_telegram_terminal_errors(
    telegram: Served[TelegramSink],
    clock: FakeClock,
    http: httpx.AsyncClient,
    extra: dict[str, object],
    text: str,
) -> None:
    [outcome] = await send(
        [make_notification()], [tg_channel(telegram.url, **extra)], clock=clock, http=http
    )
    assert (outcome.status, outcome.retryable, outcome.attempts) == ("failed", False, 1)
    assert text in (outcome.error or "")
    assert "tg-token" not in (outcome.error or "")


async def test_telegram_429_retry_after_is_honoured(
    telegram: Served[TelegramSink], clock: FakeClock, http: httpx.AsyncClient
) -> None:
    for _ in range(20):  # the group's minute is used up by other bots' posts... of ours
        telegram.sink.fits("-1001", 20, 60.0)
    clock.advance(15.0)
    [outcome] = await send(
        [make_notification()], [tg_channel(telegram.url)], clock=clock, http=http
    )
    assert telegram.sink.refused == [429]
    assert (outcome.status, outcome.retries) == ("sent", 1)
    assert clock.slept == [45.0]  # exactly parameters.retry_after, not a guess


async def test_telegram_supergroup_migration_names_the_new_chat(
    telegram: Served[TelegramSink], clock: FakeClock, http: httpx.AsyncClient
) -> None:
    migrated = {
        "ok": False,
        "error_code": 400,
        "description": "Bad Request: group chat was upgraded to a supergroup chat",
        "parameters": {"migrate_to_chat_id": -1002233},
    }
    telegram.sink.faults.append(Fault(status=400, body=migrated))
    [outcome] = await send(
        [make_notification()], [tg_channel(telegram.url)], clock=clock, http=http
    )
    assert "set chat_id to -1002233" in (outcome.error or "")


async def test_telegram_long_message_is_split_into_valid_parts(
    telegram: Served[TelegramSink], clock: FakeClock, http: httpx.AsyncClient
) -> None:
    body = "\n".join(f"{i}. <трек> & 轨迹 " + "🚚" * 300 for i in range(20))
    alert = make_notification(body=LocalText(zh=body, en=body))
    [outcome] = await send([alert], [tg_channel(telegram.url)], clock=clock, http=http)
    assert outcome.status == "sent"
    assert outcome.parts_total == len(telegram.sink.received) > 1
    assert telegram.sink.refused == []  # every part parsed and fit 4,096 visible characters


# --- generic webhook -----------------------------------------------------------------------


async def test_webhook_delivers_a_verifiable_body(
    webhook: Served[WebhookSink], clock: FakeClock, http: httpx.AsyncClient
) -> None:
    [outcome] = await send(
        [make_notification()], [hook_channel(webhook.url)], clock=clock, http=http
    )
    assert outcome.status == "sent"
    [body] = webhook.sink.received
    assert body["delivery_id"] == outcome.delivery_key == webhook.sink.deliveries[0]
    assert body["alerts"][0]["alert_id"] == "alert-1"
    assert body["alerts"][0]["title"]["en"] == "Posting 0123-4568-1 is about to ship late"


async def test_webhook_wrong_secret_is_refused_by_the_receiver(
    webhook: Served[WebhookSink], clock: FakeClock, http: httpx.AsyncClient
) -> None:
    channel = hook_channel(webhook.url, key="not-the-shared-one")
    [outcome] = await send([make_notification()], [channel], clock=clock, http=http)
    assert (outcome.status, outcome.retryable) == ("failed", False)
    assert "the receiver refused our signature (HTTP 401)" in (outcome.error or "")
    assert webhook.sink.refused == ["BadSignature"]


async def test_webhook_replayed_request_is_refused(
    webhook: Served[WebhookSink], clock: FakeClock, http: httpx.AsyncClient
) -> None:
    channel = hook_channel(webhook.url)
    [part] = channel.parts(render_alert(make_notification(), lang="zh", ref="r"))
    call = channel.request(part, now=clock.time(), delivery_key="r")
    first = await http.post(call.url, content=call.content, headers=dict(call.headers))
    clock.advance(301)  # someone captured the request and sends it again later
    again = await http.post(call.url, content=call.content, headers=dict(call.headers))
    assert (first.status_code, again.status_code) == (200, 401)
    assert webhook.sink.refused == ["StaleTimestamp"]


async def test_webhook_retry_after_and_5xx(
    webhook: Served[WebhookSink], clock: FakeClock, http: httpx.AsyncClient
) -> None:
    webhook.sink.faults.extend([Fault(status=429, headers={"Retry-After": "7"}), Fault(status=500)])
    [outcome] = await send(
        [make_notification()], [hook_channel(webhook.url)], clock=clock, http=http
    )
    assert (outcome.status, outcome.retries) == ("sent", 2)
    assert clock.slept[0] == 7.0


class CrashingJournal(MemoryJournal):
    """Dies after the platform accepted the message but before the outcome is recorded."""

    async def finished(self, outcome: object) -> None:
        raise RuntimeError("process killed")


async def test_a_crash_between_sent_and_recorded_is_visible(
    webhook: Served[WebhookSink], clock: FakeClock, http: httpx.AsyncClient
) -> None:
    journal = CrashingJournal()
    alert = make_notification()
    with pytest.raises(RuntimeError, match="process killed"):
        await send([alert], [hook_channel(webhook.url)], clock=clock, http=http, journal=journal)
    [key] = journal.states
    assert journal.states[key] == "started"  # the store shows a delivery in doubt
    # The next run sends it again and says so; the receiver sees the same delivery id twice.
    recovered = MemoryJournal()
    recovered.states = dict(journal.states)
    [outcome] = await send(
        [alert], [hook_channel(webhook.url)], clock=clock, http=http, journal=recovered
    )
    assert (outcome.status, outcome.resent) == ("sent", True)
    assert webhook.sink.duplicates == [key]
    assert recovered.states[key] == "done"
    # A third run skips it: the journal knows it was delivered.
    [skipped] = await send(
        [alert], [hook_channel(webhook.url)], clock=clock, http=http, journal=recovered
    )
    assert skipped.status == "skipped"
    assert len(webhook.sink.received) == 2
