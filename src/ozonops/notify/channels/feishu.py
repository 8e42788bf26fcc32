"""Feishu / Lark custom bot: ``POST /open-apis/bot/v2/hook/TOKEN`` with an interactive card.

Protocol (open.feishu.cn and open.larksuite.com, 自定义机器人使用指南):

* Body ``{"msg_type": "interactive", "card": {...}}`` plus, when signing ("签名校验") is on,
  ``"timestamp"`` (seconds, as a string) and ``"sign"`` (see
  :func:`~ozonops.notify.signing.feishu_sign`; valid for an hour). The request body may
  be at most 20 KB.
* The card: a coloured header (red / orange / blue by severity) holding the title, one
  ``lark_md`` block with the lines and facts, a button to the link, and a note with the
  delivery reference.
* Hosts: ``https://open.feishu.cn`` (Feishu, mainland China) and
  ``https://open.larksuite.com`` (Lark, international) — pick with ``region``.
* Answers: ``{"code": 0, "msg": "success"}``. ``19021``: signature or timestamp refused;
  ``19022``: IP not allowed; ``19024``: keyword missing; ``19001``: unknown hook token;
  ``11232`` or ``9499`` "too many request": over 100 a minute / 5 a second; ``9499`` "Bad
  Request": the body is malformed or over 20 KB.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

import httpx
from pydantic import SecretStr

from ozonops.notify.channels.base import (
    BaseUrl,
    ChannelSettings,
    HttpCall,
    HttpChannel,
    dumps,
)
from ozonops.notify.channels.markup import markdown_blocks, severity_label
from ozonops.notify.errors import (
    ChannelAuthError,
    ChannelRateLimited,
    ChannelRejected,
    ChannelUnavailable,
)
from ozonops.notify.i18n import translate
from ozonops.notify.limiter import Rate
from ozonops.notify.model import Message, Severity
from ozonops.notify.render import pack
from ozonops.notify.signing import feishu_sign

__all__ = ["BODY_LIMIT", "HOSTS", "FeishuChannel", "FeishuConfig"]

BODY_LIMIT = 20_000
SIGN_RESERVE = 120  # bytes the timestamp and sign fields add to the body
MAX_PARTS = 3
HOSTS = {"feishu": "https://open.feishu.cn", "lark": "https://open.larksuite.com"}
TEMPLATE = {Severity.CRITICAL: "red", Severity.WARNING: "orange", Severity.INFO: "blue"}


class FeishuConfig(ChannelSettings):
    """A Feishu/Lark custom bot. ``token`` is the last path segment of its webhook URL."""

    kind: Literal["feishu"] = "feishu"
    token: SecretStr
    secret: SecretStr | None = None
    keyword: str | None = None
    region: Literal["feishu", "lark"] = "feishu"
    base_url: BaseUrl | None = None  # overrides the region's host (a local sink in tests)


class FeishuChannel(HttpChannel[FeishuConfig, dict[str, Any]]):
    """Parts are cards (``dict``) ready for the ``card`` field."""

    kind = "feishu"
    RATES = (Rate(100, 60.0), Rate(5, 1.0))

    def __init__(self, config: FeishuConfig) -> None:
        super().__init__(config)
        self.base_url = config.base_url or HOSTS[config.region]

    def parts(self, message: Message) -> list[dict[str, Any]]:
        keyword = f"【{self.config.keyword}】" if self.config.keyword else ""
        blocks = markdown_blocks(message, fact_prefix="")
        button = None
        if message.link:  # the button replaces the link line
            blocks = blocks[:-1]
            button = {
                "tag": "button",
                "text": {"tag": "plain_text", "content": message.link_label},
                "type": "primary",
                "url": message.link,
            }

        def assemble(label: str, group: Sequence[str]) -> dict[str, Any]:
            title = f"{keyword}{severity_label(message)} {message.title}{label}"
            elements: list[dict[str, Any]] = [
                {"tag": "div", "text": {"tag": "lark_md", "content": "\n".join(group)}}
            ]
            if button is not None:
                elements.append({"tag": "action", "actions": [button]})
            elements.append(
                {"tag": "note", "elements": [{"tag": "plain_text", "content": message.footer}]}
            )
            return {
                "config": {"wide_screen_mode": True},
                "header": {
                    "title": {"tag": "plain_text", "content": title},
                    "template": TEMPLATE[message.severity],
                },
                "elements": elements,
            }

        return pack(
            blocks=blocks,
            assemble=assemble,
            measure=lambda card: len(dumps({"msg_type": "interactive", "card": card})),
            limit=BODY_LIMIT - SIGN_RESERVE,
            lang=message.lang,
            max_parts=MAX_PARTS,
            truncated=translate("alert.truncated", message.lang),
        )

    def request(self, part: dict[str, Any], *, now: float, delivery_key: str) -> HttpCall:
        payload: dict[str, Any] = {}
        if self.config.secret is not None:
            timestamp = int(now)
            payload["timestamp"] = str(timestamp)
            payload["sign"] = feishu_sign(self.config.secret.get_secret_value(), timestamp)
        payload |= {"msg_type": "interactive", "card": part}
        path = f"{self.base_url}/open-apis/bot/v2/hook/"
        return HttpCall(
            url=path + self.config.token.get_secret_value(),
            shown=path + "***",
            content=dumps(payload),
            headers=(("Content-Type", "application/json; charset=utf-8"),),
        )

    def check(self, status: int, payload: dict[str, Any] | None, response: httpx.Response) -> None:
        if payload is None or "code" not in payload:
            if status == 200 and payload is not None and payload.get("StatusCode") == 0:
                return  # the legacy success shape
            self.unexpected(status, response)
        code = payload["code"]
        message = str(payload.get("msg", ""))[:200]
        if code == 0:
            return
        if code == 11232 or (code == 9499 and "too many" in message.lower()) or status == 429:
            raise ChannelRateLimited(
                "Feishu says the bot is over 100 messages a minute or 5 a second",
                channel=self.name,
                code=code,
            )
        if code == 19021:
            raise ChannelAuthError(
                "Feishu refused the signature: check secret (签名校验) and that this "
                "machine's clock is right to within an hour",
                channel=self.name,
                code=code,
            )
        if code == 19001:
            raise ChannelAuthError(
                "Feishu does not know this hook token; copy the last part of the bot's "
                "webhook URL again",
                channel=self.name,
                code=code,
            )
        if code == 19024:
            raise ChannelRejected(
                "Feishu's keyword check failed: set keyword to one of the bot's custom keywords",
                channel=self.name,
                code=code,
            )
        if code == 19022:
            raise ChannelRejected(
                "Feishu's IP allow-list refused this machine; add its public IP",
                channel=self.name,
                code=code,
            )
        if status >= 500:
            raise ChannelUnavailable(f"HTTP {status}: {message}", channel=self.name, code=code)
        raise ChannelRejected(
            f"Feishu refused the message: {message}", channel=self.name, code=code
        )
