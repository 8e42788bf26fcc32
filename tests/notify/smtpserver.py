"""A real SMTP server (aiosmtpd) on a free localhost port, in the test's event loop:
optional STARTTLS with a throwaway CA (trustme), optional login, scripted refusals."""

from __future__ import annotations

import asyncio
import ssl
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import trustme
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session


@dataclass
class Mailbox:
    """What the server accepted, and what it should refuse next."""

    messages: list[EmailMessage] = field(default_factory=list)
    envelopes: list[Envelope] = field(default_factory=list)
    refuse_data: list[str] = field(default_factory=list)  # next DATA answers, e.g. "451 ..."
    refuse_rcpt: set[str] = field(default_factory=set)
    login: tuple[str, str] | None = None
    tls_seen: list[bool] = field(default_factory=list)

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: Any
    ) -> str:
        if address in self.refuse_rcpt:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        if self.refuse_data:
            return self.refuse_data.pop(0)
        self.tls_seen.append(session.ssl is not None)
        self.envelopes.append(envelope)
        raw = envelope.original_content or b""
        parsed = message_from_bytes(raw, policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        self.messages.append(parsed)
        return "250 OK"

    def authenticate(
        self, server: SMTP, session: Session, envelope: Envelope, mechanism: str, data: Any
    ) -> AuthResult:
        ok = (
            isinstance(data, LoginPassword)
            and self.login is not None
            and (data.login.decode(), data.password.decode()) == self.login
        )
        return AuthResult(success=ok, handled=False)


@dataclass
class SmtpServer:
    host: str
    port: int
    mailbox: Mailbox
    ca_file: str | None


@asynccontextmanager
async def smtp_server(
    *, tmp_path: Path, starttls: bool = False, login: tuple[str, str] | None = None
) -> AsyncIterator[SmtpServer]:
    mailbox = Mailbox(login=login)
    tls_context = None
    ca_file = None
    if starttls:
        ca = trustme.CA()
        cert = ca.issue_cert("127.0.0.1", "localhost")
        tls_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        cert.configure_cert(tls_context)
        ca_path = tmp_path / "ca.pem"
        ca.cert_pem.write_to_path(str(ca_path))
        ca_file = str(ca_path)

    def factory() -> SMTP:
        return SMTP(
            mailbox,
            hostname="localhost",
            tls_context=tls_context,
            require_starttls=starttls,
            authenticator=mailbox.authenticate if login else None,
            auth_required=login is not None,
            auth_require_tls=starttls,
            decode_data=False,
        )

    loop = asyncio.get_running_loop()
    server = await loop.create_server(factory, host="127.0.0.1", port=0)
    port = server.sockets[0].getsockname()[1]
    try:
        yield SmtpServer("127.0.0.1", port, mailbox, ca_file)
    finally:
        server.close()
        await server.wait_closed()
