"""The spec validator: Ozon's OpenAPI 3.0 rules, error bodies, and third-party payloads."""

from __future__ import annotations

import copy
import hashlib
import json
import re
import time
from importlib import resources
from typing import Any

import pytest
from tests.shared import PAYLOADS, require

from ozonops.ozon.spec import SPEC_SHA256, SpecValidator, Violation, default_validator, load_spec

# The methods the simulator serves.
SERVED = """
/v4/posting/fbs/list /v4/posting/fbs/unfulfilled/list /v3/posting/fbs/list /v3/posting/fbs/get
/v3/posting/fbo/list /v2/posting/fbo/list /v2/posting/fbo/get /v4/posting/fbs/ship
/v2/fbs/posting/tracking-number/set /v2/fbs/posting/delivering /v2/fbs/posting/last-mile
/v2/fbs/posting/delivered /v2/posting/fbs/cancel /v2/posting/fbs/cancel-reason/list
/v2/posting/fbs/arbitration /v1/returns/list /v2/returns/rfbs/list /v2/returns/rfbs/get
/v1/returns/rfbs/action/set /v2/review/list /v2/review/info /v2/review/count
/v2/review/change-status /v1/review/comment/create /v1/review/comment/list /v3/chat/list
/v3/chat/history /v1/chat/start /v1/chat/send/message /v3/finance/transaction/list
/v3/finance/transaction/totals /v1/finance/accrual/postings /v1/finance/accrual/by-day
/v1/finance/accrual/types /v2/finance/realization /v1/finance/realization/posting
/v1/finance/cash-flow-statement/list /v1/analytics/stocks /v4/product/info/stocks
/v3/supply-order/list /v3/supply-order/get /v2/warehouse/list /v2/delivery-method/list /v1/roles
""".split()  # noqa: SIM905
# Requests whose schema is a `oneOf` of alternatives: a fully populated sample matches them all.
ONE_OF_REQUESTS = {
    "/v1/review/comment/list",
    "/v3/finance/transaction/list",
    "/v3/finance/transaction/totals",
}
FBS_LIST = "/v4/posting/fbs/list"
SINCE, TO = "2024-05-01T00:00:00Z", "2024-05-31T23:59:59Z"
ERROR_BODY = {"code": 16, "message": "Api-key is deactivated", "details": []}


@pytest.fixture(scope="module")
def validator() -> SpecValidator:
    return default_validator()


def paths(violations: list[Violation]) -> list[str]:
    """The distinct places that break the spec (a field may break its type and its format)."""
    return sorted({violation.path for violation in violations})


def sample(schema: dict[str, Any], depth: int = 0) -> Any:
    """A value with every property filled, built the way the spec reads under OAS 3.0."""
    spec = load_spec()
    while "$ref" in schema:  # OAS 3.0: the ref wins over its siblings
        node: Any = spec
        for token in schema["$ref"].removeprefix("#/").split("/"):
            node = node[token]
        schema = node
    kind = schema.get("type")
    if schema.get("enum"):
        return schema["enum"][0]
    if kind == "object" or "properties" in schema:
        props = schema.get("properties") or {}
        return {name: sample(sub, depth + 1) for name, sub in props.items()} if depth < 12 else {}
    if kind in ("array", "array of strings") or "items" in schema:
        return [sample(schema["items"], depth + 1)] if schema.get("items") else ["x"]
    if kind in ("integer", "int"):
        return max(1, schema.get("minimum", 1))
    if kind == "number":
        return 1.5
    if kind in ("boolean", "bool"):
        return True
    formats = {
        "date-time": "2024-05-01T10:00:00+03:00",
        "int64": "123",
        "uint64": "123",
        "int32": "12",
        "uint32": "12",
        "byte": "eA==",
    }
    return formats.get(schema.get("format", ""), "text")


def json_schema(operation: dict[str, Any], key: str) -> dict[str, Any] | None:
    part = operation["requestBody"] if key == "request" else operation["responses"][key]
    schema: dict[str, Any] | None = (
        part.get("content", {}).get("application/json", {}).get("schema")
    )
    return schema


def fbs_page(size: int) -> dict[str, Any]:
    schema = json_schema(load_spec()["paths"][FBS_LIST]["post"], "200")
    assert schema is not None
    page: dict[str, Any] = sample(schema)
    page["postings"] = [copy.deepcopy(page["postings"][0]) for _ in range(size)]
    return page


def test_vendored_spec_is_the_recorded_file() -> None:
    raw = resources.files("ozonops.ozon.spec").joinpath("swagger.json").read_bytes()
    assert hashlib.sha256(raw).hexdigest() == SPEC_SHA256
    assert load_spec()["openapi"] == "3.0.0"


def test_every_served_method_is_in_the_spec(validator: SpecValidator) -> None:
    assert len(SERVED) == 44
    assert [path for path in SERVED if not validator.has_method(path)] == []
    assert not validator.has_method("/v9/posting/fbs/teleport")


def test_unknown_method_raises(validator: SpecValidator) -> None:
    with pytest.raises(KeyError, match="teleport"):
        validator.validate_request("/v9/posting/fbs/teleport", {})


def test_default_validator_is_built_once() -> None:
    assert default_validator() is default_validator()


def test_fbs_list_request_valid(validator: SpecValidator) -> None:
    minimal = {"filter": {"since": SINCE, "to": TO}, "limit": 100}
    full = {
        "cursor": "",
        "filter": {"since": SINCE, "to": TO, "warehouse_ids": ["22000001"], "order_id": 7},
        "limit": 1,
        "sort_dir": "DESC",
        "with": {"analytics_data": True, "financial_data": True},
    }
    assert validator.validate_request(FBS_LIST, minimal) == []
    assert validator.validate_request(FBS_LIST, full) == []


@pytest.mark.parametrize(
    ("change", "where", "says"),
    [
        ({"limit": None}, "", "'limit' is a required property"),
        ({"limit": "100"}, "limit", "is not of type 'integer'"),
        ({"limit": 101}, "limit", "maximum of 100"),
        ({"limit": 0}, "limit", "minimum of 1"),
        ({"since": "2024-05-01"}, "filter.since", "is not a 'date-time'"),
        ({"since": "2024-05-01T00:00:00"}, "filter.since", "is not a 'date-time'"),
        ({"since": "2024-13-01T00:00:00Z"}, "filter.since", "is not a 'date-time'"),
        ({"since": None}, "filter", "'since' is a required property"),
        ({"warehouse_ids": [22000001]}, "filter.warehouse_ids.0", "is not of type 'string'"),
        ({"sort_dir": "UP"}, "sort_dir", "is not one of ['ASC', 'DESC']"),
    ],
)
def test_fbs_list_request_invalid(
    validator: SpecValidator, change: dict[str, Any], where: str, says: str
) -> None:
    body: dict[str, Any] = {"filter": {"since": SINCE, "to": TO}, "limit": 100}
    for key, value in change.items():
        target = body if key in ("limit", "sort_dir") else body["filter"]
        if value is None:
            del target[key]
        else:
            target[key] = value
    violations = validator.validate_request(FBS_LIST, body)
    assert paths(violations) == [where]
    assert says in violations[0].message


def test_review_count_response(validator: SpecValidator) -> None:
    good = {"total": 1, "new": 1, "viewed": 0, "processed": 0}
    assert validator.validate_response("/v2/review/count", 200, good) == []
    bad = validator.validate_response("/v2/review/count", 200, {**good, "total": "1", "new": True})
    assert paths(bad) == ["new", "total"]
    assert "'1' is not of type 'integer'" in bad[1].message


@pytest.mark.parametrize("status", [400, 403, 429, 500, 503])
def test_error_body_validates_for_error_statuses(validator: SpecValidator, status: int) -> None:
    # 400/403/500 are listed for this method; 429 and 503 fall back to rpcStatus.
    assert validator.validate_response(FBS_LIST, status, ERROR_BODY) == []
    bad = validator.validate_response(FBS_LIST, status, {**ERROR_BODY, "code": "16"})
    assert paths(bad) == ["code"]


def test_undocumented_success_status_is_flagged(validator: SpecValidator) -> None:
    assert "not documented" in validator.validate_response(FBS_LIST, 204, {})[0].message


def test_error_body_on_method_with_default_response(validator: SpecValidator) -> None:
    assert validator.validate_response("/v4/posting/fbs/ship", 404, ERROR_BODY) == []
    assert paths(validator.validate_response("/v4/posting/fbs/ship", 404, [])) == [""]


def test_methods_without_body_accept_only_an_empty_one(validator: SpecValidator) -> None:
    assert validator.request_schema("/v2/review/count") is None
    assert validator.validate_request("/v2/review/count", {}) == []
    assert validator.validate_request("/v2/review/count", None) == []
    assert paths(validator.validate_request("/v2/review/count", {"limit": 1})) == [""]
    assert validator.validate_response("/v2/review/change-status", 200, {}) == []
    assert paths(validator.validate_response("/v2/review/change-status", 200, {"ok": 1})) == [""]


def test_request_schema_follows_refs(validator: SpecValidator) -> None:
    schema = validator.request_schema(FBS_LIST)
    assert schema is not None
    assert schema["required"] == ["filter", "limit"]


def test_null_only_where_nullable(validator: SpecValidator) -> None:
    accrual = {"accrual_date": "2024-05-01", "sku": None, "quantity": None, "seller_price": None}
    body = {"posting_accruals": [{"posting_number": "1-1-1", "accruals": [accrual]}]}
    assert validator.validate_response("/v1/finance/accrual/postings", 200, body) == []
    accrual["type_id"] = None
    violations = validator.validate_response("/v1/finance/accrual/postings", 200, body)
    assert paths(violations) == ["posting_accruals.0.accruals.0.type_id"]
    assert "not nullable" in violations[0].message


def test_unknown_fields_are_allowed(validator: SpecValidator) -> None:
    body = {"total": 1, "brand_new_field": {"x": [1]}}
    assert validator.validate_response("/v2/review/count", 200, body) == []


def test_int64_follows_the_schema_type(validator: SpecValidator) -> None:
    page = fbs_page(1)
    assert validator.validate_response(FBS_LIST, 200, page) == []
    page["postings"][0]["order_id"] = "123"  # integer/int64: a JSON number
    page["postings"][0]["requirements"]["products_requiring_gtd"] = [123]  # string/int64
    assert paths(validator.validate_response(FBS_LIST, 200, page)) == [
        "postings.0.order_id",
        "postings.0.requirements.products_requiring_gtd.0",
    ]


def test_ref_siblings_are_ignored(validator: SpecValidator) -> None:
    # `details` and `payments` are refs to objects with `type: array, items: null` beside them.
    path = "/v1/finance/cash-flow-statement/list"
    details: dict[str, Any] = {"payments": {"currency_code": "RUB", "payment": 10.5}}
    assert validator.validate_response(path, 200, {"result": {"details": details}}) == []
    details = {"payments": [{"currency_code": "RUB", "payment": 10.5}]}
    violations = validator.validate_response(path, 200, {"result": {"details": details}})
    assert paths(violations) == ["result.details.payments"]


def test_misspelt_types_are_read_as_meant(validator: SpecValidator) -> None:
    # v3PostingProductDetail.jw_uin has `type: "array of strings"`.
    body: dict[str, Any] = {"result": {"products": [{"jw_uin": ["UIN-1"]}]}}
    assert validator.validate_response("/v3/posting/fbs/get", 200, body) == []
    body = {"result": {"products": [{"jw_uin": "UIN-1"}]}}
    assert paths(validator.validate_response("/v3/posting/fbs/get", 200, body)) == [
        "result.products.0.jw_uin"
    ]


def test_pattern_masks_are_not_regexes(validator: SpecValidator) -> None:
    # `date` carries pattern " YYYY-MM-DD" (with the leading space); as a regex nothing matches.
    body = {"date": "2024-05-01", "last_id": ""}
    assert validator.validate_request("/v1/finance/accrual/by-day", body) == []
    assert paths(validator.validate_request("/v1/finance/accrual/by-day", {"date": 1})) == [
        "",
        "date",
    ]


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ("2024-05-01T10:00:00Z", True),
        ("2024-05-01T10:00:00.123456+03:00", True),
        ("2024-05-01t10:00:00z", True),
        ("2024-05-01", False),
        ("2024-05-01T10:00:00", False),
        ("2024-05-01 10:00:00Z", False),
        ("2024-02-30T10:00:00Z", False),
        ("01.05.2024 10:00", False),
    ],
)
def test_date_time_is_rfc3339_with_zone(validator: SpecValidator, value: str, ok: bool) -> None:
    violations = validator.validate_request("/v3/posting/fbo/list", {"filter": {"since": value}})
    assert (violations == []) is ok


def test_custom_spec_resolves_its_own_refs() -> None:
    spec = {
        "paths": {"/v1/thing": {"post": {"responses": {"200": {"$ref": "#/components/x/ok"}}}}},
        "components": {
            "x": {
                "ok": {
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}
                    }
                }
            },
            "schemas": {"Thing": {"type": "object", "required": ["id"], "properties": {}}},
        },
    }
    validator = SpecValidator(spec)
    assert validator.validate_response("/v1/thing", 200, {"id": 1}) == []
    assert paths(validator.validate_response("/v1/thing", 200, {})) == [""]


@pytest.mark.parametrize("path", SERVED)
def test_fully_populated_bodies_of_served_methods_validate(
    validator: SpecValidator, path: str
) -> None:
    operation = load_spec()["paths"][path]["post"]
    response = json_schema(operation, "200")
    assert validator.validate_response(path, 200, sample(response) if response else {}) == []
    request = json_schema(operation, "request") if "requestBody" in operation else None
    if request is not None and path not in ONE_OF_REQUESTS:
        assert validator.validate_request(path, sample(request)) == []


def test_hundred_postings_validate_quickly(validator: SpecValidator) -> None:
    page = fbs_page(100)
    validator.validate_response(FBS_LIST, 200, fbs_page(1))  # build the cached validator
    timings = []
    for _ in range(5):
        start = time.perf_counter()
        assert validator.validate_response(FBS_LIST, 200, page) == []
        timings.append(time.perf_counter() - start)
    # Measured ~30 ms with every optional block filled; the bound leaves room for slow CI.
    assert min(timings) < 0.25


def index_rows() -> list[tuple[str, str, str]]:
    """(method path, payload file, spec-diff) of every response payload listed in INDEX.md."""
    require(PAYLOADS)
    rows, method = [], None
    for line in (PAYLOADS / "INDEX.md").read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            header = re.fullmatch(r"## (\S+)/\s+\((/\S+)\)", line.strip())
            method = header.groups() if header else None
            continue
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if method and len(cells) >= 9 and cells[0].endswith(".json") and cells[1] == "response":
            rows.append((method[1], f"{method[0]}/{cells[0]}", cells[8]))
    return rows


def test_index_lists_response_payloads() -> None:
    rows = index_rows()
    assert len(rows) > 50
    assert ("/v1/returns/list", "v1_returns_list/diphantxm-1.json") in [r[:2] for r in rows]


def test_third_party_payloads_report(validator: SpecValidator) -> None:
    """Every payload validates to a list; every type or null mismatch INDEX.md reports is found."""
    missed, report = [], []
    for path, file, spec_diff in index_rows():
        body = json.loads((PAYLOADS / file).read_text(encoding="utf-8"))
        violations = validator.validate_response(path, 200, body)
        assert isinstance(violations, list)
        assert all(isinstance(v, Violation) for v in violations)
        report.append(f"{file}: {len(violations)} violation(s)")
        if "where spec says" in spec_diff and not violations:
            missed.append(file)
    print("\n".join(report))
    assert missed == []


def test_known_violating_payloads_are_flagged(validator: SpecValidator) -> None:
    index_rows()  # skips when the payloads are absent
    expected: dict[tuple[str, str], list[str]] = {
        ("/v1/returns/list", "v1_returns_list/diphantxm-1.json"): ["returns.0.return_clearing_id"],
        (
            "/v2/fbs/posting/tracking-number/set",
            "v2_fbs_posting_tracking-number_set/diphantxm-1.json",
        ): ["result.0.error"],
        ("/v2/returns/rfbs/get", "v2_returns_rfbs_get/diphantxm-1.json"): ["returns.product.price"],
    }
    for (path, file), where in expected.items():
        body = json.loads((PAYLOADS / file).read_text(encoding="utf-8"))
        assert paths(validator.validate_response(path, 200, body)) == where


def test_errata_let_comment_list_take_a_review_id_alone() -> None:
    from ozonops.ozon.spec import default_validator

    path = "/v1/review/comment/list"
    fixed = default_validator()
    assert fixed.validate_request(path, {"review_id": "r1", "limit": 20}) == []
    assert fixed.validate_request(path, {"filter": {"sku": 1}, "limit": 20}) == []
    assert fixed.validate_request(path, {"review_id": "r1", "filter": {"sku": 1}, "limit": 20})
    assert fixed.validate_request(path, {"limit": 20})
    # The spec as published refuses the review-id-only body: the erratum is needed.
    assert SpecValidator().validate_request(path, {"review_id": "r1", "limit": 20})


def test_lists_written_with_items_alone_must_be_lists(validator: SpecValidator) -> None:
    body = {"posting_number": "1-1-1", "packages": {"": []}}
    assert paths(validator.validate_request("/v4/posting/fbs/ship", body)) == ["packages"]


@pytest.mark.parametrize("value", ["", "12a", "1.5", " 7"])
def test_int64_strings_must_hold_integers(validator: SpecValidator, value: str) -> None:
    body = {"limit": 20, "filters": {"skus": [value]}}
    assert paths(validator.validate_request("/v2/review/list", body)) == ["filters.skus.0"]
    assert (
        validator.validate_request("/v2/review/list", {"limit": 20, "filters": {"skus": ["-3"]}})
        == []
    )
