"""The 44 simulated Seller API methods as a stand-alone OpenAPI 3.0 document, and a second,
independent response validator over it (openapi-core).

Ozon's spec is not valid OpenAPI as published (``info.version`` is a number; types such as
``int``, ``timestamp`` or ``array of strings``; ``items: null``; ``required: true`` on
properties; masks in ``pattern``). :func:`subset_spec` copies only what the 44 paths reach and
spells those quirks the way the project validator reads them, so that third-party tools
(openapi-core, schemathesis) can load it. Nothing else is changed: every constraint stays.
"""

from __future__ import annotations

import copy
import functools
import json
import re
from typing import Any

from ozonops.ozon.methods import CALLED
from ozonops.ozon.spec.validator import load_spec

#: The methods the simulator serves: the ones the client calls (one table for both).
SIMULATED_PATHS: tuple[str, ...] = CALLED

BASE_URL = "https://api-seller.ozon.ru"
_JSON_TYPES = frozenset({"string", "number", "integer", "boolean", "array", "object"})
_ALIASES = {"int": "integer", "bool": "boolean", "array of strings": "array"}
_MASK = re.compile(r"YYYY|XXX")
_REF = re.compile(r"#/components/(schemas|parameters|requestBodies)/(.+)")


def _schema(node: Any) -> Any:
    """A schema object with Ozon's spellings read as the project validator reads them."""
    if not isinstance(node, dict):
        return node
    if isinstance(node.get("$ref"), str):
        return {"$ref": node["$ref"]}  # OAS 3.0: siblings of $ref are ignored
    out: dict[str, Any] = {}
    for key, value in node.items():
        if value is None:
            continue  # `enum: null`, `items: null`, `nullable: null`, ...
        if key == "required" and not isinstance(value, list):
            continue
        if key == "type":
            name = _ALIASES.get(value, value) if isinstance(value, str) else None
            if name in _JSON_TYPES:
                out[key] = name
            continue
        if key == "pattern" and isinstance(value, str) and _MASK.search(value):
            continue
        if key == "properties" and isinstance(value, dict):
            out[key] = {k: _schema(v) for k, v in value.items()}
        elif key in ("items", "additionalProperties", "not"):
            out[key] = _schema(value)
        elif key in ("allOf", "anyOf", "oneOf") and isinstance(value, list):
            out[key] = [_schema(v) for v in value]
        elif key in ("example", "default"):
            continue  # examples and defaults break the schemas in places (ozon-api.md §14)
        else:
            out[key] = copy.deepcopy(value)
    if out.get("type") == "array" and "items" not in out:
        out["items"] = {}
    return out


def _refs(node: Any, found: set[tuple[str, str]]) -> None:
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str):
            m = _REF.fullmatch(ref)
            if m:
                found.add((m.group(1), m.group(2)))
        for value in node.values():
            _refs(value, found)
    elif isinstance(node, list):
        for value in node:
            _refs(value, found)


def _media(content: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for mime, media in (content or {}).items():
        out[mime] = {"schema": _schema(media.get("schema") or {})}
    return out


@functools.cache
def _subset_json() -> str:
    spec = load_spec()
    paths: dict[str, Any] = {}
    for path in SIMULATED_PATHS:
        item = spec["paths"][path]
        new_item: dict[str, Any] = {}
        for method, op in item.items():
            if method not in ("get", "post", "put", "delete", "patch"):
                continue
            new_op: dict[str, Any] = {
                "operationId": op.get("operationId") or path,
                "responses": {},
            }
            if op.get("parameters"):
                new_op["parameters"] = copy.deepcopy(op["parameters"])
            body = op.get("requestBody")
            if isinstance(body, dict):
                if "$ref" in body:
                    new_op["requestBody"] = {"$ref": body["$ref"]}
                else:
                    new_op["requestBody"] = {
                        "required": bool(body.get("required", False)),
                        "content": _media(body.get("content")),
                    }
            for status, resp in op.get("responses", {}).items():
                new_resp: dict[str, Any] = {"description": resp.get("description") or status}
                if resp.get("content"):
                    new_resp["content"] = _media(resp["content"])
                new_op["responses"][status] = new_resp
            new_item[method] = new_op
        paths[path] = new_item
    # Close over every component the paths reach.
    comps: dict[str, dict[str, Any]] = {"schemas": {}, "parameters": {}, "requestBodies": {}}
    todo: set[tuple[str, str]] = set()
    _refs(paths, todo)
    while todo:
        kind, name = todo.pop()
        if name in comps[kind]:
            continue
        raw = spec["components"][kind][name]
        if kind == "schemas":
            new = _schema(raw)
        elif kind == "parameters":
            new = {k: v for k, v in raw.items() if k not in ("example", "examples")}
            new["schema"] = _schema(raw.get("schema") or {"type": "string"})
        else:
            new = {"required": bool(raw.get("required", False)), "content": _media(raw["content"])}
        comps[kind][name] = new
        _refs(new, todo)
    doc = {
        "openapi": "3.0.3",
        "info": {
            "title": "Ozon Seller API (simulated subset)",
            "version": str(spec["info"]["version"]),
        },
        "servers": [{"url": BASE_URL}],
        "paths": paths,
        "components": {k: v for k, v in comps.items() if v},
    }
    return json.dumps(doc, ensure_ascii=False)


def subset_spec() -> dict[str, Any]:
    """A fresh copy of the 44-method OpenAPI 3.0 document (callers may mutate it)."""
    result: dict[str, Any] = json.loads(_subset_json())
    return result


class SecondOpinion:
    """Validates answers with openapi-core, independently of the project's validator."""

    def __init__(self) -> None:
        from openapi_core import OpenAPI

        # The document itself is checked by openapi-spec-validator on load.
        doc = subset_spec()
        self.api = OpenAPI.from_dict(doc)
        self._documented: dict[str, set[str]] = {
            path: set(next(iter(item.values()))["responses"]) for path, item in doc["paths"].items()
        }

    def documents(self, path: str, status: int) -> bool:
        codes = self._documented[path]
        return str(status) in codes or "default" in codes

    def problems(
        self, path: str, request_body: bytes, status: int, body: bytes, content_type: str
    ) -> list[str]:
        from openapi_core.testing import MockRequest, MockResponse

        request = MockRequest(BASE_URL, "post", path, data=request_body)
        response = MockResponse(
            data=body, status_code=status, content_type=content_type.split(";")[0].strip()
        )
        errors = []
        for err in self.api.iter_response_errors(request, response):
            causes = []
            cause = err.__cause__
            for sub in getattr(cause, "schema_errors", ()) or ():
                causes.append(f"{list(sub.absolute_path)}: {sub.message[:200]}")
            errors.append(f"{type(err).__name__}: {causes[:5] or str(err)[:300]}")
        return errors
