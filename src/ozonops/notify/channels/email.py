"""Email over SMTP (aiosmtplib): one multipart/alternative message, plain text + HTML.

* ``security``: ``starttls`` (port 587, the default: upgrade the plain connection),
  ``tls`` (port 465, TLS from the first byte) or ``none`` (a local relay, or tests).
  ``ca_file`` adds a CA to trust (a company relay's own); certificates are always checked.
* Subjects and bodies are UTF-8; Python's ``email`` package encodes a Chinese subject as
  RFC 2047 ``=?utf-8?...?=``. ``Message-ID`` is derived from the delivery key, so a mail sent
  twice after a crash carries the same id (mail clients and archives fold it); the key is
  also in ``X-Ozonops-Delivery``.
* SMTP answers: 535 (login refused) and 5xx for the sender or all recipients are terminal;
  4xx, timeouts and dropped connections are transient.
"""

from __future__ import annotations

import html
import logging
import ssl
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime
from typing import Literal, NamedTuple

import aiosmtplib
import httpx
from pydantic import Field, SecretStr

from ozonops.notify.channels.base import Channel, ChannelSettings, identity
from ozonops.notify.channels.markup import html_blocks, plain_text, severity_label
from ozonops.notify.errors import (
    ChannelAuthError,
    ChannelRejected,
    ChannelUnavailable,
    DeliveryError,
)
from ozonops.notify.limiter import Rate
from ozonops.notify.model import Message
from ozonops.notify.receiver import DELIVERY_HEADER

__all__ = ["EmailChannel", "EmailConfig", "EmailPart"]

log = logging.getLogger(__name__)


class EmailConfig(ChannelSettings):
    """An SMTP account that sends alerts to fixed recipients."""

    kind: Literal["email"] = "email"
    host: str
    port: int = 587
    security: Literal["starttls", "tls", "none"] = "starttls"
    username: str | None = None
    password: SecretStr | None = None
    sender: str
    recipients: tuple[str, ...] = Field(min_length=1)
    ca_file: str | None = None
    per_minute: int = Field(default=30, ge=1)


class EmailPart(NamedTuple):
    subject: str
    text: str
    html: str


class EmailChannel(Channel[EmailConfig, EmailPart, EmailMessage]):
    kind = "email"

    @property
    def rates(self) -> tuple[Rate, ...]:
        return (Rate(self.config.per_minute, 60.0),)

    @property
    def limit_key(self) -> str:
        return identity(self.kind, self.config.host, str(self.config.port), self.config.sender)

    def parts(self, message: Message) -> list[EmailPart]:
        subject = f"{severity_label(message)} {message.title}"
        body = "<br>\n".join(html_blocks(message))
        page = (
            f'<html><body lang="{message.lang}">'
            f"<h3>{html.escape(subject)}</h3>\n<p>{body}</p>\n"
            f'<p style="color:#888">{html.escape(message.footer)}</p></body></html>'
        )
        return [EmailPart(subject, plain_text(message), page)]

    def request(self, part: EmailPart, *, now: float, delivery_key: str) -> EmailMessage:
        mail = EmailMessage()
        mail["From"] = self.config.sender
        mail["To"] = ", ".join(self.config.recipients)
        mail["Subject"] = part.subject
        mail["Date"] = format_datetime(datetime.fromtimestamp(now, tz=UTC))
        mail["Message-ID"] = f"<{delivery_key}@ozonops>"
        mail[DELIVERY_HEADER] = delivery_key
        mail.set_content(part.text)
        mail.add_alternative(part.html, subtype="html")
        return mail

    async def send(self, request: EmailMessage, *, http: httpx.AsyncClient) -> None:
        config = self.config
        context = ssl.create_default_context(cafile=config.ca_file)
        try:
            refused, _ = await aiosmtplib.send(
                request,
                hostname=config.host,
                port=config.port,
                username=config.username,
                password=config.password.get_secret_value() if config.password else None,
                use_tls=config.security == "tls",
                start_tls=config.security == "starttls",
                tls_context=context if config.security != "none" else None,
                timeout=config.timeout,
            )
        except aiosmtplib.SMTPException as exc:
            raise self._translate(exc) from None
        except ssl.SSLCertVerificationError as exc:
            raise ChannelRejected(
                f"{config.host}:{config.port} showed a certificate this machine does not "
                f"trust ({exc.verify_message}); set ca_file to the CA that issued it, or "
                "use the name the certificate was issued for as host",
                channel=self.name,
            ) from None
        except OSError as exc:
            raise ChannelUnavailable(
                f"could not reach {config.host}:{config.port} ({type(exc).__name__})",
                channel=self.name,
            ) from None
        if refused:  # sent to the others; sending again would duplicate it for them
            log.warning(
                "channel %r: %s refused recipient(s) %s; the others got the mail",
                self.name,
                config.host,
                ", ".join(sorted(refused)),
            )

    def _translate(self, exc: aiosmtplib.SMTPException) -> DeliveryError:
        where = f"{self.config.host}:{self.config.port}"
        if isinstance(exc, aiosmtplib.SMTPAuthenticationError):
            return ChannelAuthError(
                f"{where} refused the login: check username and password (an app password "
                "if the provider asks for one)",
                channel=self.name,
                code=exc.code,
            )
        if isinstance(exc, aiosmtplib.SMTPRecipientsRefused):
            refused = ", ".join(error.recipient for error in exc.recipients)
            return ChannelRejected(
                f"{where} refused every recipient ({refused}); check the addresses",
                channel=self.name,
            )
        if isinstance(exc, aiosmtplib.SMTPTimeoutError | aiosmtplib.SMTPServerDisconnected):
            return ChannelUnavailable(f"{where}: {type(exc).__name__}", channel=self.name)
        if isinstance(exc, aiosmtplib.SMTPConnectError):
            return ChannelUnavailable(f"could not connect to {where}", channel=self.name)
        if isinstance(exc, aiosmtplib.SMTPResponseException):
            if 400 <= exc.code < 500:
                return ChannelUnavailable(
                    f"{where} answered {exc.code} (try later): {exc.message[:200]}",
                    channel=self.name,
                    code=exc.code,
                )
            return ChannelRejected(
                f"{where} refused the mail ({exc.code}): {exc.message[:200]}",
                channel=self.name,
                code=exc.code,
            )
        return ChannelRejected(
            f"{where}: {exc} — with security={self.config.security!r}; a server without "
            "STARTTLS needs security='none' (local relays only) or 'tls' on port 465",
            channel=self.name,
        )
