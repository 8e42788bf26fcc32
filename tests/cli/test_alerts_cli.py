"""``ozonops alerts`` and ``ozonops messages`` as a seller types them: a simulated Ozon on a
real socket, a sync, the rules evaluated, alerts handled, a buyer message previewed and sent."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from starlette.applications import Starlette
from typer.testing import CliRunner

from ozonops.cli.app import app
from ozonops.db import Database
from ozonops.db.tables import Alert, AuditEntry, Posting, Shop
from tests.live import serve
from tests.sync.kit import make_app

runner = CliRunner()


@pytest.fixture
def sim() -> Iterator[tuple[Starlette, str]]:
    simulator = make_app(orders_per_day=30, history_days=12)
    with serve(simulator, lifespan="off", ws="none", date_header=False) as url:
        yield simulator, url


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    for name, value in {
        "OZONOPS_DATABASE_URL": url,
        "OZONOPS_SECRET_KEY": "cli-test-secret",
        "OZONOPS_OZON_REQUESTS_PER_SECOND": "500",
        "OZONOPS_SYNC__BACKFILL_DAYS": "20",
        "COLUMNS": "220",
    }.items():
        monkeypatch.setenv(name, value)
    return url


def _ok(args: list[str]) -> str:
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    return result.output


def test_alerts_and_a_buyer_message_from_the_command_line(
    sim: tuple[Starlette, str], env: str
) -> None:
    simulator, url = sim
    world = simulator.state.world
    for shop in world.shops:
        _ok(
            [
                "shops",
                "add",
                shop.name,
                "--client-id",
                shop.client_id,
                "--base-url",
                url,
                "--api-key",
                shop.api_key,
            ]
        )
    _ok(["sync", "--resource", "fbs_postings", "--resource", "fbo_postings", "--resource", "chats"])
    checked = _ok(["alerts", "check", "--no-notify"])
    assert re.search(r"\d+ opened 新增", checked)
    listed = _ok(["alerts", "list", "--lang", "en"])
    assert "Posting " in listed
    unknown = runner.invoke(app, ["alerts", "list", "--rule", "no_such_rule"])
    assert (unknown.exit_code, "rules are: ship_by_near" in unknown.output) == (2, True)

    db = Database(env)
    with db.transaction() as s:
        alert_id = s.scalar(select(Alert.id).where(Alert.state == "open").order_by(Alert.id))
        pro = s.scalar(select(Shop.id).where(Shop.client_id == world.shops[0].client_id))
        fresh = s.scalar(
            select(Posting.posting_number)
            .where(
                Posting.shop_id == pro,
                Posting.status != "cancelled",
                Posting.in_process_at > world.now() - timedelta(hours=60),
            )
            .order_by(Posting.posting_number)
        )
    assert alert_id is not None
    assert fresh is not None
    assert "ack 已确认" in _ok(["alerts", "ack", str(alert_id), "--by", "li"])
    assert "snoozed 暂缓" in _ok(["alerts", "snooze", str(alert_id), "--for", "2h"])
    assert "resolved 已解决" in _ok(["alerts", "resolve", str(alert_id)])
    story = _ok(["alerts", "history", str(alert_id)])
    assert [k for k in ("opened", "acknowledged", "snoozed", "resolved") if k in story] == [
        "opened",
        "acknowledged",
        "snoozed",
        "resolved",
    ]
    again = runner.invoke(app, ["alerts", "resolve", str(alert_id)])
    assert (again.exit_code, "already resolved" in again.output) == (2, True)
    bad = runner.invoke(app, ["alerts", "snooze", str(alert_id), "--for", "soon"])
    assert (bad.exit_code, "e.g. 45s" in bad.output) == (2, True)

    assert "Здравствуйте" in _ok(["messages", "templates"])
    preview = _ok(["messages", "send", "--template", "thank_you", "--posting", fresh])
    assert "preview only" in preview
    assert "ok · 可发送" in preview
    sent = _ok(
        ["messages", "send", "--template", "thank_you", "--posting", fresh, "--yes", "--by", "li"]
    )
    assert "sent 已发送" in sent
    twice = _ok(["messages", "send", "--template", "thank_you", "--posting", fresh, "--yes"])
    assert "already sent" in twice
    with db.transaction() as s:
        actions = [
            a.action for a in s.scalars(select(AuditEntry).where(AuditEntry.object_id == fresh))
        ]
    assert actions == ["buyer_message.sent", "buyer_message.refused"]
    nobody = runner.invoke(app, ["messages", "send", "--template", "thank_you"])
    assert (nobody.exit_code, "--posting" in nobody.output) == (2, True)
    db.dispose()
