"""``create_app``: the web app (FastAPI) — for now the push receiver; nothing built at import.

Serve it with uvicorn and :data:`UVICORN_OPTIONS`: the receiver judges X-Forwarded-For itself
(``PushSettings.trusted_proxies``), so uvicorn must not rewrite the client address first, and
its access log would write each shop's secret push token into the logs.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exception_handlers import http_exception_handler
from starlette.exceptions import HTTPException
from starlette.responses import Response

import ozonops
from ozonops.config import Settings
from ozonops.db import Database
from ozonops.web.errors import error_body
from ozonops.web.inbox import MAX_BATCH, InboxWriter
from ozonops.web.receiver import PushReceiver
from ozonops.web.routes import push_router

__all__ = ["UVICORN_OPTIONS", "create_app"]

#: ``uvicorn.Config``/``uvicorn.run`` options the app needs.
UVICORN_OPTIONS: dict[str, Any] = {
    "proxy_headers": False,
    "access_log": False,
    "server_header": False,
    "lifespan": "on",
}


def create_app(
    settings: Settings,
    db: Database,
    *,
    on_stored: Callable[[], None] | None = None,
    max_batch: int = MAX_BATCH,
) -> FastAPI:
    """The app over ``db``. Its lifespan runs the inbox writer; ``on_stored`` hears each
    commit that kept a push (on the writer's thread; see ``InboxWriter``)."""
    inbox = InboxWriter(db, max_batch=max_batch, on_stored=on_stored)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        inbox.start()
        try:
            yield
        finally:
            inbox.close()

    app = FastAPI(
        title="ozonops",
        version=ozonops.__version__,
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
    )
    app.state.settings = settings
    app.state.db = db
    app.state.inbox = inbox
    app.state.push_receiver = PushReceiver(db=db, settings=settings.push, inbox=inbox)
    app.include_router(push_router)
    app.add_exception_handler(HTTPException, _push_errors)
    return app


async def _push_errors(request: Request, exc: Exception) -> Response:
    """Ozon gets the spec's error body on its paths (a wrong method, a URL cut short)."""
    assert isinstance(exc, HTTPException)
    if request.url.path.startswith("/ozon/push"):
        message = "no shop has this push URL" if exc.status_code == 404 else str(exc.detail)
        return Response(
            error_body("ERROR_UNKNOWN", message),
            exc.status_code,
            headers=exc.headers,
            media_type="application/json",
        )
    return await http_exception_handler(request, exc)
