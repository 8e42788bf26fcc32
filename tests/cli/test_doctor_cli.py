"""``ozonops doctor`` and ``ozonops metrics`` against a simulator served over a real socket."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from starlette.applications import Starlette
from typer.testing import CliRunner

from ozonops.cli.app import app
from tests.ozon.simserver import free_port, make_app, serve

runner = CliRunner()


@pytest.fixture(autouse=True)
def wide_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "200")  # keep each finding on one line for the asserts


@pytest.fixture(scope="module")
def simulator() -> Iterator[tuple[Starlette, str]]:
    sim = make_app()
    with serve(sim) as url:
        yield sim, url


def test_doctor_on_the_demo_shops(simulator: tuple[Starlette, str]) -> None:
    _, url = simulator
    result = runner.invoke(app, ["doctor", "--simulator", url])
    assert result.exit_code == 1, result.output
    out = result.output
    assert "Shop 1 (Client-Id" in out
    assert "Key expires in 8 days · 密钥8天后过期" in out
    assert "✓ Reviews: available · 评价：可用" in out
    assert "✗ Reviews: not on this plan · 评价：当前套餐不支持" in out
    assert "? Sending chat messages: unknown · 发送聊天消息：未知" in out
    assert "SubscriptionRequired" in out  # Shop 2's last failure
    assert "1 of 2 shop(s) need attention: Shop 2" in out
    assert "API calls · 接口调用统计" in out
    assert "/v2/review/count" in out


def test_doctor_one_shop_that_is_fine(simulator: tuple[Starlette, str]) -> None:
    _, url = simulator
    result = runner.invoke(app, ["doctor", "--simulator", url, "--shop", "Shop 1"])
    assert result.exit_code == 0, result.output
    assert "All 1 shop(s) OK · 所有店铺正常" in result.output
    assert "Shop 2" not in result.output


def test_doctor_reads_configured_shops(monkeypatch: pytest.MonkeyPatch) -> None:
    # Without --simulator the key's expiry is judged by the real clock: start the world now.
    sim = make_app(start=datetime.now(UTC))
    first = sim.state.world.shops[0]
    shops = [
        {"name": "main", "client_id": first.client_id, "api_key": first.api_key},
        {"name": "typo", "client_id": first.client_id, "api_key": "wrong-key"},
    ]
    monkeypatch.setenv("OZONOPS_SHOPS", json.dumps(shops))
    with serve(sim) as url:
        monkeypatch.setenv("OZONOPS_OZON_BASE_URL", url)
        result = runner.invoke(app, ["doctor"])
        assert result.exit_code == 1, result.output
        assert "typo (Client-Id" in result.output
        assert "✗ Key invalid · 密钥无效" in result.output
        assert "wrong-key" not in result.output
        result = runner.invoke(app, ["doctor", "--shop", "main"])
        assert result.exit_code == 0, result.output


def test_doctor_with_an_unreachable_ozon(monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"http://127.0.0.1:{free_port()}"
    shops = [{"name": "main", "client_id": "1", "api_key": "k"}]
    monkeypatch.setenv("OZONOPS_SHOPS", json.dumps(shops))
    monkeypatch.setenv("OZONOPS_OZON_BASE_URL", url)
    result = runner.invoke(app, ["doctor"])
    assert result.exit_code == 1, result.output
    assert "✗ Unreachable · 无法连接" in result.output
    assert f"cannot connect to {url}" in result.output
    assert "Traceback" not in result.output


def test_doctor_with_an_unreachable_simulator() -> None:
    url = f"http://127.0.0.1:{free_port()}"
    result = runner.invoke(app, ["doctor", "--simulator", url])
    assert result.exit_code == 2
    assert result.output.startswith(f"error: cannot connect to the simulator at {url}")
    assert "--simulator" in result.output


def test_doctor_without_shops_says_how_to_configure_them() -> None:
    result = runner.invoke(app, ["doctor"])
    assert result.exit_code == 2
    assert result.output.startswith("error: no shops configured · 未配置店铺")
    assert "OZONOPS_SHOPS" in result.output
    assert ".env" in result.output


def test_doctor_with_an_unknown_shop(simulator: tuple[Starlette, str]) -> None:
    _, url = simulator
    result = runner.invoke(app, ["doctor", "--simulator", url, "--shop", "nope"])
    assert result.exit_code == 2
    assert "known shops: 'Shop 1', 'Shop 2'" in result.output


def test_metrics_of_an_empty_store_explain_themselves(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OZONOPS_DATABASE_URL", f"sqlite:///{tmp_path / 'empty.db'}")
    result = runner.invoke(app, ["metrics"])
    assert result.exit_code == 0, result.output
    assert "No API calls recorded yet" in result.output
