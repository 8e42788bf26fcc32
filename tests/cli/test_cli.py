from __future__ import annotations

import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route
from typer.testing import CliRunner

from ozonops import __version__
from ozonops.cli import parse_duration
from ozonops.cli.app import app
from ozonops.simulator.config import FaultConfig
from tests.live import serve

runner = CliRunner()


@dataclass
class FakeSimulator:
    """A real HTTP server speaking the simulator's control endpoints; records what it got."""

    url: str
    faults: dict[str, Any] = field(default_factory=lambda: FaultConfig().model_dump())
    bodies: list[tuple[str, str, Any]] = field(default_factory=list)


def _control_app(sim: FakeSimulator) -> Starlette:
    async def faults(request: Request) -> JSONResponse:
        if request.method == "PUT":
            body = await request.json()
            sim.bodies.append(("PUT", "/_sim/faults", body))
            merged = {**sim.faults, **body}
            if merged["latency_ms_p50"] > merged["latency_ms_p99"]:
                detail = "latency_ms_p50 must not exceed latency_ms_p99"
                return JSONResponse({"detail": detail}, status_code=422)
            sim.faults = merged
        else:
            sim.bodies.append(("GET", "/_sim/faults", None))
        return JSONResponse(sim.faults)

    async def clock(request: Request) -> JSONResponse:
        body = await request.json()
        sim.bodies.append(("POST", "/_sim/clock", body))
        return JSONResponse({"now": "2026-11-30T10:30:00+00:00", "speed": body.get("speed", 60)})

    return Starlette(
        routes=[
            Route("/_sim/faults", faults, methods=["GET", "PUT"]),
            Route("/_sim/clock", clock, methods=["POST"]),
        ]
    )


@pytest.fixture
def simulator() -> Iterator[FakeSimulator]:
    sim = FakeSimulator(url="")
    app = _control_app(sim)
    with serve(app, log_config=None, lifespan="off", ws="none", http="h11") as url:
        sim.url = url
        yield sim


@pytest.fixture
def closed_port_url() -> str:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def _assert_usage_error(result: Any, *fragments: str) -> None:
    assert result.exit_code == 2, result.output
    assert isinstance(result.exception, SystemExit)  # clean exit, not a crash
    assert "Traceback" not in result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ")
    for fragment in fragments:
        assert fragment in lines[0]


def test_version() -> None:
    result = runner.invoke(app, ["version"])

    assert result.exit_code == 0
    assert result.stdout.strip() == f"ozonops {__version__}"


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("45s", 45), ("10m", 600), ("1h30m", 5400), ("2d", 172_800), ("1d2h3m4s", 93_784)],
)
def test_parse_duration(text: str, seconds: int) -> None:
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("text", ["", "90", "1x", "30m1h", "-5m", "1.5h", "0s", "h"])
def test_parse_duration_rejects_bad_values(text: str) -> None:
    with pytest.raises(ValueError, match="bad duration"):
        parse_duration(text)


def test_faults_without_options_gets_current(simulator: FakeSimulator) -> None:
    result = runner.invoke(app, ["simulator", "faults", "--url", simulator.url])

    assert result.exit_code == 0, result.output
    assert simulator.bodies == [("GET", "/_sim/faults", None)]
    assert "error_5xx_rate" in result.stdout
    assert "circuit_open_rate" in result.stdout


def test_faults_puts_only_given_fields(simulator: FakeSimulator) -> None:
    result = runner.invoke(
        app,
        [
            "simulator",
            "faults",
            "--url",
            simulator.url + "/",
            "--error-5xx-rate",
            "0.2",
            "--latency-ms-p99",
            "1500",
        ],
    )

    assert result.exit_code == 0, result.output
    assert simulator.bodies == [
        ("PUT", "/_sim/faults", {"error_5xx_rate": 0.2, "latency_ms_p99": 1500.0})
    ]
    assert "0.2" in result.stdout
    assert "1500.0" in result.stdout


def test_faults_out_of_range_fails_before_sending(simulator: FakeSimulator) -> None:
    result = runner.invoke(app, ["simulator", "faults", "--url", simulator.url, "--drop-rate", "2"])

    _assert_usage_error(result, "--drop-rate")
    assert simulator.bodies == []


def test_faults_refused_by_server(simulator: FakeSimulator) -> None:
    result = runner.invoke(
        app, ["simulator", "faults", "--url", simulator.url, "--latency-ms-p50", "500"]
    )

    _assert_usage_error(result, "HTTP 422", "must not exceed latency_ms_p99")
    assert simulator.faults["latency_ms_p50"] == 0.0


def test_faults_connection_refused(closed_port_url: str) -> None:
    result = runner.invoke(app, ["simulator", "faults", "--url", closed_port_url])

    _assert_usage_error(result, "cannot connect to the simulator", closed_port_url)


def test_faults_bad_url() -> None:
    result = runner.invoke(app, ["simulator", "faults", "--url", "ftp://nowhere"])

    _assert_usage_error(result, "bad simulator URL")


def test_clock_posts_only_given_keys(simulator: FakeSimulator) -> None:
    result = runner.invoke(
        app, ["simulator", "clock", "--url", simulator.url, "--advance", "1h30m", "--freeze"]
    )

    assert result.exit_code == 0, result.output
    assert simulator.bodies == [("POST", "/_sim/clock", {"advance_seconds": 5400, "speed": 0.0})]
    assert "2026-11-30T10:30:00+00:00" in result.stdout
    assert "frozen" in result.stdout


def test_clock_speed_only(simulator: FakeSimulator) -> None:
    result = runner.invoke(app, ["simulator", "clock", "--url", simulator.url, "--speed", "120"])

    assert result.exit_code == 0, result.output
    assert simulator.bodies == [("POST", "/_sim/clock", {"speed": 120.0})]


def test_clock_bad_duration_names_the_value(simulator: FakeSimulator) -> None:
    result = runner.invoke(
        app, ["simulator", "clock", "--url", simulator.url, "--advance", "3 weeks"]
    )

    _assert_usage_error(result, "--advance", "'3 weeks'")
    assert simulator.bodies == []


def test_clock_freeze_and_speed_conflict() -> None:
    result = runner.invoke(app, ["simulator", "clock", "--freeze", "--speed", "2"])

    _assert_usage_error(result, "--freeze", "--speed")


def test_serve_bad_option_is_a_usage_error() -> None:
    result = runner.invoke(app, ["simulator", "serve", "--shops", "0"])

    _assert_usage_error(result, "--shops")


def test_serve_busy_port_is_a_usage_error() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]

        result = runner.invoke(app, ["simulator", "serve", "--port", str(port)])

    _assert_usage_error(result, f"127.0.0.1:{port}", "--port")


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (["--trouble", "meteor=0.5"], "meteor"),
        (["--trouble", "lost"], "NAME=RATE"),
        (["--trouble", "lost=often"], "'often'"),
        (["--trouble", "lost=1.5"], "lost"),
        (["--outcome", "review=-1"], "review"),
    ],
)
def test_serve_bad_rates_are_usage_errors(args: list[str], named: str) -> None:
    result = runner.invoke(app, ["simulator", "serve", *args])

    _assert_usage_error(result, named)


def test_rates_apply_over_the_defaults() -> None:
    from ozonops.cli.app import _rates
    from ozonops.simulator.config import TroubleRates

    rates = _rates("--trouble", ["lost=0.2", "customs-hold=0"], TroubleRates)
    assert rates.lost == 0.2
    assert rates.customs_hold == 0.0
    assert rates.stall == TroubleRates().stall
