"""The inbox processor on its own: crash-safe and idempotent, errors, windows, chats, the rest."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ozonops.db import Database, insert_missing
from ozonops.db.tables import InboxPush, Posting, Shop
from ozonops.domain import read_push
from ozonops.simulator.webhook_payloads import posting_pushes
from ozonops.simulator.world import World
from ozonops.sync import PushProcessor
from ozonops.sync.job import Writer
from ozonops.web import InboxRow
from tests.sync.kit import add_shops, make_app, stored_history, stored_postings, syncer

pytestmark = pytest.mark.anyio
T = TypeVar("T")


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


def keep(db: Database, bodies: list[dict[str, Any]], *, shop: int = 1) -> None:
    """Pushes in the inbox, as the receiver writes them."""
    now = datetime.now(UTC)
    rows = []
    for body in bodies:
        msg = read_push(body)
        rows.append(InboxRow(shop, msg.message_type, msg.dedupe_key, body, None, now).values())
    with db.transaction() as s:
        insert_missing(s, InboxPush, rows, key=["shop_id", "dedupe_key"])


def outcomes(db: Database) -> list[tuple[str, str | None, str | None]]:
    with db.transaction() as s:
        rows = s.scalars(select(InboxPush).order_by(InboxPush.id))
        return [(r.message_type, r.outcome, r.detail) for r in rows]


def world_pushes(world: World, days: float) -> list[dict[str, Any]]:
    shop, now = world.shops[0], world.now()
    out = []
    for fbo in (False, True):
        for p in world.postings(shop, fbo=fbo, since=now - timedelta(days=30), to=now):
            out += [
                body for _, body in posting_pushes(world, shop, p, now - timedelta(days=days), now)
            ]
    return out


class Crash(Exception):
    pass


class CrashingWriter(Writer):
    """Dies inside the ``n``-th transaction, after its work, before the commit."""

    def __init__(self, db: Database, n: int) -> None:
        super().__init__(db)
        self.n = n

    async def run(self, work: Callable[[Session], T]) -> T:
        self.n -= 1
        if self.n:
            return await super().run(work)

        def dying(session: Session) -> T:
            work(session)
            raise Crash

        return await super().run(dying)


async def test_a_crash_undoes_the_round_and_a_rerun_changes_nothing(db: Database) -> None:
    app = make_app()
    world: World = app.state.world
    add_shops(db, world)
    pushes = world_pushes(world, days=4)
    assert len(pushes) > 50
    keep(db, pushes)
    async with syncer(db, app) as s:
        clients = {shop.id: s.clients[shop.name].ozon for shop in s.shops}
        crashing = PushProcessor(db=db, ozon=clients, writer=CrashingWriter(db, 3), batch_size=500)
        with pytest.raises(Crash):
            await crashing.process_pending()  # pending rows, plan, then dies applying
        crashing.close()
        assert stored_postings(db) == {}
        assert {o for _, o, _ in outcomes(db)} == {None}

        proc = PushProcessor.for_syncer(s, batch_size=40)
        report = await proc.process_pending()
        assert report.rounds > 1
        assert report.processed == len(pushes)
        assert report.outcomes["invalid"] == 0
        first = (stored_history(db), stored_postings(db))
        assert first[0]
        with db.transaction() as session:  # as if every push came again
            session.execute(update(InboxPush).values(processed_at=None, outcome=None))
        again = await proc.process_pending()
        assert again.processed == len(pushes)
        assert (stored_history(db), stored_postings(db)) == first
        assert again.outcomes["applied"] < report.outcomes["applied"]


async def test_transient_errors_wait_and_terminal_ones_say_why(db: Database) -> None:
    app = make_app()
    world: World = app.state.world
    add_shops(db, world)
    pushes = [p for p in world_pushes(world, days=2) if p["message_type"] == "TYPE_STATE_CHANGED"]
    ghost = {**pushes[0], "posting_number": "99999999-9999-1"}
    keep(db, [pushes[0], ghost])
    async with syncer(db, app) as s:
        proc = PushProcessor.for_syncer(s)
        app.state.faults.update(error_5xx_rate=1.0)
        report = await proc.process_pending()
        assert report.deferred == 2
        assert outcomes(db) == [("TYPE_STATE_CHANGED", None, None)] * 2
        app.state.faults.update(error_5xx_rate=0.0)
        report = await proc.process_pending()
    (_, first, _), (_, second, why) = outcomes(db)
    assert (first, second) == ("applied", "invalid")
    assert why is not None
    assert "99999999-9999-1" in why or "NotFound" in why
    assert pushes[0]["posting_number"] in stored_postings(db)


def _window(number: str, old: tuple[str, str], new: tuple[str, str]) -> dict[str, Any]:
    return {
        "message_type": "TYPE_DELIVERY_DATE_CHANGED",
        "posting_number": number,
        "old_delivery_date_begin": old[0],
        "old_delivery_date_end": old[1],
        "new_delivery_date_begin": new[0],
        "new_delivery_date_end": new[1],
        "warehouse_id": 1,
        "seller_id": 1,
    }


async def test_delivery_windows_move_to_the_newest_in_any_order(db: Database) -> None:
    app = make_app()
    world: World = app.state.world
    add_shops(db, world)
    async with syncer(db, app) as s:
        await s.sync(resources=["fbs_postings"])
        with db.transaction() as session:
            shop_id = session.scalar(
                select(Shop.id).where(Shop.client_id == world.shops[0].client_id)
            )
            posting = session.scalars(
                select(Posting).where(Posting.shop_id == shop_id, Posting.scheme == "fbs")
            ).first()
            assert posting is not None
            number = posting.posting_number
            w0 = (posting.delivery_date_begin, posting.delivery_date_end)
        assert w0[0] is not None
        assert w0[1] is not None

        def iso(at: datetime) -> str:
            return at.isoformat().replace("+00:00", "Z")

        def moved(days: int) -> tuple[str, str]:
            return iso(w0[0] + timedelta(days=days)), iso(w0[1] + timedelta(days=days))

        first = _window(number, (iso(w0[0]), iso(w0[1])), moved(3))
        second = _window(number, moved(3), moved(5))
        cleared = {**_window(number, moved(5), ("", "")), "new_delivery_date_end": ""}
        keep(db, [second, first, second, cleared], shop=shop_id)  # out of order, repeated
        await PushProcessor.for_syncer(s).process_pending()
        await s.sync(resources=["fbs_postings"])  # a poll after them undoes nothing
    with db.transaction() as session:
        p = session.get(Posting, number)
        assert p is not None
        assert (p.eta_begin, p.eta_end) == (w0[0] + timedelta(days=5), w0[1] + timedelta(days=5))
        assert (p.delivery_date_begin, p.delivery_date_end) == w0  # the promise stays
    assert [o for _, o, _ in outcomes(db)] == ["applied", "stale", "ignored"]


async def test_chats_stock_orders_and_unknown_states(db: Database) -> None:
    app = make_app()
    world: World = app.state.world
    add_shops(db, world)
    pushes = [p for p in world_pushes(world, days=2) if p["message_type"] == "TYPE_STATE_CHANGED"]
    odd_state = {**pushes[0], "new_state": "posting_teleported"}
    keep(
        db,
        [
            {"message_type": "TYPE_NEW_MESSAGE", "chat_id": "no-such-chat", "message_id": "1"},
            {"message_type": "TYPE_STOCKS_CHANGED", "items": [{"sku": 1, "stocks": []}]},
            {"message_type": "TYPE_ORDER_NEW", "order_number": "1-1", "uuid": "u-1"},
            odd_state,
        ],
    )
    async with syncer(db, app) as s:
        report = await PushProcessor.for_syncer(s).process_pending()
    assert report.processed == 4
    got = outcomes(db)
    assert [o for _, o, _ in got] == ["noted", "noted", "ignored", "ignored"]
    assert "posting_teleported" in (got[3][2] or "")
