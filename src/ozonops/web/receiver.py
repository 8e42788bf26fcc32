"""The push receiver: what ``POST /ozon/push/{shop_token}`` does with a request.

In order (the first that fails answers, with the spec's error body):

1. the source must be in the allowed networks (behind a trusted proxy, X-Forwarded-For) → 403;
2. the token must be an active shop's → 404;
3. ``Content-Type: application/json`` → else 415;
4. the body at most ``max_body_bytes`` (told by Content-Length, or counted while reading,
   never read whole) → else 413;
5. JSON, an object, with the fields its type needs (``domain.pushes.read_push``) → else 400;
6. ``TYPE_PING`` → 200 ``{"version", "name", "time"}`` (when we began handling it, UTC);
7. any other push → committed to the inbox (group commit, ``web.inbox``), then 200
   ``{"result": true}`` — a duplicate too: Ozon counts every non-200 against the endpoint.
   A type we do not know is kept, marked ``unknown_type``, and acknowledged.

Storing failing is the one case answered 500 (ERROR_UNKNOWN): Ozon retries it later.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

import orjson
from starlette.requests import Request
from starlette.responses import Response

import ozonops
from ozonops.config import PushSettings
from ozonops.db import Database
from ozonops.domain.pushes import PING, UNKNOWN, PushInvalid, read_push
from ozonops.web.errors import Refused, error_body
from ozonops.web.inbox import InboxRow, InboxWriter
from ozonops.web.shops import ShopTokens
from ozonops.web.sources import SourceCheck

__all__ = ["APP_NAME", "PushReceiver"]

log = logging.getLogger(__name__)

APP_NAME = "ozonops"
JSON = "application/json"
_OK = orjson.dumps({"result": True})


def _iso(at: datetime) -> str:
    return at.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _json(body: bytes, status: int = 200, *, close: bool = False) -> Response:
    headers = {"connection": "close"} if close else None
    return Response(body, status, headers=headers, media_type=JSON)


class PushReceiver:
    """Everything a push request needs: source rules, the shops' tokens, the inbox writer."""

    def __init__(self, *, db: Database, settings: PushSettings, inbox: InboxWriter) -> None:
        self.settings = settings
        self.inbox = inbox
        self.tokens = ShopTokens(db)
        self.sources = SourceCheck(
            allowed=settings.allowed_networks, trusted_proxies=settings.trusted_proxies
        )

    async def handle(self, request: Request, shop_token: str) -> Response:
        started = datetime.now(UTC)
        try:
            return await self._handle(request, shop_token, started)
        except Refused as refused:
            return _json(
                error_body(refused.code, refused.message, refused.details),
                refused.status,
                close=refused.status == 413,
            )

    async def _handle(self, request: Request, token: str, started: datetime) -> Response:
        peer = request.client.host if request.client else None
        source = self.sources.source(peer, request.headers.get("x-forwarded-for"))
        if not self.sources.allows(source):
            raise Refused(403, f"pushes are not accepted from {source or 'an unknown source'}")
        shop_id = await self.tokens.shop_id(token)
        if shop_id is None:
            raise Refused(404, "no shop has this push URL; copy it again from ozonops")
        media = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
        if media != JSON:
            raise Refused(415, f"Content-Type must be {JSON}, got {media or 'none'!r}")
        raw = await self._read(request)
        try:
            decoded = orjson.loads(raw)
        except orjson.JSONDecodeError as exc:
            raise Refused(400, f"the body is not JSON: {exc}") from None
        try:
            msg = read_push(decoded)
        except PushInvalid as exc:
            raise Refused(400, str(exc), code=exc.code, details=exc.field) from None
        if msg.message_type == PING:
            pong = {"version": ozonops.__version__, "name": APP_NAME, "time": _iso(started)}
            return _json(orjson.dumps(pong))
        row = InboxRow(
            shop_id=shop_id,
            message_type=msg.message_type,
            dedupe_key=msg.dedupe_key,
            body=msg.body,
            source_ip=str(source) if source else None,
            received_at=started,
            outcome=None if msg.known else "unknown_type",
        )
        try:
            await self.inbox.put(row)
        except Exception as exc:
            log.error("push %s for shop %s not stored: %s", msg.message_type, shop_id, exc)
            raise Refused(500, "the push could not be stored; send it again later") from None
        return _json(_OK)

    async def _read(self, request: Request) -> bytes:
        limit = self.settings.max_body_bytes
        declared = request.headers.get("content-length")
        if declared is not None:
            try:
                size = int(declared)
            except ValueError:
                raise Refused(400, f"Content-Length {declared!r} is not a number") from None
            if size > limit:
                raise Refused(413, f"the body is over {limit} bytes", code=UNKNOWN)
        parts: list[bytes] = []
        total = 0
        async for chunk in request.stream():
            total += len(chunk)
            if total > limit:
                raise Refused(413, f"the body is over {limit} bytes", code=UNKNOWN)
            parts.append(chunk)
        return b"".join(parts)
