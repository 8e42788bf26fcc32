"""Chats: list paging, history directions, start/send windows and the subscription gate."""

from __future__ import annotations

from datetime import timedelta

from ozonops.simulator.world import Posting, Scheme, World
from ozonops.simulator.world import chats as ch

from .conftest import OzonCaller

LIST, HISTORY = "/v3/chat/list", "/v3/chat/history"
START, SEND = "/v1/chat/start", "/v1/chat/send/message"


def _walk_list(ozon: OzonCaller, body: dict[str, object], *, shop_i: int = 0) -> list[dict]:
    shop = ozon.world.shops[shop_i]
    out: list[dict] = []
    cursor = ""
    for _ in range(100):
        page = ozon.ok(LIST, {**body, "cursor": cursor}, shop=shop)
        out += page["chats"]
        assert len(page["chats"]) <= int(body.get("limit", 30))  # type: ignore[call-overload]
        if not page["has_next"]:
            return out
        cursor = page["cursor"]
    raise AssertionError("chat list did not end")


def _truth(world: World, shop_i: int) -> set[str]:
    """Chat ids the world says exist: buyer chats with a message so far, plus support."""
    shop = world.shops[shop_i]
    now = world.now()
    ids = {ch.chat_id_for(world, shop.index, support=True)}
    for fbo in (False, True):
        for p in world.postings(shop, fbo=fbo, since=now - timedelta(days=400), to=now):
            if p.parent_posting_number:
                continue
            if any(m.created_at <= now for m in ch.planned_messages(world, p)):
                ids.add(ch.chat_id_for(world, p.index))
    return ids


def test_list_walks_every_chat_once(ozon: OzonCaller, world: World) -> None:
    chats = _walk_list(ozon, {"limit": 7})
    ids = [c["chat"]["chat_id"] for c in chats]
    assert len(ids) == len(set(ids))
    assert set(ids) == _truth(world, 0)
    times = [c["chat"]["created_at"] for c in chats]
    assert times == sorted(times, reverse=True)
    types = {c["chat"]["chat_type"] for c in chats}
    assert types == {"BUYER_SELLER", "SELLER_SUPPORT"}
    first = ozon.ok(LIST, {"limit": 100})
    assert first["total_unread_count"] == sum(c["unread_count"] for c in chats) > 0


def test_buyers_write_more_on_troubled_postings(world: World) -> None:
    shop = world.shops[0]
    now = world.now()
    troubled = calm = troubled_chats = calm_chats = 0
    for p in world.postings(shop, fbo=False, since=now - timedelta(days=40), to=now):
        has = bool(ch.planned_messages(world, p))
        if any(t.kind in ch.TROUBLED for t in p.troubles):
            troubled += 1
            troubled_chats += has
        else:
            calm += 1
            calm_chats += has
    assert troubled > 10
    assert calm > 100
    assert troubled_chats / troubled > calm_chats / calm
    rate = world.config.outcomes.buyer_message
    assert 0.4 * rate < calm_chats / calm < 1.8 * rate


def test_list_filters(ozon: OzonCaller) -> None:
    unread = _walk_list(ozon, {"limit": 50, "filter": {"unread_only": True}})
    assert unread
    assert all(c["unread_count"] > 0 for c in unread)
    assert all(c["first_unread_message_id"] > 0 for c in unread)
    closed = _walk_list(ozon, {"limit": 50, "filter": {"chat_status": "CLOSED"}})
    opened = _walk_list(ozon, {"limit": 50, "filter": {"chat_status": "OPENED"}})
    assert all(c["chat"]["chat_status"] == "CLOSED" for c in closed)
    assert len(closed) + len(opened) == len(_walk_list(ozon, {"limit": 100}))
    assert closed, "old delivered chats should be closed"


def test_list_limits(ozon: OzonCaller) -> None:
    ozon.error(LIST, {"limit": 101}, 400)
    ozon.error(LIST, {"limit": 0}, 400)
    ozon.error(LIST, {"limit": 10, "cursor": "not-a-cursor"}, 400)
    assert len(ozon.ok(LIST, {"limit": 100})["chats"]) == 100
    ozon.error(LIST, {}, 400)  # the spec makes limit required


def _busy_chat(ozon: OzonCaller) -> str:
    """The buyer chat of shop 0 with the most messages (chosen from the world's truth)."""
    world = ozon.world
    chats = [c for c in ch.shop_chats(world, world.shops[0], world.now()) if c.posting]
    return max(chats, key=lambda c: len(c.messages)).chat_id


def test_history_directions_and_paging(ozon: OzonCaller) -> None:
    cid = _busy_chat(ozon)
    full = ozon.ok(HISTORY, {"chat_id": cid, "limit": 1000})
    ids = [m["message_id"] for m in full["messages"]]
    assert len(ids) >= 2
    assert ids == sorted(ids, reverse=True)
    assert not full["has_next"]
    users = {m["user"]["type"] for m in full["messages"]}
    assert "Customer" in users
    assert all(m["context"]["order_number"] for m in full["messages"])
    # Backward paging two at a time; from_message_id is inclusive, so each page repeats it
    got: list[int] = []
    frm: int | None = None
    for _ in range(len(ids) + 2):
        body: dict[str, object] = {"chat_id": cid, "limit": 2}
        if frm is not None:
            body["from_message_id"] = frm
        page = ozon.ok(HISTORY, body)
        got += [m["message_id"] for m in page["messages"] if m["message_id"] != frm]
        if not page["has_next"]:
            break
        frm = page["messages"][-1]["message_id"]
    assert got == ids
    fwd = ozon.ok(HISTORY, {"chat_id": cid, "direction": "Forward", "from_message_id": ids[-1]})
    assert [m["message_id"] for m in fwd["messages"]] == ids[::-1]
    one = ozon.ok(HISTORY, {"chat_id": cid, "filter": {"message_ids": [str(ids[0])]}})
    assert [m["message_id"] for m in one["messages"]] == [ids[0]]


def test_history_refusals(ozon: OzonCaller, world: World) -> None:
    cid = _busy_chat(ozon)
    ozon.error(HISTORY, {"chat_id": cid, "direction": "Forward"}, 400)
    ozon.error(HISTORY, {"chat_id": cid, "direction": "Sideways"}, 400)
    ozon.error(HISTORY, {"chat_id": cid, "limit": 1001}, 400)
    ozon.error(HISTORY, {"chat_id": "00000000-0000-4000-8000-000000000000"}, 404)
    # another shop's chat is not found
    ozon.error(HISTORY, {"chat_id": cid}, 404, shop=world.shops[1])


def _fresh_fbs(world: World, *, fbo: bool = False) -> Posting:
    shop = world.shops[0]
    now = world.now()
    for p in world.postings(shop, fbo=fbo, since=now - timedelta(hours=30), to=now):
        quiet = world.event(p).status != "cancelled" and not ch.planned_messages(world, p)
        if quiet and (fbo or p.scheme is not Scheme.FBO):
            return p
    raise AssertionError("no fresh posting")


def test_start_and_send_within_windows(ozon: OzonCaller, world: World) -> None:
    p = _fresh_fbs(world)
    res = ozon.ok(START, {"posting_number": p.posting_number})
    cid = res["result"]["chat_id"]
    again = ozon.ok(START, {"posting_number": p.posting_number})
    assert again["result"]["chat_id"] == cid
    listed = {c["chat"]["chat_id"] for c in _walk_list(ozon, {"limit": 100})}
    assert cid in listed
    assert ozon.ok(SEND, {"chat_id": cid, "text": "Здравствуйте! Уточните адрес."}) == {
        "result": "success"
    }
    hist = ozon.ok(HISTORY, {"chat_id": cid})
    assert hist["messages"][0]["user"]["type"] == "Seller"
    assert hist["messages"][0]["data"] == ["Здравствуйте! Уточните адрес."]
    ozon.error(SEND, {"chat_id": cid, "text": ""}, 400)
    ozon.error(SEND, {"chat_id": cid, "text": "я" * 1001}, 400)
    assert ozon.ok(SEND, {"chat_id": cid, "text": "я" * 1000}) == {"result": "success"}
    ozon.error(SEND, {"chat_id": "00000000-0000-4000-8000-000000000000", "text": "x"}, 404)


def test_start_refusals(ozon: OzonCaller, world: World) -> None:
    ozon.error(START, {"posting_number": "00000000-0000-1"}, 404)
    fbo = _fresh_fbs(world, fbo=True)
    assert fbo.is_fbo
    err = ozon.error(START, {"posting_number": fbo.posting_number}, 409)
    assert "FBO" in err["message"]
    # a posting paid long ago and delivered long ago: the window is closed
    shop, now = world.shops[0], world.now()
    old = next(
        p
        for p in world.postings(shop, fbo=False, since=now - timedelta(days=40), to=now)
        if world.event(p).status == "delivered" and (now - world.event(p).at) > timedelta(hours=80)
    )
    err = ozon.error(START, {"posting_number": old.posting_number}, 409)
    assert "72" in err["message"]


def test_subscription_gate(ozon: OzonCaller, world: World) -> None:
    basic = next(s for s in world.shops if not s.has_chat_write_access)
    now = world.now()
    p = next(iter(world.postings(basic, fbo=False, since=now - timedelta(hours=20), to=now)))
    ozon.error(START, {"posting_number": p.posting_number}, 403, shop=basic)
    chats = _walk_list(ozon, {"limit": 100}, shop_i=basic.index)  # list still works
    cid = chats[0]["chat"]["chat_id"]
    ozon.ok(HISTORY, {"chat_id": cid}, shop=basic)
    ozon.error(SEND, {"chat_id": cid, "text": "hi"}, 403, shop=basic)


def test_send_window_after_delivery(ozon: OzonCaller, world: World) -> None:
    """After 72 h from delivery only replies within 48 h of the buyer's last message go."""
    shop, now = world.shops[0], world.now()
    late_quiet = None
    for chat in ch.shop_chats(world, shop, now):
        p = chat.posting
        if p is None or p.is_fbo or chat.status != "OPENED":
            continue
        ev = world.event(p, now)
        buyer = [m for m in chat.messages if m.user_type == "Customer"]
        old = ev.status == "delivered" and now - ev.at > timedelta(hours=73)
        if old and buyer and now - buyer[-1].created_at > timedelta(hours=49):
            late_quiet = chat
            break
    assert late_quiet is not None
    ozon.error(SEND, {"chat_id": late_quiet.chat_id, "text": "Добрый день"}, 409)


def test_seller_message_marks_buyer_messages_read(ozon: OzonCaller, world: World) -> None:
    unread = _walk_list(ozon, {"limit": 100, "filter": {"unread_only": True}})
    target = None
    for c in unread:
        found = ch.find_chat(world, world.shops[0], c["chat"]["chat_id"], world.now())
        if found is not None and ch.send_refusal(world, found, world.now()) is None:
            target = c
            break
    assert target is not None
    before = ozon.ok(LIST, {"limit": 100})["total_unread_count"]
    ozon.ok(SEND, {"chat_id": target["chat"]["chat_id"], "text": "Спасибо, уже проверяем!"})
    after = ozon.ok(LIST, {"limit": 100})["total_unread_count"]
    assert after == before - target["unread_count"]


def test_buyer_messages_appear_as_time_passes(ozon: OzonCaller, world: World) -> None:
    before = {c["chat"]["chat_id"] for c in _walk_list(ozon, {"limit": 100})}
    since = world.now()
    world.clock.advance(3 * 86400)
    new = list(ch.buyer_messages_between(world, world.shops[0], since, world.now()))
    assert new
    after = {c["chat"]["chat_id"] for c in _walk_list(ozon, {"limit": 100})}
    assert before <= after
    assert {c.chat_id for c, _ in new} <= after
