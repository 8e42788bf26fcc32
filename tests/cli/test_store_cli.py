"""``ozonops db``, ``shops`` and ``sync`` as a seller types them, against the simulator on a
real socket; ``ozonops demo`` as its own process, stopped with Ctrl+C."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select
from starlette.applications import Starlette
from typer.testing import CliRunner

from ozonops.cli.app import app
from ozonops.db import Database, head_revision, read_api_stats
from ozonops.db.tables import InboxPush, Posting, Shop, SyncRun
from tests.live import serve
from tests.sync.kit import make_app

runner = CliRunner()


@pytest.fixture
def sim() -> Iterator[tuple[Starlette, str]]:
    simulator = make_app(orders_per_day=20, history_days=10)
    with serve(simulator, lifespan="off", ws="none", date_header=False) as url:
        yield simulator, url


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    values = {
        "OZONOPS_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}",
        "OZONOPS_SECRET_KEY": "cli-test-secret",
        "OZONOPS_OZON_REQUESTS_PER_SECOND": "500",
        "OZONOPS_SYNC__BACKFILL_DAYS": "30",
    }
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("COLUMNS", "200")  # rich's width: a summary row on one line
    return values


def test_add_shops_then_sync_twice(sim: tuple[Starlette, str], env: dict[str, str]) -> None:
    simulator, url = sim
    for shop in simulator.state.world.shops:
        added = runner.invoke(
            app,
            ["shops", "add", shop.name, "--client-id", shop.client_id, "--base-url", url],
            input=f"{shop.api_key}\n",  # asked for, not echoed
        )
        assert added.exit_code == 0, added.output
        assert shop.api_key not in added.output
    listed = runner.invoke(app, ["shops", "list"])
    assert all(s.client_id in listed.output for s in simulator.state.world.shops)
    assert "/ozon/push/" in listed.output
    first = runner.invoke(app, ["sync"])
    assert first.exit_code == 0, first.output
    assert "fbs_postings" in first.output
    assert "n/a 未开通" in first.output  # the shop without reviews in its plan
    db = Database(env["OZONOPS_DATABASE_URL"])
    with db.transaction() as s:
        count = s.scalar(select(func.count()).select_from(Posting))
    assert count is not None
    assert count > 100
    again = runner.invoke(app, ["sync", "--resource", "fbs_postings", "--resource", "returns"])
    assert again.exit_code == 0, again.output
    total = next(line for line in again.output.splitlines() if "total" in line)
    assert total.split()[2:4] == ["0", "0"]  # new, changed
    # Both runs' calls, summed in the store across processes, shown by `ozonops metrics`.
    with db.transaction() as s:
        stats = read_api_stats(s)
    lists = [stats[name]["/v4/posting/fbs/list"]["calls"] for name in stats]
    assert len(lists) == 2
    assert all(n >= 2 for n in lists)  # the backfill's pages, then the incremental page
    figures = runner.invoke(app, ["metrics"])
    assert figures.exit_code == 0, figures.output
    assert "/v4/posting/fbs/list" in figures.output


def test_bad_arguments_say_what_to_do(env: dict[str, str]) -> None:
    empty = runner.invoke(app, ["sync"])
    assert empty.exit_code == 2
    assert "ozonops shops add" in empty.output
    bad = runner.invoke(app, ["sync", "--resource", "orders"])
    assert bad.exit_code == 2
    assert "fbs_postings" in bad.output
    since = runner.invoke(app, ["sync", "--since", "last week"])
    assert since.exit_code == 2
    assert "YYYY-MM-DD" in since.output
    client = runner.invoke(app, ["shops", "add", "x", "--client-id", "abc", "--api-key", "k"])
    assert client.exit_code == 2
    assert "digits" in client.output
    status = runner.invoke(app, ["db", "status"])
    assert head_revision() in status.output


def test_demo_runs_the_whole_system_until_ctrl_c(tmp_path: Path) -> None:
    sock_port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("OZONOPS_")}
    env["OZONOPS_DATABASE_URL"] = f"sqlite:///{tmp_path / 'demo.db'}"
    log = tmp_path / "demo.log"
    args = ["--port", str(sock_port), "--web-port", str(_free_port())]
    args += ["--orders-per-day", "60", "--history-days", "10", "--speed", "600"]
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "ozonops", "demo", *args, "--every", "2s"],
            env={**env, "COLUMNS": "200"},
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 120
        while "定时同步" not in log.read_text():
            assert proc.poll() is None, log.read_text()
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.2)
        db = Database(env["OZONOPS_DATABASE_URL"])
        while _pushes(db) == 0:  # the simulated Ozon pushes to the receiver; they are applied
            assert proc.poll() is None, log.read_text()
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.2)
    finally:
        proc.send_signal(signal.SIGINT)
        code = proc.wait(30)
    text = log.read_text()
    assert code == 0, text
    assert "stopped · 已停止" in text
    assert "Traceback" not in text
    with db.transaction() as s:
        assert (s.scalar(select(func.count()).select_from(Posting)) or 0) > 100


def _pushes(db: Database) -> int:
    """Pushes the receiver stored and the processor applied."""
    with db.transaction() as s:
        return (
            s.scalar(
                select(func.count())
                .select_from(InboxPush)
                .where(InboxPush.processed_at.is_not(None))
            )
            or 0
        )


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def test_run_syncs_on_schedule_and_serves_the_push_receiver(
    sim: tuple[Starlette, str], env: dict[str, str], tmp_path: Path
) -> None:
    simulator, url = sim
    shop = simulator.state.world.shops[0]
    added = runner.invoke(
        app,
        ["shops", "add", "main", "--client-id", shop.client_id, "--base-url", url],
        input=f"{shop.api_key}\n",
    )
    assert added.exit_code == 0, added.output
    web_port = _free_port()
    log = tmp_path / "run.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "ozonops", "run", "--every", "1s", "--resource", "returns"],
            env={**os.environ, "OZONOPS_WEB_PORT": str(web_port)},
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    db = Database(env["OZONOPS_DATABASE_URL"])
    try:
        deadline = time.monotonic() + 60
        while _runs(db) < 3:  # the scheduler goes round
            assert proc.poll() is None, log.read_text()
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.2)
        with db.transaction() as s:
            token = s.scalar(select(Shop.push_token))
        push = httpx.post(
            f"http://127.0.0.1:{web_port}/ozon/push/{token}",
            json={"message_type": "TYPE_PING", "time": "2026-12-01T00:00:00Z"},
        )
        # Only Ozon's published ranges may push; this test is not Ozon.
        assert push.status_code == 403
        assert push.json()["error"]["code"]
    finally:
        proc.send_signal(signal.SIGTERM)
        code = proc.wait(30)
    text = log.read_text()
    assert code == 0, text
    assert "Traceback" not in text


def _runs(db: Database) -> int:
    with db.transaction() as s:
        return s.scalar(select(func.count()).select_from(SyncRun)) or 0
