"""WeCom (企业微信) group robot: ``POST /cgi-bin/webhook/send?key=KEY``, ``msgtype=markdown``.

Protocol (developer.work.weixin.qq.com, 群机器人配置说明):

* Body ``{"msgtype": "markdown", "markdown": {"content": ...}}``; ``content`` at most 4,096
  bytes of UTF-8. The dialect knows headings, bold, links, quotes and
  ``<font color="info|comment|warning">``.
* Answers are HTTP 200 with ``{"errcode": 0, "errmsg": "ok"}`` on success. ``45009`` means the
  robot is over its budget of 20 messages a minute; ``93000`` an unknown key (a removed
  robot or a mistyped URL); ``-1`` "system busy".
* No idempotency key: the footer carries the delivery reference so a duplicate is visible.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal
from urllib.parse import quote

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
from ozonops.notify.render import pack, utf8_len

__all__ = ["MARKDOWN_LIMIT", "WeComChannel", "WeComConfig"]

MARKDOWN_LIMIT = 4096
MAX_PARTS = 3
COLOR = {Severity.CRITICAL: "warning", Severity.WARNING: "comment", Severity.INFO: "info"}


class WeComConfig(ChannelSettings):
    """A WeCom group robot. ``key`` is the ``key=`` part of the robot's webhook URL."""

    kind: Literal["wecom"] = "wecom"
    key: SecretStr
    base_url: BaseUrl = "https://qyapi.weixin.qq.com"


class WeComChannel(HttpChannel[WeComConfig, str]):
    kind = "wecom"
    RATES = (Rate(20, 60.0),)
    THROTTLE_PAUSE = 60.0  # the budget is per minute; a full minute always clears it

    def parts(self, message: Message) -> list[str]:
        color = COLOR[message.severity]

        def assemble(label: str, blocks: Sequence[str]) -> str:
            head = f'## <font color="{color}">{severity_label(message)}</font> {message.title}'
            footer = f'<font color="comment">{message.footer}</font>'
            return "\n".join([head + label, *blocks, footer])

        return pack(
            blocks=markdown_blocks(message),
            assemble=assemble,
            measure=utf8_len,
            limit=MARKDOWN_LIMIT,
            lang=message.lang,
            max_parts=MAX_PARTS,
            truncated=translate("alert.truncated", message.lang),
        )

    def request(self, part: str, *, now: float, delivery_key: str) -> HttpCall:
        key = quote(self.config.key.get_secret_value(), safe="")
        path = f"{self.config.base_url}/cgi-bin/webhook/send"
        return HttpCall(
            url=f"{path}?key={key}",
            shown=f"{path}?key=***",
            content=dumps({"msgtype": "markdown", "markdown": {"content": part}}),
            headers=(("Content-Type", "application/json; charset=utf-8"),),
        )

    def check(self, status: int, payload: dict[str, Any] | None, response: httpx.Response) -> None:
        if status != 200 or payload is None or "errcode" not in payload:
            self.unexpected(status, response)
        code = payload["errcode"]
        message = str(payload.get("errmsg", ""))[:200]
        if code == 0:
            return
        if code == 45009:
            raise ChannelRateLimited(
                "WeCom says the robot is over 20 messages a minute; waiting for the window",
                channel=self.name,
                code=code,
            )
        if code == 93000:
            raise ChannelAuthError(
                "WeCom does not know this robot key; copy the key= part of the robot's "
                "webhook URL again (a robot removed from its group loses its key)",
                channel=self.name,
                code=code,
            )
        if code == -1:
            raise ChannelUnavailable("WeCom is busy", channel=self.name, code=code)
        raise ChannelRejected(f"WeCom refused the message: {message}", channel=self.name, code=code)
