"""What a newer Seller API spec removed or changed in the methods we call.

Ozon drops methods and reshapes fields often (``docs/ozon-api.md``, "Deprecations"), so we compare
the vendored spec with a newer one, method by method, before a call starts failing in production.

For each method the request schema and the ``200`` response schema are flattened into
``location → field`` maps and the maps are compared. Locations read like the JSON they describe:
``request.filter.since``, ``response.postings[].financial_data.products[].payout`` (``[]`` is an
array's items, ``.*`` a map's values). ``$ref`` siblings are dropped as OAS 3.0 says; ``allOf``
merges its parts, ``oneOf``/``anyOf`` contribute the union of their fields with none required.

Severities:

- ``breaking``: method removed, HTTP verb changed, field removed, type or shape changed,
  request field newly required.
- ``warning``: limit tightened (``maxItems``, ``maximum``, ``minimum`` ...), enum values removed,
  format changed.
- ``notice``: method or field newly deprecated, successor method available, and — only when asked
  for — added fields and enum values.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from ozonops.errors import TerminalError
from ozonops.ozon.methods import CALLED

__all__ = [
    "USED_METHODS",
    "Finding",
    "InvalidSpecError",
    "SpecDiff",
    "diff_specs",
    "parse_spec",
]

Severity = Literal["breaking", "warning", "notice"]
SEVERITIES: tuple[Severity, ...] = ("breaking", "warning", "notice")

# The paths the client calls; the method table is plain data, so the CLI stays light.
USED_METHODS: tuple[str, ...] = CALLED

_VERBS = ("post", "get", "put", "patch", "delete")
# Ozon's non-JSON-Schema type spellings, read as the validator reads them; other names say nothing.
_TYPE_ALIASES = {"int": "integer", "bool": "boolean", "array of strings": "array"}
_JSON_TYPES = frozenset({"string", "integer", "number", "boolean", "array", "object"})
# Limits that tighten when they go down, and those that tighten when they go up.
_UPPER_LIMITS = ("maxItems", "maxLength", "maximum")
_LOWER_LIMITS = ("minItems", "minLength", "minimum")
# How Ozon announces a switch-off in the RU and EN editions ("Метод устарел", "будет отключён",
# "Method is deprecated and disabled on ...").
_DEPRECATION_TEXT = re.compile(r"deprecat|устарел|отключ|will be disabled|disabled on", re.I)
_VERSIONED = re.compile(r"^/v(\d+)(/.+)$")
_MAX_DEPTH = 32  # far deeper than any Ozon schema; only a guard against pathological input


class InvalidSpecError(TerminalError):
    """Fires when the given document is not JSON or not an OpenAPI spec with ``paths``."""


@dataclass(frozen=True)
class Finding:
    """One change to a method we call; ``old``/``new`` are ``None`` where a side is absent."""

    method: str
    location: str
    kind: str
    old: str | None
    new: str | None
    severity: Severity


@dataclass(frozen=True)
class SpecDiff:
    """Everything :func:`diff_specs` found, ordered by method (as given), location and kind."""

    findings: tuple[Finding, ...]
    methods: tuple[str, ...]

    @property
    def breaking(self) -> bool:
        return any(finding.severity == "breaking" for finding in self.findings)

    def counts(self) -> dict[str, int]:
        """Findings per severity, every severity present (zero included)."""
        return {sev: sum(f.severity == sev for f in self.findings) for sev in SEVERITIES}

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready view (``--json``)."""
        return {
            "methods_checked": len(self.methods),
            "counts": self.counts(),
            "breaking": self.breaking,
            "findings": [asdict(finding) for finding in self.findings],
        }


def parse_spec(raw: str | bytes, *, name: str) -> dict[str, Any]:
    """Parse a swagger document; ``name`` (a file name) goes into the error message."""
    try:
        spec = json.loads(raw)
    except (ValueError, RecursionError) as exc:  # UnicodeDecodeError is a ValueError
        raise InvalidSpecError(f"{name} is not valid JSON ({exc}); pass an OpenAPI .json") from exc
    if not isinstance(spec, dict) or not isinstance(spec.get("paths"), dict):
        raise InvalidSpecError(f"{name} has no 'paths' object; it is not an OpenAPI spec")
    return spec


def diff_specs(
    old: Mapping[str, Any],
    new: Mapping[str, Any],
    *,
    methods: Iterable[str],
    show_additions: bool = False,
) -> SpecDiff:
    """Compare ``methods`` (paths we call) between ``old`` (vendored) and ``new`` specs."""
    used = tuple(dict.fromkeys(methods))
    old_reader, new_reader = _Reader(old), _Reader(new)
    findings: list[Finding] = []
    for method in used:
        found = list(_diff_method(method, old_reader, new_reader, show_additions=show_additions))
        found += _successors(method, old_reader, new_reader, used=used)
        findings += sorted(found, key=lambda f: (f.location, f.kind))
    return SpecDiff(findings=tuple(findings), methods=used)


# --- per method -------------------------------------------------------------------------------


def _diff_method(
    method: str, old: _Reader, new: _Reader, *, show_additions: bool
) -> Iterator[Finding]:
    old_op, new_op = old.operation(method), new.operation(method)
    if old_op is None:
        return  # not in the vendored spec either: nothing to compare against
    old_verb, old_body = old_op
    if new_op is None:
        yield Finding(method, "", "method_removed", old_verb.upper(), None, "breaking")
        return
    new_verb, new_body = new_op
    if old_verb not in new.verbs(method):
        yield Finding(method, "", "verb_changed", old_verb.upper(), new_verb.upper(), "breaking")
    else:
        new_body = new.paths[method][old_verb]
    yield from _deprecation(method, old_body, new_body)
    for side in ("request", "response"):
        before = old.flatten(_root_schema(old_body, side, old), side)
        after = new.flatten(_root_schema(new_body, side, new), side)
        yield from _diff_fields(method, before, after, side=side, show_additions=show_additions)


def _deprecation(method: str, old: Mapping[str, Any], new: Mapping[str, Any]) -> Iterator[Finding]:
    if new.get("deprecated") is True and old.get("deprecated") is not True:
        yield Finding(method, "", "deprecated", None, "deprecated: true", "notice")
    old_hit, new_hit = _deprecation_words(old), _deprecation_words(new)
    if new_hit and not old_hit:
        yield Finding(method, "", "deprecation_notice", None, new_hit, "notice")


def _deprecation_words(operation: Mapping[str, Any]) -> str | None:
    for key in ("summary", "description"):
        text = operation.get(key)
        if isinstance(text, str) and (match := _DEPRECATION_TEXT.search(text)):
            return f"{key} mentions «{match.group(0)}»"
    return None


def _successors(method: str, old: _Reader, new: _Reader, *, used: tuple[str, ...]) -> list[Finding]:
    """New paths for the same resource at a higher version (``/v4/x`` → ``/v5/x``)."""
    match = _VERSIONED.match(method)
    if match is None:
        return []
    version = int(match.group(1))
    return [
        Finding(method, "", "successor_available", method, path, "notice")
        for other, path in new.versions().get(match.group(2), [])
        if other > version and path not in old.paths and path not in used
    ]


def _root_schema(operation: Mapping[str, Any], side: str, reader: _Reader) -> Any:
    if side == "request":
        holder = reader.deref(operation.get("requestBody"))
    else:
        responses = operation.get("responses")
        holder = reader.deref(responses.get("200")) if isinstance(responses, dict) else None
    if not isinstance(holder, dict):
        return None
    content = holder.get("content")
    media = content.get("application/json") if isinstance(content, dict) else None
    return media.get("schema") if isinstance(media, dict) else None


# --- fields -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Field:
    """What one location of a schema promises, as far as we compare it."""

    type: str | None
    format: str | None = None
    enum: tuple[Any, ...] | None = None
    limits: Mapping[str, float] = field(default_factory=dict)
    required: bool = False
    deprecated: bool = False

    def describe(self) -> str:
        shown = self.type or "any"
        return f"{shown} ({self.format})" if self.format else shown


def _diff_fields(
    method: str,
    before: Mapping[str, _Field],
    after: Mapping[str, _Field],
    *,
    side: str,
    show_additions: bool,
) -> Iterator[Finding]:
    cut: list[str] = []  # locations whose subtree is reported once, at its top

    def below_cut(location: str) -> bool:
        return any(location.startswith((top + ".", top + "[]")) for top in cut)

    for location in sorted(before.keys() | after.keys()):
        if below_cut(location):
            continue
        was, now = before.get(location), after.get(location)
        if now is None:
            assert was is not None
            cut.append(location)
            yield Finding(method, location, "field_removed", was.describe(), None, "breaking")
            continue
        if was is None:
            cut.append(location)
            if side == "request" and now.required:
                yield Finding(method, location, "newly_required", None, now.describe(), "breaking")
            elif show_additions:
                yield Finding(method, location, "field_added", None, now.describe(), "notice")
            continue
        changes = list(_compare(method, location, was, now, side=side, additions=show_additions))
        if any(f.kind in ("type_changed", "shape_changed") for f in changes):
            cut.append(location)
        yield from changes


def _compare(
    method: str, location: str, was: _Field, now: _Field, *, side: str, additions: bool
) -> Iterator[Finding]:
    if was.type and now.type and was.type != now.type:
        shape = {was.type, now.type} == {"array", "object"}
        kind = "shape_changed" if shape else "type_changed"
        yield Finding(method, location, kind, was.describe(), now.describe(), "breaking")
        return
    if was.format != now.format and was.format and now.format:
        yield Finding(method, location, "format_changed", was.format, now.format, "warning")
    if side == "request" and now.required and not was.required:
        yield Finding(method, location, "newly_required", "optional", "required", "breaking")
    if was.enum is not None and now.enum is not None:
        removed = [value for value in was.enum if value not in now.enum]
        added = [value for value in now.enum if value not in was.enum]
        if removed:
            yield Finding(method, location, "enum_removed", _values(removed), None, "warning")
        if added and additions:
            yield Finding(method, location, "enum_added", None, _values(added), "notice")
    for name in (*_UPPER_LIMITS, *_LOWER_LIMITS):
        old_limit, new_limit = was.limits.get(name), now.limits.get(name)
        if new_limit is None or old_limit == new_limit:
            continue
        tighter = (
            old_limit is None
            or (name in _UPPER_LIMITS and new_limit < old_limit)
            or (name in _LOWER_LIMITS and new_limit > old_limit)
        )
        if tighter:
            shown_old = None if old_limit is None else f"{name}={old_limit:g}"
            yield Finding(
                method, location, "limit_tightened", shown_old, f"{name}={new_limit:g}", "warning"
            )
    if now.deprecated and not was.deprecated:
        yield Finding(method, location, "deprecated", None, "deprecated: true", "notice")


def _values(values: list[Any]) -> str:
    return ", ".join(str(value) for value in values)


# --- reading a spec ---------------------------------------------------------------------------


class _Reader:
    """One spec, with ``$ref`` lookups and per-method flattening cached for a diff."""

    def __init__(self, spec: Mapping[str, Any]) -> None:
        paths = spec.get("paths")
        self.spec = spec
        self.paths: Mapping[str, Any] = paths if isinstance(paths, dict) else {}
        self._refs: dict[str, Any] = {}
        self._versions: dict[str, list[tuple[int, str]]] | None = None

    def verbs(self, path: str) -> set[str]:
        item = self.paths.get(path)
        return {verb for verb in _VERBS if isinstance(item, dict) and verb in item}

    def versions(self) -> dict[str, list[tuple[int, str]]]:
        """Versioned paths by what follows the version: ``/posting/fbs/list`` → ``[(4, path)]``."""
        if self._versions is None:
            self._versions = {}
            for path in self.paths:
                if match := _VERSIONED.match(path):
                    self._versions.setdefault(match.group(2), []).append(
                        (int(match.group(1)), path)
                    )
            for found in self._versions.values():
                found.sort()
        return self._versions

    def operation(self, path: str) -> tuple[str, Mapping[str, Any]] | None:
        """The path's first operation (Ozon has one per path) and its verb."""
        item = self.paths.get(path)
        if not isinstance(item, dict):
            return None
        for verb in _VERBS:
            if isinstance(item.get(verb), dict):
                return verb, item[verb]
        return None

    def deref(self, node: Any) -> Any:
        """Follow ``$ref`` chains (local only); an unresolvable ref reads as an empty schema."""
        seen: set[str] = set()
        while isinstance(node, dict) and isinstance(node.get("$ref"), str):
            ref = node["$ref"]
            if ref in seen:
                return {}
            seen.add(ref)
            node = self._lookup(ref)
        return node

    def _lookup(self, ref: str) -> Any:
        if ref not in self._refs:
            target: Any = self.spec
            if not ref.startswith("#/"):
                target = None
            else:
                for part in ref[2:].split("/"):
                    key = part.replace("~1", "/").replace("~0", "~")
                    target = target.get(key) if isinstance(target, dict) else None
            self._refs[ref] = target if isinstance(target, dict) else {}
        return self._refs[ref]

    def flatten(self, schema: Any, root: str) -> dict[str, _Field]:
        out: dict[str, _Field] = {}
        if schema is not None:
            self._walk(schema, root, required=False, stack=frozenset(), out=out)
        return out

    def _walk(
        self,
        schema: Any,
        location: str,
        *,
        required: bool,
        stack: frozenset[str],
        out: dict[str, _Field],
    ) -> None:
        if isinstance(schema, dict) and isinstance(schema.get("$ref"), str):
            ref = schema["$ref"]
            if ref in stack or len(stack) >= _MAX_DEPTH:
                out[location] = _Field(type="object", required=required)  # recursive: stop here
                return
            stack = stack | {ref}
        schema = self.deref(schema)
        if not isinstance(schema, dict):
            out[location] = _Field(type=None, required=required)
            return
        merged = self._merge(schema, stack)
        out[location] = _field(merged, required=required)
        needed = merged["required"]
        for name, sub in merged["properties"].items():
            self._walk(sub, f"{location}.{name}", required=name in needed, stack=stack, out=out)
        if merged["items"] is not None:
            self._walk(merged["items"], f"{location}[]", required=False, stack=stack, out=out)
        if isinstance(merged["additional"], dict):
            self._walk(merged["additional"], f"{location}.*", required=False, stack=stack, out=out)

    def _merge(self, schema: Mapping[str, Any], stack: frozenset[str]) -> dict[str, Any]:
        """The schema with ``allOf`` parts folded in and ``oneOf``/``anyOf`` fields united."""
        merged: dict[str, Any] = dict(schema)
        properties = dict(_properties(schema))
        required = set(_required(schema))
        for keyword in ("allOf", "oneOf", "anyOf"):
            parts = schema.get(keyword)
            if not isinstance(parts, list):
                continue
            for part in parts:
                if isinstance(part, dict) and part.get("$ref") in stack:
                    continue
                resolved = self.deref(part)
                if not isinstance(resolved, dict):
                    continue
                # oneOf alternatives only say which fields are required together; none of them
                # is required on its own, so their `required` lists are not merged.
                if keyword == "allOf":
                    required |= _required(resolved)
                for name, sub in _properties(resolved).items():
                    properties.setdefault(name, sub)
                for key in ("type", "format", "items", "enum"):
                    if key not in merged and key in resolved:
                        merged[key] = resolved[key]
        merged["properties"] = properties
        merged["required"] = required
        merged["items"] = merged.get("items") if isinstance(merged.get("items"), dict) else None
        merged["additional"] = schema.get("additionalProperties")
        return merged


def _properties(schema: Mapping[str, Any]) -> dict[str, Any]:
    properties = schema.get("properties")
    return properties if isinstance(properties, dict) else {}


def _required(schema: Mapping[str, Any]) -> set[str]:
    required = schema.get("required")  # Swagger 2 style `required: true` asserts nothing
    return (
        {name for name in required if isinstance(name, str)}
        if isinstance(required, list)
        else set()
    )


def _field(schema: Mapping[str, Any], *, required: bool) -> _Field:
    raw = schema.get("type")
    name = _TYPE_ALIASES.get(raw, raw) if isinstance(raw, str) else None
    if name not in _JSON_TYPES:
        name = None
    if name is None and schema["properties"]:
        name = "object"
    elif name is None and schema["items"] is not None:
        name = "array"
    enum = schema.get("enum")
    limits = {
        key: float(value)
        for key in (*_UPPER_LIMITS, *_LOWER_LIMITS)
        if isinstance(value := schema.get(key), int | float) and not isinstance(value, bool)
    }
    fmt = schema.get("format")
    return _Field(
        type=name,
        format=fmt if isinstance(fmt, str) and fmt else None,
        enum=tuple(enum) if isinstance(enum, list) else None,
        limits=limits,
        required=required,
        deprecated=schema.get("deprecated") is True,
    )
