"""Several uvicorn servers in one event loop (the demo: simulator + web app), stopped together.

uvicorn installs its own Ctrl+C handler per server; two of them fight, and the loser's tasks
die cancelled mid-lifespan. Here the servers install none, and one loop handler asks every
server to finish its requests and stop (a second Ctrl+C forces it).
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import socket
from collections.abc import Generator, Iterable

import uvicorn

from ozonops.cli import common

__all__ = ["EmbeddedServer", "bind_listener", "stop_on_signals"]


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


def bind_listener(host: str, port: int) -> socket.socket:
    """A listening socket on ``host:port``, bound before anything slow starts (a busy port
    fails in a second), or a clear line naming the port.

    ``IPPROTO_TCP``, not 0: asyncio turns Nagle off (TCP_NODELAY) only on accepted sockets
    whose protocol says TCP; without it each answer written in two parts waits ~40 ms for the
    client's delayed ACK.
    """
    try:
        family = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0][0]
        listener = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    except (OSError, OverflowError) as exc:
        common.fail(f"cannot listen on {host}:{port} ({exc}); check --host and --port")
    try:
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind((host, port))
    except (OSError, OverflowError) as exc:
        listener.close()
        common.fail(
            f"cannot listen on {host}:{port} ({exc}); is another ozonops running? stop "
            "whatever uses the port or pass another --port"
        )
    return listener
