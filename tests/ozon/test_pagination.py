"""Each paginator walks a whole simulated list: the truth, once each, nothing lost."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from pydantic import BaseModel
from starlette.applications import Starlette
from tests.ozon.clientkit import client_for
from tests.ozon.simserver import make_app

from ozonops.ozon import (
    CursorPaginator,
    LastIdPaginator,
    OffsetPaginator,
    PagePaginator,
    UnexpectedResponse,
    iter_items,
    paginate,
)
from ozonops.ozon import models as m
from ozonops.simulator.routes.postings_fbs import list_key

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(scope="module")
def app() -> Starlette:
    return make_app(shops=1, orders_per_day=60, history_days=40, rate_limit_per_second=10**6)


def fbs_truth(app: Starlette, since: Any, to: Any) -> list[str]:
    """The shop's FBS-family postings (split parts too) in the v4 list's order."""
    world = app.state.world
    found = []
    for p in world.postings(world.shops[0], fbo=False, since=since, to=to):
        found += [p, *world.split_children(p.index)]
    return [p.posting_number for p in sorted(found, key=list_key)]


async def collect(app: Starlette, path: str, request: BaseModel, paginator: Any) -> list[Any]:
    ozon, _ = client_for(app)
    async with ozon:
        response_model = m.WIRE_MODELS[path][1]
        return [x async for x in iter_items(ozon.http, path, request, response_model, paginator)]


async def test_cursor_walk_of_the_v4_list_is_the_truth(app: Starlette) -> None:
    now = app.state.world.now()
    since = now - timedelta(days=40)
    req = m.FbsListV4Request(filter={"since": since, "to": now}, limit=37, sort_dir="ASC")
    got = [
        p.posting_number for p in await collect(app, "/v4/posting/fbs/list", req, CursorPaginator())
    ]
    assert got == fbs_truth(app, since, now)
    assert len(got) > 37 * 3


async def test_offset_walk_of_the_v3_list_matches(app: Starlette) -> None:
    now = app.state.world.now()
    since = now - timedelta(days=40)
    req = m.FbsListV3Request(filter={"since": since, "to": now}, limit=41, offset=0, dir="asc")
    pag = OffsetPaginator(items="result.postings", limit=41, has_next_field="result.has_next")
    got = [p.posting_number for p in await collect(app, "/v3/posting/fbs/list", req, pag)]
    assert got == fbs_truth(app, since, now)


async def test_fbo_offset_and_cursor_walks_agree(app: Starlette) -> None:
    now = app.state.world.now()
    flt = {"since": now - timedelta(days=40), "to": now}
    v3 = await collect(
        app,
        "/v3/posting/fbo/list",
        m.FboListV3Request(filter=flt, limit=29, sort_dir="ASC"),
        CursorPaginator(),
    )
    v2 = await collect(
        app,
        "/v2/posting/fbo/list",
        m.FboListV2Request(filter=flt, limit=31, dir="ASC"),
        OffsetPaginator(items="result", limit=31, max_offset=20000),
    )
    world = app.state.world
    truth = [p.posting_number for p in world.postings(world.shops[0], fbo=True, **flt)]
    assert [p.posting_number for p in v3] == truth
    assert [p.posting_number for p in v2] == truth


@pytest.mark.parametrize("small", [20, 33])
async def test_last_id_walks_match_one_big_walk(app: Starlette, small: int) -> None:
    now = app.state.world.now()
    cases: list[tuple[str, dict[str, Any], LastIdPaginator, str, int]] = [
        (
            "/v2/review/list",
            {"sort_dir": "ASC"},
            LastIdPaginator(items="reviews"),
            "id",
            100,
        ),
        (
            "/v1/returns/list",
            {
                "filter": {
                    "logistic_return_date": {"time_from": now - timedelta(days=90), "time_to": now}
                }
            },
            LastIdPaginator(items="returns", last_id_field=None, item_id="id"),
            "id",
            500,
        ),
    ]
    for path, fields, paginator, ident, big in cases:
        request_type = m.WIRE_MODELS[path][0]
        one = await collect(app, path, request_type(**fields, limit=big), paginator)
        fresh = LastIdPaginator(
            **{
                k: getattr(paginator, k)
                for k in ("items", "last_id_field", "item_id", "has_next_field")
            }
        )
        many = await collect(app, path, request_type(**fields, limit=small), fresh)
        ids = [getattr(x, ident) for x in many]
        assert ids == [getattr(x, ident) for x in one]
        assert len(ids) == len(set(ids)) > small


async def test_rfbs_returns_come_one_per_call(app: Starlette) -> None:
    ozon, recorder = client_for(app)
    async with ozon:
        got = [r.return_id async for r in ozon.iter_rfbs_returns()]
    assert got == sorted(set(got))
    assert len(recorder.sent) == len(got) + 1  # the last call answers {}


async def test_chats_and_stocks_walk_by_cursor(app: Starlette) -> None:
    ozon, _recorder = client_for(app)
    async with ozon:
        chats = [c.chat.chat_id async for c in ozon.iter_chats(limit=3) if c.chat]
        stock_pages = [
            page
            async for page in paginate(
                ozon.http,
                "/v4/product/info/stocks",
                m.ProductStocksRequest(limit=7),
                m.ProductStocksResponse,
                CursorPaginator(items="items", has_next_field=None),
            )
        ]
        big = [c.chat.chat_id async for c in ozon.iter_chats(limit=100) if c.chat]
    assert chats == big
    assert len(big) == len(set(big)) > 3
    skus = [i.product_id for p in stock_pages for i in p.items]
    assert len(skus) == len(set(skus)) > 7


async def test_page_walk_of_transactions_matches_one_page(app: Starlette) -> None:
    now = app.state.world.now()
    ozon, _ = client_for(app)
    async with ozon:
        small = [
            o.operation_id
            async for o in ozon.iter_transactions(now - timedelta(days=40), now, page_size=50)
        ]
        big = [o.operation_id async for o in ozon.iter_transactions(now - timedelta(days=40), now)]
    assert small == big
    assert len(small) == len(set(small)) > 50


class _Fake:
    def __init__(self, pages: list[dict[str, Any]]) -> None:
        self.pages, self.bodies = pages, []  # type: ignore[var-annotated]

    async def post(self, path: str, body: Any = None) -> dict[str, Any]:
        self.bodies.append(body)
        return self.pages[len(self.bodies) - 1]


async def test_a_cursor_that_does_not_move_stops_the_walk() -> None:
    fake = _Fake([{"postings": [{}], "has_next": True, "cursor": "a"}] * 3)
    req = m.ChatListRequest(limit=1)
    with pytest.raises(UnexpectedResponse):
        async for _ in paginate(fake, "/v3/chat/list", req, m.FbsListV4Response, CursorPaginator()):
            pass
    assert fake.bodies[1]["cursor"] == "a"
    assert len(fake.bodies) == 2


async def test_page_paginator_stops_at_page_count() -> None:
    page = {"result": {"operations": [{"operation_id": 1}], "page_count": 2}}
    fake = _Fake([page, page, page])
    pag = PagePaginator(items="result.operations")
    req = m.CashFlowStatementRequest(
        date={"from": "2026-01-01T00:00:00Z", "to": "2026-01-02T00:00:00Z"}, page=1, page_size=1
    )
    pages = [p async for p in paginate(fake, "/x", req, m.TransactionListResponse, pag)]
    assert len(pages) == 2
    assert [b["page"] for b in fake.bodies] == [1, 2]
