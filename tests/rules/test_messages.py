"""Buyer messages: Ozon's chat windows (pure, and as the simulated Ozon enforces them), the
shop's plan (a 403 stops later sends before they call), one message per event, every attempt
audited, and a send whose answer was lost kept "in doubt" instead of being repeated."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select

from ozonops.db import Database
from ozonops.db.tables import AuditEntry, BuyerMessage, Chat, Posting, Shop
from ozonops.domain import OzonFigures
from ozonops.ozon import errors as api
from ozonops.rules import (
    TEMPLATES,
    ChatFacts,
    MessageRefused,
    chat_window,
    preview_messages,
    render,
    send_messages,
)
from ozonops.simulator.world import chats as sim_chats
from ozonops.sync import Syncer
from tests.sync.kit import add_shops, make_app, syncer

pytestmark = pytest.mark.anyio

FIGURES = OzonFigures()
T0 = datetime(2026, 12, 1, 12, tzinfo=UTC)
hours = st.integers(min_value=-200 * 60, max_value=200 * 60).map(lambda minutes: minutes / 60)


@given(
    scheme=st.sampled_from(["fbs", "rfbs", "fbo"]),
    status=st.sampled_from(["awaiting_packaging", "delivering", "delivered", "cancelled"]),
    paid=hours,
    delivered=st.none() | hours,
    wrote=st.none() | hours,
    has_chat=st.booleans(),
)
def test_the_window_is_ozons_written_rule(
    scheme: str,
    status: str,
    paid: float,
    delivered: float | None,
    wrote: float | None,
    has_chat: bool,
) -> None:
    """Start within 72 h of payment or delivery (FBS/rFBS), else reply within 48 h."""

    def at(h: float | None) -> datetime | None:
        return None if h is None else T0 - timedelta(hours=h)

    facts = ChatFacts(scheme, status, at(paid), at(delivered), at(wrote), "c" if has_chat else None)
    verdict = chat_window(facts, now=T0, figures=FIGURES)
    start = scheme != "fbo" and (
        (0 <= paid < 72 and status != "cancelled")
        or (delivered is not None and 0 <= delivered < 72)
    )
    reply = has_chat and wrote is not None and wrote < 48
    assert verdict.allowed is (start or reply)
    if verdict.allowed:
        assert verdict.closes_at is not None
        assert verdict.closes_at > T0
    else:
        assert ("FBO" in verdict.reason) is (scheme == "fbo")


def test_every_template_speaks_russian_to_the_buyer_and_chinese_to_the_seller() -> None:
    for template_id, t in TEMPLATES.items():
        assert len(t.wordings) >= 2
        seen = {
            render(template_id, posting_number=f"1-{k}", order_number=f"O{k}").ru for k in range(40)
        }
        assert len({s.replace(f"O{k}", "") for k, s in enumerate(sorted(seen))}) >= 2  # varied
        r = render(template_id, posting_number="77-1", order_number="77")
        assert "77" in r.ru
        assert "77" in r.zh
        assert any("а" <= c <= "я" for c in r.ru.lower())
        assert any("\u4e00" <= c <= "\u9fff" for c in r.zh)
        assert r == render(template_id, posting_number="77-1", order_number="77")  # stable


class DropAnswer(httpx.AsyncBaseTransport):
    """Forwards to the simulated Ozon, then loses the answer of one method: the request
    arrived and was acted on, the connection dropped before the reply (a real outage)."""

    def __init__(self, inner: httpx.AsyncBaseTransport, path: str) -> None:
        self.inner, self.path = inner, path

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self.inner.handle_async_request(request)
        if request.url.path == self.path:
            await response.aread()
            raise httpx.ReadError("connection reset by peer", request=request)
        return response


@pytest.fixture
async def world(db: Database) -> AsyncIterator[tuple[Database, object, Syncer]]:
    app = make_app()
    add_shops(db, app.state.world)
    transport = DropAnswer(httpx.ASGITransport(app=app), "/nowhere")
    async with syncer(db, app, transport=transport) as s:
        await s.sync(resources=["fbs_postings", "chats"])
        yield db, app, s


def _pick(db: Database, *, shop: int, fresh: bool, now: datetime) -> list[str]:
    with db.transaction() as s:
        with_chat = set(s.scalars(select(Chat.order_number)))
        rows = s.scalars(
            select(Posting).where(Posting.shop_id == shop).order_by(Posting.posting_number)
        )
        out = []
        for p in rows:
            assert p.in_process_at is not None
            age = now - p.in_process_at
            if fresh and age < timedelta(hours=60) and p.status != "cancelled":
                out.append(p.posting_number)
            if (
                not fresh
                and age > timedelta(days=8)
                and p.status == "delivering"
                and p.order_number not in with_chat
            ):
                out.append(p.posting_number)
        return out


def _shop_id(db: Database, client_id: str) -> int:
    with db.transaction() as session:
        found = session.scalar(select(Shop.id).where(Shop.client_id == client_id))
    assert found is not None
    return found


def _audit(db: Database) -> list[tuple[str, str]]:
    with db.transaction() as s:
        return [
            (a.action, a.object_id or "")
            for a in s.scalars(select(AuditEntry).order_by(AuditEntry.id))
        ]


async def test_send_inside_the_window_once_and_refuse_outside(
    world: tuple[Database, object, Syncer],
) -> None:
    db, app, s = world
    sim = app.state.world  # type: ignore[attr-defined]
    now = sim.now()
    pro = _shop_id(db, sim.shops[0].client_id)
    fresh, stale = (
        _pick(db, shop=pro, fresh=True, now=now)[0],
        _pick(db, shop=pro, fresh=False, now=now)[0],
    )
    clients = {shop.id: s.clients[shop.name].ozon for shop in s.shops}
    calls = clients[pro].metrics.totals()

    with db.transaction() as session:
        previews = preview_messages(
            session, template_id="delay_notice", postings=[fresh, stale], now=now, figures=FIGURES
        )
    assert [p.allowed for p in previews] == [True, False]
    assert previews[0].verdict.how == "start"
    assert previews[1].refusal_code == "window"
    results = await send_messages(db, previews=previews, clients=clients, actor="li", now=now)
    assert [r.status for r in results] == ["sent", "refused"]
    with pytest.raises(api.Conflict, match="CHAT_START_TIME_EXPIRED"):  # Ozon agrees
        await clients[pro].chat_start(posting_number=stale)
    calls["calls"] += 1
    # The buyer got it: the simulated Ozon holds the message in the posting's chat.
    posting = sim.find_posting(sim.shops[0], fresh)
    chat = sim_chats.chat_for_posting(sim, posting, now)
    assert chat is not None
    assert chat.messages[-1].text == previews[0].message.ru
    assert clients[pro].metrics.totals()["calls"] - calls["calls"] == 2  # start + send, no more

    with db.transaction() as session:
        again = preview_messages(
            session, template_id="delay_notice", postings=[fresh], now=now, figures=FIGURES
        )
    assert again[0].refusal_code == "already_sent"
    # Even if a stale preview slipped through, the claim stops the second send.
    forced = [replace(previews[0], refusal=None, refusal_code=None)]
    assert [
        r.code
        for r in await send_messages(db, previews=forced, clients=clients, actor="li", now=now)
    ] == ["already_sent"]
    assert clients[pro].metrics.totals()["calls"] - calls["calls"] == 2
    assert _audit(db) == [
        ("buyer_message.sent", fresh),
        ("buyer_message.refused", stale),
        ("buyer_message.refused", fresh),
    ]


async def test_a_plan_without_chats_refuses_and_later_sends_stop_before_calling(
    world: tuple[Database, object, Syncer],
) -> None:
    db, app, s = world
    sim = app.state.world  # type: ignore[attr-defined]
    now = sim.now()
    plain = _shop_id(db, sim.shops[1].client_id)
    first, second = _pick(db, shop=plain, fresh=True, now=now)[:2]
    clients = {shop.id: s.clients[shop.name].ozon for shop in s.shops}
    with db.transaction() as session:
        previews = preview_messages(
            session, template_id="thank_you", postings=[first], now=now, figures=FIGURES
        )
    (result,) = await send_messages(db, previews=previews, clients=clients, actor="li", now=now)
    assert (result.status, result.code) == ("refused", "not_on_plan")
    calls = clients[plain].metrics.totals()["calls"]
    with db.transaction() as session:
        later = preview_messages(
            session, template_id="thank_you", postings=[first, second], now=now, figures=FIGURES
        )
        assert session.scalars(select(BuyerMessage)).all() == []  # the claim was released
    assert {p.refusal_code for p in later} == {"not_on_plan"}
    await send_messages(db, previews=later, clients=clients, actor="li", now=now)
    assert clients[plain].metrics.totals()["calls"] == calls


async def test_a_lost_answer_leaves_the_message_in_doubt_never_resent(db: Database) -> None:
    app = make_app()
    sim = app.state.world
    add_shops(db, sim)
    transport = DropAnswer(httpx.ASGITransport(app=app), "/v1/chat/send/message")
    async with syncer(db, app, transport=transport) as s:
        await s.sync(resources=["fbs_postings"])
        now = sim.now()
        pro = _shop_id(db, sim.shops[0].client_id)
        number = _pick(db, shop=pro, fresh=True, now=now)[0]
        clients = {shop.id: s.clients[shop.name].ozon for shop in s.shops}
        with db.transaction() as session:
            previews = preview_messages(
                session, template_id="delay_notice", postings=[number], now=now, figures=FIGURES
            )
        (result,) = await send_messages(db, previews=previews, clients=clients, actor="li", now=now)
        assert result.status == "in_doubt"
        with db.transaction() as session:
            (row,) = session.scalars(select(BuyerMessage)).all()
            assert (row.status, row.posting_number) == ("in_doubt", number)
            again = preview_messages(
                session, template_id="delay_notice", postings=[number], now=now, figures=FIGURES
            )
        assert again[0].refusal_code == "already_sent"
    assert ("buyer_message.in_doubt", number) in _audit(db)


async def test_unknown_postings_and_templates_say_what_to_do(db: Database) -> None:
    with db.transaction() as session:
        with pytest.raises(MessageRefused, match="ozonops sync"):
            preview_messages(
                session, template_id="thank_you", postings=["404-1"], now=T0, figures=FIGURES
            )
        with pytest.raises(Exception, match="templates: delay_notice"):
            preview_messages(
                session, template_id="hello", postings=["404-1"], now=T0, figures=FIGURES
            )
