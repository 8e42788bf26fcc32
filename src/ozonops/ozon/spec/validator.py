"""Check Seller API bodies against Ozon's own OpenAPI 3.0 spec (the vendored ``swagger.json``).

``OAS30Validator`` (null only where ``nullable: true``; ``additionalProperties`` only where
written; int64 as the schema's ``type`` says, no tolerance) plus what Ozon's spec needs:

- ``$ref``s are resolved once per method by ``referencing``; their siblings are dropped, as
  OAS 3.0 says (Ozon writes ``type: array, items: null`` beside refs to objects).
- ``format: date-time`` is checked: RFC 3339 with a zone (``Z`` or ``+03:00``).
- Non-JSON-Schema spellings are read as meant: ``pattern`` masks (``" YYYY-MM-DD"``; all 23
  patterns in the spec are masks) are skipped; ``int``, ``bool``, ``array of strings`` are types;
  other type names, ``enum: null``, ``items: null`` and ``required: true`` assert nothing.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from importlib import resources
from typing import Any

from jsonschema import FormatChecker, ValidationError
from jsonschema.validators import extend
from openapi_schema_validator import OAS30Validator, oas30_format_checker
from referencing import Registry
from referencing.jsonschema import DRAFT4

SPEC_SHA256 = "56e0ff0c64710918107ab83b574d209762fc559dbc9c80198ae31708b3881830"

_SPEC_URI = "urn:ozonops:ozon-seller-api"
_OPERATIONS = ("post", "get", "put", "patch", "delete")
_TYPE_ALIASES = {"int": "integer", "bool": "boolean", "array of strings": "array"}
# Exact Python types a JSON value of each type decodes to (bool is not an integer here).
_PY_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "integer": (int,),
    "number": (int, float),
    "boolean": (bool,),
    "array": (list,),
    "object": (dict,),
}
_JSON_TYPES = frozenset(_PY_TYPES)
# Keys with which a schema is still a plain leaf: of these only `type` and `format` assert.
_LEAF_KEYS = frozenset(
    {"type", "format", "nullable", "description", "title", "example", "default", "deprecated"}
)
_MASK = re.compile(r"YYYY|XXX")
_RFC3339 = re.compile(r"\d{4}-\d\d-\d\d[Tt]\d\d:\d\d:\d\d(?:\.\d+)?(?:[Zz]|[+-]\d\d:\d\d)")
_MAX_MESSAGE = 200


@functools.cache
def load_spec() -> dict[str, Any]:
    """The vendored spec, parsed once per process. Shared: do not mutate it."""
    raw = resources.files("ozonops.ozon.spec").joinpath("swagger.json").read_bytes()
    spec: dict[str, Any] = json.loads(raw)
    return spec


@dataclass(frozen=True)
class Violation:
    """One way a body breaks the spec; ``path`` is dotted (``filter.since``), ``""`` at the root."""

    path: str
    message: str


def _cleaned(schema: dict[str, Any]) -> dict[str, Any]:
    """A shallow copy of ``schema`` with Ozon's non-JSON-Schema spellings read as meant."""
    out = {key: value for key, value in schema.items() if value is not None}  # `enum: null`
    if not isinstance(out.get("required", []), list):
        del out["required"]  # Swagger 2 style `required: true` on a property
    if "type" in out:
        name = _TYPE_ALIASES.get(out["type"], out["type"]) if isinstance(out["type"], str) else None
        if name in _JSON_TYPES:
            out["type"] = name
        else:
            del out["type"]  # `timestamp`, `enum`, ...: no type assertion
    if "items" in out and "type" not in schema:
        out["type"] = "array"  # lists written with `items` alone (v4 `postings`, ship `packages`)
    if isinstance(out.get("pattern"), str) and _MASK.search(out["pattern"]):
        del out["pattern"]
    return out


def _type(validator: Any, data_type: Any, instance: Any, schema: Mapping[str, Any]) -> Any:
    if instance is None and schema.get("nullable") is not True:
        yield ValidationError(f"None is not of type {data_type!r} (the schema is not nullable)")
        return
    yield from _OAS30_TYPE(validator, data_type, instance, schema)


def _plain_leaf_ok(validator: Any, schema: Any, instance: Any) -> bool:
    """True only if ``schema`` is a bare type/format leaf that ``instance`` satisfies.

    Skipping ``descend`` for leaves halves validation time; False means "check fully".
    """
    if not isinstance(schema, dict) or not schema.keys() <= _LEAF_KEYS:
        return False
    name = schema.get("type")
    if instance is None:
        return name is None or schema.get("nullable") is True
    if name is not None and type(instance) not in _PY_TYPES[name]:
        return False
    fmt = schema.get("format")
    return fmt is None or bool(validator.format_checker.conforms(instance, fmt))


def _properties(validator: Any, properties: Any, instance: Any, schema: Mapping[str, Any]) -> Any:
    if not validator.is_type(instance, "object"):
        return
    for name, subschema in properties.items():
        if name in instance and not _plain_leaf_ok(validator, subschema, instance[name]):
            yield from validator.descend(instance[name], subschema, path=name, schema_path=name)


def _items(validator: Any, items: Any, instance: Any, schema: Mapping[str, Any]) -> Any:
    if not validator.is_type(instance, "array"):
        return
    for index, item in enumerate(instance):
        if not _plain_leaf_ok(validator, items, item):
            yield from validator.descend(item, items, path=index)


_OAS30_TYPE = OAS30Validator.VALIDATORS["type"]
_FORMATS = FormatChecker(formats=())
_FORMATS.checkers.update(oas30_format_checker.checkers)


def _is_date_time(instance: object) -> bool:
    if not isinstance(instance, str):
        return True
    if _RFC3339.fullmatch(instance) is None:
        return False
    datetime.fromisoformat(instance.upper())  # calendar check: month 13 or day 32 raise
    return True


_FORMATS.checks("date-time", raises=ValueError)(_is_date_time)

_SIGNED = re.compile(r"-?\d+")
_UNSIGNED = re.compile(r"\d+")


def _integer_format(pattern: re.Pattern[str]) -> Any:
    """Proto3 JSON carries 64-bit integers as strings; such a string must be a number."""

    def check(instance: object) -> bool:
        if isinstance(instance, str):
            return pattern.fullmatch(instance) is not None
        return True  # integers are checked by `type`; ranges are the spec's own keywords

    return check


for _name, _pattern in (
    ("int64", _SIGNED),
    ("int32", _SIGNED),
    ("uint64", _UNSIGNED),
    ("uint32", _UNSIGNED),
):
    _FORMATS.checks(_name)(_integer_format(_pattern))


_OzonValidator = extend(
    OAS30Validator,
    validators={"type": _type, "properties": _properties, "items": _items},
    format_checker=_FORMATS,
)


class SpecValidator:
    """Validates request and response bodies of Seller API methods against the spec.

    One validator per (method, direction, response key) is built on first use and cached.
    """

    def __init__(self, spec: dict[str, Any] | None = None) -> None:
        self._spec = load_spec() if spec is None else spec
        registry: Registry[Any] = Registry().with_resource(
            _SPEC_URI, DRAFT4.create_resource(self._spec)
        )
        self._resolver = registry.resolver(base_uri=_SPEC_URI)
        self._inlined: dict[int, dict[str, Any]] = {}
        self._compiled: dict[str, Any] = {}

    def has_method(self, path: str) -> bool:
        item = self._spec["paths"].get(path)
        return isinstance(item, dict) and any(op in item for op in _OPERATIONS)

    def request_schema(self, path: str) -> dict[str, Any] | None:
        """The JSON request-body schema of ``path`` as written (top-level ``$ref`` followed)."""
        pointer = self._request_pointer(path)
        return None if pointer is None else self._spec_node(pointer, follow=True)

    def validate_request(self, path: str, body: Any) -> list[Violation]:
        """Violations of ``body`` as the JSON request body of ``path``; empty means valid.

        A method without a request body accepts only an empty one (``{}``, ``None``, ``""``).
        """
        return self._validate(self._request_pointer(path), body)

    def validate_response(self, path: str, status: int, body: Any) -> list[Violation]:
        """Violations of ``body`` as the ``status`` response of ``path``; empty means valid.

        Uses ``responses[str(status)]``, else ``default``. Ozon answers any method with 429 and
        other errors in the ``rpcStatus`` envelope (spec section "Errors") though most list only
        400/403/404/409/500, so an unlisted status >= 400 is checked against ``rpcStatus``.
        A status listed without a JSON schema accepts only an empty body.
        """
        pointer, operation = self._operation(path)
        responses: dict[str, Any] = operation.get("responses", {})
        for key in (str(status), "default"):
            if key in responses:
                return self._validate(self._content_pointer(f"{pointer}/responses/{key}"), body)
        if status >= 400:
            return self._validate("#/components/schemas/rpcStatus", body)
        return [Violation("", f"status {status} is not documented for {path}")]

    def _operation(self, path: str) -> tuple[str, dict[str, Any]]:
        item = self._spec["paths"].get(path)
        for method in _OPERATIONS if isinstance(item, dict) else ():
            if method in item:
                escaped = path.replace("~", "~0").replace("/", "~1")
                return f"#/paths/{escaped}/{method}", item[method]
        raise KeyError(f"{path!r} is not a method of the Ozon Seller API spec")

    def _request_pointer(self, path: str) -> str | None:
        pointer, operation = self._operation(path)
        if not isinstance(operation.get("requestBody"), dict):  # absent, or `null` in the spec
            return None
        return self._content_pointer(f"{pointer}/requestBody")

    def _content_pointer(self, pointer: str) -> str | None:
        """Pointer to the JSON schema of a request body or response object, if it has one."""
        node = self._spec_node(pointer)
        if isinstance(node.get("$ref"), str):  # e.g. #/components/requestBodies/...
            pointer = node["$ref"]
            node = self._spec_node(pointer)
        if "application/json" not in node.get("content", {}):
            return None
        return f"{pointer}/content/application~1json/schema"

    def _spec_node(self, pointer: str, *, follow: bool = False) -> dict[str, Any]:
        node: dict[str, Any] = self._resolver.lookup(pointer).contents
        while follow and isinstance(node.get("$ref"), str):
            node = self._resolver.lookup(node["$ref"]).contents
        return node

    def _inline(self, schema: Any) -> Any:
        """A cleaned copy of ``schema``, each ``$ref`` replaced by its target (siblings dropped).

        Copies are memoised by identity, so a recursive schema becomes a cyclic graph.
        """
        if not isinstance(schema, dict):
            return schema
        if isinstance(schema.get("$ref"), str):
            schema = self._spec_node(schema["$ref"], follow=True)
        if id(schema) in self._inlined:
            return self._inlined[id(schema)]
        copy = self._inlined[id(schema)] = _cleaned(schema)
        for key in ("items", "additionalProperties", "not"):
            if key in copy:
                copy[key] = self._inline(copy[key])
        for key in ("allOf", "anyOf", "oneOf"):
            if isinstance(copy.get(key), list):
                copy[key] = [self._inline(sub) for sub in copy[key]]
        if isinstance(copy.get("properties"), dict):
            copy["properties"] = {k: self._inline(v) for k, v in copy["properties"].items()}
        return copy

    def _validate(self, pointer: str | None, body: Any) -> list[Violation]:
        if pointer is None:
            empty = body in (None, "", b"") or body == {}
            return [] if empty else [Violation("", "expected no body: the spec has none")]
        if pointer not in self._compiled:
            schema = self._inline(self._spec_node(pointer))
            self._compiled[pointer] = _OzonValidator(schema, format_checker=_FORMATS)
        errors = self._compiled[pointer].iter_errors(body)
        return sorted((_violation(e) for e in errors), key=lambda v: (v.path, v.message))


def _violation(error: ValidationError) -> Violation:
    message = str(error.message)
    if len(message) > _MAX_MESSAGE:
        message = message[: _MAX_MESSAGE - 3] + "..."
    return Violation(".".join(str(part) for part in error.absolute_path), message)


#: Known mistakes in Ozon's spec that make a body Ozon accepts fail validation. Each entry:
#: (schema name, what is wrong, the corrected schema fragment). Applied to a copy only.
ERRATA: tuple[tuple[str, str, dict[str, Any]], ...] = (
    (
        "v1CommentListRequest",
        "oneOf branch 2 `{properties: {filter: {required: [sku]}}}` matches any body without"
        " `filter`, so `{review_id, limit}` matches both branches and fails `oneOf`; the meaning"
        " is 'review_id, or filter.sku'.",
        {
            "oneOf": [
                {"required": ["review_id"]},
                {"required": ["filter"], "properties": {"filter": {"required": ["sku"]}}},
            ]
        },
    ),
)


def with_errata(spec: dict[str, Any]) -> dict[str, Any]:
    """A copy of ``spec`` with :data:`ERRATA` applied (the original is left alone)."""
    schemas = dict(spec["components"]["schemas"])
    for name, _why, patch in ERRATA:
        if name in schemas:
            schemas[name] = {**schemas[name], **patch}
    components = {**spec["components"], "schemas": schemas}
    return {**spec, "components": components}


@functools.cache
def default_validator() -> SpecValidator:
    """One shared validator over the vendored spec (with :data:`ERRATA`), built on first use."""
    return SpecValidator(with_errata(load_spec()))
