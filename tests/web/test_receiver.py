"""The push receiver over a real socket: answers, storage, dedupe, refusals (SQLite and PG)."""

from __future__ import annotations

import asyncio
import json
import socket
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import text

from ozonops.db import Database
from ozonops.domain import PUSH_TYPES, read_push
from ozonops.simulator.config import SimConfig, TroubleRates
from ozonops.simulator.webhook_payloads import new_message, posting_pushes
from ozonops.simulator.world import World
from ozonops.simulator.world import chats as ch
from tests.shared import PAYLOADS, require
from tests.web.kit import add_shop, inbox, receiver_app, served

SAMPLES = PAYLOADS / "push"
OK = {"result": True}

#: The spec's examples (tag push_types) for the types neither the simulator nor the SDK
#: samples send; the spec's own text of some of them is not valid JSON.
SPEC_ONLY: list[dict[str, Any]] = [
    {"message_type": "TYPE_CREATE_ITEM", "seller_id": 0, "offer_id": "string", "product_id": 0,
     "is_error": False, "changed_at": "2021-09-01T14:15:22Z"},
    {"message_type": "TYPE_UPDATE_ITEM", "seller_id": 0, "offer_id": "string", "product_id": 0,
     "is_error": False, "changed_at": "2021-09-01T14:15:22Z"},
    {"message_type": "TYPE_DESCRIPTION_CATEGORY_TREE_CHANGED",
     "changed_at": "2026-04-07T10:27:55.955Z"},
    {"message_type": "TYPE_FBO_POSTING_DELIVERY_DATE_CHANGED", "posting_number": "24219509-0020-1",
     "order_number": "24219509-0020", "uuid": "bf354adc-e404-480c-a037-cf865464f1d9",
     "old_delivery_date_begin": "2026-04-07T10:27:55.955Z",
     "old_delivery_date_end": "2026-04-07T10:27:55.955Z",
     "new_delivery_date_begin": "2026-04-08T10:27:55.955Z",
     "new_delivery_date_end": "2026-04-08T10:27:55.955Z",
     "warehouse_id": 18044249781000, "seller_id": 7376},
    {"message_type": "TYPE_FBO_STOCKS_CHANGED", "sku": 325119272,
     "stocks": {"new_present": 321, "new_reserved": 12, "old_present": 321, "old_reserved": 12},
     "updated_at": "2026-04-07T10:27:55.955Z", "seller_id": 7376},
    {"message_type": "TYPE_ORDER_NEW", "order_number": "24219509-0020-1", "order_id": 35452597966,
     "uuid": "bf354adc-e404-480c-a037-cf865464f1da", "created_at": "2026-04-07T10:27:55.955Z",
     "seller_id": 7376},
    {"message_type": "TYPE_ORDER_CANCELLED", "order_number": "24219509-0020-1",
     "order_id": 35452597966, "uuid": "bf354adc-e404-480c-a037-cf865464f1db",
     "cancelled_at": "2026-04-07T10:27:55.955Z", "seller_id": 7376},
    {"message_type": "TYPE_ORDER_STATE_CHANGED", "order_number": "24219509-0020-1",
     "order_id": 35452597966, "uuid": "7d65308d-79f2-41d1-8d3e-f2eff46cc3d0",
     "old_state": "order_in_delivery", "new_state": "order_done",
     "updated_at": "2026-04-07T10:27:55.955Z", "seller_id": 7376},
]  # fmt: skip


def simulator_pushes() -> list[dict[str, Any]]:
    """One push of every type the simulator sends, built from a world by its payload code."""
    world = World(
        SimConfig(seed=9, shops=1, orders_per_day=40, history_days=10, speed=0,
                  troubles=TroubleRates(stall=0.3, customs_hold=0.3, buyer_cancellation=0.2))
    )  # fmt: skip
    shop, now = world.shops[0], world.now()
    since = now - timedelta(days=10)
    found: dict[str, dict[str, Any]] = {}
    for fbo in (False, True):
        for p in world.postings(shop, fbo=fbo, since=since, to=now):
            for _, payload in posting_pushes(world, shop, p, since, now):
                found.setdefault(payload["message_type"], payload)
    for chat, m in ch.buyer_messages_between(world, shop, since, now):
        found.setdefault("TYPE_NEW_MESSAGE", new_message(shop, chat, m))
        break
    return list(found.values())


def sdk_samples() -> list[dict[str, Any]]:
    """The other SDKs' pushes that carry what their type needs (the rest are bad bodies)."""
    out = []
    for f in sorted(require(SAMPLES).glob("TYPE_*/*.json")):
        body = json.loads(f.read_text())
        if body["message_type"] != "TYPE_PING" and len(body) > 1:
            out.append(body)
    return out


def every_push() -> list[dict[str, Any]]:
    return simulator_pushes() + sdk_samples() + SPEC_ONLY


def test_every_spec_type_has_a_sample() -> None:
    assert {p["message_type"] for p in every_push()} == set(PUSH_TYPES)


def test_ping_answers_version_name_and_time(db: Database) -> None:
    token = add_shop(db)
    with served(receiver_app(db)) as url:
        before = datetime.now(UTC)
        ping = {"message_type": "TYPE_PING", "time": "2019-08-24T14:15:22Z"}
        r = httpx.post(f"{url}/ozon/push/{token}", json=ping)
    assert r.status_code == 200
    assert r.headers["content-type"] == "application/json"
    body = r.json()
    assert set(body) == {"version", "name", "time"}
    assert body["name"] == "ozonops"
    assert body["version"]
    at = datetime.fromisoformat(body["time"].replace("Z", "+00:00"))
    assert before - timedelta(seconds=1) <= at <= datetime.now(UTC)
    assert inbox(db) == []  # a ping is answered, not stored


def test_every_push_type_is_kept_once(db: Database) -> None:
    token = add_shop(db)
    pushes = every_push()
    with served(receiver_app(db)) as url, httpx.Client(base_url=url) as client:
        for body in pushes + pushes:  # every push twice: Ozon retries
            r = client.post(f"/ozon/push/{token}", json=body)
            assert (r.status_code, r.json()) == (200, OK), body
    rows = inbox(db)
    # The two SDKs' copies of one chat message are one change: the first is kept.
    first: dict[str, dict[str, Any]] = {}
    for body in pushes:
        first.setdefault(read_push(body).dedupe_key, body)
    assert len(first) == len(pushes) - 3
    assert len(rows) == len(first)
    for row, body in zip(rows, first.values(), strict=True):
        assert (row.message_type, row.body) == (body["message_type"], body)
        assert row.dedupe_key == read_push(body).dedupe_key
        assert row.source_ip == "127.0.0.1"
        assert row.processed_at is None
        assert row.outcome is None


def test_dedupe_key_names_the_change_not_the_bytes(db: Database) -> None:
    token = add_shop(db)
    change = {"message_type": "TYPE_STATE_CHANGED", "posting_number": "1-2-3",
              "new_state": "posting_delivered", "changed_state_date": "2026-12-01T10:00:00Z",
              "warehouse_id": 1, "seller_id": 15}  # fmt: skip
    same = {**change, "seller_id": "15", "changed_state_date": "2026-12-01T13:00:00+03:00"}
    later = {**change, "changed_state_date": "2026-12-02T10:00:00Z"}
    other = {**change, "new_state": "posting_in_pickup_point"}
    with served(receiver_app(db)) as url, httpx.Client(base_url=url) as client:
        for body in (change, same, later, other, later):
            assert client.post(f"/ozon/push/{token}", json=body).status_code == 200
    assert [r.body for r in inbox(db)] == [change, later, other]


def test_concurrent_repeats_are_kept_once_and_all_answered(db: Database) -> None:
    token = add_shop(db)
    body = {"message_type": "TYPE_FBO_POSTING_NEW", "posting_number": "9-9-1",
            "uuid": "0b7c1a4e-8d0b-4d6e-9a51-0f3c2d1e6b7a", "order_number": "9-9",
            "products": [], "creation_date": "2026-12-01T10:00:00Z", "warehouse_id": 1,
            "seller_id": 1}  # fmt: skip
    distinct = [{**body, "uuid": f"00000000-0000-4000-8000-{i:012d}"} for i in range(40)]

    async def flood(url: str) -> list[int]:
        async with httpx.AsyncClient(base_url=url) as client:
            sent = [client.post(f"/ozon/push/{token}", json=b) for b in [body] * 30 + distinct]
            return [r.status_code for r in await asyncio.gather(*sent)]

    app = receiver_app(db)
    with served(app) as url:
        assert asyncio.run(flood(url)) == [200] * 70
    rows = inbox(db)
    assert len(rows) == 41
    assert app.state.inbox.rows == 70
    assert app.state.inbox.batches < 70  # requests shared commits


def test_unknown_type_is_kept_and_acknowledged(db: Database) -> None:
    token = add_shop(db)
    body = json.loads(require(SAMPLES / "_unknown_type" / "diphantxm-1.json").read_text())
    newer = {"message_type": "TYPE_SOMETHING_NEW", "posting_number": "1-1-1", "x": [1, 2]}
    with served(receiver_app(db)) as url, httpx.Client(base_url=url) as client:
        for b in (body, newer, newer):
            r = client.post(f"/ozon/push/{token}", json=b)
            assert (r.status_code, r.json()) == (200, OK)
    rows = inbox(db)
    assert [(r.body, r.outcome) for r in rows] == [(body, "unknown_type"), (newer, "unknown_type")]
    assert all(r.processed_at is not None for r in rows)


def _error(r: httpx.Response, status: int, code: str = "ERROR_UNKNOWN") -> dict[str, Any]:
    assert r.status_code == status, r.text
    assert r.headers["content-type"] == "application/json"
    err = r.json()["error"]
    assert set(err) == {"code", "message", "details"}
    assert err["code"] == code
    assert err["message"]
    return dict(err)


BAD_JSON = [b"{", b'{"message_type": "TYPE_STATE_CHANGED",}', b"\xff\xfe", b""]


def test_bad_bodies_are_refused_with_the_spec_error(db: Database) -> None:
    token = add_shop(db)
    path = f"/ozon/push/{token}"
    json_type = {"content-type": "application/json"}
    missing = [
        json.loads(require(SAMPLES / "TYPE_NEW_POSTING" / "diphantxm-2.json").read_text()),
        json.loads((SAMPLES / "TYPE_CHAT_CLOSED" / "diphantxm-2.json").read_text()),
        {"posting_number": "1-1-1"},
        {"message_type": "", "posting_number": "1-1-1"},
        {"message_type": "TYPE_STATE_CHANGED", "posting_number": "1-1-1",
         "new_state": "posting_delivered"},
    ]  # fmt: skip
    fields = ["posting_number", "chat_id", "message_type", "message_type", "changed_state_date"]
    with served(receiver_app(db)) as url, httpx.Client(base_url=url) as client:
        for raw in BAD_JSON:
            err = _error(client.post(path, content=raw, headers=json_type), 400)
            assert "JSON" in err["message"]
        for raw in (b"[]", b'"TYPE_PING"', b"42", b"null"):
            _error(client.post(path, content=raw, headers=json_type), 400)
        for body, field in zip(missing, fields, strict=True):
            err = _error(client.post(path, json=body), 400, "ERROR_PARAMETER_VALUE_MISSED")
            assert err["details"] == field
            assert field in err["message"]
        bad_time = {
            "message_type": "TYPE_STATE_CHANGED",
            "posting_number": "1-1-1",
            "new_state": "posting_delivered",
            "changed_state_date": "yesterday",
        }
        err = _error(client.post(path, json=bad_time), 400, "ERROR_PARAMETER_VALUE_MISSED")
        assert err["details"] == "changed_state_date"
        assert "yesterday" in err["message"]
        for content_type in ("text/plain", "application/x-www-form-urlencoded", None):
            headers = {"content-type": content_type} if content_type else {}
            _error(client.post(path, content=b"{}", headers=headers), 415)
        ok = client.post(path, content=b'{"message_type":"TYPE_PING","time":"x"}',
                         headers={"content-type": "Application/JSON; charset=utf-8"})  # fmt: skip
        assert ok.status_code == 200
    assert inbox(db) == []


def test_oversized_bodies_get_413_without_being_read(db: Database) -> None:
    token = add_shop(db)
    limit = 4096
    with served(receiver_app(db, max_body_bytes=limit)) as url:
        big = b'{"message_type": "TYPE_STATE_CHANGED", "pad": "' + b"x" * limit + b'"}'
        _error(httpx.post(f"{url}/ozon/push/{token}", content=big,
                          headers={"content-type": "application/json"}), 413)  # fmt: skip

        def chunks() -> Any:
            yield b'{"message_type": "TYPE_STATE_CHANGED", "pad": "'
            for _ in range(64):
                yield b"x" * 1024
            yield b'"}'

        # no Content-Length: counted while reading
        _error(httpx.post(f"{url}/ozon/push/{token}", content=chunks(),
                          headers={"content-type": "application/json"}), 413)  # fmt: skip
        # a client that announces 1 GiB and sends nothing more gets its answer at once
        host, port = url.removeprefix("http://").split(":")
        with socket.create_connection((host, int(port)), timeout=5) as s:
            s.sendall(
                f"POST /ozon/push/{token} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json"
                f"\r\nContent-Length: {1 << 30}\r\n\r\n{{".encode()
            )
            started = time.monotonic()
            answer = s.recv(65536)
            assert answer.startswith(b"HTTP/1.1 413"), answer
            assert time.monotonic() - started < 2
        ok = {"message_type": "TYPE_CHAT_CLOSED", "chat_id": "c" * 100}
        assert httpx.post(f"{url}/ozon/push/{token}", json=ok).status_code == 200
    assert len(inbox(db)) == 1


def test_unknown_token_is_404_and_a_new_shop_is_found(db: Database) -> None:
    add_shop(db)
    body = {"message_type": "TYPE_CHAT_CLOSED", "chat_id": "c1"}
    with served(receiver_app(db)) as url:
        _error(httpx.post(f"{url}/ozon/push/not-a-token", json=body), 404)
        _error(httpx.post(f"{url}/ozon/push/", json=body), 404)
        _error(httpx.get(f"{url}/ozon/push/not-a-token"), 405)
        token = add_shop(db, name="second", client_id="200")  # added while serving
        time.sleep(1.1)  # unknown tokens re-read the shops at most once a second
        assert httpx.post(f"{url}/ozon/push/{token}", json=body).status_code == 200
    assert len(inbox(db)) == 1


def test_sources_outside_ozon_ranges_are_refused(db: Database) -> None:
    token = add_shop(db)
    body = {"message_type": "TYPE_CHAT_CLOSED", "chat_id": "c1"}
    ozon = "195.34.21.17"
    with served(receiver_app(db, allowed_networks=["195.34.21.0/24"])) as url:
        path = f"{url}/ozon/push/{token}"
        err = _error(httpx.post(path, json=body), 403)
        assert "127.0.0.1" in err["message"]
        # X-Forwarded-For from a peer that is not a trusted proxy proves nothing
        _error(httpx.post(path, json=body, headers={"x-forwarded-for": ozon}), 403)
        ping = {"message_type": "TYPE_PING", "time": "2019-08-24T14:15:22Z"}
        _error(httpx.post(path, json=ping), 403)
    assert inbox(db) == []


def test_a_trusted_proxy_names_the_source(db: Database) -> None:
    token = add_shop(db)
    body = {"message_type": "TYPE_CHAT_CLOSED", "chat_id": "c1"}
    app = receiver_app(db, allowed_networks=["195.34.21.0/24", "91.223.93.0/24"],
                       trusted_proxies=["127.0.0.1", "10.0.0.0/8"])  # fmt: skip
    with served(app) as url:
        path = f"{url}/ozon/push/{token}"
        for forwarded in ("195.34.21.17", "203.0.113.9, 195.34.21.17", "91.223.93.4, 10.1.2.3"):
            r = httpx.post(path, json={**body, "chat_id": forwarded},
                           headers={"x-forwarded-for": forwarded})  # fmt: skip
            assert r.status_code == 200, (forwarded, r.text)
        for forwarded in ("203.0.113.9", "195.34.21.17, 203.0.113.9", "not-an-address", ""):
            _error(httpx.post(path, json=body, headers={"x-forwarded-for": forwarded}), 403)
    assert [r.source_ip for r in inbox(db)] == ["195.34.21.17", "195.34.21.17", "91.223.93.4"]


def test_a_push_that_cannot_be_stored_is_a_500_for_ozon_to_retry(db: Database) -> None:
    token = add_shop(db)
    body = {"message_type": "TYPE_CHAT_CLOSED", "chat_id": "c1"}
    with served(receiver_app(db)) as url:
        with db.engine.begin() as conn:
            conn.execute(text("ALTER TABLE webhook_inbox RENAME TO webhook_inbox_away"))
        _error(httpx.post(f"{url}/ozon/push/{token}", json=body), 500)
        with db.engine.begin() as conn:
            conn.execute(text("ALTER TABLE webhook_inbox_away RENAME TO webhook_inbox"))
        r = httpx.post(f"{url}/ozon/push/{token}", json=body)  # the writer recovers
        assert (r.status_code, r.json()) == (200, OK)
    assert len(inbox(db)) == 1
