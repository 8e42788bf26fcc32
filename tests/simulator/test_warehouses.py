"""The seller's warehouses and delivery methods: cursor walks, filters, limits."""

from __future__ import annotations

from typing import Any

from ozonops.simulator.world import Scheme, World

from .conftest import OzonCaller

WH = "/v2/warehouse/list"
DM = "/v2/delivery-method/list"


def _walk(ozon: OzonCaller, path: str, key: str, body: dict[str, Any], **kw: Any) -> list[Any]:
    out: list[Any] = []
    cursor = ""
    for _ in range(100):
        page = ozon.ok(path, {**body, "cursor": cursor}, **kw)
        out.extend(page[key])
        if not page["has_next"]:
            assert page["cursor"] == ""
            return out
        cursor = page["cursor"]
    raise AssertionError("paging did not end")


def test_warehouse_list_walk(world: World, ozon: OzonCaller) -> None:
    for shop in world.shops:
        truth = sorted(
            w.warehouse_id
            for w in world.warehouses
            if w.shop_index == shop.index and w.kind == "fbs"
        )
        rows = _walk(ozon, WH, "warehouses", {"limit": 1}, shop=shop)
        assert [r["warehouse_id"] for r in rows] == truth
        by_id = {w.warehouse_id: w for w in world.warehouses}
        for r in rows:
            assert r["is_rfbs"] == by_id[r["warehouse_id"]].is_rfbs
            assert r["name"] == by_id[r["warehouse_id"]].name
    one = str(truth[-1])
    got = ozon.ok(WH, {"limit": 10, "warehouse_ids": [one]}, shop=world.shops[-1])
    assert [r["warehouse_id"] for r in got["warehouses"]] == [int(one)]
    assert ozon.ok(WH, {"limit": 10, "warehouse_ids": [one]})["warehouses"] == []
    ozon.error(WH, {"limit": 201}, 400)
    ozon.error(WH, {"limit": 0}, 400)
    ozon.error(WH, {"limit": 10, "cursor": "%%%"}, 400)


def test_delivery_method_walk_and_filters(world: World, ozon: OzonCaller) -> None:
    shop = world.shops[0]
    mine = [m for m in world.methods if m.shop_index == shop.index and m.scheme is not Scheme.FBO]
    assert len(mine) >= 3
    rows = _walk(ozon, DM, "delivery_methods", {"limit": 2})
    assert [r["id"] for r in rows] == sorted(m.id for m in mine)
    by_id = {m.id: m for m in mine}
    for r in rows:
        m = by_id[r["id"]]
        assert r["warehouse_id"] == m.warehouse_id
        assert r["tpl_integration_type"] == m.scheme.tpl_integration_type
        assert r["tpl_integration_type"] != "ozon" or m.scheme is Scheme.FBS
    desc = _walk(ozon, DM, "delivery_methods", {"limit": 3, "sort_dir": "DESC"})
    assert [r["id"] for r in desc] == sorted((m.id for m in mine), reverse=True)
    wid = mine[0].warehouse_id
    body = {"limit": 100, "filter": {"warehouse_ids": [str(wid)]}}
    got = ozon.ok(DM, body)["delivery_methods"]
    assert sorted(r["id"] for r in got) == sorted(m.id for m in mine if m.warehouse_id == wid)
    pid = mine[0].provider_id
    body = {"limit": 100, "filter": {"provider_ids": [str(pid)]}}
    got = ozon.ok(DM, body)["delivery_methods"]
    assert sorted(r["id"] for r in got) == sorted(m.id for m in mine if m.provider_id == pid)
    body = {"limit": 100, "filter": {"delivery_method_ids": [str(mine[1].id)]}}
    assert [r["id"] for r in ozon.ok(DM, body)["delivery_methods"]] == [mine[1].id]
    assert ozon.ok(DM, {"limit": 100, "filter": {"status": ["DISABLED"]}})["delivery_methods"] == []
    fbo = next(m for m in world.methods if m.shop_index == shop.index and m.scheme is Scheme.FBO)
    body = {"limit": 100, "filter": {"delivery_method_ids": [str(fbo.id)]}}
    assert ozon.ok(DM, body)["delivery_methods"] == []
    other = ozon.ok(DM, {"limit": 100}, shop=world.shops[1])["delivery_methods"]
    assert not {r["id"] for r in other} & set(by_id)
    ozon.error(DM, {"limit": 101}, 400)
    ozon.error(DM, {"limit": 0}, 400)
