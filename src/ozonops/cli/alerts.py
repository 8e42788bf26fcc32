"""``ozonops alerts …`` (list, ack, snooze, resolve, history, rules, check) and
``ozonops messages …`` (templates, send with a preview)."""

from __future__ import annotations

import asyncio
import getpass
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Annotated, TypeVar

import typer
from sqlalchemy.orm import Session

from ozonops.cli import common
from ozonops.cli import format_alerts as fmt
from ozonops.cli.durations import parse_duration
from ozonops.cli.store import limiter_for, open_store
from ozonops.config import Settings
from ozonops.db import Database, KeyBox
from ozonops.errors import OzonOpsError
from ozonops.log import configure_logging
from ozonops.notify import Lang
from ozonops.rules import (
    ACTIVE,
    STATES,
    AlertView,
    Context,
    Preview,
    RulesError,
    Sent,
    Watchtower,
    acknowledge,
    history,
    list_alerts,
    postings_of_alerts,
    preview_messages,
    resolve,
    send_messages,
    snooze,
    store_now,
)
from ozonops.rules import rule as find_rule
from ozonops.sync import Syncer

__all__ = ["alerts_app", "messages_app", "register"]

alerts_app = typer.Typer(
    help="Alerts: Ozon's deadlines and exceptions · 告警", no_args_is_help=True
)
messages_app = typer.Typer(
    help="Messages to buyers through Ozon chat · 买家消息", no_args_is_help=True
)

T = TypeVar("T")
LangOption = Annotated[str, typer.Option("--lang", help="zh or en (alert titles).")]
ByOption = Annotated[
    str | None, typer.Option("--by", help="Who acts (kept in the history; default: your login).")
]
IdsArgument = Annotated[list[int], typer.Argument(help="Alert ids (see `ozonops alerts list`).")]


def register(app: typer.Typer) -> None:
    app.add_typer(alerts_app, name="alerts")
    app.add_typer(messages_app, name="messages")


def _lang(value: str) -> Lang:
    if value not in ("zh", "en"):
        common.fail(f"--lang {value!r}: use zh or en")
    return "zh" if value == "zh" else "en"


def _actor(by: str | None) -> str:
    if by:
        return by
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return "cli"


def _in_store(settings: Settings, work: Callable[[Session, datetime], T]) -> T:
    """Run ``work(session, Ozon's now)`` in one transaction; refusals become one clear line."""
    db = open_store(settings)
    try:
        with db.transaction() as session:
            return work(session, store_now(session, wall=datetime.now(UTC)))
    except RulesError as exc:
        common.fail(str(exc))
    finally:
        db.dispose()


def _ctx(settings: Settings, now: datetime) -> Context:
    return Context(now=now, wall=datetime.now(UTC), config=settings.rules)


@alerts_app.command("list")
def alerts_list(
    state: Annotated[
        list[str] | None,
        typer.Option("--state", help=f"Only alerts in this state: {', '.join(STATES)}."),
    ] = None,
    everything: Annotated[bool, typer.Option("--all", help="Resolved ones too.")] = False,
    rule: Annotated[list[str] | None, typer.Option("--rule", help="Only this rule.")] = None,
    shop: common.ShopsOption = None,
    limit: Annotated[int, typer.Option(help="At most this many.")] = 200,
    lang: LangOption = "zh",
) -> None:
    """Alerts that need a look (open, acknowledged, snoozed), most severe first."""
    settings = common.load()
    chosen = _lang(lang)
    states = list(STATES) if everything else (state or list(ACTIVE))

    def work(session: Session, now: datetime) -> None:
        for rule_id in rule or []:
            find_rule(rule_id)  # an unknown id says which ones exist
        alerts = list_alerts(session, states=states, rules=rule, shops=shop, limit=limit)
        common.show(fmt.format_alerts(alerts, ctx=_ctx(settings, now), lang=chosen))

    _in_store(settings, work)


Action = Callable[[Session, int, str, datetime], AlertView]


def _each(ids: Sequence[int], by: str | None, action: Action) -> None:
    """``action`` on every alert, in one transaction; then the alerts as they are now."""
    settings = common.load()
    actor = _actor(by)

    def work(session: Session, now: datetime) -> None:
        done = [action(session, alert_id, actor, now) for alert_id in ids]
        common.show(fmt.format_alerts(done, ctx=_ctx(settings, now), lang="zh"))

    _in_store(settings, work)


@alerts_app.command("ack")
def alerts_ack(ids: IdsArgument, by: ByOption = None) -> None:
    """Acknowledge: someone is on it (no more reminders until it resolves)."""
    _each(ids, by, lambda s, i, actor, now: acknowledge(s, alert_id=i, actor=actor, now=now))


@alerts_app.command("snooze")
def alerts_snooze(
    ids: IdsArgument,
    for_: Annotated[str, typer.Option("--for", help="How long, e.g. 4h, 1d, 30m.")] = "4h",
    by: ByOption = None,
) -> None:
    """Snooze: quiet for a while, then open (and notified) again if it still holds."""
    try:
        quiet = timedelta(seconds=parse_duration(for_))
    except ValueError as exc:
        common.fail(f"--for {for_!r}: {exc}")
    _each(
        ids,
        by,
        lambda s, i, actor, now: snooze(s, alert_id=i, until=now + quiet, actor=actor, now=now),
    )


@alerts_app.command("resolve")
def alerts_resolve(ids: IdsArgument, by: ByOption = None) -> None:
    """Resolve by hand; it reopens only if the condition clears and comes back."""
    _each(ids, by, lambda s, i, actor, now: resolve(s, alert_id=i, actor=actor, now=now))


@alerts_app.command("history")
def alerts_history(
    alert_id: Annotated[int, typer.Argument(help="The alert's id.")],
) -> None:
    """Every step of one alert's life, and what it says."""
    settings = common.load()

    def work(session: Session, now: datetime) -> None:
        entries = history(session, alert_id=alert_id)
        (alert,) = [
            a for a in list_alerts(session, states=list(STATES), limit=10**9) if a.id == alert_id
        ]
        common.show(fmt.format_history(alert, entries, ctx=_ctx(settings, now)))

    _in_store(settings, work)


@alerts_app.command("rules")
def alerts_rules(lang: LangOption = "zh") -> None:
    """The rule catalogue: what each rule protects and where Ozon says so."""
    common.show(fmt.format_catalogue(lang=_lang(lang)))


@alerts_app.command("check")
def alerts_check(
    notify: Annotated[
        bool, typer.Option("--notify/--no-notify", help="Send what the routes want.")
    ] = True,
) -> None:
    """Evaluate every rule now over the store (what `ozonops run` does after each sync)."""
    settings = common.load()
    configure_logging("WARNING")
    db = open_store(settings)
    try:
        with db.transaction() as session:
            now = store_now(session, wall=datetime.now(UTC))
        tower = Watchtower(
            db,
            config=settings.rules,
            notify=settings.notify if notify else None,
            dashboard_url=settings.public_url,
        )
        evaluation = asyncio.run(tower.evaluate(now=now))
    except (OzonOpsError, OSError) as exc:
        common.fail(str(exc))
    finally:
        db.dispose()
    common.show(fmt.format_evaluation(evaluation))


@messages_app.command("templates")
def messages_templates() -> None:
    """The buyer message templates, in Russian with the Chinese translation."""
    common.show(fmt.format_templates())


@messages_app.command("send")
def messages_send(
    template: Annotated[
        str, typer.Option("--template", help="delay_notice, customs_delay, at_pickup_point, …")
    ],
    posting: Annotated[
        list[str] | None, typer.Option("--posting", help="To this posting's buyer.")
    ] = None,
    alert: Annotated[
        list[int] | None, typer.Option("--alert", help="To the buyer of this alert's posting.")
    ] = None,
    yes: Annotated[
        bool, typer.Option("--yes", help="Send; without it only the preview is shown.")
    ] = False,
    by: ByOption = None,
) -> None:
    """Preview (and with --yes send) a message to buyers: only inside Ozon's chat windows,
    only where the shop's plan allows it, never twice for the same event, every send audited."""
    settings = common.load()
    if not posting and not alert:
        common.fail("name the buyers: --posting NUMBER or --alert ID (either may repeat)")
    configure_logging("WARNING", secrets=[s.api_key.get_secret_value() for s in settings.shops])
    db = open_store(settings)
    try:
        with db.transaction() as session:
            now = store_now(session, wall=datetime.now(UTC))
            targets = postings_of_alerts(session, alert or [])
            previews = preview_messages(
                session,
                template_id=template,
                postings=[*(posting or []), *targets],
                alerts=targets,
                now=now,
                figures=settings.rules.ozon,
            )
    except RulesError as exc:
        common.fail(str(exc))
    common.show(fmt.format_previews(previews))
    if not yes:
        common.show("preview only · 仅预览：add --yes to send · 加 --yes 发送")
        return
    try:
        results = asyncio.run(_send(settings, db, previews, actor=_actor(by), now=now))
    except OzonOpsError as exc:
        common.fail(str(exc))
    finally:
        db.dispose()
    common.show(fmt.format_sent(results))


async def _send(
    settings: Settings, db: Database, previews: Sequence[Preview], *, actor: str, now: datetime
) -> list[Sent]:
    syncer = Syncer.open(
        db,
        keys=KeyBox(settings.secret_key),
        base_url=settings.ozon_base_url,
        limiter=limiter_for(settings),
    )
    try:
        clients = {shop.id: syncer.clients[shop.name].ozon for shop in syncer.shops}
        return await send_messages(db, previews=previews, clients=clients, actor=actor, now=now)
    finally:
        await syncer.aclose()
