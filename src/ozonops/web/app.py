"""``create_app``: the web app (FastAPI) — for now the push receiver; nothing built at import.

Serve it with uvicorn and :data:`UVICORN_OPTIONS`: the receiver judges X-Forwarded-For itself
(``PushSettings.trusted_proxies``), so uvicorn must not rewrite the client address first, and
its access log would write each shop's secret push token into the logs.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI

import ozonops
from ozonops.config import Settings
from ozonops.db import Database
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
    return app
