"""Email against a real SMTP server (aiosmtpd) on a local port: STARTTLS with a checked
certificate, login, UTF-8 subjects, temporary and permanent refusals."""

from __future__ import annotations

import socket
from pathlib import Path

import httpx
import pytest

from ozonops.notify.channels import EmailChannel, EmailConfig
from tests.notify.deliverkit import send
from tests.notify.factories import make_notification, secret
from tests.notify.sinkkit import FakeClock
from tests.notify.smtpserver import SmtpServer, smtp_server

pytestmark = pytest.mark.anyio


def mail_channel(server: SmtpServer, **extra: object) -> EmailChannel:
    fields: dict[str, object] = {
        "name": "ops-mail",
        "host": server.host,
        "port": server.port,
        "security": "starttls" if server.ca_file else "none",
        "ca_file": server.ca_file,
        "sender": "alerts@ops.example.com",
        "recipients": ["boss@example.com", "ops@example.com"],
        "timeout": 5,
    } | extra
    return EmailChannel(EmailConfig.model_validate(fields))


async def test_starttls_login_and_a_chinese_subject(
    tmp_path: Path, clock: FakeClock, http: httpx.AsyncClient
) -> None:
    async with smtp_server(tmp_path=tmp_path, starttls=True, login=("alerts", "pw-1")) as server:
        channel = mail_channel(server, username="alerts", password=secret("pw-1"))
        [outcome] = await send([make_notification()], [channel], clock=clock, http=http)
        assert outcome.status == "sent"
        [mail] = server.mailbox.messages
        [envelope] = server.mailbox.envelopes
    assert server.mailbox.tls_seen == [True]
    assert envelope.rcpt_tos == ["boss@example.com", "ops@example.com"]
    assert mail["Subject"] == "🔴 严重 货件 0123-4568-1 即将超时发货"
    assert mail["Message-ID"] == f"<{outcome.delivery_key}@ozonops>"
    assert mail.get_content_type() == "multipart/alternative"
    text = mail.get_body(("plain",))
    assert text is not None
    assert "货件号: 0123-4568-1" in text.get_content()


async def test_wrong_password_is_terminal(
    tmp_path: Path, clock: FakeClock, http: httpx.AsyncClient
) -> None:
    async with smtp_server(tmp_path=tmp_path, starttls=True, login=("alerts", "pw-1")) as server:
        channel = mail_channel(server, username="alerts", password=secret("guess"))
        [outcome] = await send([make_notification()], [channel], clock=clock, http=http)
    assert (outcome.status, outcome.retryable, outcome.attempts) == ("failed", False, 1)
    assert "refused the login: check username and password" in (outcome.error or "")
    assert "guess" not in (outcome.error or "")
    assert server.mailbox.messages == []


async def test_an_untrusted_certificate_is_refused(
    tmp_path: Path, clock: FakeClock, http: httpx.AsyncClient
) -> None:
    async with smtp_server(tmp_path=tmp_path, starttls=True) as server:
        channel = mail_channel(server, ca_file=None)  # the system CAs do not know our test CA
        [outcome] = await send([make_notification()], [channel], clock=clock, http=http)
    assert (outcome.status, outcome.retryable, outcome.attempts) == ("failed", False, 1)
    assert "does not trust (unable to get local issuer certificate)" in (outcome.error or "")
    assert "set ca_file" in (outcome.error or "")
    assert server.mailbox.messages == []


async def test_plain_local_relay(tmp_path: Path, clock: FakeClock, http: httpx.AsyncClient) -> None:
    async with smtp_server(tmp_path=tmp_path) as server:
        [outcome] = await send(
            [make_notification()], [mail_channel(server)], clock=clock, http=http, lang="en"
        )
        [mail] = server.mailbox.messages
    assert outcome.status == "sent"
    assert mail["Subject"] == "🔴 Critical Posting 0123-4568-1 is about to ship late"
    assert server.mailbox.tls_seen == [False]


async def test_starttls_demanded_from_a_server_without_it_says_what_to_change(
    tmp_path: Path, clock: FakeClock, http: httpx.AsyncClient
) -> None:
    async with smtp_server(tmp_path=tmp_path) as server:
        channel = mail_channel(server, security="starttls")
        [outcome] = await send([make_notification()], [channel], clock=clock, http=http)
    assert (outcome.status, outcome.retryable) == ("failed", False)
    assert "security='none'" in (outcome.error or "")


async def test_4xx_is_retried_and_5xx_recipients_are_terminal(
    tmp_path: Path, clock: FakeClock, http: httpx.AsyncClient
) -> None:
    async with smtp_server(tmp_path=tmp_path) as server:
        server.mailbox.refuse_data.append("451 4.3.0 try again later")
        [retried] = await send(
            [make_notification(1)], [mail_channel(server)], clock=clock, http=http
        )
        server.mailbox.refuse_rcpt.update({"boss@example.com", "ops@example.com"})
        [refused] = await send(
            [make_notification(2)], [mail_channel(server)], clock=clock, http=http
        )
        server.mailbox.refuse_rcpt = {"boss@example.com"}
        [partial] = await send(
            [make_notification(3)], [mail_channel(server)], clock=clock, http=http
        )
    assert (retried.status, retried.retries) == ("sent", 1)
    assert (refused.status, refused.retryable) == ("failed", False)
    assert "refused every recipient (boss@example.com, ops@example.com)" in (refused.error or "")
    assert partial.status == "sent"  # the others got it; resending would duplicate for them
    assert server.mailbox.envelopes[-1].rcpt_tos == ["ops@example.com"]


async def test_nobody_listening_is_transient(clock: FakeClock, http: httpx.AsyncClient) -> None:
    with socket.socket() as probe:  # a port that was free a moment ago and has no server
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = SmtpServer("127.0.0.1", port, mailbox=None, ca_file=None)  # type: ignore[arg-type]
    [outcome] = await send([make_notification()], [mail_channel(server)], clock=clock, http=http)
    assert (outcome.status, outcome.retryable, outcome.attempts) == ("failed", True, 5)
    assert f"127.0.0.1:{port}" in (outcome.error or "")
