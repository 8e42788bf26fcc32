"""DingTalk (钉钉) custom robot: ``POST /robot/send?access_token=T[&timestamp=MS&sign=S]``.

Protocol (open.dingtalk.com, 自定义机器人接入):

* Body ``{"msgtype": "markdown", "markdown": {"title": ..., "text": ...}, "at": {...}}``;
  ``title`` is what the chat list shows, ``text`` the message (kept under 20,000 bytes).
  Line breaks in its markdown need a blank line, so blocks are joined with ``\\n\\n``.
* Security settings, any combination: custom *keywords* (the text must contain one — set
  ``keyword`` and every part starts with it), *signing* ("加签", see
  :func:`~ozonops.notify.signing.dingtalk_sign`; the timestamp must be within an hour of
  DingTalk's clock) and an IP allow-list.
* Answers are HTTP 200 with ``{"errcode": 0, "errmsg": "ok"}``. ``130101``: more than 20
  messages a minute — DingTalk then throttles the robot for about ten minutes; ``310000``:
  a security check failed (``errmsg`` says which: sign, keywords, ip); ``300001``: unknown
  ``access_token``; ``-1``: busy.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal, NamedTuple
from urllib.parse import quote_plus, urlencode

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
from ozonops.notify.signing import dingtalk_sign

__all__ = ["TEXT_LIMIT", "DingTalkChannel", "DingTalkConfig", "DingTalkPart"]

TEXT_LIMIT = 20_000
MAX_PARTS = 3


class DingTalkConfig(ChannelSettings):
    """A DingTalk custom robot.

    ``access_token`` is the ``access_token=`` part of the webhook URL; ``secret`` the
    ``SEC…`` string shown under 加签 (leave it out if signing is off); ``keyword`` one of the
    robot's custom keywords, if that check is on; ``at_all_from`` makes alerts of that
    severity or higher @all.
    """

    kind: Literal["dingtalk"] = "dingtalk"
    access_token: SecretStr
    secret: SecretStr | None = None
    keyword: str | None = None
    at_all_from: Severity | None = None
    base_url: BaseUrl = "https://oapi.dingtalk.com"


class DingTalkPart(NamedTuple):
    title: str
    text: str
    at_all: bool = False


class DingTalkChannel(HttpChannel[DingTalkConfig, DingTalkPart]):
    kind = "dingtalk"
    RATES = (Rate(20, 60.0),)
    THROTTLE_PAUSE = 600.0  # "超过20条会限流10分钟": longer than a send may wait: fail fast

    def parts(self, message: Message) -> list[DingTalkPart]:
        keyword = f"【{self.config.keyword}】" if self.config.keyword else ""
        title = f"{keyword}{message.title}"
        level = self.config.at_all_from
        at_all = level is not None and message.severity.at_least(level)

        def assemble(label: str, blocks: Sequence[str]) -> DingTalkPart:
            head = f"#### {keyword}{severity_label(message)} {message.title}{label}"
            text = "\n\n".join([head, *blocks, f"###### {message.footer}"])
            return DingTalkPart(title + label, text, at_all)

        return pack(
            blocks=markdown_blocks(message, fact_prefix="- "),
            assemble=assemble,
            measure=lambda part: utf8_len(part.text),
            lang=message.lang,
            limit=TEXT_LIMIT,
            max_parts=MAX_PARTS,
            truncated=translate("alert.truncated", message.lang),
        )

    def request(self, part: DingTalkPart, *, now: float, delivery_key: str) -> HttpCall:
        query = {"access_token": self.config.access_token.get_secret_value()}
        shown = {"access_token": "***"}
        if self.config.secret is not None:
            timestamp = int(now * 1000)
            sign = dingtalk_sign(self.config.secret.get_secret_value(), timestamp)
            query |= {"timestamp": str(timestamp), "sign": sign}
            shown |= {"timestamp": str(timestamp), "sign": "***"}
        payload = {
            "msgtype": "markdown",
            "markdown": {"title": part.title, "text": part.text},
            "at": {"isAtAll": part.at_all},
        }
        path = f"{self.config.base_url}/robot/send"
        return HttpCall(
            url=f"{path}?{urlencode(query, quote_via=quote_plus)}",
            shown=f"{path}?{urlencode(shown, safe='*')}",
            content=dumps(payload),
            headers=(("Content-Type", "application/json; charset=utf-8"),),
        )

    def check(self, status: int, payload: dict[str, Any] | None, response: httpx.Response) -> None:
        if status != 200 or payload is None or "errcode" not in payload:
            self.unexpected(status, response)
        code = payload["errcode"]
        message = str(payload.get("errmsg", ""))[:200]
        if code == 0:
            return
        if code == 130101:
            raise ChannelRateLimited(
                "DingTalk says the robot sent more than 20 messages a minute and is throttled "
                "(about 10 minutes)",
                channel=self.name,
                code=code,
            )
        if code == 310000:
            raise _security_error(self.name, message)
        if code in (300001, 300005):
            raise ChannelAuthError(
                "DingTalk does not know this access_token; copy the access_token= part of "
                "the robot's webhook URL again",
                channel=self.name,
                code=code,
            )
        if code == -1:
            raise ChannelUnavailable("DingTalk is busy", channel=self.name, code=code)
        raise ChannelRejected(
            f"DingTalk refused the message: {message}", channel=self.name, code=code
        )


def _security_error(channel: str, errmsg: str) -> ChannelAuthError | ChannelRejected:
    lowered = errmsg.lower()
    if "keyword" in lowered:
        return ChannelRejected(
            "DingTalk's keyword check failed: set keyword to one of the robot's custom "
            f"keywords ({errmsg})",
            channel=channel,
            code=310000,
        )
    if "ip" in lowered.split():
        return ChannelRejected(
            f"DingTalk's IP allow-list refused this machine; add its public IP ({errmsg})",
            channel=channel,
            code=310000,
        )
    return ChannelAuthError(
        "DingTalk refused the signature: check secret (the SEC… string under 加签) and "
        f"that this machine's clock is right to within an hour ({errmsg})",
        channel=channel,
        code=310000,
    )
