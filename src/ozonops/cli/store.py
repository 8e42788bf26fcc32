"""Commands over the local store: ``ozonops db …``, ``ozonops shops …`` and ``ozonops sync``."""

from __future__ import annotations

import asyncio
import time
from datetime import date
from typing import Annotated

import typer
from pydantic import SecretStr, ValidationError
from rich.progress import Progress, SpinnerColumn, TaskID, TextColumn, TimeElapsedColumn

from ozonops.cli import common
from ozonops.cli import format_store as fmt
from ozonops.cli.common import ResourcesOption, ShopsOption
from ozonops.config import Settings, SyncConfig
from ozonops.db import (
    Database,
    KeyBox,
    StoreError,
    current_revision,
    head_revision,
    load_shops,
    save_shop,
    upgrade,
)
from ozonops.errors import OzonOpsError
from ozonops.log import configure_logging
from ozonops.ozon import Limiter, memory_limiter, redis_limiter
from ozonops.sync import RunResult, Syncer

__all__ = [
    "db_app",
    "import_settings_shops",
    "limiter_for",
    "open_store",
    "register",
    "shops_app",
    "sync_with_progress",
]

# Exit code of `sync` when a resource failed (the others were still read).
SYNC_FAILED = 1

db_app = typer.Typer(help="The local store: schema and migrations.", no_args_is_help=True)
shops_app = typer.Typer(help="The Ozon shops the store syncs.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.add_typer(db_app, name="db")
    app.add_typer(shops_app, name="shops")
    app.command("sync")(sync)


def open_store(settings: Settings, *, migrate: bool = True) -> Database:
    """The settings' store, migrated to this version's schema (it keeps the data)."""
    try:
        db = Database(settings.database_url)
        if migrate:
            upgrade(db)
    except StoreError as exc:
        common.fail(str(exc))
    return db


def limiter_for(settings: Settings) -> Limiter:
    """One budget per Client-Id: in this process, or shared through Redis when configured."""
    rate = settings.ozon_requests_per_second
    if settings.redis_url:
        return redis_limiter(settings.redis_url, per_second=rate)
    return memory_limiter(per_second=rate)


def import_settings_shops(settings: Settings, db: Database) -> None:
    """The shops of ``OZONOPS_SHOPS`` go into the store (their keys sealed)."""
    if not settings.shops:
        return
    keys = KeyBox(settings.secret_key)
    with db.transaction() as session:
        for shop in settings.shops:
            save_shop(
                session,
                keys=keys,
                name=shop.name,
                client_id=shop.client_id,
                api_key=shop.api_key,
            )


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Create the store, or migrate it to this version's schema (keeps the data)."""
    settings = common.load()
    db = open_store(settings)
    common.show(
        fmt.format_db_status(url=repr(db), current=current_revision(db), head=head_revision())
    )


@db_app.command("status")
def db_status() -> None:
    """Say which schema the store is at and which this ozonops needs."""
    settings = common.load()
    db = open_store(settings, migrate=False)
    try:
        current = current_revision(db)
    except StoreError as exc:
        common.fail(str(exc))
    common.show(fmt.format_db_status(url=repr(db), current=current, head=head_revision()))


@shops_app.command("add")
def shops_add(
    name: Annotated[str, typer.Argument(help="A name for the shop, e.g. main or 旗舰店.")],
    client_id: Annotated[str, typer.Option("--client-id", help="The shop's Client-Id.")],
    api_key: Annotated[
        str,
        typer.Option(
            "--api-key",
            prompt=True,
            hide_input=True,
            help="The Api-Key (asked for when not given; stored encrypted).",
        ),
    ],
    base_url: Annotated[
        str | None,
        typer.Option("--base-url", help="Where this shop's Ozon answers (a simulator, say)."),
    ] = None,
) -> None:
    """Add a shop to the store, or update the one with this Client-Id."""
    settings = common.load()
    if not client_id.strip().isdigit():
        common.fail(f"--client-id {client_id!r} must be the digits Ozon shows in the cabinet")
    if not api_key.strip():
        common.fail("--api-key is empty; copy it from Ozon's cabinet (Settings → API keys)")
    db = open_store(settings)
    with db.transaction() as session:
        save_shop(
            session,
            keys=KeyBox(settings.secret_key),
            name=name,
            client_id=client_id.strip(),
            api_key=SecretStr(api_key.strip()),
            base_url=base_url,
        )
    shops_list()


@shops_app.command("list")
def shops_list() -> None:
    """The store's shops and their push URLs (never their keys)."""
    settings = common.load()
    db = open_store(settings)
    try:
        with db.transaction() as session:
            shops = load_shops(session, keys=KeyBox(settings.secret_key))
    except StoreError as exc:
        common.fail(str(exc))
    common.show(fmt.format_stored_shops(shops, push_base=None))


def sync(
    shop: ShopsOption = None,
    resource: ResourcesOption = None,
    since: Annotated[
        str | None,
        typer.Option("--since", help="Read again from this day (YYYY-MM-DD), as a first run."),
    ] = None,
) -> None:
    """Bring the store up to date with Ozon: every resource of every shop, or those named."""
    settings = common.load()
    # The summary tells every outcome; log lines below WARNING would only repeat it.
    configure_logging(
        "DEBUG" if settings.log_level == "DEBUG" else "WARNING",
        secrets=[s.api_key.get_secret_value() for s in settings.shops],
    )
    config = settings.sync
    if since is not None:
        try:
            config = config.model_copy(update={"since": date.fromisoformat(since)})
        except ValueError:
            common.fail(f"--since {since!r} is not a date; use YYYY-MM-DD, e.g. 2026-09-01")
    db = open_store(settings)
    import_settings_shops(settings, db)
    started = time.monotonic()
    try:
        results = asyncio.run(_sync(settings, db, config, shop, resource))
    except (OzonOpsError, ValidationError) as exc:
        common.fail(str(exc))
    common.show(fmt.format_sync_summary(results, seconds=time.monotonic() - started))
    if any(r.outcome == "failed" for r in results):
        raise typer.Exit(code=SYNC_FAILED)


async def _sync(
    settings: Settings,
    db: Database,
    config: SyncConfig,
    shops: list[str] | None,
    resources: list[str] | None,
) -> list[RunResult]:
    syncer = Syncer.open(
        db,
        keys=KeyBox(settings.secret_key),
        base_url=settings.ozon_base_url,
        config=config,
        limiter=limiter_for(settings),
    )
    async with syncer:
        syncer.select(shops=shops, resources=resources)  # a typo fails before anything runs
        if not syncer.shops:
            common.fail(
                "the store has no shops yet: `ozonops shops add NAME --client-id ...`, "
                "or set OZONOPS_SHOPS"
            )
        return await sync_with_progress(syncer, shops=shops, resources=resources, summary=False)


async def sync_with_progress(
    syncer: Syncer,
    *,
    shops: list[str] | None = None,
    resources: list[str] | None = None,
    summary: bool = True,
) -> list[RunResult]:
    """Run a sync with a live line per shop and resource; print its summary if asked."""
    started = time.monotonic()
    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        TextColumn("{task.completed} rows"),
        TimeElapsedColumn(),
        transient=True,
    ) as progress:
        tasks: dict[tuple[str, str], TaskID] = {}

        def report(shop: str, resource: str, done: int, total: int | None) -> None:
            key = (shop, resource)
            if key not in tasks:
                tasks[key] = progress.add_task(f"{shop} · {resource}", total=total)
            progress.update(tasks[key], completed=done, total=total)

        results = await syncer.sync(shops=shops, resources=resources, progress=report)
    if summary:
        common.show(fmt.format_sync_summary(results, seconds=time.monotonic() - started))
    return results
