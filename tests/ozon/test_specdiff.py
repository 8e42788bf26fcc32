from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from tests.shared import ENGLISH_SPEC, require
from typer.testing import CliRunner

from ozonops.cli.app import app
from ozonops.ozon import methods as method_table
from ozonops.ozon.models import methods as models_methods
from ozonops.ozon.spec import load_spec
from ozonops.ozon.specdiff import USED_METHODS, Finding, SpecDiff, diff_specs

runner = CliRunner()


@pytest.fixture
def new() -> dict[str, Any]:
    """A private copy of the vendored spec for a test to change."""
    return copy.deepcopy(load_spec())


def _schema(spec: dict[str, Any], name: str) -> dict[str, Any]:
    schema: dict[str, Any] = spec["components"]["schemas"][name]
    return schema


def _diff(new: dict[str, Any], *, show_additions: bool = False) -> SpecDiff:
    return diff_specs(load_spec(), new, methods=USED_METHODS, show_additions=show_additions)


def test_identical_specs_have_no_findings() -> None:
    diff = diff_specs(load_spec(), load_spec(), methods=USED_METHODS)

    assert diff.findings == ()
    assert not diff.breaking
    assert diff.methods == USED_METHODS


def test_used_methods_are_the_ones_the_client_calls() -> None:
    assert len(USED_METHODS) == 44
    assert set(USED_METHODS) == set(models_methods.WIRE_MODELS)
    assert set(USED_METHODS) <= set(method_table.METHODS)
    assert set(USED_METHODS) <= load_spec()["paths"].keys()


def test_removed_method(new: dict[str, Any]) -> None:
    del new["paths"]["/v2/review/count"]

    assert _diff(new).findings == (
        Finding("/v2/review/count", "", "method_removed", "POST", None, "breaking"),
    )


def test_verb_changed(new: dict[str, Any]) -> None:
    item = new["paths"]["/v1/roles"]
    item["get"] = item.pop("post")

    assert _diff(new).findings == (
        Finding("/v1/roles", "", "verb_changed", "POST", "GET", "breaking"),
    )


def test_renamed_response_field(new: dict[str, Any]) -> None:
    comment = _schema(new, "CommentListResponseComment")["properties"]
    comment["comment_text"] = comment.pop("text")
    method = "/v1/review/comment/list"
    removed = Finding(
        method, "response.comments[].text", "field_removed", "string", None, "breaking"
    )
    added = Finding(
        method, "response.comments[].comment_text", "field_added", None, "string", "notice"
    )

    assert _diff(new).findings == (removed,)
    assert _diff(new, show_additions=True).findings == (added, removed)


def test_removed_object_is_reported_once_not_per_nested_field(new: dict[str, Any]) -> None:
    del _schema(new, "WarehouseListV2ResponseWarehouse")["properties"]["first_mile"]

    assert _diff(new).findings == (
        Finding(
            "/v2/warehouse/list",
            "response.warehouses[].first_mile",
            "field_removed",
            "object",
            None,
            "breaking",
        ),
    )


def test_int64_as_string_is_a_type_change(new: dict[str, Any]) -> None:
    _schema(new, "WarehouseListV2ResponseWarehouse")["properties"]["cut_in_time"]["type"] = "string"

    assert _diff(new).findings == (
        Finding(
            "/v2/warehouse/list",
            "response.warehouses[].cut_in_time",
            "type_changed",
            "integer (int64)",
            "string (int64)",
            "breaking",
        ),
    )


def test_array_becoming_object_is_a_shape_change(new: dict[str, Any]) -> None:
    warehouse = _schema(new, "WarehouseListV2ResponseWarehouse")["properties"]
    warehouse["courier_phones"] = {"type": "object", "properties": {"main": {"type": "string"}}}

    assert _diff(new).findings == (
        Finding(
            "/v2/warehouse/list",
            "response.warehouses[].courier_phones",
            "shape_changed",
            "array",
            "object",
            "breaking",
        ),
    )


def test_newly_required_request_fields(new: dict[str, Any]) -> None:
    request = _schema(new, "v2ReturnsRfbsListRequest")
    request["properties"]["region"] = {"type": "string"}
    request["required"] = ["limit", "region", "last_id"]
    method = "/v2/returns/rfbs/list"

    assert _diff(new).findings == (
        Finding(method, "request.last_id", "newly_required", "optional", "required", "breaking"),
        Finding(method, "request.region", "newly_required", None, "string", "breaking"),
    )


def test_tightened_limits_and_removed_enum_value(new: dict[str, Any]) -> None:
    _schema(new, "posting.v4.PostingFbsListRequest")["properties"]["limit"]["maximum"] = 50
    flt = _schema(new, "posting.v4.PostingFbsListRequest.Filter")["properties"]
    flt["delivery_method_ids"]["maxItems"] = 100
    flt["delivery_method_ids"]["maximum"] = 5  # on an array: meaningless, but still a new limit
    _schema(new, "posting.v4.PostingFbsListRequest.SortDir.Enum")["enum"] = ["ASC"]
    method = "/v4/posting/fbs/list"
    ids = "request.filter.delivery_method_ids"

    assert _diff(new).findings == (
        Finding(method, ids, "limit_tightened", "maxItems=1000", "maxItems=100", "warning"),
        Finding(method, ids, "limit_tightened", None, "maximum=5", "warning"),
        Finding(method, "request.limit", "limit_tightened", "maximum=100", "maximum=50", "warning"),
        Finding(method, "request.sort_dir", "enum_removed", "DESC", None, "warning"),
    )


def test_loosened_limit_and_added_enum_value_are_not_warnings(new: dict[str, Any]) -> None:
    _schema(new, "posting.v4.PostingFbsListRequest")["properties"]["limit"]["maximum"] = 1000
    _schema(new, "posting.v4.PostingFbsListRequest.SortDir.Enum")["enum"] = ["ASC", "DESC", "RND"]

    assert _diff(new).findings == ()
    assert _diff(new, show_additions=True).findings == (
        Finding("/v4/posting/fbs/list", "request.sort_dir", "enum_added", None, "RND", "notice"),
    )


def test_deprecations_are_notices(new: dict[str, Any]) -> None:
    ship = new["paths"]["/v4/posting/fbs/ship"]["post"]
    ship["deprecated"] = True
    ship["description"] = "Метод устарел, переключитесь на новую версию.\n" + ship["description"]
    _schema(new, "WarehouseListV2ResponseWarehouse")["properties"]["cut_in_time"]["deprecated"] = (
        True
    )

    diff = _diff(new)

    assert set(diff.findings) == {
        Finding("/v4/posting/fbs/ship", "", "deprecated", None, "deprecated: true", "notice"),
        Finding(
            "/v4/posting/fbs/ship",
            "",
            "deprecation_notice",
            None,
            "description mentions «устарел»",
            "notice",
        ),
        Finding(
            "/v2/warehouse/list",
            "response.warehouses[].cut_in_time",
            "deprecated",
            None,
            "deprecated: true",
            "notice",
        ),
    }
    assert not diff.breaking


def test_successor_method(new: dict[str, Any]) -> None:
    new["paths"]["/v5/posting/fbs/list"] = copy.deepcopy(new["paths"]["/v4/posting/fbs/list"])
    # Not successors: a lower version, and a version we already call.
    new["paths"]["/v1/posting/fbs/list"] = copy.deepcopy(new["paths"]["/v4/posting/fbs/list"])

    assert _diff(new).findings == (
        Finding(
            "/v4/posting/fbs/list",
            "",
            "successor_available",
            "/v4/posting/fbs/list",
            "/v5/posting/fbs/list",
            "notice",
        ),
        Finding(
            "/v3/posting/fbs/list",
            "",
            "successor_available",
            "/v3/posting/fbs/list",
            "/v5/posting/fbs/list",
            "notice",
        ),
    )


def test_all_of_and_ref_chains_read_as_the_schema_they_wrap(new: dict[str, Any]) -> None:
    schemas = new["components"]["schemas"]
    schemas["Base"] = schemas.pop("v2WarehouseListV2Response")
    schemas["Alias"] = {"$ref": "#/components/schemas/Base"}
    schemas["v2WarehouseListV2Response"] = {"allOf": [{"$ref": "#/components/schemas/Alias"}]}

    assert _diff(new).findings == ()


def test_one_of_alternatives_add_fields_but_require_none(new: dict[str, Any]) -> None:
    _schema(new, "v2ReturnsRfbsListRequest")["oneOf"] = [
        {"properties": {"return_id": {"type": "integer"}}, "required": ["return_id"]},
        {"required": ["limit"]},
    ]

    assert _diff(new, show_additions=True).findings == (
        Finding(
            "/v2/returns/rfbs/list", "request.return_id", "field_added", None, "integer", "notice"
        ),
    )


def test_recursive_schema_terminates(new: dict[str, Any]) -> None:
    warehouse = _schema(new, "WarehouseListV2ResponseWarehouse")["properties"]
    warehouse["parent"] = {"$ref": "#/components/schemas/WarehouseListV2ResponseWarehouse"}

    assert diff_specs(new, new, methods=USED_METHODS).findings == ()
    assert _diff(new, show_additions=True).findings == (
        Finding(
            "/v2/warehouse/list",
            "response.warehouses[].parent",
            "field_added",
            None,
            "object",
            "notice",
        ),
    )


def test_json_view_is_plain_data(new: dict[str, Any]) -> None:
    del new["paths"]["/v1/roles"]

    view = json.loads(json.dumps(_diff(new).as_dict()))

    assert view == {
        "methods_checked": 44,
        "counts": {"breaking": 1, "warning": 0, "notice": 0},
        "breaking": True,
        "findings": [
            {
                "method": "/v1/roles",
                "location": "",
                "kind": "method_removed",
                "old": "POST",
                "new": None,
                "severity": "breaking",
            }
        ],
    }


def test_english_edition_runs() -> None:
    english = json.loads(require(ENGLISH_SPEC).read_bytes())

    diff = diff_specs(load_spec(), english, methods=USED_METHODS)

    assert {finding.method for finding in diff.findings} <= set(USED_METHODS)
    # The English edition (30 Jul 2026 changelog) predates fields the Russian one (13 Aug) has.
    assert diff.breaking


# --- CLI ----------------------------------------------------------------------------------------


def _write(tmp_path: Path, spec: dict[str, Any], name: str = "new.json") -> str:
    path = tmp_path / name
    path.write_text(json.dumps(spec, ensure_ascii=False), encoding="utf-8")
    return str(path)


def _assert_usage_error(result: Any, *fragments: str) -> None:
    assert result.exit_code == 2, result.output
    assert isinstance(result.exception, SystemExit)  # a clean exit, not a crash
    assert "Traceback" not in result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ")
    for fragment in fragments:
        assert fragment in lines[0]


def test_cli_no_changes_exits_0(tmp_path: Path) -> None:
    result = runner.invoke(app, ["spec-diff", _write(tmp_path, load_spec())])

    assert result.exit_code == 0, result.output
    assert "0 breaking" in result.stdout
    assert "No changes to the methods we call." in result.stdout


def test_cli_breaking_exits_1_and_json_parses(tmp_path: Path, new: dict[str, Any]) -> None:
    del new["paths"]["/v2/review/count"]
    _schema(new, "posting.v4.PostingFbsListRequest")["properties"]["limit"]["maximum"] = 50

    result = runner.invoke(app, ["spec-diff", _write(tmp_path, new), "--json"])

    assert result.exit_code == 1, result.output
    view = json.loads(result.stdout)
    assert view["counts"] == {"breaking": 1, "warning": 1, "notice": 0}
    assert [f["kind"] for f in view["findings"]] == ["limit_tightened", "method_removed"]


def test_cli_table_lists_findings(tmp_path: Path, new: dict[str, Any]) -> None:
    del new["paths"]["/v2/review/count"]

    result = runner.invoke(app, ["spec-diff", _write(tmp_path, new)], terminal_width=200)

    assert result.exit_code == 1, result.output
    assert "/v2/review/count" in result.stdout
    assert "method removed" in result.stdout


def test_cli_warnings_only_exit_0(tmp_path: Path, new: dict[str, Any]) -> None:
    _schema(new, "posting.v4.PostingFbsListRequest.SortDir.Enum")["enum"] = ["ASC"]

    result = runner.invoke(app, ["spec-diff", _write(tmp_path, new), "--json"])

    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["counts"]["warning"] == 1


def test_cli_old_option_and_additions(tmp_path: Path, new: dict[str, Any]) -> None:
    older = copy.deepcopy(new)
    del _schema(older, "WarehouseListV2ResponseWarehouse")["properties"]["cut_in_time"]
    args = ["spec-diff", _write(tmp_path, new), "--old", _write(tmp_path, older, "old.json")]

    plain = runner.invoke(app, [*args, "--json"])
    with_additions = runner.invoke(app, [*args, "--json", "--show-additions"])

    assert plain.exit_code == 0, plain.output
    assert json.loads(plain.stdout)["findings"] == []
    assert with_additions.exit_code == 0, with_additions.output
    assert [f["location"] for f in json.loads(with_additions.stdout)["findings"]] == [
        "response.warehouses[].cut_in_time"
    ]


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        (None, "cannot read"),
        ("{not json", "is not valid JSON"),
        ('{"openapi": "3.0.0"}', "has no 'paths' object"),
        ("[1, 2]", "has no 'paths' object"),
        (b"\xff\xfe\x00garbage", "is not valid JSON"),
    ],
)
def test_cli_bad_input_exits_2(tmp_path: Path, content: str | bytes | None, fragment: str) -> None:
    path = tmp_path / "spec.json"
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    elif isinstance(content, bytes):
        path.write_bytes(content)

    result = runner.invoke(app, ["spec-diff", str(path)])

    _assert_usage_error(result, fragment, str(path))


def test_cli_bad_old_exits_2(tmp_path: Path) -> None:
    missing = str(tmp_path / "missing.json")

    result = runner.invoke(app, ["spec-diff", _write(tmp_path, load_spec()), "--old", missing])

    _assert_usage_error(result, "cannot read", missing)
