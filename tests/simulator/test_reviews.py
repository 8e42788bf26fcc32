"""Reviews v2 and review comments: paging, filters, status changes, comments, the paid gate."""

from __future__ import annotations

from datetime import timedelta
from statistics import mean
from typing import Any

import pytest

from ozonops.simulator.config import TroubleRates
from ozonops.simulator.world import World
from ozonops.simulator.world import aftersales as af
from ozonops.simulator.world.aftersales_reviews import Review, derive_review
from tests.simulator.conftest import OzonCaller, make_world

LIST = "/v2/review/list"
INFO = "/v2/review/info"
COUNT = "/v2/review/count"
CHANGE = "/v2/review/change-status"
CREATE = "/v1/review/comment/create"
COMMENTS = "/v1/review/comment/list"


def truth_reviews(world: World, shop_index: int = 0) -> list[Review]:
    """Reviews derived straight from the postings, published by now, oldest first."""
    shop, now = world.shops[shop_index], world.now()
    since = world.config.start - timedelta(days=world.config.history_days + 5)
    out = []
    for fbo in (False, True):
        for p in world.postings(shop, fbo=fbo, since=since, to=now):
            rev = derive_review(world.config, world.history_end, p)
            if rev is not None and rev.published_at <= now:
                out.append(rev)
    return sorted(out, key=lambda r: (r.published_at, r.id))


def walk(ozon: OzonCaller, body: dict[str, Any], limit: int = 20) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    last_id = ""
    for _ in range(1000):
        page = ozon.ok(LIST, {**body, "limit": limit, "last_id": last_id})
        out += page["reviews"]
        if not page["has_next"]:
            return out
        assert len(page["reviews"]) == limit
        assert page["last_id"] == page["reviews"][-1]["id"]
        last_id = page["last_id"]
    raise AssertionError("paging did not end")


@pytest.mark.parametrize("sort_dir", ["ASC", "DESC"])
def test_walk_returns_every_review_once_in_order(ozon: OzonCaller, sort_dir: str) -> None:
    truth = truth_reviews(ozon.world)
    assert len(truth) > 60
    got = walk(ozon, {"sort_dir": sort_dir})
    ids = [r["id"] for r in got]
    assert len(ids) == len(set(ids))
    expected = [r.id for r in truth]
    assert ids == (expected if sort_dir == "ASC" else expected[::-1])
    # Reviews of cancelled orders are rare (a few per world), so take the truth's mix.
    assert {r["order_status"] for r in got} == {r.order_status for r in truth} >= {"DELIVERED"}
    assert all(1 <= r["rating"] <= 5 for r in got)


def test_filters_select_the_truth(ozon: OzonCaller) -> None:
    world = ozon.world
    truth = truth_reviews(world)
    new = walk(ozon, {"filters": {"status": "NEW"}})
    assert new
    assert {r["status"] for r in new} == {"NEW"}
    cancelled = walk(ozon, {"filters": {"order_status": "CANCELLED"}})
    assert {r["id"] for r in cancelled} == {r.id for r in truth if r.order_status == "CANCELLED"}
    sku = truth[-1].sku
    by_sku = walk(ozon, {"filters": {"skus": [str(sku)]}})
    assert {r["id"] for r in by_sku} == {r.id for r in truth if r.sku == sku}
    lo = world.config.start - timedelta(days=10)
    hi = world.config.start - timedelta(days=3)
    span = {"published_from": lo.isoformat(), "published_to": hi.isoformat()}
    dated = walk(ozon, {"filters": span})
    assert {r["id"] for r in dated} == {r.id for r in truth if lo <= r.published_at <= hi}
    ozon.error(LIST, {"limit": 10}, 400)
    ozon.error(LIST, {"limit": 101}, 400)
    ozon.error(LIST, {"limit": 20, "last_id": "no-such-review"}, 400)


def test_count_matches_the_list(ozon: OzonCaller) -> None:
    got = walk(ozon, {}, limit=100)
    count = ozon.ok(COUNT, {})
    assert count["total"] == len(got)
    for status in ("NEW", "VIEWED", "PROCESSED"):
        assert count[status.lower()] == sum(1 for r in got if r["status"] == status)
    assert count["processed"] > count["new"]  # the history was answered by the seller


def test_new_reviews_appear_as_the_clock_runs(ozon: OzonCaller) -> None:
    world = ozon.world
    before = ozon.ok(COUNT, {})
    world.clock.advance(3 * 86400)
    after = ozon.ok(COUNT, {})
    assert after["total"] > before["total"]
    assert after["new"] - before["new"] == after["total"] - before["total"]


def test_change_status(ozon: OzonCaller) -> None:
    page = ozon.ok(LIST, {"limit": 20, "filters": {"status": "NEW"}})["reviews"]
    ids = [r["id"] for r in page[:3]]
    before = ozon.ok(COUNT, {})
    ozon.ok(CHANGE, {"review_ids": ids, "status": "VIEWED"})
    for review_id in ids:
        assert ozon.ok(INFO, {"review_id": review_id})["status"] == "VIEWED"
    after = ozon.ok(COUNT, {})
    assert after["new"] == before["new"] - 3
    assert after["viewed"] == before["viewed"] + 3
    ozon.ok(CHANGE, {"review_ids": ids[:1], "status": "PROCESSED"})
    assert ozon.ok(INFO, {"review_id": ids[0]})["status"] == "PROCESSED"
    ozon.error(CHANGE, {"review_ids": ["nope"], "status": "VIEWED"}, 404)
    ozon.error(CHANGE, {"review_ids": ids}, 400)
    ozon.error(CHANGE, {"review_ids": [], "status": "VIEWED"}, 400)


def test_comment_create_then_list(ozon: OzonCaller) -> None:
    review = ozon.ok(LIST, {"limit": 20, "filters": {"status": "NEW"}})["reviews"][0]
    rid = review["id"]
    assert review["comments_amount"] == 0
    text = "Спасибо за отзыв! Мы уже разбираемся."
    created = ozon.ok(CREATE, {"review_id": rid, "text": text, "mark_review_as_processed": True})
    info = ozon.ok(INFO, {"review_id": rid})
    assert info["comments_amount"] == 1
    assert info["status"] == "PROCESSED"
    listed = ozon.ok(COMMENTS, {"review_id": rid, "limit": 20, "filter": {}})
    assert [c["id"] for c in listed["comments"]] == [created["comment_id"]]
    assert listed["comments"][0]["text"] == text
    assert listed["comments"][0]["is_owner"] is True
    ozon.world.clock.advance(1)  # later than the first comment, not just a higher random id
    reply = ozon.ok(
        CREATE, {"review_id": rid, "text": "Дополнение", "parent_comment_id": created["comment_id"]}
    )
    listed = ozon.ok(COMMENTS, {"review_id": rid, "limit": 20, "filter": {}, "sort_dir": "DESC"})
    assert listed["comments"][0]["id"] == reply["comment_id"]
    assert listed["comments"][0]["parent_comment_id"] == created["comment_id"]
    assert listed["offset"] == 2
    assert ozon.ok(INFO, {"review_id": rid})["comments_amount"] == 2
    ozon.error(CREATE, {"review_id": rid, "text": "  "}, 400)
    ozon.error(CREATE, {"review_id": rid, "text": "x", "parent_comment_id": "nope"}, 404)
    ozon.error(CREATE, {"review_id": "nope", "text": "x"}, 404)
    ozon.error(COMMENTS, {"review_id": rid, "limit": 10, "filter": {}}, 400)


def test_comment_list_by_sku_pages_with_offset(ozon: OzonCaller) -> None:
    world = ozon.world
    truth = truth_reviews(world)
    sku = max(
        {r.sku for r in truth}, key=lambda s: sum(len(r.comments) for r in truth if r.sku == s)
    )
    expected = sorted(
        (c for r in truth if r.sku == sku for c in r.comments if c.published_at <= world.now()),
        key=lambda c: (c.published_at, c.id),
    )
    assert len(expected) > 1
    got: list[str] = []
    offset = 0
    while True:
        page = ozon.ok(COMMENTS, {"limit": 20, "offset": offset, "filter": {"sku": sku}})
        got += [c["id"] for c in page["comments"]]
        if not page["comments"]:
            break
        offset = page["offset"]
    assert got == [c.id for c in expected]


def test_info_has_photos_and_unknown_is_404(ozon: OzonCaller) -> None:
    truth = truth_reviews(ozon.world)
    with_photos = next(r for r in truth if r.photos)
    info = ozon.ok(INFO, {"review_id": with_photos.id})
    assert info["photos_amount"] == len(info["photos"]) == with_photos.photos
    assert info["rating"] == with_photos.rating
    ozon.error(INFO, {"review_id": "00000000-0000-7000-8000-000000000000"}, 404)


def test_shop_without_subscription_gets_403(ozon: OzonCaller) -> None:
    shop = ozon.world.shops[1]
    assert not shop.has_review_access
    rid = truth_reviews(ozon.world, 1)[0].id
    bodies = {
        LIST: {"limit": 20},
        INFO: {"review_id": rid},
        COUNT: {},
        CHANGE: {"review_ids": [rid], "status": "VIEWED"},
        CREATE: {"review_id": rid, "text": "Спасибо!"},
        COMMENTS: {"review_id": rid, "limit": 20, "filter": {}},
    }
    for path, body in bodies.items():
        err = ozon.error(path, body, 403, shop=shop)
        assert err["code"] == 7
        assert err["message"] == "not available with existing subscription"


def test_late_and_damaged_deliveries_get_lower_ratings() -> None:
    world = make_world(orders_per_day=300, troubles=TroubleRates(damaged=0.15))
    sa = af.shop_index(world, world.shops[0])
    groups: dict[str, list[int]] = {"ok": [], "late": [], "damaged": []}
    for rev in sa.reviews:
        if rev.order_status != "DELIVERED":
            continue
        p = world.find_posting(world.shops[0], rev.posting_number)
        assert p is not None
        delivered = p.timeline[-1]
        if any(t.kind == "damaged" for t in p.troubles):
            groups["damaged"].append(rev.rating)
        elif delivered.at > p.delivery_date_end:
            groups["late"].append(rev.rating)
        else:
            groups["ok"].append(rev.rating)
    assert min(len(v) for v in groups.values()) > 30
    assert mean(groups["damaged"]) + 0.5 < mean(groups["late"]) < mean(groups["ok"]) - 0.3
