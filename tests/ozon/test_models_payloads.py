"""Tolerant responses: every response payload other SDKs' tests use parses with our model.

The payloads and their kinds come from shared/ozon-payloads/INDEX.md (see tests/shared.py).
Folders for methods we do not call are parsed with the nearest model where one fits
(``NEAREST``) and skipped otherwise (``SKIPPED``).
"""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest
from pydantic import BaseModel
from tests.shared import PAYLOADS, require

from ozonops.ozon import models as m
from ozonops.ozon.errors import parse_error_body
from ozonops.ozon.models import WIRE_MODELS

NEAREST: dict[str, type[BaseModel]] = {
    "/v1/review/list": m.ReviewListResponse,  # v1 list: same top-level shape as v2
    "/v3/posting/fbs/unfulfilled/list": m.FbsListV3Response,  # result{postings, count}
}
SKIPPED = {"/v1/warehouse/list", "/v2/analytics/stock_on_warehouses"}  # no model of that shape


def _index() -> list[tuple[str, str, str]]:
    """(folder, file, kind) rows of INDEX.md."""
    if not PAYLOADS.exists():
        return []
    rows, folder = [], ""
    for line in (PAYLOADS / "INDEX.md").read_text().splitlines():
        if heading := re.match(r"## (\S+)/", line):
            folder = heading.group(1)
        elif row := re.match(r"\| (\S+\.json) \| (\S+) \|", line):
            rows.append((folder, row.group(1), row.group(2)))
    return rows


def _path(folder: str) -> str:
    return "/" + folder.replace("_", "/").replace("stock/on/warehouses", "stock_on_warehouses")


def _load(folder: str, name: str) -> Any:
    return json.loads((PAYLOADS / folder / name).read_text())


RESPONSES = [(f, n) for f, n, kind in _index() if kind == "response"]
ERRORS = [(f, n) for f, n, kind in _index() if kind == "error"]
pytestmark = pytest.mark.skipif(not RESPONSES, reason="shared payloads not available")


def _model(path: str) -> type[BaseModel] | None:
    if path in WIRE_MODELS:
        return WIRE_MODELS[path][1]
    return NEAREST.get(path)


def test_every_response_folder_is_parsed_or_named_as_skipped() -> None:
    for folder, _ in RESPONSES:
        path = _path(folder)
        assert _model(path) is not None or path in SKIPPED, path


@pytest.mark.parametrize(("folder", "name"), RESPONSES)
def test_response_payload_parses(folder: str, name: str) -> None:
    model = _model(_path(folder))
    if model is None:
        pytest.skip(f"{_path(folder)} is not one of our methods")
    if not (PAYLOADS / folder / name).exists():
        pytest.skip("listed in INDEX.md but not on disk")
    model.model_validate(_load(folder, name))


@pytest.mark.parametrize(("folder", "name"), ERRORS)
def test_error_payload_parses(folder: str, name: str) -> None:
    raw = (PAYLOADS / folder / name).read_bytes()
    message, code, _ = parse_error_body(raw)
    body = m.ErrorBody.from_bytes(raw)
    assert (body.message, body.code) == (message, code)


def test_error_shapes() -> None:
    rpc = m.ErrorBody.from_bytes((PAYLOADS / "errors/diphantxm-1.json").read_bytes())
    assert (rpc.code, rpc.message) == (16, "Client-Id and Api-Key headers are required")
    legacy = m.ErrorBody.from_bytes((PAYLOADS / "errors/gam6itko-3.json").read_bytes())
    assert legacy.code == "BAD_REQUEST"
    assert legacy.details[0]["name"] == "posting_number"
    assert m.RpcStatus.model_validate({"code": "RESOURCE_EXHAUSTED"}).code == "RESOURCE_EXHAUSTED"
    envelope = m.LegacyError.model_validate(_load("errors", "gam6itko-1.json"))
    assert envelope.error is not None
    assert envelope.error.code == "ACCESS_DENIED"


# --- spot checks on parsed values -------------------------------------------------------------


def test_unfulfilled_numbers_for_string_ids_and_nulls() -> None:
    body = m.FbsListV3Response.model_validate(
        _load("v3_posting_fbs_unfulfilled_list", "diphantxm-1.json")
    )
    posting = body.result.postings[0]
    assert posting.delivering_date is None  # null where the schema has a string
    assert posting.customer is None  # null where the schema has an object
    assert posting.optional is not None
    assert all(isinstance(s, int) for s in posting.optional.products_with_possible_mandatory_mark)


def test_v3_fbs_get_prices_and_times() -> None:
    body = m.FbsGetV3Response.model_validate(_load("v3_posting_fbs_get", "diphantxm-1.json"))
    posting = body.result
    assert posting is not None
    product = posting.products[0]
    assert product.price is not None
    assert isinstance(product.price.amount, Decimal)  # v3 sends price as a string
    assert posting.in_process_at is not None
    assert posting.in_process_at.tzinfo is UTC
    assert posting.tariffication is not None  # an array in this fixture: first item kept


def test_unknown_fields_are_kept() -> None:
    body = m.ProductStocksResponse.model_validate(
        _load("v4_product_info_stocks", "irenicaa-1.json")
    )
    assert body.model_extra is not None
    assert "unexpected_key" in body.model_extra
    assert body.items[0].model_extra is not None
    assert "unexpected_key" in body.items[0].model_extra


def test_move_status_error_list_becomes_text() -> None:
    body = m.MoveStatusResponse.model_validate(
        _load("v2_fbs_posting_delivering", "diphantxm-1.json")
    )
    assert all(item.error is None or isinstance(item.error, str) for item in body.result)
    parsed = m.MoveStatusResponse.model_validate(
        {"result": [{"posting_number": "1", "result": "false", "error": ["A", "B"]}]}
    )
    assert parsed.result[0].error == "A; B"
    assert parsed.result[0].result is False


def test_returns_object_or_array() -> None:
    as_object = m.RfbsReturnsListResponse.model_validate(
        _load("v2_returns_rfbs_list", "diphantxm-1.json")
    )
    assert [r.posting_number for r in as_object.returns] == ["111"]
    assert as_object.returns[0].product is not None
    assert as_object.returns[0].product.price is None  # placeholder "string" → unknown
    as_array = m.RfbsReturnsListResponse.model_validate({"returns": [{"return_id": "7"}, {}]})
    assert as_array.returns[0].return_id == 7
    assert m.RfbsReturnsListResponse.model_validate({"returns": {}}).returns == []
    get = m.RfbsReturnGetResponse.model_validate({"returns": [{"return_number": "R1"}]})
    assert get.returns is not None
    assert get.returns.return_number == "R1"


def test_returns_list_null_clearing_id() -> None:
    body = m.ReturnsListResponse.model_validate(_load("v1_returns_list", "diphantxm-1.json"))
    assert body.returns[0].return_clearing_id is None


def test_has_next_as_string() -> None:
    assert m.ChatListResponse.model_validate({"has_next": "true"}).has_next is True
    assert m.WarehouseListResponse.model_validate({"has_next": "false"}).has_next is False
    assert m.ChatListResponse.model_validate({"has_next": None}).has_next is False


def test_cash_flow_details_object_or_array() -> None:
    body = m.CashFlowStatementResponse.model_validate(
        _load("v1_finance_cash-flow-statement_list", "diphantxm-1.json")
    )
    assert len(body.result.details) == 1
    details = body.result.details[0]
    assert isinstance(details.payments, list)
    assert details.delivery is not None
    assert details.delivery.delivery_services is not None
    assert isinstance(details.delivery.delivery_services.items, list)
    assert body.result.cash_flows[0].services_amount == Decimal("8471.28")
    as_array = m.CashFlowStatementResponse.model_validate(
        {"result": {"details": [{"loan": "1.5"}, {"loan": 2}]}}
    )
    assert [d.loan for d in as_array.result.details] == [Decimal("1.5"), Decimal(2)]


def test_numbers_and_times_in_every_spelling() -> None:
    op = m.Operation.model_validate(
        {
            "operation_id": "11401182187840",
            "amount": "-12.30",
            "sale_commission": 3.13,
            "operation_date": "2021-11-14 00:00:00",
            "posting": {"order_date": ""},
        }
    )
    assert op.operation_id == 11401182187840
    assert op.amount == Decimal("-12.30")
    assert op.sale_commission == Decimal("3.13")
    assert op.operation_date == datetime(2021, 11, 14, tzinfo=UTC)
    assert op.posting is not None
    assert op.posting.order_date is None
    msg = m.ChatMessage.model_validate({"created_at": "2026-08-01T12:00:00.1234567+03:00"})
    assert msg.created_at == datetime(2026, 8, 1, 9, 0, 0, 123456, tzinfo=UTC)


def test_plain_dates() -> None:
    header = m.RealizationHeader.model_validate({"doc_date": "2026-08-05", "start_date": ""})
    assert header.doc_date == date(2026, 8, 5)
    assert header.start_date is None


def test_new_enum_values_do_not_fail() -> None:
    review = m.Review.model_validate({"status": "UNPROCESSED", "rating": "5", "sku": "100"})
    assert (review.status, review.rating, review.sku) == ("UNPROCESSED", 5, 100)


def test_the_payloads_are_here_to_test() -> None:
    """Without the shared payloads the parametrized tests above would run nothing."""
    assert (require(PAYLOADS) / "INDEX.md").exists()
    assert len(RESPONSES) > 50
