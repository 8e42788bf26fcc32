"""Local stand-ins for the Telegram Bot API and for a receiver of the generic webhook."""

from __future__ import annotations

import html
import re
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from ozonops.notify import errors, verify_webhook
from tests.notify.sinkkit import Sink, read_json

ALLOWED_TAGS = {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "a", "code", "pre"}
_TOKEN = re.compile(r"(<[^<>]*>)")
_ENTITY = re.compile(r"&(lt|gt|amp|quot|#\d+|#x[0-9a-fA-F]+);")
_TAG = re.compile(r"^<(/?)([a-z-]+)((?:\s+[a-z-]+=\"[^\"]*\")*)\s*>$")


def parse_telegram_html(text: str) -> str:
    """Telegram's HTML rules: only its tags, balanced; every bare <, > and & escaped.

    Returns the visible text, or raises ValueError with Telegram's description.
    """
    stack: list[str] = []
    visible: list[str] = []
    offset = 0
    for token in _TOKEN.split(text):
        if token.startswith("<"):
            match = _TAG.match(token)
            if not match or match.group(2) not in ALLOWED_TAGS:
                raise ValueError(
                    f"can't parse entities: Unsupported start tag at byte offset {offset}"
                )
            closing, name, attrs = match.groups()
            if closing:
                if not stack or stack.pop() != name:
                    raise ValueError(
                        f"can't parse entities: Unexpected end tag at byte offset {offset}"
                    )
            else:
                if name == "a" and 'href="' not in attrs:
                    raise ValueError("can't parse entities: <a> without href")
                stack.append(name)
        else:
            if "<" in token or ">" in token or "&" in _ENTITY.sub("", token):
                raise ValueError(
                    f"can't parse entities: Can't find end of the entity at byte offset {offset}"
                )
            visible.append(html.unescape(token))
        offset += len(token.encode())
    if stack:
        raise ValueError(f"can't parse entities: Can't find end tag corresponding to {stack[-1]}")
    return "".join(visible)


class TelegramSink(Sink):
    """``POST /bot{token}/sendMessage`` — 401, 400 chat not found / too long / entities,
    429 with ``parameters.retry_after`` past 20 messages a minute in a group."""

    path = "/bot{token}/sendMessage"

    def __init__(self, token: str = "123456:tg-token", chats: tuple[str, ...] = ("-1001",)) -> None:
        self.token, self.chats = token, chats
        super().__init__()

    def _error(self, code: int, description: str, **parameters: Any) -> Response:
        body: dict[str, Any] = {"ok": False, "error_code": code, "description": description}
        if parameters:
            body["parameters"] = parameters
        return self.refuse(code, body, status=code)

    async def send(self, request: Request) -> Response:
        if (injected := await self.fault()) is not None:
            return injected
        if request.path_params["token"] != self.token:
            return self._error(401, "Unauthorized")
        _, body = await read_json(request)
        if not isinstance(body, dict) or "text" not in body:
            return self._error(400, "Bad Request: message text is empty")
        chat = str(body.get("chat_id"))
        if chat not in self.chats:
            return self._error(400, "Bad Request: chat not found")
        try:
            visible = (
                parse_telegram_html(body["text"])
                if body.get("parse_mode") == "HTML"
                else body["text"]
            )
        except ValueError as exc:
            return self._error(400, f"Bad Request: {exc}")
        if not visible.strip():
            return self._error(400, "Bad Request: message text is empty")
        if len(visible.encode("utf-16-le")) // 2 > 4096:
            return self._error(400, "Bad Request: message is too long")
        if chat.startswith("-") and not self.fits(chat, 20, 60.0):
            wait = max(1, round(self.wait_for(chat, 60.0)))
            return self._error(429, f"Too Many Requests: retry after {wait}", retry_after=wait)
        self.received.append(body)
        message = {"message_id": len(self.received), "chat": {"id": int(chat)}, "text": visible}
        return JSONResponse({"ok": True, "result": message})


class WebhookSink(Sink):
    """A receiver that verifies with :func:`ozonops.notify.verify_webhook` on the sink's
    clock, answers 401 on a failed check, and records duplicates by delivery id."""

    path = "/hook"

    def __init__(self, secret: str = "webhook-secret") -> None:
        self.secret = secret
        super().__init__()

    def reset(self, clock: Any = None) -> None:
        super().reset(clock)
        self.deliveries: list[str] = []
        self.headers: list[dict[str, str]] = []

    @property
    def duplicates(self) -> list[str]:
        return sorted({d for d in self.deliveries if self.deliveries.count(d) > 1})

    async def send(self, request: Request) -> Response:
        if (injected := await self.fault()) is not None:
            return injected
        raw, body = await read_json(request)
        try:
            verify_webhook(
                body=raw, headers=request.headers, secrets=self.secret, now=self.clock.time()
            )
        except errors.WebhookVerificationError as exc:
            return self.refuse(type(exc).__name__, {"error": str(exc)}, status=401)
        self.deliveries.append(request.headers["x-ozonops-delivery"])
        self.headers.append(dict(request.headers))
        self.received.append(body)
        return JSONResponse({"ok": True})
