"""The result file of an upload: every input row with its outcome and the reason, in XLSX or CSV.

The upload service fills one ``RowOutcome`` per input row (``invalid_outcome`` builds one from
any issue that has a code and bilingual messages); ``write_outcomes_xlsx`` and
``write_outcomes_csv`` write them with bilingual headers, the outcome code (stable, for
filtering) beside its Chinese label, and the reason in Chinese and English. CSV is UTF-8 with a
BOM, so Chinese and Russian Excel open it without garbling. Both writers stream, and guard
against formula injection: a cell starting with ``= + - @`` is written as text (XLSX) or with
a leading apostrophe (CSV), so a hostile "tracking number" cannot run in the seller's Excel.
"""

from __future__ import annotations

import csv
import enum
import io
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Protocol

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Font

from ozonops.actions.inputs import InputRow


class Outcome(enum.StrEnum):
    """What happened to one row of an upload."""

    SENT = "sent"  # Ozon accepted the number for a posting that had none
    REPLACED = "replaced"  # the posting had another number; Ozon took this one
    SKIPPED_SAME = "skipped_same"  # the posting already had this number: nothing sent
    REFUSED = "refused"  # Ozon refused it; the reason is Ozon's error
    INVALID = "invalid"  # our checks refused the row (the file or the number)
    DUPLICATE_IN_FILE = "duplicate_in_file"  # the posting appears earlier in the file
    EMPTY_ROW = "empty_row"  # nothing in the row
    NOT_SENT = "not_sent"  # the upload stopped before this row (e.g. the Api-Key was refused)


OUTCOME_LABELS: dict[Outcome, tuple[str, str]] = {
    Outcome.SENT: ("Sent", "已上传"),
    Outcome.REPLACED: ("Replaced", "已替换"),
    Outcome.SKIPPED_SAME: ("Already set, skipped", "单号相同，已跳过"),
    Outcome.REFUSED: ("Refused by Ozon", "Ozon 拒绝"),
    Outcome.INVALID: ("Invalid", "无效"),
    Outcome.DUPLICATE_IN_FILE: ("Duplicate in the file", "文件内重复"),
    Outcome.EMPTY_ROW: ("Empty row", "空行"),
    Outcome.NOT_SENT: ("Not sent", "未发送"),
}

# (English header, Chinese header) of each column, in order.
HEADERS: tuple[tuple[str, str], ...] = (
    ("Line", "行号"),
    ("Posting number", "货件号"),
    ("Tracking number", "运单号"),
    ("Carrier", "承运商"),
    ("Outcome", "结果代码"),
    ("Result", "结果"),
    ("Reason code", "原因代码"),
    ("Reason", "原因"),
    ("Reason (English)", "原因（英文）"),
)
_WIDTHS = (8, 20, 24, 16, 18, 16, 28, 60, 60)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True, slots=True)
class RowOutcome:
    """One row of the result file."""

    line: int
    posting_number: str
    tracking_number: str
    carrier: str | None
    outcome: Outcome
    reason_code: str = ""
    reason_zh: str = ""
    reason_en: str = ""

    def cells(self) -> tuple[int | str, ...]:
        return (
            self.line,
            self.posting_number,
            self.tracking_number,
            self.carrier or "",
            self.outcome.value,
            OUTCOME_LABELS[self.outcome][1],
            self.reason_code,
            self.reason_zh,
            self.reason_en,
        )


class Explained(Protocol):
    """Anything with a stable code and bilingual messages (file issues, tracking errors)."""

    @property
    def code(self) -> str: ...
    @property
    def message_en(self) -> str: ...
    @property
    def message_zh(self) -> str: ...


def invalid_outcome(row: InputRow, problem: Explained) -> RowOutcome:
    """The ``invalid`` outcome of ``row``, giving ``problem`` as the reason."""
    return RowOutcome(
        row.line,
        row.posting_number,
        row.tracking_number,
        row.carrier,
        Outcome.INVALID,
        str(problem.code),
        problem.message_zh,
        problem.message_en,
    )


def _header() -> list[str]:
    return [f"{zh} / {en}" for en, zh in HEADERS]


def _csv_safe(value: int | str) -> int | str:
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def write_outcomes_csv(
    outcomes: Iterable[RowOutcome], destination: Path | IO[bytes], *, delimiter: str = ","
) -> Counter[Outcome]:
    """Write the CSV result file (UTF-8 with BOM); returns how many rows had each outcome."""
    counts: Counter[Outcome] = Counter()
    sink = destination.open("wb") if isinstance(destination, Path) else destination
    text = io.TextIOWrapper(sink, encoding="utf-8-sig", newline="", write_through=True)
    try:
        writer = csv.writer(text, delimiter=delimiter)
        writer.writerow(_header())
        for outcome in outcomes:
            counts[outcome.outcome] += 1
            writer.writerow([_csv_safe(v) for v in outcome.cells()])
        text.flush()
    finally:
        text.detach()
        if isinstance(destination, Path):
            sink.close()
    return counts


def _xlsx_cell(sheet: Any, value: int | str) -> int | str | Cell | None:
    if not isinstance(value, str):
        return value
    if not value:
        return None  # no cell at all: a third of a typical row, and a faster file
    value = ILLEGAL_CHARACTERS_RE.sub("", value)
    if value.startswith("="):
        cell = WriteOnlyCell(sheet, value)
        cell.data_type = "s"  # text, not a formula
        return cell
    return value


def write_outcomes_xlsx(
    outcomes: Iterable[RowOutcome], destination: Path | IO[bytes]
) -> Counter[Outcome]:
    """Write the XLSX result file (a results sheet and a summary sheet); returns the counts."""
    counts: Counter[Outcome] = Counter()
    book = Workbook(write_only=True)
    sheet = book.create_sheet("结果 Results")
    for index, width in enumerate(_WIDTHS):
        sheet.column_dimensions[chr(ord("A") + index)].width = width
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header = []
    for title in _header():
        cell = WriteOnlyCell(sheet, title)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    for outcome in outcomes:
        counts[outcome.outcome] += 1
        sheet.append([_xlsx_cell(sheet, v) for v in outcome.cells()])
    sheet.auto_filter.ref = f"A1:{chr(ord('A') + len(HEADERS) - 1)}{sum(counts.values()) + 1}"
    summary = book.create_sheet("汇总 Summary")
    summary.append(["结果 / Outcome", "结果代码 / Code", "行数 / Rows"])
    for kind in Outcome:
        en, zh = OUTCOME_LABELS[kind]
        summary.append([f"{zh} / {en}", kind.value, counts[kind]])
    summary.append(["合计 / Total", "", sum(counts.values())])
    book.save(destination)
    return counts
