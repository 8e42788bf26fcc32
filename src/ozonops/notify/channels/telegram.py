"""Telegram Bot API: ``POST /bot<TOKEN>/sendMessage`` with ``parse_mode=HTML``.

Protocol (core.telegram.org/bots/api):

* Body ``{"chat_id", "text", "parse_mode": "HTML", ...}``; ``text`` is 1–4,096 characters
  *after entities parsing* — the visible text, counted here in UTF-16 code units as
  Telegram counts entity offsets. In HTML mode only ``<``, ``>`` and ``&`` must be escaped
  (``html.escape`` does that, and quotes for ``href``).
* Answers ``{"ok": true, "result": {...}}`` or ``{"ok": false, "error_code", "description"}``.
  ``429`` carries ``parameters.retry_after`` (seconds to wait); ``401`` a wrong token;
  ``400 chat not found`` / ``403 bot was blocked or kicked`` a wrong or lost chat; a group
  upgraded to a supergroup answers ``400`` with ``parameters.migrate_to_chat_id``.
* Limits: about one message a second in a chat and 20 a minute in a group.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from html.parser import HTMLParser
from typing import Any, Literal, NamedTuple

import httpx
from pydantic import ConfigDict, SecretStr

from ozonops.notify.channels.base import (
    BaseUrl,
    ChannelSettings,
    HttpCall,
    HttpChannel,
    dumps,
    identity,
)
from ozonops.notify.channels.markup import html_blocks, severity_label
from ozonops.notify.errors import (
    ChannelAuthError,
    ChannelRateLimited,
    ChannelRejected,
)
from ozonops.notify.i18n import translate
from ozonops.notify.limiter import Rate
from ozonops.notify.model import Message, Severity
from ozonops.notify.render import pack

__all__ = ["TEXT_LIMIT", "TelegramChannel", "TelegramConfig", "TelegramPart", "visible_length"]

TEXT_LIMIT = 4096
MAX_PARTS = 3
GROUP_RATES = (Rate(20, 60.0), Rate(1, 1.0))
PRIVATE_RATES = (Rate(1, 1.0),)


class TelegramConfig(ChannelSettings):
    """A bot posting to one chat. ``chat_id`` is numeric (groups are negative) or @channel.

    Alerts below ``silent_below`` arrive without a sound (``disable_notification``).
    """

    model_config = ConfigDict(coerce_numbers_to_str=True)

    kind: Literal["telegram"] = "telegram"
    token: SecretStr
    chat_id: str
    message_thread_id: int | None = None
    silent_below: Severity = Severity.WARNING
    base_url: BaseUrl = "https://api.telegram.org"


class _Visible(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def visible_length(markup: str) -> int:
    """The length Telegram checks: visible text after entity parsing, in UTF-16 units."""
    parser = _Visible()
    parser.feed(markup)
    parser.close()
    return len("".join(parser.text).encode("utf-16-le")) // 2


class TelegramPart(NamedTuple):
    text: str
    silent: bool = False


class TelegramChannel(HttpChannel[TelegramConfig, TelegramPart]):
    kind = "telegram"

    @property
    def rates(self) -> tuple[Rate, ...]:
        return GROUP_RATES if self.config.chat_id.startswith(("-", "@")) else PRIVATE_RATES

    @property
    def limit_key(self) -> str:
        return identity(self.kind, self.config.token.get_secret_value(), self.config.chat_id)

    def parts(self, message: Message) -> list[TelegramPart]:
        silent = not message.severity.at_least(self.config.silent_below)

        def assemble(label: str, blocks: Sequence[str]) -> TelegramPart:
            head = f"<b>{html.escape(f'{severity_label(message)} {message.title}{label}')}</b>"
            text = "\n".join([head, *blocks, f"<i>{html.escape(message.footer)}</i>"])
            return TelegramPart(text, silent)

        return pack(
            blocks=html_blocks(message),
            assemble=assemble,
            measure=lambda part: visible_length(part.text),
            limit=TEXT_LIMIT,
            lang=message.lang,
            max_parts=MAX_PARTS,
            truncated=html.escape(translate("alert.truncated", message.lang)),
        )

    def request(self, part: TelegramPart, *, now: float, delivery_key: str) -> HttpCall:
        payload: dict[str, Any] = {
            "chat_id": self.config.chat_id,
            "text": part.text,
            "parse_mode": "HTML",
            "link_preview_options": {"is_disabled": True},
            "disable_notification": part.silent,
        }
        if self.config.message_thread_id is not None:
            payload["message_thread_id"] = self.config.message_thread_id
        return HttpCall(
            url=f"{self.config.base_url}/bot{self.config.token.get_secret_value()}/sendMessage",
            shown=f"{self.config.base_url}/bot***/sendMessage",
            content=dumps(payload),
            headers=(("Content-Type", "application/json"),),
        )

    def check(self, status: int, payload: dict[str, Any] | None, response: httpx.Response) -> None:
        if payload is None or "ok" not in payload:
            self.unexpected(status, response)
        if payload["ok"] is True:
            return
        code = payload.get("error_code", status)
        description = str(payload.get("description", ""))[:200]
        parameters = payload.get("parameters") or {}
        if code == 429:
            wait = parameters.get("retry_after")
            raise ChannelRateLimited(
                f"Telegram flood control: {description}",
                channel=self.name,
                code=code,
                retry_after=float(wait) if isinstance(wait, int | float) else None,
            )
        if code in (401, 404):
            raise ChannelAuthError(
                "Telegram rejected the bot token; copy it again from @BotFather",
                channel=self.name,
                code=code,
            )
        if "migrate_to_chat_id" in parameters:
            raise ChannelRejected(
                f"the group became a supergroup: set chat_id to {parameters['migrate_to_chat_id']}",
                channel=self.name,
                code=code,
            )
        if code == 403 or "chat not found" in description.lower():
            raise ChannelRejected(
                f"the bot cannot post to chat {self.config.chat_id}: add the bot to the chat "
                f"(or unblock it) and send it a message first ({description})",
                channel=self.name,
                code=code,
            )
        if isinstance(code, int) and code >= 500:
            self.unexpected(code, response)
        raise ChannelRejected(
            f"Telegram refused the message: {description}", channel=self.name, code=code
        )
