"""Webhook receiver benchmark: pushes/s and latency, with every acknowledged push checked.

The receiver (``ozonops.web.create_app`` under uvicorn, ``UVICORN_OPTIONS``) runs in its own
process on a free 127.0.0.1 port; a load generator in another process holds many HTTP/1.1
keep-alive connections on raw sockets and sends realistic pushes (FBS state changes, new
postings, FBO changes with ``uuid``, chat messages; 5 % are repeats of earlier pushes, as
Ozon's retries are). Two runs per store (SQLite file, PostgreSQL database):

- **paced**: pushes offered at a fixed rate (default 1,500/s) for a few seconds; latency is
  counted from when each push was due, so a stall is not hidden by the pushes it delays;
- **flat out**: every connection sends its next push when the answer to the last one came.

Afterwards every push answered 200 must be in the inbox, once (``zero lost``). Each row is
committed before its answer (group commit); SQLite runs WAL with ``synchronous=NORMAL``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

RATE = 1500
SECONDS = 6.0
CONNECTIONS = 48
FLAT_OUT = 12_000
P99_GOAL_MS = 50.0
Row = tuple[str, str, str]


# --- the receiver process --------------------------------------------------------------------
def serve(db_url: str) -> None:
    import uvicorn

    from ozonops.config import load_settings
    from ozonops.db import Database
    from ozonops.web import UVICORN_OPTIONS, create_app

    db = Database(db_url)
    settings = load_settings(env_file=None, push={"allowed_networks": ["127.0.0.0/8"]})
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    print(f"PORT {sock.getsockname()[1]}", flush=True)
    config = uvicorn.Config(create_app(settings, db), **UVICORN_OPTIONS, log_level="warning")
    uvicorn.Server(config).run(sockets=[sock])


# --- the load generator process --------------------------------------------------------------
def _bodies(n: int, seed: int) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    states = ["posting_transferring_to_delivery", "posting_on_way_to_city", "posting_delivered"]
    out: list[dict[str, Any]] = []
    for i in range(n):
        if out and rng.random() < 0.05:
            out.append(out[rng.randrange(len(out))])  # Ozon sends it again
            continue
        number = f"{10_000_000 + i}-{rng.randint(1000, 9999)}-1"
        at = f"2026-12-0{1 + i % 9}T{i % 24:02d}:{i % 60:02d}:{(i // 60) % 60:02d}.{i % 1000:03d}Z"
        kind = rng.random()
        if kind < 0.6:
            body: dict[str, Any] = {
                "message_type": "TYPE_STATE_CHANGED",
                "posting_number": number,
                "new_state": rng.choice(states),
                "changed_state_date": at,
                "warehouse_id": 1020000123456000,
                "seller_id": 15,
            }
        elif kind < 0.7:
            body = {
                "message_type": "TYPE_NEW_POSTING",
                "posting_number": number,
                "products": [{"sku": 147451959, "offer_id": "CN-BAG-01", "quantity": 1}],
                "in_process_at": at,
                "warehouse_id": 1020000123456000,
                "shipment_date": at,
                "tpl_integration_type": "non_integrated",
                "is_express": False,
                "tracking_number": "",
                "delivery_date_begin": at,
                "delivery_date_end": at,
                "seller_id": 15,
            }
        elif kind < 0.9:
            body = {
                "message_type": "TYPE_FBO_POSTING_STATE_CHANGED",
                "posting_number": number,
                "order_number": number.rsplit("-", 1)[0],
                "uuid": str(uuid.UUID(int=rng.getrandbits(128))),
                "new_state": rng.choice(states),
                "changed_state_date": at,
                "warehouse_id": 18044249781000,
                "seller_id": 15,
            }
        else:
            body = {
                "message_type": "TYPE_NEW_MESSAGE",
                "chat_id": str(uuid.UUID(int=rng.getrandbits(128))),
                "chat_type": "Buyer_Seller",
                "message_id": str(3000000000817031942 + i),
                "created_at": at,
                "user": {"id": "115568", "type": "Customer"},
                "data": ["Здравствуйте! Когда будет отправлен мой заказ?"],
                "seller_id": 15,
            }
        out.append(body)
    return out


def _request(path: str, body: dict[str, Any]) -> bytes:
    data = json.dumps(body, ensure_ascii=False).encode()
    head = (
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(data)}\r\n\r\n"
    )
    return head.encode() + data


async def _answer(reader: asyncio.StreamReader) -> tuple[int, bytes]:
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    length = 0
    for line in head.split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":", 1)[1])
    return status, await reader.readexactly(length)


async def _load(port: int, path: str, n: int, rate: float | None, conns: int) -> dict[str, Any]:
    bodies = _bodies(n, seed=n)
    requests = [_request(path, b) for b in bodies]
    latencies = [0.0] * n
    statuses = [0] * n
    start = time.perf_counter() + 0.2

    async def worker(k: int) -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        sock = writer.get_extra_info("socket")
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        for i in range(k, n, conns):
            due = start + i / rate if rate else time.perf_counter()
            wait = due - time.perf_counter()
            if wait > 0:
                await asyncio.sleep(wait)
            writer.write(requests[i])
            status, body = await _answer(reader)
            latencies[i] = time.perf_counter() - due
            statuses[i] = status if body == b'{"result":true}' else -status
        writer.close()

    await asyncio.gather(*(worker(k) for k in range(conns)))
    elapsed = time.perf_counter() - start
    return {"bodies": bodies, "latencies": latencies, "statuses": statuses, "elapsed": elapsed}


def load(port: int, path: str, n: int, rate: float, conns: int, out: str) -> None:
    result = asyncio.run(_load(port, path, n, rate or None, conns))
    Path(out).write_text(json.dumps(result))


# --- the orchestration -----------------------------------------------------------------------
@contextmanager
def _receiver(db_url: str) -> Iterator[int]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "bench.webhook_receiver", "serve", db_url],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        if not line.startswith("PORT "):
            raise RuntimeError(f"the receiver did not start: {line!r}")
        port = int(line.split()[1])
        for _ in range(100):  # uvicorn starts serving a moment after the socket is bound
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                time.sleep(0.05)
        yield port
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def _run_load(port: int, path: str, n: int, rate: float, conns: int) -> dict[str, Any]:
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as f:
        out = f.name
    try:
        subprocess.run(
            [
                sys.executable,
                "-m",
                "bench.webhook_receiver",
                "load",
                str(port),
                path,
                str(n),
                str(rate),
                str(conns),
                out,
            ],
            check=True,
        )
        result: dict[str, Any] = json.loads(Path(out).read_text())
        return result
    finally:
        os.unlink(out)


@contextmanager
def _store(kind: str, folder: Path) -> Iterator[str]:
    from tests.stores import postgres_url

    from ozonops.db import Database, upgrade

    if kind == "sqlite":
        url = f"sqlite:///{folder / 'bench.db'}"
        upgrade(Database(url))
        yield url
        return
    with postgres_url() as url:
        upgrade(Database(url))
        yield url


def _shop(url: str) -> str:
    from pydantic import SecretStr

    from ozonops.db import Database, KeyBox, save_shop

    db = Database(url)
    with db.transaction() as s:
        token = save_shop(
            s, keys=KeyBox(SecretStr("bench")), name="bench", client_id="1", api_key=SecretStr("k")
        ).push_token
    db.dispose()
    return token


def _kept(url: str) -> dict[str, int]:
    from sqlalchemy import func, select

    from ozonops.db import Database
    from ozonops.db.tables import InboxPush

    db = Database(url)
    with db.transaction() as s:
        rows = s.execute(
            select(InboxPush.dedupe_key, func.count()).group_by(InboxPush.dedupe_key)
        ).all()
    db.dispose()
    return {key: count for key, count in rows}


def _figures(label: str, result: dict[str, Any], kept: dict[str, int], paced: bool) -> list[Row]:
    from ozonops.domain import read_push

    lat = sorted(x * 1000 for x in result["latencies"])
    n = len(lat)
    acked = {
        read_push(b).dedupe_key
        for b, st in zip(result["bodies"], result["statuses"], strict=True)
        if st == 200
    }
    failed = sum(1 for st in result["statuses"] if st != 200)
    lost = sum(1 for key in acked if kept.get(key, 0) != 1)
    rate = n / result["elapsed"]
    p50, p99 = lat[n // 2], lat[min(n - 1, int(n * 0.99))]
    ok_rate = rate >= RATE * 0.98 if paced else rate >= RATE
    return [
        (f"{label}: pushes/s", f"{rate:,.0f}", f">= {RATE:,}" + ("" if ok_rate else " MISSED")),
        (f"{label}: latency p50", f"{p50:.1f} ms", ""),
        (
            f"{label}: latency p99",
            f"{p99:.1f} ms",
            f"<= {P99_GOAL_MS:g} ms" + ("" if p99 <= P99_GOAL_MS or not paced else " MISSED"),
        ),
        (
            f"{label}: non-200 / lost",
            f"{failed} / {lost} of {len(acked):,} kept",
            "0 / 0" + ("" if failed == lost == 0 else " MISSED"),
        ),
    ]


def run(*, rate: int = RATE, seconds: float = SECONDS, stores: tuple[str, ...] = ()) -> list[Row]:
    rows: list[Row] = []
    for kind in stores or ("sqlite", "postgresql"):
        with tempfile.TemporaryDirectory() as tmp, _store(kind, Path(tmp)) as url:
            path = f"/ozon/push/{_shop(url)}"
            with _receiver(url) as port:
                paced = _run_load(port, path, int(rate * seconds), rate, CONNECTIONS)
                flat = _run_load(port, path, FLAT_OUT, 0, CONNECTIONS)
            kept = _kept(url)
            rows += _figures(f"{kind} paced at {rate:,}/s", paced, kept, True)
            rows += _figures(f"{kind} flat out, {CONNECTIONS} connections", flat, kept, False)
    return rows


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] == "serve":
        serve(args[1])
        return 0
    if args and args[0] == "load":
        port, path, n, rate, conns, out = args[1:7]
        load(int(port), path, int(n), float(rate), int(conns), out)
        return 0
    parser = argparse.ArgumentParser(prog="python -m bench.webhook_receiver")
    parser.add_argument("--rate", type=int, default=RATE)
    parser.add_argument("--seconds", type=float, default=SECONDS)
    parser.add_argument("--store", action="append", choices=["sqlite", "postgresql"])
    opts = parser.parse_args(args)
    for name, figure, goal in run(
        rate=opts.rate, seconds=opts.seconds, stores=tuple(opts.store or ())
    ):
        print(f"{name:<52} {figure:>30}   {goal}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
