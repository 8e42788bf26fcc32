"""Read a tracking-number upload file (CSV or XLSX) into typed, line-numbered rows.

``open_tracking_file(source)`` opens the file, finds its encoding, delimiter or sheet, and
header row, and never raises on bad content: a file it cannot read at all has ``problem`` set
(and yields no rows). ``TrackingFile.rows()`` then streams one ``InputRow`` per non-empty row,
each with the ``FileIssue`` s found in it; empty rows are skipped but counted, and reported as
``EMPTY_ROWS`` issues (one per run of consecutive empty rows) in ``TrackingFile.issues``.
``read_tracking_file`` does both and returns everything at once.

The columns are posting number, tracking number and an optional carrier, matched by header
aliases (``columns.ALIASES``). The tracking number comes back as typed (the carriers package
normalises and checks it); the posting number is cleaned (full-width forms, spaces, dashes).
"""

from __future__ import annotations

import csv
import io
import os
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Literal

from ozonops.actions.cells import Cell, cell_text, clean
from ozonops.actions.columns import Column, ColumnMap
from ozonops.actions.encodings import ENCODING_NAMES
from ozonops.actions.issues import FileIssue, FileIssueCode, Severity, issue
from ozonops.actions.sources import CsvSource, Found, XlsxSource
from ozonops.carriers import looks_like_posting_number, normalize

MAX_FILE_BYTES = 100 * 1024 * 1024
FileKind = Literal["csv", "xlsx"]
Source = bytes | str | os.PathLike[str]

_ZIP = b"PK\x03\x04"
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Excel 97–2003 .xls, or an encrypted .xlsx
_POSTING_SHAPE = re.compile(r"[0-9]+-[0-9]+-[0-9]+")


@dataclass(frozen=True, slots=True)
class InputRow:
    """One data row: its line (Excel's row number, or the CSV line it starts on) and values."""

    line: int
    posting_number: str
    tracking_number: str
    carrier: str | None
    issues: tuple[FileIssue, ...] = ()

    @property
    def ok(self) -> bool:
        """True if nothing in the row stops it from being sent."""
        return all(i.severity is not Severity.ERROR for i in self.issues)


@dataclass(frozen=True, slots=True)
class FileLayout:
    """What the reader found: kind, header, and the encoding and delimiter or sheet used."""

    kind: FileKind
    header_line: int
    header: tuple[str, ...]
    posting_column: str
    tracking_column: str
    carrier_column: str | None
    encoding: str | None = None  # CSV: the Python codec used, e.g. "gb18030"
    delimiter: str | None = None  # CSV
    sheet: str | None = None  # XLSX

    @property
    def encoding_name(self) -> str | None:
        """The encoding as a person names it ("UTF-8 with BOM", "GB18030 (GBK)")."""
        return None if self.encoding is None else ENCODING_NAMES.get(self.encoding, self.encoding)


@dataclass(frozen=True, slots=True)
class TrackingFileContents:
    """Everything ``read_tracking_file`` read."""

    layout: FileLayout | None
    problem: FileIssue | None
    rows: tuple[InputRow, ...]
    issues: tuple[FileIssue, ...]
    empty_rows: int


@dataclass
class _Counts:
    empty_rows: int = 0
    run_start: int = 0
    run_end: int = 0
    issues: list[FileIssue] = field(default_factory=list)

    def empty(self, line: int) -> None:
        self.empty_rows += 1
        if self.run_start and line == self.run_end + 1:
            self.run_end = line
        else:
            self.flush()
            self.run_start = self.run_end = line

    def flush(self) -> None:
        if self.run_start:
            count = self.run_end - self.run_start + 1
            self.issues.append(
                issue(
                    FileIssueCode.EMPTY_ROWS,
                    Severity.INFO,
                    self.run_start,
                    count=count,
                    first=self.run_start,
                    last=self.run_end,
                )
            )
            self.run_start = self.run_end = 0


class TrackingFile:
    """An opened upload file (see the module docstring); use it as a context manager."""

    def __init__(self, opened: CsvSource | XlsxSource | FileIssue) -> None:
        self._source = None if isinstance(opened, FileIssue) else opened
        self.problem: FileIssue | None = opened if isinstance(opened, FileIssue) else opened.problem
        self.layout = _layout(opened) if not isinstance(opened, FileIssue) else None
        self._counts = _Counts()
        if self.problem is not None:
            self.close()  # nothing to read: let go of the workbook now

    @property
    def issues(self) -> list[FileIssue]:
        """File-level issues so far: the problem, empty-row runs, a file damaged mid-way."""
        return ([self.problem] if self.problem else []) + self._counts.issues

    @property
    def empty_rows(self) -> int:
        return self._counts.empty_rows

    def rows(self) -> Iterator[InputRow]:
        """Stream the data rows once; empty rows are counted, not yielded."""
        source = self._source
        if source is None or source.found is None:
            return
        columns = source.found.columns
        try:
            for raw in source.rows():
                if len(raw) == 2:
                    row: InputRow | None = _broken(raw[0], raw[1])
                else:
                    row = _row(raw[0], raw[1], raw[2], columns)
                if row is None:
                    self._counts.empty(raw[0])
                    continue
                self._counts.flush()
                yield row
            self._counts.flush()
            if isinstance(source, XlsxSource) and source.damage is not None:
                self._counts.issues.append(source.damage)
        finally:
            self.close()

    def close(self) -> None:
        if self._source is not None:
            self._source.close()

    def __enter__(self) -> TrackingFile:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def _refused(code: FileIssueCode, **params: object) -> FileIssue:
    return issue(code, Severity.ERROR, **params)


def _open(source: Source, name: str | None) -> CsvSource | XlsxSource | FileIssue:
    path = None if isinstance(source, bytes) else Path(source)
    try:
        size = len(source) if isinstance(source, bytes) else Path(source).stat().st_size
        if size > MAX_FILE_BYTES:
            mb = 1024 * 1024
            return _refused(
                FileIssueCode.FILE_TOO_LARGE,
                size_mb=round(size / mb, 1),
                limit_mb=MAX_FILE_BYTES // mb,
            )
        data = source if isinstance(source, bytes) else Path(source).read_bytes()
    except OSError as exc:
        return _refused(FileIssueCode.UNREADABLE, reason=exc.strerror or type(exc).__name__)
    name = name or (path.name if path is not None else None)
    if not data:
        return _refused(FileIssueCode.EMPTY_FILE)
    if data.startswith(_OLE2):
        reason = "an Excel 97–2003 .xls file, or a password-protected workbook"
        return _refused(FileIssueCode.NOT_A_SPREADSHEET, reason=reason)
    if data.startswith(_ZIP):
        return XlsxSource(io.BytesIO(data))
    if name is not None and name.lower().endswith((".xlsx", ".xlsm")):
        reason = f"{name} is named like a workbook but its content is not one"
        return _refused(FileIssueCode.NOT_A_SPREADSHEET, reason=reason)
    return CsvSource(data)


def open_tracking_file(source: Source, *, name: str | None = None) -> TrackingFile:
    """Open an upload file: its bytes, or a path. ``name`` (the uploaded file's name) only
    improves messages; the content decides CSV or XLSX."""
    return TrackingFile(_open(source, name))


def read_tracking_file(source: Source, *, name: str | None = None) -> TrackingFileContents:
    """``open_tracking_file`` and read every row."""
    with open_tracking_file(source, name=name) as opened:
        rows = tuple(opened.rows())
        return TrackingFileContents(
            opened.layout, opened.problem, rows, tuple(opened.issues), opened.empty_rows
        )


def _layout(source: CsvSource | XlsxSource) -> FileLayout | None:
    found: Found | None = source.found
    if found is None:
        return None
    columns = found.columns
    return FileLayout(
        kind="csv" if isinstance(source, CsvSource) else "xlsx",
        header_line=found.header_line,
        header=columns.header,
        posting_column=columns.header[columns.posting],
        tracking_column=columns.header[columns.tracking],
        carrier_column=columns.name(columns.carrier),
        encoding=found.encoding,
        delimiter=found.delimiter,
        sheet=found.sheet,
    )


def _broken(line: int, error: csv.Error) -> InputRow:
    found = issue(FileIssueCode.BROKEN_ROW, Severity.ERROR, line, reason=str(error)[:200])
    return InputRow(line, "", "", None, (found,))


def _posting(text: str) -> str:
    """NFKC, dashes unified, spaces dropped: the posting number as Ozon spells it."""
    return normalize(text).spaced.replace(" ", "")


def _row(
    line: int, values: Sequence[Cell], formats: Sequence[str] | None, columns: ColumnMap
) -> InputRow | None:
    if all(v is None or (isinstance(v, str) and not clean(v)) for v in values):
        return None

    def cell(index: int | None, column: Column) -> tuple[str, list[FileIssue]]:
        if index is None or index >= len(values):
            return "", []
        number_format = formats[index] if formats is not None else "General"
        return cell_text(values[index], column, line, number_format)

    posting, posting_issues = cell(columns.posting, Column.POSTING)
    tracking, tracking_issues = cell(columns.tracking, Column.TRACKING)
    carrier, carrier_issues = cell(columns.carrier, Column.CARRIER)
    issues = posting_issues + tracking_issues + carrier_issues
    posting = _posting(posting)
    if not posting and not posting_issues:
        issues.append(issue(FileIssueCode.MISSING_POSTING_NUMBER, Severity.ERROR, line))
    if not tracking and not tracking_issues:
        issues.append(issue(FileIssueCode.MISSING_TRACKING_NUMBER, Severity.ERROR, line))
    if posting and not _POSTING_SHAPE.fullmatch(posting):
        if tracking and looks_like_posting_number(tracking):
            found = issue(
                FileIssueCode.COLUMNS_SWAPPED,
                Severity.ERROR,
                line,
                posting=posting,
                tracking=tracking,
            )
        else:
            found = issue(FileIssueCode.BAD_POSTING_NUMBER, Severity.ERROR, line, value=posting)
        issues.append(found)
    return InputRow(line, posting, tracking, carrier or None, tuple(issues))
