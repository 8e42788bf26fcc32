"""Local stand-ins for the three group robots, behaving as their platforms document:
the same paths, the same checks (key, token, signature and its one-hour window, keywords,
size limits, per-minute budgets) and the same error codes."""

from __future__ import annotations

import base64
import hashlib
import hmac
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from tests.notify.sinkkit import Sink, read_json


class WeComSink(Sink):
    """``POST /cgi-bin/webhook/send?key=`` — errcode 93000, 45009 (20/min), 40058 (size)."""

    path = "/cgi-bin/webhook/send"

    def __init__(self, key: str = "wecom-key-1") -> None:
        self.key = key
        super().__init__()

    async def send(self, request: Request) -> Response:
        if (injected := await self.fault()) is not None:
            return injected
        if request.query_params.get("key") != self.key:
            return self.refuse(93000, {"errcode": 93000, "errmsg": "invalid webhook url"})
        _, body = await read_json(request)
        if not isinstance(body, dict) or body.get("msgtype") not in ("markdown", "text"):
            return self.refuse(40008, {"errcode": 40008, "errmsg": "invalid message type"})
        content = body[body["msgtype"]].get("content", "")
        limit = 4096 if body["msgtype"] == "markdown" else 2048
        if len(content.encode("utf-8")) > limit:
            msg = f"{body['msgtype']}.content exceed max length {limit}"
            return self.refuse(40058, {"errcode": 40058, "errmsg": msg})
        if not self.fits(self.key, 20, 60.0):
            return self.refuse(45009, {"errcode": 45009, "errmsg": "api freq out of limit"})
        self.received.append(body)
        return JSONResponse({"errcode": 0, "errmsg": "ok"})


class DingTalkSink(Sink):
    """``POST /robot/send?access_token=&timestamp=&sign=`` — 300001, 310000, 130101."""

    path = "/robot/send"

    def __init__(
        self,
        token: str = "ding-token-1",
        secret: str | None = "SECdingsecret",
        keywords: tuple[str, ...] = (),
    ) -> None:
        self.token, self.secret, self.keywords = token, secret, keywords
        super().__init__()

    def _signed(self, request: Request) -> bool:
        assert self.secret is not None
        try:
            timestamp = int(request.query_params["timestamp"])
            given = request.query_params["sign"]  # already URL-decoded by the framework
        except (KeyError, ValueError):
            return False
        if abs(self.clock.time() * 1000 - timestamp) > 3_600_000:
            return False
        wanted = hmac.new(
            self.secret.encode(), f"{timestamp}\n{self.secret}".encode(), hashlib.sha256
        ).digest()
        return hmac.compare_digest(base64.b64encode(wanted).decode(), given)

    async def send(self, request: Request) -> Response:
        if (injected := await self.fault()) is not None:
            return injected
        if request.query_params.get("access_token") != self.token:
            return self.refuse(300001, {"errcode": 300001, "errmsg": "token is not exist"})
        if self.secret is not None and not self._signed(request):
            return self.refuse(310000, {"errcode": 310000, "errmsg": "sign not match"})
        _, body = await read_json(request)
        if not isinstance(body, dict) or body.get("msgtype") != "markdown":
            return self.refuse(40035, {"errcode": 40035, "errmsg": "缺少参数 msgtype"})
        text = body["markdown"].get("text", "")
        if self.keywords and not any(word in text for word in self.keywords):
            return self.refuse(310000, {"errcode": 310000, "errmsg": "keywords not in content"})
        now = self.clock.time()
        blocked = self.blocked_until.get(self.token, 0.0) > now
        if blocked or not self.fits(self.token, 20, 60.0):
            if not blocked:
                self.blocked_until[self.token] = now + 600  # "限流10分钟"
            msg = "send too fast, exceed 20 times per minute"
            return self.refuse(130101, {"errcode": 130101, "errmsg": msg})
        self.received.append(body)
        return JSONResponse({"errcode": 0, "errmsg": "ok"})


class FeishuSink(Sink):
    """``POST /open-apis/bot/v2/hook/{token}`` — 19001, 19021, 19024, 9499, 11232."""

    path = "/open-apis/bot/v2/hook/{token}"

    def __init__(
        self,
        token: str = "feishu-hook-1",
        secret: str | None = "feishu-secret",
        keywords: tuple[str, ...] = (),
    ) -> None:
        self.token, self.secret, self.keywords = token, secret, keywords
        super().__init__()

    def _signed(self, body: dict[str, Any]) -> bool:
        assert self.secret is not None
        try:
            timestamp = int(body["timestamp"])
            given = str(body["sign"])
        except (KeyError, ValueError):
            return False
        if abs(self.clock.time() - timestamp) > 3600:
            return False
        key = f"{timestamp}\n{self.secret}".encode()
        wanted = base64.b64encode(hmac.new(key, b"", hashlib.sha256).digest()).decode()
        return hmac.compare_digest(wanted, given)

    async def send(self, request: Request) -> Response:
        if (injected := await self.fault()) is not None:
            return injected
        if request.path_params["token"] != self.token:
            msg = "param invalid: incoming webhook access token invalid"
            return self.refuse(19001, {"code": 19001, "msg": msg, "data": {}})
        raw, body = await read_json(request)
        if len(raw) > 20_000 or not isinstance(body, dict):
            return self.refuse(9499, {"code": 9499, "msg": "Bad Request", "data": {}}, 400)
        if self.secret is not None and not self._signed(body):
            msg = "sign match fail or timestamp is not within one hour from current time"
            return self.refuse(19021, {"code": 19021, "msg": msg, "data": {}})
        if body.get("msg_type") != "interactive" or not body.get("card", {}).get("elements"):
            return self.refuse(9499, {"code": 9499, "msg": "Bad Request", "data": {}}, 400)
        if self.keywords and not any(word in raw.decode() for word in self.keywords):
            return self.refuse(19024, {"code": 19024, "msg": "Key Words Not Found", "data": {}})
        if not (self.fits("minute", 100, 60.0) and self.fits("second", 5, 1.0)):
            msg = "frequency limited psm[lark.oapi.app_platform_runtime]"
            return self.refuse(11232, {"code": 11232, "msg": msg, "data": {}})
        self.received.append(body)
        return JSONResponse({"StatusCode": 0, "StatusMessage": "success", "code": 0, "data": {}})
