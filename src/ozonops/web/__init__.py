"""The web app: Ozon's push receiver now; the dashboard and JSON API join it later."""

from __future__ import annotations

from ozonops.web.app import UVICORN_OPTIONS, create_app
from ozonops.web.errors import Refused, error_body
from ozonops.web.inbox import InboxRow, InboxWriter
from ozonops.web.receiver import APP_NAME, PushReceiver
from ozonops.web.sources import SourceCheck

__all__ = [
    "APP_NAME",
    "UVICORN_OPTIONS",
    "InboxRow",
    "InboxWriter",
    "PushReceiver",
    "Refused",
    "SourceCheck",
    "create_app",
    "error_body",
]
