"""The sync engine: the store kept equal to Ozon, incrementally, idempotently, crash-safely."""

from __future__ import annotations

from ozonops.sync.config import SyncConfig
from ozonops.sync.engine import RunResult, run, server_now
from ozonops.sync.pushes import ProcessReport, PushProcessor, process_pending, run_processor
from ozonops.sync.resource import Batch, ResourceSpec, Window
from ozonops.sync.resources import RESOURCES
from ozonops.sync.service import Syncer, UnknownResource
from ozonops.sync.state import Cursor

__all__ = [
    "RESOURCES",
    "Batch",
    "Cursor",
    "ProcessReport",
    "PushProcessor",
    "ResourceSpec",
    "RunResult",
    "SyncConfig",
    "Syncer",
    "UnknownResource",
    "Window",
    "process_pending",
    "run",
    "run_processor",
    "server_now",
]
