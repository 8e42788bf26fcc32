"""What a rule is: an id, a severity, the Ozon rule it protects, and ONE SQL query.

A rule's :attr:`Rule.query` builds a ``SELECT`` over the store for an evaluation
:class:`Context`; every row it yields is one object the condition holds for, with the columns
``shop_id`` and ``object_id`` plus any number of fact columns (the facts that fired it). The
engine never loops over postings: it runs the query and compares the rows with the alerts.

A rule whose facts need a second look in Python (a per-shop aggregate, a forecast) gives
:attr:`Rule.collect`, which turns the query's rows into :class:`Hit` s; by default each row is
one hit. Fact sources that arrive later (the parcel-tracking facts) plug in the same way: a
query over their table, a severity, the Ozon rule and its source.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from enum import Enum
from typing import Any

import orjson
from sqlalchemy import CompoundSelect, Row, Select

from ozonops.domain import OzonFigures
from ozonops.notify import LocalText, Severity
from ozonops.watch_config import RulesConfig, RuleSettings

__all__ = [
    "Context",
    "Describe",
    "Facts",
    "Hit",
    "Query",
    "Rule",
    "fact_value",
    "hits_from_rows",
    "posting_path",
]

#: Facts as stored with an alert: JSON values (times as ISO text, money as text).
Facts = dict[str, Any]
#: What a rule's query is: any SELECT (or UNION of them) over the store.
Query = Select[*tuple[Any, ...]] | CompoundSelect[*tuple[Any, ...]]
Describe = Callable[[Facts, "Context"], tuple[LocalText, LocalText]]


@dataclass(frozen=True, slots=True)
class Context:
    """One evaluation: Ozon's clock (``now``), the machine's (``wall``), the settings."""

    now: datetime
    wall: datetime
    config: RulesConfig
    dialect: str = "sqlite"

    @property
    def ozon(self) -> OzonFigures:
        return self.config.ozon

    def ago(self, **delta: float) -> datetime:
        return self.now - timedelta(**delta)

    def ahead(self, **delta: float) -> datetime:
        return self.now + timedelta(**delta)


@dataclass(frozen=True, slots=True)
class Hit:
    """The condition holds for ``object_id`` of ``shop_id``; ``facts`` say why."""

    shop_id: int
    object_id: str
    facts: Facts

    @property
    def digest(self) -> str:
        """A hash of the facts (what the alert row keeps to tell a change)."""
        body = orjson.dumps(self.facts, option=orjson.OPT_SORT_KEYS)
        return hashlib.blake2b(body, digest_size=16).hexdigest()


def fact_value(value: Any) -> Any:
    """A column value as it is kept in an alert's facts (JSON)."""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, float):
        return round(value, 4)
    return value


def hits_from_rows(rows: Sequence[Row[Any]], _ctx: Context) -> list[Hit]:
    """One hit per row: ``shop_id``, ``object_id``, the other columns as facts."""
    if not rows:
        return []
    names = list(rows[0]._fields)
    shop_at, object_at = names.index("shop_id"), names.index("object_id")
    keep = [(i, name) for i, name in enumerate(names) if i not in (shop_at, object_at)]
    plain = (str, int, bool, type(None))
    out = []
    for row in rows:
        facts = {
            name: value if type(value) in plain else fact_value(value)
            for i, name in keep
            for value in (row[i],)
        }
        out.append(Hit(int(row[shop_at]), str(row[object_at]), facts))
    return out


@dataclass(frozen=True, slots=True)
class Rule:
    """One entry of the catalogue (see the module docstring)."""

    id: str
    severity: Severity
    #: posting | return | review | chat | stock | shop | method | resource
    object_type: str
    name: LocalText
    #: The Ozon rule (or seller's risk) it protects, in words.
    protects: str
    #: Where that rule is written (a section of ozon-rules.md, ozon-api.md, or "ours").
    source: str
    query: Callable[[Context], Query]
    describe: Describe
    collect: Callable[[Sequence[Row[Any]], Context], list[Hit]] = hits_from_rows
    #: The object's timeline on the dashboard, from its id (None: no page).
    path: Callable[[str], str | None] = field(default=lambda _object_id: None)
    #: What the rule's settings block holds, for the catalogue table.
    defaults: str = ""

    def settings(self, config: RulesConfig) -> RuleSettings:
        return config.settings_of(self.id)

    def severity_in(self, config: RulesConfig) -> Severity:
        return self.settings(config).severity or self.severity


def posting_path(number: str) -> str:
    return f"/postings/{number}"
