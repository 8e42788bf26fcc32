"""The control API tells the world's truth: postings with history, injected troubles."""

from __future__ import annotations

from datetime import timedelta

from ozonops.simulator.routing import iso
from tests.simulator.conftest import OzonCaller


def test_postings_listing_is_every_posting_with_its_history(ozon: OzonCaller) -> None:
    world = ozon.world
    shop = world.shops[0]
    resp = ozon.client.get("/_sim/postings", params={"client_id": shop.client_id})
    assert resp.status_code == 200
    data = resp.json()
    expected = [
        p.posting_number
        for fbo in (False, True)
        for p in world.postings(
            shop, fbo=fbo, since=world.config.start - timedelta(days=400), to=world.now()
        )
    ]
    assert data["total"] == len(expected)
    assert [p["posting_number"] for p in data["postings"]] == expected[:1000]
    first = data["postings"][0]
    assert first["history"][0]["status"] in ("awaiting_packaging", "awaiting_approve")
    assert all(p["shop_client_id"] == shop.client_id for p in data["postings"])


def test_troubles_listing_matches_the_postings(ozon: OzonCaller) -> None:
    world = ozon.world
    resp = ozon.client.get("/_sim/troubles", params={"kind": "lost"})
    assert resp.status_code == 200
    data = resp.json()
    assert data["total"] == len(data["troubles"]) > 0
    now = world.now()
    for t in data["troubles"]:
        assert t["kind"] == "lost"
        assert t["at"] <= iso(now)
        truth = ozon.client.get(f"/_sim/postings/{t['posting_number']}").json()
        assert "lost" in [x["kind"] for x in truth["troubles"]]


def test_bad_listing_arguments_are_refused(ozon: OzonCaller) -> None:
    assert ozon.client.get("/_sim/postings", params={"client_id": "nope"}).status_code == 400
    assert ozon.client.get("/_sim/troubles", params={"since": "yesterday"}).status_code == 400
