"""The raw rows of an upload file, CSV or XLSX, as ``(line, values, number formats)``.

CSV: the whole file is decoded once (``encodings.decode``), the delimiter is the one of ``,``,
``;``, tab or ``|`` under which the header row is found, and rows stream out of ``csv.reader``
with the physical line each starts on. XLSX: openpyxl in read-only mode, the first sheet with
a header row, rows streamed with their Excel row numbers and each cell's number format.
Neither raises on bad content: problems come back as ``FileIssue`` values.
"""

from __future__ import annotations

import csv
import io
import itertools
import warnings
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import IO, Any

from openpyxl import load_workbook

from ozonops.actions.cells import Cell
from ozonops.actions.columns import HEADER_SCAN_ROWS, ColumnMap, find_columns, is_header
from ozonops.actions.columns import missing_columns as missing
from ozonops.actions.encodings import decode
from ozonops.actions.issues import FileIssue, FileIssueCode, Severity, issue

DELIMITERS = (",", ";", "\t", "|")
HEAD_CHARS = 1 << 16  # the header is looked for here; a record cut at the end does no harm

RawRow = tuple[int, Sequence[Cell], Sequence[str] | None]


def _text(value: Cell) -> str:
    return "" if value is None else str(value)


@dataclass
class Found:
    """What a source found before the data rows: its header and layout facts."""

    columns: ColumnMap
    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | None = None

    @property
    def header_line(self) -> int:
        return self.columns.line


def _csv_rows(text: str, delimiter: str) -> Iterator[tuple[int, list[str] | csv.Error]]:
    """``(first line, cells)`` per CSV record; a record csv refuses comes as its error."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    line = 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield line, exc
        else:
            yield line, cells
        line = reader.line_num + 1


def _head(text: str, delimiter: str) -> list[tuple[int, list[str]]]:
    """The first non-empty records, from the file's first ``HEAD_CHARS`` characters only."""
    records = _csv_rows(text[:HEAD_CHARS], delimiter)
    rows = ((n, c) for n, c in records if not isinstance(c, csv.Error))
    return [(n, c) for n, c in itertools.islice(rows, HEADER_SCAN_ROWS * 3) if any(c)][
        :HEADER_SCAN_ROWS
    ]


def _csv_has_header(text: str) -> bool:
    return any(is_header(cells) for d in DELIMITERS for _, cells in _head(text, d))


class _Source:
    found: Found | None
    problem: FileIssue | None

    def _settle(self, columns: ColumnMap | FileIssue, **layout: str | None) -> None:
        """Record the header found (or the issue with it) and the layout facts."""
        if isinstance(columns, FileIssue):
            self.problem = columns
        else:
            self.found = Found(columns, **layout)


class CsvSource(_Source):
    """A decoded CSV file; ``found`` or ``problem`` is set once constructed."""

    def __init__(self, data: bytes) -> None:
        self.found: Found | None = None
        self.problem: FileIssue | None = None
        self._text = ""
        self._delimiter = ","
        decoded = decode(data, _csv_has_header)
        if isinstance(decoded, FileIssue):
            self.problem = decoded
            return
        self._text = decoded.text
        heads = {d: _head(decoded.text, d) for d in DELIMITERS}
        for delimiter, head in heads.items():
            if (columns := find_columns(head)) is not None:
                self._delimiter = delimiter
                self._settle(columns, encoding=decoded.encoding, delimiter=delimiter)
                return
        widest = max(heads.values(), key=lambda h: max((len(c) for _, c in h), default=0))
        self.problem = (
            missing(widest) if widest else issue(FileIssueCode.EMPTY_FILE, Severity.ERROR)
        )

    def rows(self) -> Iterator[RawRow | tuple[int, csv.Error]]:
        """The records after the header row (none if the header was not found)."""
        if self.found is None:
            return
        header_line = self.found.header_line
        for line, cells in _csv_rows(self._text, self._delimiter):
            if line <= header_line:
                continue
            if isinstance(cells, csv.Error):
                yield line, cells
            else:
                yield line, cells, None

    def close(self) -> None:
        self._text = ""


def _sheet_head(sheet: Any) -> list[tuple[int, list[str]]]:
    """The first non-empty rows, up to and including the header row; parsed no further, so a
    sheet damaged below its header still opens."""
    head: list[tuple[int, list[str]]] = []
    for line, values in enumerate(sheet.iter_rows(values_only=True), start=1):
        cells = [_text(v) for v in values]
        if any(c.strip() for c in cells):
            head.append((line, cells))
            if is_header(cells) or len(head) == HEADER_SCAN_ROWS:
                break
        if line >= HEADER_SCAN_ROWS * 3:
            break
    return head


class XlsxSource(_Source):
    """An XLSX workbook opened read-only; ``found`` or ``problem`` is set once constructed."""

    def __init__(self, file: str | IO[bytes]) -> None:
        self.found: Found | None = None
        self.problem: FileIssue | None = None
        self.damage: FileIssue | None = None
        self._book: Any = None
        try:
            with warnings.catch_warnings():
                # openpyxl warns about parts it drops (styles, extensions): none hold our data.
                warnings.simplefilter("ignore")
                self._book = load_workbook(file, read_only=True, data_only=True)
                self._find()
        except Exception as exc:  # openpyxl raises many types on a damaged file; all mean one thing
            self.close()
            reason = f"{type(exc).__name__}: {exc}"[:200]
            self.problem = issue(FileIssueCode.NOT_A_SPREADSHEET, Severity.ERROR, reason=reason)

    def _find(self) -> None:
        first_head: list[tuple[int, list[str]]] | None = None
        for sheet in self._book.worksheets:
            sheet.reset_dimensions()  # some writers store a wrong size; read what is there
            head = _sheet_head(sheet)
            first_head = head if first_head is None else first_head
            if (columns := find_columns(head)) is not None:
                self._sheet = sheet
                self._settle(columns, sheet=sheet.title)
                return
        self.problem = (
            missing(first_head) if first_head else issue(FileIssueCode.EMPTY_FILE, Severity.ERROR)
        )

    def rows(self) -> Iterator[RawRow]:
        """The rows after the header row (none if the header was not found). A workbook
        damaged further down ends the rows and sets ``damage``."""
        if self.found is None:
            return
        start = self.found.header_line + 1
        line = start - 1
        try:
            for line, cells in enumerate(self._sheet.iter_rows(min_row=start), start=start):
                values = [getattr(c, "value", None) for c in cells]
                formats = [getattr(c, "number_format", "General") for c in cells]
                yield line, values, formats
        except Exception as exc:  # as in __init__: whatever openpyxl raises, the file is damaged
            reason = f"{type(exc).__name__}: {exc}"[:200]  # ``line``: the last row read
            self.damage = issue(
                FileIssueCode.TRUNCATED, Severity.ERROR, line, after=line, reason=reason
            )

    def close(self) -> None:
        if self._book is not None:
            self._book.close()
            self._book = None
