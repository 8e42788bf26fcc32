"""How simulator handlers are declared and what they receive.

A handler is a plain function ``(ctx: Ctx) -> JSON`` registered with :func:`route` under an
Ozon path. By the time it runs, the caller is authenticated, within its rate limits, and its
body parsed and checked against the spec's request schema; it raises ``OzonApiError`` to
refuse. Handlers run on the event loop, so they must not block.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from ozonops.simulator.errors import bad_request
from ozonops.simulator.world import Shop, World

JSON = Any


@dataclass(slots=True)
class Ctx:
    world: World
    shop: Shop
    body: dict[str, Any]
    now: datetime
    path: str


Handler = Callable[[Ctx], JSON]


@dataclass(frozen=True, slots=True)
class Route:
    path: str
    handler: Handler
    http_method: str = "POST"
    per_minute: int | None = None  # per-method limit on top of the per-second one
    notes: str = ""


@dataclass(slots=True)
class Registry:
    routes: dict[str, Route] = field(default_factory=dict)

    def route(
        self, path: str, *, http_method: str = "POST", per_minute: int | None = None
    ) -> Callable[[Handler], Handler]:
        def register(fn: Handler) -> Handler:
            if path in self.routes:
                raise ValueError(f"{path} registered twice")
            self.routes[path] = Route(path, fn, http_method, per_minute)
            return fn

        return register


#: The one registry every routes module adds to.
REGISTRY = Registry()
route = REGISTRY.route


# --- helpers handlers share ----------------------------------------------------------------
def iso(dt: datetime | None) -> str | None:
    """Ozon's time format: UTC, RFC 3339, ``Z``, milliseconds."""
    if dt is None:
        return None
    return dt.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def parse_time(value: Any, field_name: str) -> datetime:
    """A request time; the spec's validation already checked the format."""
    if not isinstance(value, str):
        raise bad_request(f"{field_name}: expected an RFC 3339 date-time", field=field_name)
    try:
        dt = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise bad_request(f"{field_name}: invalid date-time {value!r}", field=field_name) from None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt.astimezone(UTC)


def parse_optional_time(value: Any, field_name: str) -> datetime | None:
    """:func:`parse_time`, or None when the field is absent (missing, null or empty)."""
    return parse_time(value, field_name) if value else None


def int_ids(values: Any, field: str) -> list[int]:
    """A request's id list (absent: empty) as integers; 400 naming the first that is not one."""
    out = []
    for v in values or []:
        try:
            out.append(int(v))
        except (TypeError, ValueError):
            raise bad_request(f"{field}: {v!r} is not an integer id", field=field) from None
    return out


def get(body: dict[str, Any], *path: str, default: Any = None) -> Any:
    """``body[a][b]...`` or ``default`` when any level is missing or null."""
    cur: Any = body
    for key in path:
        if not isinstance(cur, dict) or cur.get(key) is None:
            return default
        cur = cur[key]
    return cur
