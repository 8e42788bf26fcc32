"""The ``ozonops`` command line. Command modules print through ``cli.common``; renderables
are built by the ``format`` modules."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import httpx
import typer
from pydantic import ValidationError
from rich.console import Console, RenderableType

from ozonops import __version__
from ozonops.cli import alerts, common, run, store
from ozonops.cli import format as fmt
from ozonops.cli.durations import parse_duration
from ozonops.cli.serving import bind_listener
from ozonops.cli.simctl import (
    SimulatorControlError,
    get_clock,
    get_faults,
    get_shops,
    post_clock,
    put_faults,
)
from ozonops.cli.store import open_store
from ozonops.config import Settings, ShopCredentials
from ozonops.db import read_api_stats
from ozonops.log import configure_logging
from ozonops.ozon import MethodSnapshot, RetryPolicy, ShopClients, ShopReport, diagnose
from ozonops.ozon.specdiff import USED_METHODS, InvalidSpecError, diff_specs, parse_spec
from ozonops.simulator.config import FaultConfig, OutcomeRates, SimConfig, TroubleRates

__all__ = ["app", "main"]

USAGE_ERROR = common.USAGE_ERROR
# Exit code of `spec-diff` when the newer spec breaks a method we call (for CI).
SPEC_BREAKING = 1
# Exit code of `doctor` when a shop needs attention (expiring key, unreachable, degraded...).
SHOP_PROBLEM = 1
# The doctor should answer in seconds: one retry, a short deadline.
DOCTOR_POLICY = RetryPolicy(max_attempts=2, base_delay=0.2, deadline=15.0)
DOCTOR_TIMEOUT = httpx.Timeout(10.0, connect=5.0)
DEFAULT_URL = "http://127.0.0.1:8900"

app = typer.Typer(
    name="ozonops",
    help="Post-shipment operations for Ozon sellers.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_show_locals=False,  # locals may hold Api-Keys
)
simulator_app = typer.Typer(
    help="Run and steer the embedded Ozon Seller API simulator.", no_args_is_help=True
)
app.add_typer(simulator_app, name="simulator")
store.register(app)
run.register(app)
alerts.register(app)

UrlOption = Annotated[str, typer.Option("--url", help="Base URL of a running simulator.")]


def main() -> None:
    """Entry point of the ``ozonops`` console script."""
    app(prog_name="ozonops")


@app.command()
def version() -> None:
    """Print the ozonops version."""
    common.show(fmt.format_version(__version__))


@simulator_app.command("serve")
def simulator_serve(
    seed: Annotated[int, typer.Option(help="Seed; the same seed builds the same world.")] = 42,
    shops: Annotated[int, typer.Option(help="Number of simulated seller accounts.")] = 2,
    orders_per_day: Annotated[int, typer.Option(help="New postings per simulated day.")] = 500,
    history_days: Annotated[int, typer.Option(help="Days of already-played history.")] = 90,
    speed: Annotated[float, typer.Option(help="Clock speed: 0 frozen, N = N x real time.")] = 60,
    port: Annotated[
        int | None, typer.Option(help="TCP port (default: OZONOPS_SIMULATOR_PORT, else 8900).")
    ] = None,
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    autopilot: Annotated[
        bool,
        typer.Option(
            "--autopilot/--no-autopilot", help="Let the simulated seller act on new orders."
        ),
    ] = False,
    webhook_url: Annotated[
        str | None, typer.Option(help="Push-notification URL, set for every shop.")
    ] = None,
    trouble: Annotated[
        list[str] | None,
        typer.Option(
            help="Trouble rate per posting, NAME=RATE (repeatable), e.g. --trouble lost=0.05. "
            f"Names: {', '.join(TroubleRates.model_fields)}."
        ),
    ] = None,
    outcome: Annotated[
        list[str] | None,
        typer.Option(
            help="Buyer outcome rate, NAME=RATE (repeatable). "
            f"Names: {', '.join(OutcomeRates.model_fields)}."
        ),
    ] = None,
) -> None:
    """Serve a seeded Ozon Seller API simulator until Ctrl+C."""
    options: dict[str, Any] = {
        "seed": seed,
        "shops": shops,
        "orders_per_day": orders_per_day,
        "history_days": history_days,
        "speed": speed,
        "autopilot": autopilot,
        "troubles": _rates("--trouble", trouble or [], TroubleRates),
        "outcomes": _rates("--outcome", outcome or [], OutcomeRates),
    }
    if webhook_url is not None:
        options["webhook_url"] = webhook_url
    settings = common.load()
    _serve(
        _sim_config(options),
        settings=settings,
        host=host,
        port=settings.simulator_port if port is None else port,
    )


@simulator_app.command("faults")
def simulator_faults(
    url: UrlOption = DEFAULT_URL,
    error_5xx_rate: Annotated[float | None, typer.Option(help="Share of 5xx answers.")] = None,
    latency_ms_p50: Annotated[float | None, typer.Option(help="Median added latency.")] = None,
    latency_ms_p99: Annotated[float | None, typer.Option(help="p99 added latency.")] = None,
    timeout_rate: Annotated[float | None, typer.Option(help="Share of hung requests.")] = None,
    drop_rate: Annotated[float | None, typer.Option(help="Share of dropped connections.")] = None,
    circuit_open_rate: Annotated[
        float | None, typer.Option(help="Share of circuit-breaker answers.")
    ] = None,
) -> None:
    """Show the simulator's injected faults, or change the ones given."""
    given = {
        "error_5xx_rate": error_5xx_rate,
        "latency_ms_p50": latency_ms_p50,
        "latency_ms_p99": latency_ms_p99,
        "timeout_rate": timeout_rate,
        "drop_rate": drop_rate,
        "circuit_open_rate": circuit_open_rate,
    }
    changes = {name: value for name, value in given.items() if value is not None}
    try:
        # Check ranges here so a typo fails before touching the running simulator.
        FaultConfig.model_validate(changes)
    except ValidationError as exc:
        common.fail(common.describe(exc, flags=True))
    try:
        current = put_faults(url=url, changes=changes) if changes else get_faults(url=url)
    except SimulatorControlError as exc:
        common.fail(str(exc))
    common.show(fmt.format_faults(current))


@simulator_app.command("clock")
def simulator_clock(
    url: UrlOption = DEFAULT_URL,
    advance: Annotated[
        str | None, typer.Option(help="Jump the clock forward: 45s, 10m, 1h30m, 2d.")
    ] = None,
    speed: Annotated[float | None, typer.Option(help="New clock speed (N x real time).")] = None,
    freeze: Annotated[bool, typer.Option("--freeze", help="Stop the clock (speed 0).")] = False,
) -> None:
    """Show, advance or re-speed the simulated clock."""
    if freeze and speed is not None:
        common.fail("--freeze and --speed contradict each other; pass only one")
    if speed is not None and speed < 0:
        common.fail(f"--speed must be 0 or more, got {speed:g}")
    body: dict[str, float | int] = {}
    if advance is not None:
        try:
            body["advance_seconds"] = parse_duration(advance)
        except ValueError as exc:
            common.fail(f"--advance: {exc}")
    if freeze:
        body["speed"] = 0.0
    elif speed is not None:
        body["speed"] = speed
    try:
        clock = post_clock(url=url, body=body)
    except SimulatorControlError as exc:
        common.fail(str(exc))
    common.show(fmt.format_clock(clock))


@app.command()
def doctor(
    shop: Annotated[
        str | None, typer.Option("--shop", help="Check only this shop (name or Client-Id).")
    ] = None,
    simulator: Annotated[
        str | None,
        typer.Option(
            "--simulator",
            help="Check a running simulator's demo shops (keys from URL/_sim/shops).",
        ),
    ] = None,
) -> None:
    """Check each shop's key, plan, reachability and failing methods; exit 1 on a problem."""
    settings = common.load()
    # The report shows every failure; the transport's log lines would only repeat them.
    configure_logging(
        "DEBUG" if settings.log_level == "DEBUG" else "ERROR",
        secrets=[s.api_key.get_secret_value() for s in settings.shops],
    )
    if simulator is not None:
        creds, now = _simulator_shops(simulator)
        base_url = simulator.rstrip("/")
    else:
        if not settings.shops:
            Console(stderr=True).print(fmt.format_no_shops(), soft_wrap=True)
            raise typer.Exit(code=USAGE_ERROR)
        creds, now = list(settings.shops), datetime.now(UTC)
        base_url = settings.ozon_base_url
    if shop is not None:
        chosen = [c for c in creds if shop in (c.name, c.client_id)]
        if not chosen:
            known = ", ".join(repr(c.name) for c in creds)
            common.fail(
                f"--shop {shop!r} is neither a shop name nor a Client-Id; known shops: {known}"
            )
        creds = chosen
    reports, metrics = asyncio.run(_doctor(creds, base_url=base_url, now=now))
    common.show(fmt.format_doctor(reports))
    common.show(fmt.format_metrics(metrics))
    if any(not r.ok for r in reports):
        raise typer.Exit(code=SHOP_PROBLEM)


@app.command()
def metrics() -> None:
    """Per shop and method, what ozonops' calls to Ozon did: calls, errors, retries, 429s,
    latency, limiter wait — summed over every sync and run, as the store keeps them."""
    settings = common.load()
    db = open_store(settings)
    with db.transaction() as session:
        figures = read_api_stats(session)
    common.show(fmt.format_metrics(figures))  # type: ignore[arg-type]


async def _doctor(
    creds: Sequence[ShopCredentials], *, base_url: str, now: datetime
) -> tuple[list[ShopReport], dict[str, dict[str, MethodSnapshot]]]:
    async with ShopClients.from_credentials(
        creds, base_url=base_url, policy=DOCTOR_POLICY, timeout=DOCTOR_TIMEOUT
    ) as clients:
        reports = await asyncio.gather(*(diagnose(c, now=now) for c in clients))
        return list(reports), {name: m.snapshot() for name, m in clients.metrics().items()}


def _simulator_shops(url: str) -> tuple[list[ShopCredentials], datetime]:
    """The simulator's demo shops and its simulated "now" (keys expire on the world's clock)."""
    try:
        shops = get_shops(url=url)
        clock = get_clock(url=url)
        creds = [ShopCredentials.model_validate(s) for s in _shop_fields(shops)]
        now = datetime.fromisoformat(str(clock["now"]))
    except SimulatorControlError as exc:
        common.fail(str(exc).replace("--url", "--simulator"))
    except (ValidationError, KeyError, ValueError):
        common.fail(
            f"{url} did not describe its shops as an ozonops simulator does; check --simulator"
        )
    if not creds:
        common.fail(f"the simulator at {url} has no shops")
    return creds, now


def _shop_fields(shops: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{k: s.get(k) for k in ("name", "client_id", "api_key")} for s in shops]


@app.command("spec-diff")
def spec_diff(
    new: Annotated[Path, typer.Argument(help="The newer Ozon swagger.json.", show_default=False)],
    old: Annotated[
        Path | None, typer.Option("--old", help="Baseline spec (default: the vendored one).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the findings as JSON.")] = False,
    show_additions: Annotated[
        bool, typer.Option("--show-additions", help="Also list added fields and enum values.")
    ] = False,
) -> None:
    """List methods and fields we call that a newer spec removed or changed; exit 1 if breaking."""
    if old is None:
        from ozonops.ozon.spec import load_spec  # jsonschema is slow to import; only load it here

        baseline = load_spec()
    else:
        baseline = _read_spec(old)
    diff = diff_specs(
        baseline, _read_spec(new), methods=USED_METHODS, show_additions=show_additions
    )
    if as_json:
        typer.echo(json.dumps(diff.as_dict(), ensure_ascii=False, indent=2))
    else:
        common.show(fmt.format_spec_diff(diff))
    if diff.breaking:
        raise typer.Exit(code=SPEC_BREAKING)


def _read_spec(path: Path) -> dict[str, Any]:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        common.fail(
            f"cannot read {path}: {exc.strerror or exc}; pass a readable swagger .json file"
        )
    try:
        return parse_spec(raw, name=str(path))
    except InvalidSpecError as exc:
        common.fail(str(exc))


def _serve(
    config: SimConfig,
    *,
    settings: Settings,
    host: str,
    port: int,
    banner: RenderableType | None = None,
) -> None:
    import uvicorn

    # Bind first: a busy port should fail in a second, not after the world is built.
    listener = bind_listener(host, port)
    from ozonops.simulator.app import create_app
    from ozonops.simulator.world.world import relax_full_gc

    configure_logging(
        settings.log_level,
        secrets=[shop.api_key.get_secret_value() for shop in settings.shops],
    )
    with listener:
        relax_full_gc()  # this process is the simulator's: fewer full GCs over a big world
        asgi_app = create_app(config)
        if banner is not None:
            common.show(banner)
        shops = asgi_app.state.world.shops
        common.show(fmt.format_shops(shops, base_url=f"http://{host}:{port}"))
        server = uvicorn.Server(
            uvicorn.Config(
                asgi_app,
                log_config=None,
                log_level=settings.log_level.lower(),
                ws="none",
                date_header=False,  # the simulator sends its own clock's Date
            )
        )
        # uvicorn re-raises Ctrl+C after a clean shutdown.
        with contextlib.suppress(KeyboardInterrupt):
            server.run(sockets=[listener])
    common.show("stopped · 已停止")


def _rates(flag: str, given: Sequence[str], model: type[TroubleRates | OutcomeRates]) -> Any:
    """``NAME=RATE`` pairs over the model's defaults; a bad pair stops with a clear line."""
    values: dict[str, float] = {}
    for pair in given:
        name, sep, raw = pair.partition("=")
        name = name.strip().replace("-", "_")
        if not sep or name not in model.model_fields:
            common.fail(
                f"{flag} {pair!r}: expected NAME=RATE with NAME one of "
                f"{', '.join(model.model_fields)}"
            )
        try:
            values[name] = float(raw)
        except ValueError:
            common.fail(f"{flag} {pair!r}: {raw!r} is not a number between 0 and 1")
    try:
        return model(**values)
    except ValidationError as exc:
        common.fail(f"{flag}: {common.describe(exc, flags=False)}")


def _sim_config(options: dict[str, Any]) -> SimConfig:
    try:
        return SimConfig.model_validate(options)
    except ValidationError as exc:
        common.fail(common.describe(exc, flags=True))
