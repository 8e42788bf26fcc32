from __future__ import annotations

from tests.simulator.conftest import OzonCaller


def test_roles_answers_with_the_keys_expiry(ozon: OzonCaller) -> None:
    data = ozon.ok("/v1/roles")
    assert data["expires_at"].endswith("Z")
    assert any("/v4/posting/fbs/list" in r["methods"] for r in data["roles"])


def test_missing_keys_get_the_spec_error_body(ozon: OzonCaller) -> None:
    resp = ozon.client.post("/v1/roles", json={})
    assert resp.status_code == 401
    assert resp.json() == {
        "code": 16,
        "message": "Client-Id and Api-Key headers are required",
        "details": [],
    }


def test_wrong_key_is_refused(ozon: OzonCaller) -> None:
    shop = ozon.world.shops[0]
    resp = ozon.client.post(
        "/v1/roles", json={}, headers={"Client-Id": shop.client_id, "Api-Key": "nope"}
    )
    assert resp.status_code == 403
    assert resp.json()["code"] == 7


def test_list_instead_of_object_is_a_proto_syntax_error(ozon: OzonCaller) -> None:
    shop = ozon.world.shops[0]
    resp = ozon.client.post("/v1/roles", content=b"[]", headers=ozon.headers(shop))
    assert resp.status_code == 400
    assert "syntax error" in resp.json()["message"]


def test_unknown_method_is_an_ozon_shaped_404(ozon: OzonCaller) -> None:
    data = ozon.error("/v9/no/such/method", {}, 404)
    assert data["code"] == 5
