"""``ozonops run`` (the scheduler, later with the web app) and ``ozonops demo`` (all of it on
the embedded simulator)."""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import Callable, Coroutine, Sequence
from datetime import UTC, datetime, timedelta
from ipaddress import ip_network
from typing import Annotated, Any

import typer
import uvicorn
from pydantic import SecretStr
from rich.console import Console

from ozonops.cli import common
from ozonops.cli import format_run as fmt
from ozonops.cli.common import ResourcesOption, ShopsOption
from ozonops.cli.durations import parse_duration
from ozonops.cli.serving import EmbeddedServer, bind_listener, stop_on_signals
from ozonops.cli.store import import_settings_shops, limiter_for, open_store, sync_with_progress
from ozonops.config import Settings
from ozonops.db import Database, KeyBox, save_shop
from ozonops.errors import OzonOpsError
from ozonops.log import configure_logging
from ozonops.rules import Watchtower, ozon_now
from ozonops.simulator.config import SimConfig
from ozonops.sync import RESOURCES, RunResult, Syncer
from ozonops.worker import Schedule, run_schedule

__all__ = ["register"]


def register(app: typer.Typer) -> None:
    app.command("run")(run)
    app.command("demo")(demo)


def _every(value: str | None) -> timedelta | None:
    if value is None:
        return None
    try:
        return timedelta(seconds=parse_duration(value))
    except ValueError as exc:
        common.fail(f"--every {value!r}: {exc}")


class _Lines:
    """Prints the runs worth a line: those that changed the store or failed, and the first
    "not available" of each resource (it says the same every time after)."""

    def __init__(self) -> None:
        self._unavailable: set[tuple[str, str]] = set()

    def __call__(self, result: RunResult) -> None:
        key = (result.shop, result.resource)
        if result.outcome == "unavailable":
            if key in self._unavailable:
                return
            self._unavailable.add(key)
        elif result.outcome == "ok" and not (result.new or result.changed):
            return
        Console().print(fmt.format_run_line(result, at=datetime.now(UTC)), soft_wrap=True)


def run(
    shop: ShopsOption = None,
    resource: ResourcesOption = None,
    every: Annotated[
        str | None,
        typer.Option("--every", help="Run every resource this often (e.g. 30s, 5m) instead."),
    ] = None,
) -> None:
    """Keep the store in sync: every resource of every shop on its interval, until Ctrl+C."""
    settings = common.load()
    configure_logging(settings.log_level, secrets=_secrets(settings))
    schedule = Schedule(every=_every(every))
    db = open_store(settings)
    import_settings_shops(settings, db)
    common.show(fmt.format_run_banner(schedule=schedule, resources=resource or list(RESOURCES)))
    _until_interrupted(_run(settings, db, schedule, shop, resource))


async def _run(
    settings: Settings,
    db: Database,
    schedule: Schedule,
    shops: list[str] | None,
    resources: list[str] | None,
) -> None:
    async with _syncer(settings, db) as syncer:
        tower, on_run = _watch(settings, db, syncer)
        await _services(
            settings,
            db,
            syncer,
            lambda: run_schedule(
                syncer, schedule=schedule, shops=shops, resources=resources, on_run=on_run
            ),
            also=[asyncio.create_task(tower.run(syncer=syncer), name="watchtower")],
        )


def _watch(
    settings: Settings, db: Database, syncer: Syncer
) -> tuple[Watchtower, Callable[[RunResult], None]]:
    """The rules over the store: evaluated after each sync round and on their timer."""
    tower = Watchtower(
        db,
        config=settings.rules,
        notify=settings.notify,
        ozon_clock=lambda: ozon_now(syncer),
        dashboard_url=settings.public_url or f"http://{settings.web_host}:{settings.web_port}",
    )
    lines = _Lines()

    def on_run(result: RunResult) -> None:
        lines(result)
        tower.after_run(result)

    return tower, on_run


async def _services(
    settings: Settings,
    db: Database,
    syncer: Syncer,
    main: Callable[[], Coroutine[Any, Any, None]],
    *,
    also: Sequence[asyncio.Task[None]] = (),
    servers: Sequence[uvicorn.Server] = (),
) -> None:
    """The web app (push receiver) and the push processor, then — once the receiver listens
    — ``main`` (the scheduler), side by side until one ends (Ctrl+C ends the web server) or
    fails; then all stop."""
    from ozonops.sync import run_processor
    from ozonops.web import UVICORN_OPTIONS, create_app

    loop = asyncio.get_running_loop()
    wake = asyncio.Event()

    def stored() -> None:  # on the inbox writer's thread: wake the processor on the loop
        loop.call_soon_threadsafe(wake.set)

    web = create_app(settings, db, on_stored=stored)
    server = EmbeddedServer(
        uvicorn.Config(
            web,
            host=settings.web_host,
            port=settings.web_port,
            log_config=None,
            log_level="warning",
            **UVICORN_OPTIONS,
        )
    )
    stop_on_signals([server, *servers])
    tasks = {
        asyncio.create_task(server.serve(), name="web"),
        asyncio.create_task(run_processor(syncer=syncer, wake=wake), name="push processor"),
        *also,
    }

    async def when_listening() -> None:
        while not server.started:  # noqa: ASYNC110 (uvicorn offers no event to wait on)
            await asyncio.sleep(0.05)
        await main()

    tasks.add(asyncio.create_task(when_listening(), name="scheduler"))
    try:
        done, _ = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    finally:
        server.should_exit = True
        for task in tasks:
            if task.get_name() not in ("web", "simulator"):
                task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
    for task in done:
        task.result()


def demo(
    port: Annotated[
        int | None, typer.Option(help="Simulator port (default OZONOPS_SIMULATOR_PORT, 8900).")
    ] = None,
    shops: Annotated[int, typer.Option(help="Simulated seller accounts.")] = 2,
    orders_per_day: Annotated[int, typer.Option(help="New postings per simulated day.")] = 500,
    history_days: Annotated[int, typer.Option(help="Days of already-played history.")] = 30,
    speed: Annotated[float, typer.Option(help="Simulated clock speed (N x real time).")] = 60,
    web_port: Annotated[
        int | None, typer.Option(help="Web app port (push receiver; default 8901).")
    ] = None,
    every: Annotated[
        str, typer.Option(help="How often each resource syncs after the first.")
    ] = "30s",
) -> None:
    """The whole system on the embedded simulator: Ozon, a first sync, then the scheduler."""
    settings = common.load()
    if web_port is not None:
        settings = settings.model_copy(update={"web_port": web_port})
    configure_logging(
        "DEBUG" if settings.log_level == "DEBUG" else "WARNING", secrets=_secrets(settings)
    )
    config = SimConfig(
        seed=42, shops=shops, orders_per_day=orders_per_day, history_days=history_days, speed=speed
    )
    host, port = "127.0.0.1", settings.simulator_port if port is None else port
    listener = bind_listener(host, port)
    schedule = Schedule(every=_every(every))
    db = open_store(settings)
    common.show(
        fmt.format_demo_banner(
            base_url=f"http://{host}:{port}",
            config=config,
            db=db.url.render_as_string(hide_password=True),
            schedule=schedule,
        )
    )
    _until_interrupted(_demo(settings, db, config, listener, schedule))


async def _demo(
    settings: Settings,
    db: Database,
    config: SimConfig,
    listener: socket.socket,
    schedule: Schedule,
) -> None:
    from ozonops.simulator.app import create_app
    from ozonops.simulator.webhooks import dispatcher_for
    from ozonops.simulator.world.world import relax_full_gc

    relax_full_gc()  # this process serves the simulator: fewer full GCs over a big world
    simulator = create_app(config)
    host, port = listener.getsockname()[:2]
    base_url = f"http://{host}:{port}"
    server = EmbeddedServer(
        uvicorn.Config(
            simulator, log_config=None, log_level="warning", ws="none", date_header=False
        )
    )
    served = asyncio.create_task(server.serve(sockets=[listener]), name="simulator")
    while not server.started:
        if served.done():
            served.result()
        await asyncio.sleep(0.05)
    world = simulator.state.world
    keys = KeyBox(settings.secret_key)
    with db.transaction() as session:
        tokens = {
            shop.client_id: save_shop(
                session,
                keys=keys,
                name=shop.name,
                client_id=shop.client_id,
                api_key=SecretStr(shop.api_key),
                base_url=base_url,
            ).push_token
            for shop in world.shops
        }
    # The simulated Ozon pushes to our receiver; it sends from this machine, not Ozon's ranges.
    web_url = f"http://{settings.web_host}:{settings.web_port}"
    local = (*settings.push.allowed_networks, ip_network("127.0.0.0/8"))
    settings = settings.model_copy(
        update={"push": settings.push.model_copy(update={"allowed_networks": local})}
    )
    common.show(fmt.format_sim_shops(world.shops, base_url=base_url))

    async def first_sync_then_schedule() -> None:
        for shop in world.shops:  # the receiver listens now
            dispatcher_for(world).configure(shop, f"{web_url}/ozon/push/{tokens[shop.client_id]}")
        common.show(fmt.format_step(f"push receiver · 推送接收 {web_url}/ozon/push/…"))
        common.show(fmt.format_step("first sync · 首次同步"))
        await sync_with_progress(syncer)
        common.show(fmt.format_step("scheduler · 定时同步", schedule=schedule))
        await run_schedule(syncer, schedule=schedule, on_run=on_run)

    try:
        async with _syncer(settings, db) as syncer:
            tower, on_run = _watch(settings, db, syncer)
            watching = asyncio.create_task(tower.run(syncer=syncer), name="watchtower")
            await _services(
                settings,
                db,
                syncer,
                first_sync_then_schedule,
                also=[served, watching],
                servers=[server],
            )
    finally:
        server.should_exit = True
        with contextlib.suppress(asyncio.CancelledError):
            await served


def _syncer(settings: Settings, db: Database) -> Syncer:
    return Syncer.open(
        db,
        keys=KeyBox(settings.secret_key),
        base_url=settings.ozon_base_url,
        config=settings.sync,
        limiter=limiter_for(settings),
    )


def _secrets(settings: Settings) -> list[str]:
    return [s.api_key.get_secret_value() for s in settings.shops]


def _until_interrupted(work: Coroutine[Any, Any, None]) -> None:
    try:
        asyncio.run(work)
    except KeyboardInterrupt:
        pass
    except OzonOpsError as exc:
        common.fail(str(exc))
    common.show("stopped · 已停止")
