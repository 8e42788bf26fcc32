"""Finding the upload file's columns by their header, in English, Chinese or Russian.

Headers are compared by ``header_key``: NFKC, case-folded, without spaces, ``_ - . * : ：``,
and without a bracketed note (``运单号(必填)``, ``Tracking number [required]``); a bilingual
header (``运单号 / Tracking number``, as our result file has) matches by either half. The
header row is the first of the first ``HEADER_SCAN_ROWS`` rows that names both required
columns, so a title line above it does no harm.
"""

from __future__ import annotations

import enum
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from ozonops.actions.issues import FileIssue, FileIssueCode, Severity, issue

HEADER_SCAN_ROWS = 10


class Column(enum.Enum):
    """A column the reader knows, with its English and Chinese role names for messages."""

    POSTING = ("posting number", "货件号")
    TRACKING = ("tracking number", "运单号")
    CARRIER = ("carrier", "承运商")


ALIASES: dict[Column, tuple[str, ...]] = {
    Column.POSTING: (
        "posting_number", "posting number", "posting", "posting no", "posting id",
        "shipment number", "ozon posting number", "номер отправления", "отправление",
        "№ отправления", "货件号", "货件编号", "货件", "订单号", "订单编号", "ozon订单号",
        "ozon货件号",
    ),
    Column.TRACKING: (
        "tracking_number", "tracking number", "tracking", "tracking no", "tracking code",
        "tracking id", "track number", "track", "трек-номер", "трек номер", "трек",
        "номер отслеживания", "трек-номер отправления", "运单号", "运单编号", "物流单号",
        "跟踪号", "追踪号", "快递单号", "国际运单号", "物流跟踪号", "物流追踪号",
    ),
    Column.CARRIER: (
        "carrier", "carrier name", "courier", "delivery service", "logistics", "перевозчик",
        "служба доставки", "курьерская служба", "承运商", "承运人", "物流商", "物流公司",
        "快递公司", "物流渠道",
    ),
}  # fmt: skip
REQUIRED = (Column.POSTING, Column.TRACKING)

_BRACKETED = re.compile(r"[(\[【（][^)\]】）]*[)\]】）]")
_DROPPED = re.compile(r"[\s_\-.*:：]+")


def header_key(cell: str) -> str:
    """The form header cells and aliases are compared in (module docstring)."""
    text = unicodedata.normalize("NFKC", cell).replace("\ufeff", "").casefold()
    return _DROPPED.sub("", _BRACKETED.sub("", text))


_BY_KEY: dict[str, Column] = {header_key(a): col for col, names in ALIASES.items() for a in names}


@dataclass(frozen=True, slots=True)
class ColumnMap:
    """Where each known column is (0-based index), and the header row as found, on ``line``."""

    posting: int
    tracking: int
    carrier: int | None
    header: tuple[str, ...]
    line: int

    def name(self, index: int | None) -> str | None:
        return None if index is None else self.header[index]


def _column(cell: str) -> Column | None:
    """The column a header cell names; a bilingual "货件号 / Posting number" by either half."""
    column = _BY_KEY.get(header_key(cell))
    if column is None and "/" in cell:
        halves = {_BY_KEY.get(header_key(part)) for part in cell.split("/")} - {None}
        column = halves.pop() if len(halves) == 1 else None
    return column


def _matches(header: Sequence[str]) -> dict[Column, list[int]]:
    found: dict[Column, list[int]] = {}
    for index, cell in enumerate(header):
        column = _column(cell)
        if column is not None:
            found.setdefault(column, []).append(index)
    return found


def is_header(row: Sequence[str]) -> bool:
    """True if ``row`` names both required columns."""
    found = _matches(row)
    return all(column in found for column in REQUIRED)


def find_columns(rows: Sequence[tuple[int, Sequence[str]]]) -> ColumnMap | FileIssue | None:
    """The column map from the first header row among ``(line, cells)``; an issue when the
    header names a column twice; None when no row is a header (see ``missing_columns``)."""
    for line, row in rows:
        found = _matches(row)
        if not all(column in found for column in REQUIRED):
            continue
        for column, indices in found.items():
            if len(indices) > 1:
                en, zh = column.value
                return issue(
                    FileIssueCode.AMBIGUOUS_COLUMN,
                    Severity.ERROR,
                    line,
                    first=repr(row[indices[0]]),
                    second=repr(row[indices[1]]),
                    role=en,
                    role_zh=zh,
                )
        carrier = found.get(Column.CARRIER)
        return ColumnMap(
            posting=found[Column.POSTING][0],
            tracking=found[Column.TRACKING][0],
            carrier=carrier[0] if carrier else None,
            header=tuple(row),
            line=line,
        )
    return None


def missing_columns(rows: Sequence[tuple[int, Sequence[str]]]) -> FileIssue:
    """The issue for a file without a header row: names the columns found and those accepted."""
    line, best = max(rows, key=lambda r: (len(_matches(r[1])), -r[0]), default=(0, ()))
    found = _matches(best)
    missing = next(column for column in REQUIRED if column not in found)
    en, zh = missing.value
    cells = [c for c in best if c.strip()]
    return issue(
        FileIssueCode.MISSING_COLUMN,
        Severity.ERROR,
        line,
        role=en,
        role_zh=zh,
        found=", ".join(repr(c) for c in cells) if cells else "(none)",
        accepted=", ".join(ALIASES[missing]),
    )
