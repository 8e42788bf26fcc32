"""The generic webhook: a signed JSON ``POST`` to any URL (the receiver's side is
:mod:`ozonops.notify.receiver`, which documents the scheme step by step).

Headers: ``X-Ozonops-Timestamp`` (Unix seconds), ``X-Ozonops-Signature: sha256=<hex>`` —
HMAC-SHA256 of ``timestamp + "." + body`` under the shared secret — and
``X-Ozonops-Delivery`` (the delivery key, also ``delivery_id`` in the body: deduplicate on
it). Body::

    {"type": "alert" | "digest", "delivery_id": "...", "lang": "zh", "severity": "critical",
     "title": "...", "text": "...plain text...", "link": "https://..." | null,
     "alerts": [Notification.to_json(), ...]}

Answers: any 2xx is delivered; 401/403 means the receiver refused the signature (check the
secret on both sides); 429, 5xx, 408 and timeouts are retried, honouring ``Retry-After``;
other 4xx are final.
"""

from __future__ import annotations

from typing import Any, Literal
from urllib.parse import urlsplit

import httpx
from pydantic import Field, SecretStr

from ozonops.notify.channels.base import (
    ChannelSettings,
    HttpCall,
    HttpChannel,
    Url,
    dumps,
    identity,
)
from ozonops.notify.channels.markup import plain_text
from ozonops.notify.errors import ChannelAuthError, ChannelRejected
from ozonops.notify.limiter import Rate
from ozonops.notify.model import Message
from ozonops.notify.receiver import DELIVERY_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER
from ozonops.notify.signing import webhook_signature

__all__ = ["WebhookChannel", "WebhookConfig"]


class WebhookConfig(ChannelSettings):
    """Any HTTPS endpoint that verifies our signature with the shared ``secret``."""

    kind: Literal["webhook"] = "webhook"
    url: Url
    secret: SecretStr
    per_minute: int = Field(default=60, ge=1)


class WebhookChannel(HttpChannel[WebhookConfig, Message]):
    """One part per message: the receiver gets the whole thing, machine-readable."""

    kind = "webhook"

    @property
    def rates(self) -> tuple[Rate, ...]:
        return (Rate(self.config.per_minute, 60.0),)

    @property
    def limit_key(self) -> str:
        return identity(self.kind, self.config.url)

    def parts(self, message: Message) -> list[Message]:
        return [message]

    def request(self, part: Message, *, now: float, delivery_key: str) -> HttpCall:
        body = dumps(
            {
                "type": part.kind,
                "delivery_id": delivery_key,
                "lang": part.lang,
                "severity": part.severity.value,
                "title": part.title,
                "text": plain_text(part),
                "link": part.link,
                "alerts": [source.to_json() for source in part.sources],
            }
        )
        timestamp = int(now)
        url = urlsplit(self.config.url)
        return HttpCall(
            url=self.config.url,
            shown=f"{url.scheme}://{url.netloc}{url.path}",
            content=body,
            headers=(
                ("Content-Type", "application/json; charset=utf-8"),
                ("User-Agent", "ozonops-notify"),
                (TIMESTAMP_HEADER, str(timestamp)),
                (
                    SIGNATURE_HEADER,
                    webhook_signature(self.config.secret.get_secret_value(), timestamp, body),
                ),
                (DELIVERY_HEADER, delivery_key),
            ),
        )

    def check(self, status: int, payload: dict[str, Any] | None, response: httpx.Response) -> None:
        if 200 <= status < 300:
            return
        if status in (401, 403):
            raise ChannelAuthError(
                f"the receiver refused our signature (HTTP {status}); make sure both sides "
                "use the same secret and that the clocks agree to within 5 minutes",
                channel=self.name,
                code=status,
            )
        if status == 410:
            raise ChannelRejected(
                "the receiver says this hook is gone (HTTP 410); remove or update the channel",
                channel=self.name,
                code=status,
            )
        self.unexpected(status, response)
