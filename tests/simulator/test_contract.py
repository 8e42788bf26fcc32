"""Contract test: every simulated method, called as a real client would, answers within the spec.

Several generated worlds (different seeds, shop counts and hence scheme mixes) are walked at
several clock times. At each time every method is called with realistic requests built from
what the world's own list answers return (posting numbers, review ids, return ids, chat ids,
supply orders, SKUs), with every ``with`` flag on; seller actions are tried on postings whose
state allows them. Every answer, success or refusal, is checked twice: by the project's
validator and, independently, by openapi-core over a clean copy of the same 44 methods.
Requests the spec forbids (missing required field, wrong type, limit out of range, ``[]``,
malformed JSON, wrong Content-Type) must come back as 400 ``rpcStatus``.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import pytest

from ozonops.ozon.spec import default_validator
from ozonops.simulator.app import create_app
from ozonops.simulator.config import SimConfig
from ozonops.simulator.routing import REGISTRY, iso
from ozonops.simulator.world import Shop, World
from tests.simulator.conftest import AsgiClient
from tests.simulator.spec_subset import SIMULATED_PATHS, SecondOpinion

# Worlds with different seeds, shop counts (so different scheme mixes) and history depths.
WORLDS: tuple[dict[str, Any], ...] = (
    {"seed": 7, "shops": 2, "orders_per_day": 40, "history_days": 45},
    {"seed": 1234, "shops": 3, "orders_per_day": 24, "history_days": 35},
    {"seed": 99, "shops": 1, "orders_per_day": 60, "history_days": 20},
)
# Clock offsets from the world's start at which every method is called again.
OFFSETS = (
    timedelta(0),
    timedelta(hours=3),
    timedelta(days=2),
    timedelta(days=10),
    timedelta(days=40),
)
WITH_FBS = {"analytics_data": True, "barcodes": True, "financial_data": True, "legal_info": True}
WITH_FBO = {"analytics_data": True, "financial_data": True, "legal_info": True}
RETURN_STATES = ["All"]
SUPPLY_STATES = [
    "DATA_FILLING",
    "READY_TO_SUPPLY",
    "ACCEPTED_AT_SUPPLY_WAREHOUSE",
    "IN_TRANSIT",
    "ACCEPTANCE_AT_STORAGE_WAREHOUSE",
    "REPORTS_CONFIRMATION_AWAITING",
]


@dataclass
class Record:
    path: str
    request: bytes
    status: int
    body: bytes
    content_type: str


@dataclass
class Sweep:
    """Calls the simulator for one world and checks each answer with both validators."""

    world: World
    client: AsgiClient
    second: SecondOpinion
    failures: list[str] = field(default_factory=list)
    statuses: dict[str, Counter[int]] = field(default_factory=dict)
    checked_by_second: int = 0

    def call(self, path: str, body: dict[str, Any], shop: Shop) -> Any:
        """POST ``body``; check the answer; return its JSON on 200, else None."""
        if path not in REGISTRY.routes:
            return None
        raw = json.dumps(body, ensure_ascii=False).encode()
        resp = self.client.post(
            path,
            content=raw,
            headers={
                "Client-Id": shop.client_id,
                "Api-Key": shop.api_key,
                "Content-Type": "application/json",
            },
        )
        rec = Record(
            path, raw, resp.status_code, resp.content, resp.headers.get("content-type", "")
        )
        self.statuses.setdefault(path, Counter())[rec.status] += 1
        self.check(rec)
        return resp.json() if rec.status == 200 else None

    def check(self, rec: Record) -> None:
        where = f"{rec.path} {rec.status} (request {rec.request[:300]!r})"
        if rec.status >= 500:
            self.failures.append(f"{where}: server error {rec.body[:300]!r}")
            return
        if not rec.content_type.startswith("application/json"):
            self.failures.append(f"{where}: content-type {rec.content_type!r}")
            return
        data = json.loads(rec.body)
        problems = default_validator().validate_response(rec.path, rec.status, data)
        if problems:
            self.failures.append(f"{where}: project validator: {problems[:5]}")
        if rec.status >= 400 and set(data) != {"code", "message", "details"}:
            self.failures.append(f"{where}: not an rpcStatus body: {data}")
        if self.second.documents(rec.path, rec.status):
            self.checked_by_second += 1
            second = self.second.problems(
                rec.path, rec.request, rec.status, rec.body, rec.content_type
            )
            if second:
                self.failures.append(f"{where}: openapi-core: {second[:5]}")

    # --- one pass over every method for one shop at the current clock time ---------------
    def run(self, shop: Shop) -> None:
        now = self.world.now()
        since = iso(now - timedelta(days=30))
        to = iso(now)
        month_ago = iso(now - timedelta(days=28))
        self.call("/v1/roles", {}, shop)
        self.call("/v2/warehouse/list", {"limit": 200}, shop)
        self.call("/v2/delivery-method/list", {"limit": 100, "sort_dir": "ASC"}, shop)
        reasons = self.call("/v2/posting/fbs/cancel-reason/list", {}, shop)
        self.call("/v1/finance/accrual/types", {}, shop)
        self.call("/v2/review/count", {}, shop)

        # FBS/rFBS postings: walk the v4 list, then the other views of the same postings.
        fbs: list[dict[str, Any]] = []
        body: dict[str, Any] = {
            "filter": {"since": since, "to": to},
            "limit": 100,
            "sort_dir": "DESC",
            "translit": True,
            "with": WITH_FBS,
        }
        for _ in range(3):
            page = self.call("/v4/posting/fbs/list", body, shop)
            if not page:
                break
            fbs += page.get("postings") or []
            if not page.get("has_next") or not page.get("cursor"):
                break
            body = {**body, "cursor": page["cursor"]}
        self.call(
            "/v4/posting/fbs/unfulfilled/list",
            {
                "filter": {
                    "cutoff_from": iso(now - timedelta(days=7)),
                    "cutoff_to": iso(now + timedelta(days=10)),
                },
                "limit": 100,
                "sort_dir": "ASC",
                "translit": True,
                "with": WITH_FBS,
            },
            shop,
        )
        v3 = self.call(
            "/v3/posting/fbs/list",
            {
                "dir": "DESC",
                "filter": {"since": since, "to": to},
                "limit": 100,
                "offset": 0,
                "with": {**WITH_FBS, "translit": True},
            },
            shop,
        )
        if not fbs and v3:
            fbs = list(((v3.get("result") or {}).get("postings")) or [])
        by_status: dict[str, list[dict[str, Any]]] = {}
        for p in fbs:
            by_status.setdefault(f"{p.get('status')}/{p.get('tpl_integration_type')}", []).append(p)
        sample = [ps[0] for ps in by_status.values()][:16]
        get_with = {**WITH_FBS, "product_exemplars": True, "related_postings": True}
        detailed = []
        for p in sample:
            got = self.call(
                "/v3/posting/fbs/get",
                {"posting_number": p["posting_number"], "with": {**get_with, "translit": True}},
                shop,
            )
            if got:
                detailed.append(got.get("result") or {})
        self.call("/v3/posting/fbs/get", {"posting_number": "00000000-0000-1"}, shop)

        # FBO postings.
        fbo_page = self.call(
            "/v3/posting/fbo/list",
            {
                "filter": {"since": since, "to": to},
                "limit": 100,
                "sort_dir": "DESC",
                "translit": True,
                "with": WITH_FBO,
            },
            shop,
        )
        v2fbo = self.call(
            "/v2/posting/fbo/list",
            {
                "dir": "DESC",
                "filter": {"since": since, "to": to},
                "limit": 100,
                "offset": 0,
                "translit": True,
                "with": WITH_FBO,
            },
            shop,
        )
        fbo_numbers = [p["posting_number"] for p in (fbo_page or {}).get("postings") or []]
        if not fbo_numbers and v2fbo:
            fbo_numbers = [p["posting_number"] for p in v2fbo.get("result") or []]
        for number in fbo_numbers[:2]:
            self.call(
                "/v2/posting/fbo/get",
                {"posting_number": number, "translit": True, "with": WITH_FBO},
                shop,
            )

        self._seller_actions(shop, detailed, reasons)
        self._returns(shop)
        self._reviews(shop, since, to)
        self._chats(shop, [p["posting_number"] for p in fbs[:3]])
        self._finance(shop, now, month_ago, to, [p["posting_number"] for p in fbs[:20]])
        self._stocks(shop)

    def _seller_actions(self, shop: Shop, detailed: list[dict[str, Any]], reasons: Any) -> None:
        """Each seller action on a posting whose ``available_actions`` offers it (else on any
        posting, to check the refusal's shape)."""
        used: set[str] = set()

        def pick(action: str) -> str:
            for p in detailed:
                number = str(p["posting_number"])
                if action in (p.get("available_actions") or []) and number not in used:
                    used.add(number)
                    return number
            return str(detailed[0]["posting_number"]) if detailed else "12345678-0001-1"

        to_ship = pick("ship")
        products = [
            {"product_id": int(x["sku"]), "quantity": int(x["quantity"])}
            for p in detailed
            if p["posting_number"] == to_ship
            for x in p.get("products") or []
        ] or [{"product_id": 1, "quantity": 1}]
        self.call(
            "/v4/posting/fbs/ship",
            {
                "packages": [{"products": products}],
                "posting_number": to_ship,
                "with": {"additional_data": True},
            },
            shop,
        )
        self.call(
            "/v2/fbs/posting/tracking-number/set",
            {
                "tracking_numbers": [
                    {"posting_number": pick("set_track_number"), "tracking_number": "LP0012345CN"}
                ]
            },
            shop,
        )
        self.call(
            "/v2/fbs/posting/delivering", {"posting_number": [pick("non_int_delivering")]}, shop
        )
        self.call(
            "/v2/fbs/posting/last-mile", {"posting_number": [pick("non_int_last_mile")]}, shop
        )
        self.call(
            "/v2/fbs/posting/delivered", {"posting_number": [pick("non_int_delivered")]}, shop
        )
        self.call("/v2/posting/fbs/arbitration", {"posting_number": [pick("arbitration")]}, shop)
        reason_id = 352
        for r in (reasons or {}).get("result") or []:
            if r.get("type_id") == "seller" and r.get("is_available_for_cancellation"):
                reason_id = int(r["id"])
                break
        self.call(
            "/v2/posting/fbs/cancel",
            {
                "cancel_reason_id": reason_id,
                "cancel_reason_message": "Нет в наличии",
                "posting_number": pick("cancel"),
            },
            shop,
        )
        chat = pick("can_create_chat")
        self.call("/v1/chat/start", {"posting_number": chat}, shop)

    def _returns(self, shop: Shop) -> None:
        page = self.call("/v1/returns/list", {"filter": {}, "limit": 500, "last_id": 0}, shop)
        if page and page.get("has_next") and page.get("returns"):
            self.call(
                "/v1/returns/list",
                {"filter": {}, "limit": 500, "last_id": page["returns"][-1]["id"]},
                shop,
            )
        rfbs = self.call(
            "/v2/returns/rfbs/list", {"filter": {"group_state": RETURN_STATES}, "limit": 50}, shop
        )
        returns = (rfbs or {}).get("returns") or []
        if isinstance(returns, dict):
            returns = [returns]
        for r in returns[:2]:
            got = self.call("/v2/returns/rfbs/get", {"return_id": int(r["return_id"])}, shop)
            actions = ((got or {}).get("returns") or {}).get("available_actions") or []
            action: dict[str, Any] = {"return_id": int(r["return_id"])}
            if actions:
                first = actions[0].get("action", actions[0])
                action["id"] = int(first["id"])
                if action["id"] in (-1, -10):
                    action.update(comment="Товар в порядке", rejection_reason_id=1)
                if action["id"] == 1020:
                    action["compensation_amount"] = 10.0
            self.call("/v1/returns/rfbs/action/set", action, shop)
        self.call("/v2/returns/rfbs/get", {"return_id": 1}, shop)

    def _reviews(self, shop: Shop, since: str | None, to: str | None) -> None:
        page = self.call(
            "/v2/review/list",
            {
                "filters": {
                    "order_status": "ALL",
                    "published_from": since,
                    "published_to": to,
                    "status": "ALL",
                },
                "limit": 100,
                "sort_dir": "DESC",
            },
            shop,
        )
        reviews = (page or {}).get("reviews") or []
        if page and page.get("has_next"):
            self.call("/v2/review/list", {"last_id": page.get("last_id", ""), "limit": 20}, shop)
        review_id = reviews[0]["id"] if reviews else "0199aaaa-0000-7000-8000-000000000000"
        self.call("/v2/review/info", {"review_id": review_id}, shop)
        self.call(
            "/v1/review/comment/create",
            {"mark_review_as_processed": True, "review_id": review_id, "text": "Спасибо за отзыв!"},
            shop,
        )
        self.call(
            "/v1/review/comment/list",
            {"limit": 100, "offset": 0, "review_id": review_id, "sort_dir": "ASC"},
            shop,
        )
        self.call(
            "/v2/review/change-status", {"review_ids": [review_id], "status": "PROCESSED"}, shop
        )

    def _chats(self, shop: Shop, numbers: list[str]) -> None:
        page = self.call(
            "/v3/chat/list",
            {"filter": {"chat_status": "ALL", "unread_only": False}, "limit": 100},
            shop,
        )
        chats = (page or {}).get("chats") or []
        for c in chats[:2]:
            chat_id = c["chat"]["chat_id"]
            hist = self.call(
                "/v3/chat/history", {"chat_id": chat_id, "direction": "Backward", "limit": 50}, shop
            )
            msgs = (hist or {}).get("messages") or []
            if msgs:
                self.call(
                    "/v3/chat/history",
                    {
                        "chat_id": chat_id,
                        "direction": "Forward",
                        "from_message_id": int(msgs[-1]["message_id"]),
                        "limit": 10,
                    },
                    shop,
                )
            self.call("/v1/chat/send/message", {"chat_id": chat_id, "text": "Здравствуйте!"}, shop)
        self.call("/v3/chat/history", {"chat_id": "no-such-chat", "limit": 10}, shop)

    def _finance(
        self, shop: Shop, now: datetime, since: str | None, to: str | None, numbers: list[str]
    ) -> None:
        period = {"from": since, "to": to}
        page = self.call(
            "/v3/finance/transaction/list",
            {"filter": {"date": period, "transaction_type": "all"}, "page": 1, "page_size": 1000},
            shop,
        )
        ops = ((page or {}).get("result") or {}).get("operations") or []
        self.call(
            "/v3/finance/transaction/totals", {"date": period, "transaction_type": "all"}, shop
        )
        op_numbers = [
            o["posting"]["posting_number"]
            for o in ops
            if (o.get("posting") or {}).get("posting_number")
        ]
        if op_numbers:
            self.call(
                "/v3/finance/transaction/totals",
                {"posting_number": op_numbers[0], "transaction_type": "all"},
                shop,
            )
        self.call(
            "/v1/finance/accrual/postings",
            {"posting_numbers": (op_numbers + numbers)[:20] or ["0-0-1"]},
            shop,
        )
        day = (now - timedelta(days=3)).date().isoformat()
        self.call("/v1/finance/accrual/by-day", {"date": day, "last_id": ""}, shop)
        prev = (now.replace(day=1) - timedelta(days=1)).date()
        month = {"month": prev.month, "year": prev.year}
        self.call("/v2/finance/realization", month, shop)
        self.call("/v1/finance/realization/posting", month, shop)
        first = now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
        start = first - timedelta(days=1)
        start = start.replace(day=1)
        self.call(
            "/v1/finance/cash-flow-statement/list",
            {
                "date": {"from": iso(start), "to": iso(first - timedelta(seconds=1))},
                "page": 1,
                "page_size": 100,
                "with_details": True,
            },
            shop,
        )

    def _stocks(self, shop: Shop) -> None:
        page = self.call(
            "/v4/product/info/stocks", {"filter": {"visibility": "ALL"}, "limit": 100}, shop
        )
        items = (page or {}).get("items") or []
        skus = [str(k.sku) for k in self.world.skus[shop.index]]
        for it in items[:1]:
            self.call(
                "/v4/product/info/stocks",
                {"filter": {"offer_id": [it["offer_id"]], "visibility": "ALL"}, "limit": 10},
                shop,
            )
        self.call("/v1/analytics/stocks", {"skus": skus[:100]}, shop)
        orders = self.call(
            "/v3/supply-order/list",
            {
                "filter": {"states": SUPPLY_STATES},
                "limit": 100,
                "sort_by": "ORDER_CREATION",
                "sort_dir": "DESC",
            },
            shop,
        )
        ids = [str(x) for x in (orders or {}).get("order_ids") or []]
        self.call("/v3/supply-order/get", {"order_ids": ids[:50] or ["1"]}, shop)


@pytest.fixture(scope="module")
def second_opinion() -> SecondOpinion:
    return SecondOpinion()


def test_all_44_methods_are_registered() -> None:
    missing = [p for p in SIMULATED_PATHS if p not in REGISTRY.routes]
    assert not missing, f"{len(missing)} of 44 methods are not simulated yet: {missing}"


def test_the_second_validator_is_not_a_rubber_stamp(second_opinion: SecondOpinion) -> None:
    good = json.dumps({"code": 3, "message": "bad", "details": []}).encode()
    bad = json.dumps({"code": "3", "message": "bad", "details": {}}).encode()
    path = "/v3/posting/fbs/get"
    assert second_opinion.problems(path, b"{}", 400, good, "application/json") == []
    assert second_opinion.problems(path, b"{}", 400, bad, "application/json")
    assert default_validator().validate_response(path, 400, json.loads(bad))


@pytest.mark.parametrize("overrides", WORLDS, ids=lambda o: f"seed{o['seed']}-{o['shops']}shops")
def test_every_method_answers_within_the_spec(
    overrides: dict[str, Any], second_opinion: SecondOpinion
) -> None:
    config = SimConfig(rate_limit_per_second=1_000_000, **overrides)
    world = World(config)
    client = AsgiClient(create_app(config, world=world))
    sweep = Sweep(world, client, second_opinion)
    try:
        elapsed = timedelta(0)
        for offset in OFFSETS:
            world.clock.advance((offset - elapsed).total_seconds())
            elapsed = offset
            for shop in world.shops[:2]:
                sweep.run(shop)
    finally:
        client.close()
    assert not sweep.failures, "\n".join(sweep.failures[:30])
    registered = [p for p in SIMULATED_PATHS if p in REGISTRY.routes]
    assert set(sweep.statuses) == set(registered), "some registered methods were never called"
    assert sweep.checked_by_second > 0


# --- requests the spec forbids --------------------------------------------------------------
def _bodies_with_request_schemas() -> list[str]:
    v = default_validator()
    return [p for p in SIMULATED_PATHS if v.request_schema(p) is not None]


def _required_top(path: str) -> list[str]:
    schema = default_validator()._inline(default_validator().request_schema(path))
    req = schema.get("required")
    return list(req) if isinstance(req, list) else []


def _props(path: str) -> dict[str, Any]:
    schema = default_validator()._inline(default_validator().request_schema(path))
    props: dict[str, Any] = schema.get("properties") or {}
    return props


def _wrong_type_body(path: str) -> dict[str, Any] | None:
    """A body with one top-level field of the wrong JSON type."""
    for name, sub in _props(path).items():
        t = sub.get("type")
        if t in ("integer", "number"):
            return {name: "not-a-number"}
        if t == "string" and not sub.get("format"):
            return {name: 12345}
        if t == "array":
            return {name: "not-an-array"}
        if t == "object":
            return {name: [1, 2]}
        if t == "boolean":
            return {name: "yes"}
    return None


def _limit_out_of_range(path: str) -> dict[str, Any] | None:
    sub = _props(path).get("limit") or {}
    if sub.get("maximum") is not None:
        return {"limit": int(sub["maximum"]) + 1}
    if sub.get("minimum") is not None:
        return {"limit": int(sub["minimum"]) - 1}
    return None


@pytest.fixture(scope="module")
def raw_client() -> Any:
    world = World(
        SimConfig(seed=5, shops=1, orders_per_day=10, history_days=5, rate_limit_per_second=10**6)
    )
    client = AsgiClient(create_app(world.config, world=world))
    yield client, world.shops[0]
    client.close()


def _assert_400(resp: Any, path: str, what: str) -> None:
    assert resp.status_code == 400, f"{path} {what}: {resp.status_code} {resp.text[:300]}"
    data = resp.json()
    assert set(data) == {"code", "message", "details"}, data
    assert data["code"] == 3, data
    assert not default_validator().validate_response(path, 400, data)


def test_forbidden_requests_are_refused_with_400(raw_client: Any) -> None:
    client, shop = raw_client
    headers = {
        "Client-Id": shop.client_id,
        "Api-Key": shop.api_key,
        "Content-Type": "application/json",
    }
    tried: Counter[str] = Counter()
    for path in _bodies_with_request_schemas():
        if path not in REGISTRY.routes:
            continue
        cases: list[tuple[str, bytes, dict[str, str]]] = [
            ("[] body", b"[]", headers),
            ("malformed JSON", b'{"limit": 1,', headers),
            ("JSON scalar", b"42", headers),
            ("wrong Content-Type", b"{}", {**headers, "Content-Type": "text/plain"}),
            (
                "form Content-Type",
                b"a=1",
                {**headers, "Content-Type": "application/x-www-form-urlencoded"},
            ),
        ]
        if _required_top(path):
            cases.append(("missing required field", b"{}", headers))
        wrong = _wrong_type_body(path)
        if wrong is not None:
            cases.append(("wrong type", json.dumps(wrong).encode(), headers))
        out_of_range = _limit_out_of_range(path)
        if out_of_range is not None:
            cases.append(("limit out of range", json.dumps(out_of_range).encode(), headers))
        for what, content, hdrs in cases:
            _assert_400(client.post(path, content=content, headers=hdrs), path, what)
            tried[what] += 1
    assert tried["[] body"] > 0


# --- the posting cache may drop postings, never change them ----------------------------------
def test_dropped_postings_come_back_identical_and_changed_ones_stay(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from ozonops.simulator.world import world as world_module

    monkeypatch.setattr(world_module, "POSTING_CACHE_SIZE", 50)
    w = World(SimConfig(seed=8, shops=1, orders_per_day=40, history_days=10))
    first = w.posting(0)
    snapshot = repr((first.plan, first.timeline, first.lines, first.buyer, first.troubles))
    changed = w.posting(1)
    changed.tracking_number = "LP000000001CN"
    for i in range(2, 400):
        w.posting(i)
    assert w.posting(1) is changed  # pinned: the seller's change survives eviction
    again = w.posting(0)
    assert again is not first  # dropped and rebuilt ...
    assert repr((again.plan, again.timeline, again.lines, again.buyer, again.troubles)) == snapshot
