"""Several uvicorn servers in one event loop (the demo: simulator + web app), stopped together.

uvicorn installs its own Ctrl+C handler per server; two of them fight, and the loser's tasks
die cancelled mid-lifespan. Here the servers install none, and one loop handler asks every
server to finish its requests and stop (a second Ctrl+C forces it).
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
from collections.abc import Generator, Iterable

import uvicorn

__all__ = ["EmbeddedServer", "stop_on_signals"]


class EmbeddedServer(uvicorn.Server):
    """A uvicorn server that leaves signals to its host program."""

    @contextlib.contextmanager
    def capture_signals(self) -> Generator[None, None, None]:
        yield


def stop_on_signals(servers: Iterable[uvicorn.Server]) -> None:
    """Ctrl+C / SIGTERM: every server stops gracefully; pressed again, at once."""
    chosen = list(servers)

    def stop() -> None:
        for server in chosen:
            if server.should_exit:
                server.force_exit = True
            server.should_exit = True

    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop)
