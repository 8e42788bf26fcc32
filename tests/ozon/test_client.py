"""``OzonClient`` against the simulator: all 44 methods, golden request bodies, refusals."""

from __future__ import annotations

import contextlib
import inspect
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from tests.ozon.clientkit import Recorder, client_for
from tests.ozon.simserver import make_app, serve

from ozonops.ozon import BulkResult, InvalidArguments, OzonClient, errors
from ozonops.ozon import models as m
from ozonops.ozon.spec import default_validator

pytestmark = pytest.mark.anyio

SUPPLY_STATES = ["DATA_FILLING", "READY_TO_SUPPLY", "IN_TRANSIT", "REPORTS_CONFIRMATION_AWAITING"]
CLIENT_METHODS = 44


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(scope="module")
def app() -> Starlette:
    # Shop 0 has Premium Pro: reviews and chats are open to it.
    return make_app(orders_per_day=40, history_days=45, rate_limit_per_second=10**6)


def api_methods() -> list[str]:
    """The client's one-per-Ozon-method coroutines (not the iter_/bulk_ helpers)."""
    return [
        name
        for name, fn in inspect.getmembers(OzonClient, inspect.iscoroutinefunction)
        if not name.startswith(("_", "iter_", "bulk_", "aclose", "__"))
    ]


def test_one_method_per_wire_method() -> None:
    assert len(api_methods()) == CLIENT_METHODS == len(m.WIRE_MODELS)


async def exercise(ozon: OzonClient, now: Any) -> set[str]:
    """Call every method once with a valid request; the names called."""
    called: set[str] = set()

    async def call(name: str, *args: Any, **fields: Any) -> Any:
        called.add(name)
        return await getattr(ozon, name)(*args, **fields)

    since, to = now - timedelta(days=30), now
    with_fbs = {"analytics_data": True, "barcodes": True, "financial_data": True}
    roles = await call("roles")
    assert roles.roles
    await call("warehouse_list", limit=200)
    await call("delivery_method_list", limit=100, sort_dir="ASC")
    reasons = await call("cancel_reasons")
    await call("accrual_types")
    await call("review_count")

    page = await call("fbs_list", filter={"since": since, "to": to}, limit=100, with_=with_fbs)
    postings = page.postings
    assert postings
    assert all(isinstance(p, m.FbsPosting) for p in postings)
    await call(
        "fbs_unfulfilled_list",
        filter={"cutoff_from": now - timedelta(days=7), "cutoff_to": now + timedelta(days=10)},
        limit=100,
    )
    v3 = await call("fbs_list_v3", filter={"since": since, "to": to}, limit=50, offset=0)
    assert v3.result.postings
    detailed = [
        (
            await call("fbs_get", posting_number=p.posting_number, with_={"related_postings": True})
        ).result
        for p in postings[:12]
    ]

    def offering(action: str) -> str:
        for p in detailed:
            if p is not None and action in p.available_actions and p.posting_number:
                return p.posting_number
        return postings[0].posting_number or "0"

    shippable = next(
        (p for p in detailed if p is not None and "ship" in p.available_actions), detailed[0]
    )
    assert shippable is not None
    products = [{"product_id": x.sku, "quantity": x.quantity} for x in shippable.products]
    ship = {"posting_number": shippable.posting_number, "packages": [{"products": products}]}
    if "ship" in shippable.available_actions:
        shipped = await call("fbs_ship", **ship)
        assert shippable.posting_number in shipped.result
    else:  # nothing to pack right now: Ozon refuses, and the body we sent is still checked
        with pytest.raises(errors.ApiError):
            await call("fbs_ship", **ship)
    tracked = await call(
        "set_tracking_numbers",
        tracking_numbers=[
            {"posting_number": offering("set_track_number"), "tracking_number": "LP0012345CN"}
        ],
    )
    assert isinstance(tracked, BulkResult)
    assert len(tracked.ok) + len(tracked.failed) == 1
    for name, action in (
        ("move_to_delivering", "non_int_delivering"),
        ("move_to_last_mile", "non_int_last_mile"),
        ("move_to_delivered", "non_int_delivered"),
    ):
        moved = await call(name, posting_number=[offering(action)])
        assert isinstance(moved, BulkResult)
    reason = next((r.id for r in reasons.result if r.is_available_for_cancellation), 352)
    for name, fields in (
        ("fbs_arbitration", {"posting_number": [offering("arbitration")]}),
        (
            "fbs_cancel",
            {
                "posting_number": offering("cancel"),
                "cancel_reason_id": reason,
                "cancel_reason_message": "Нет в наличии",
            },
        ),
    ):
        # Refused for the posting's state is fine: the body we sent is what is checked.
        with contextlib.suppress(errors.ApiError):
            await call(name, **fields)

    fbo = await call("fbo_list", filter={"since": since, "to": to}, limit=100)
    await call("fbo_list_v2", filter={"since": since, "to": to}, limit=100, offset=0)
    assert fbo.postings, "the test world has FBO postings in the last 30 days"
    got = await call("fbo_get", posting_number=fbo.postings[0].posting_number)
    assert got.result is not None

    await call(
        "returns_list",
        filter={"logistic_return_date": {"time_from": now - timedelta(days=60), "time_to": now}},
        limit=500,
    )
    rfbs = await call("rfbs_returns_list", filter={"group_state": ["All"]}, limit=50)
    assert rfbs.returns, "the test world has rFBS return requests"
    return_id = rfbs.returns[0].return_id
    detail = await call("rfbs_return_get", return_id=return_id)
    actions = detail.returns.available_actions if detail.returns else []
    action: dict[str, Any] = {"return_id": return_id, "id": actions[0].id if actions else 1}
    if action["id"] in (-1, -10):
        action.update(comment="Товар в порядке", rejection_reason_id=1)
    if action["id"] == 1020:
        action["compensation_amount"] = 10.0
    # A decided request refuses every action; the body we sent is what is checked.
    with contextlib.suppress(errors.ApiError):
        await call("rfbs_return_action", **action)

    reviews = await call("review_list", limit=100, filters={"status": "ALL"})
    assert reviews.reviews
    review_id = reviews.reviews[0].id
    await call("review_info", review_id=review_id)
    await call("review_comment_create", review_id=review_id, text="Спасибо за отзыв!")
    await call("review_comment_list", review_id=review_id, limit=20)
    await call("review_change_status", review_ids=[review_id], status="PROCESSED")

    chats = await call("chat_list", limit=100)
    assert chats.chats
    assert chats.chats[0].chat is not None
    chat_id = chats.chats[0].chat.chat_id
    await call("chat_history", chat_id=chat_id, direction="Backward", limit=50)
    await call("chat_send_message", chat_id=chat_id, text="Здравствуйте!")
    with contextlib.suppress(Exception):
        await call("chat_start", posting_number=offering("can_create_chat"))

    period = {"from": now - timedelta(days=28), "to": now}
    ops = await call("finance_transactions", filter={"date": period}, page=1, page_size=1000)
    await call("finance_totals", date=period, transaction_type="all")
    numbers = [p.posting_number for p in postings[:20] if p.posting_number]
    await call("accrual_postings", posting_numbers=numbers)
    await call("accrual_by_day", date=(now - timedelta(days=3)).date())
    prev = (now.replace(day=1) - timedelta(days=1)).date()
    await call("realization", month=prev.month, year=prev.year)
    await call("realization_by_posting", month=prev.month, year=prev.year)
    first = now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    start = (first - timedelta(days=1)).replace(day=1)
    await call(
        "cash_flow_statement",
        date={"from": start, "to": first - timedelta(seconds=1)},
        page=1,
        page_size=100,
    )
    assert ops.result.page_count is not None

    stocks = await call("product_stocks", limit=100)
    skus = [i.product_id for i in stocks.items if i.product_id][:5] or [1]
    skus = [x.sku for p in postings for x in p.products if x.sku][:10] or skus
    await call("analytics_stocks", skus=skus)
    orders = await call(
        "supply_order_list", filter={"states": SUPPLY_STATES}, limit=100, sort_by="ORDER_CREATION"
    )
    await call("supply_order_get", order_ids=orders.order_ids[:50] or [1])
    return called


async def test_every_method_over_asgi_sends_spec_valid_bodies(app: Starlette) -> None:
    ozon, recorder = client_for(app)
    async with ozon:
        called = await exercise(ozon, app.state.world.now())
    assert called == set(api_methods())
    assert_golden(recorder)


def assert_golden(recorder: Recorder) -> None:
    validator = default_validator()
    assert set(recorder.paths()) >= set(m.WIRE_MODELS) - {"/v2/posting/fbo/get"}
    for path, body in recorder.sent:
        problems = validator.validate_request(path, body)
        assert not problems, f"{path} {body}: {problems[:3]}"


@pytest.fixture(scope="module")
def served(app: Starlette) -> Iterator[str]:
    with serve(app) as url:
        yield url


async def test_over_a_real_socket(app: Starlette, served: str) -> None:
    ozon, recorder = client_for(app, transport=httpx.AsyncHTTPTransport(), base_url=served)
    async with ozon:
        roles = await ozon.roles()
        now = app.state.world.now()
        page = await ozon.fbs_list(filter={"since": now - timedelta(days=3), "to": now}, limit=5)
    assert roles.roles
    assert len(page.postings) == 5
    assert_golden_subset(recorder)


@pytest.mark.parametrize("socket", [False, True], ids=["asgi", "socket"])
async def test_server_time_is_ozons_clock_from_the_date_header(
    app: Starlette, socket: bool
) -> None:
    """The simulated clock is far from ours; the client reads Ozon's from each answer."""
    world = app.state.world
    with contextlib.ExitStack() as stack:
        kw: dict[str, Any] = {}
        if socket:
            kw = {
                "transport": httpx.AsyncHTTPTransport(),
                "base_url": stack.enter_context(serve(app)),
            }
        ozon, _ = client_for(app, **kw)
        async with ozon:
            assert ozon.http.server_time is None
            before = world.now().replace(microsecond=0)
            await ozon.roles()
            first = ozon.http.server_time
            world.clock.advance(5 * 3600)
            with pytest.raises(errors.BadRequest):  # refusals carry the clock too
                await ozon.http.post("/v2/posting/fbs/cancel-reason/list", {"x": 1})
            second = ozon.http.server_time
    assert first is not None
    assert before <= first <= world.now()
    assert second is not None
    assert second - first >= timedelta(hours=5)


def assert_golden_subset(recorder: Recorder) -> None:
    validator = default_validator()
    for path, body in recorder.sent:
        assert not validator.validate_request(path, body)


# --- refused before sending ----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("method", "fields", "field"),
    [
        ("fbs_list", {"filter": {"since": "S", "to": "T"}, "limit": 101}, "limit"),
        ("fbs_list", {"filter": {"since": "S", "to": "Y"}, "limit": 100}, "1 year"),
        (
            "fbs_unfulfilled_list",
            {
                "filter": {
                    "cutoff_from": "S",
                    "cutoff_to": "T",
                    "delivering_date_from": "S",
                    "delivering_date_to": "T",
                },
                "limit": 10,
            },
            "exactly one window",
        ),
        ("review_list", {"limit": 10}, "limit"),
        ("set_tracking_numbers", {"tracking_numbers": []}, "tracking_numbers"),
        ("fbs_get", {"posting_number": "1", "colour": "red"}, "colour"),
    ],
)
async def test_invalid_arguments_are_refused_before_anything_is_sent(
    app: Starlette, method: str, fields: dict[str, Any], field: str
) -> None:
    now = app.state.world.now()
    times = {"S": now - timedelta(days=400), "T": now - timedelta(days=399), "Y": now}
    filled = {
        k: ({kk: times.get(vv, vv) for kk, vv in v.items()} if isinstance(v, dict) else v)
        for k, v in fields.items()
    }
    ozon, recorder = client_for(app)
    async with ozon:
        with pytest.raises(InvalidArguments) as caught:
            await getattr(ozon, method)(**filled)
    assert field in str(caught.value)
    assert recorder.sent == []


async def test_iterators_refuse_bad_ranges_before_sending(app: Starlette) -> None:
    now = app.state.world.now()
    ozon, recorder = client_for(app)
    async with ozon:
        with pytest.raises(InvalidArguments):
            async for _ in ozon.iter_fbs_postings(now, now - timedelta(days=1)):
                pass
        with pytest.raises(InvalidArguments):
            async for _ in ozon.iter_fbs_postings(
                now - timedelta(days=1), now, filter={"statuses": "x" * 3}
            ):
                pass
    assert recorder.sent == []


async def test_a_request_model_is_accepted_as_is(app: Starlette) -> None:
    ozon, recorder = client_for(app)
    async with ozon:
        with pytest.raises(errors.NotFound):
            await ozon.fbs_get(m.FbsGetV3Request(posting_number="00000000-0000-1"))
    assert recorder.sent == [("/v3/posting/fbs/get", {"posting_number": "00000000-0000-1"})]


# --- batches ------------------------------------------------------------------------------------
async def test_bulk_tracking_numbers_chunk_by_20_and_keep_failures_as_data(
    app: Starlette,
) -> None:
    world = app.state.world
    now = world.now()
    ozon, recorder = client_for(app)
    async with ozon:
        numbers = [
            p.posting_number async for p in ozon.iter_fbs_postings(now - timedelta(days=20), now)
        ][:45]
        pairs = [(n, f"LP{i:07d}CN") for i, n in enumerate(numbers)] + [("x-1", "")]
        result = await ozon.bulk_set_tracking_numbers(pairs)
    calls = [body for path, body in recorder.sent if path.endswith("tracking-number/set")]
    assert [len(b["tracking_numbers"]) for b in calls] == [20, 20, 5]
    assert len(result.ok) + len(result.failed) == 46
    assert any(f.posting_number == "x-1" for f in result.failed)
    assert all(f.error for f in result.failed)
