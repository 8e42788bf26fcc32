"""The result file: every row with its outcome and reason, read back with real readers."""

from __future__ import annotations

import csv
import io
from collections import Counter
from pathlib import Path

import pytest
from openpyxl import load_workbook

from ozonops.actions import (
    HEADERS,
    OUTCOME_LABELS,
    Outcome,
    RowOutcome,
    invalid_outcome,
    read_tracking_file,
    write_outcomes_csv,
    write_outcomes_xlsx,
)
from ozonops.carriers import TrackingNumberError, check_tracking_number
from tests.actions.files import csv_bytes

OUTCOMES = [
    RowOutcome(2, "48173252-0033-2", "LX394512066CN", "中国邮政", Outcome.SENT),
    RowOutcome(3, "48173252-0034-1", "63000012345679", "Почта России", Outcome.REPLACED),
    RowOutcome(
        4, "48173252-0035-1", "RB123456786US", None, Outcome.INVALID, "S10_CHECK_DIGIT",
        "UPU S10 校验位应为 5，实际为 6", "UPU S10 check digit should be 5, got 6",
    ),
    RowOutcome(5, "48173252-0033-2", "LX394512066CN", None, Outcome.DUPLICATE_IN_FILE),
    RowOutcome(
        6, "48173252-0036-1", '=HYPERLINK("http://x")', None, Outcome.REFUSED, "", "", "+cmd"
    ),
]  # fmt: skip


def test_csv_is_utf8_with_bom_and_lists_every_row() -> None:
    out = io.BytesIO()
    counts = write_outcomes_csv(OUTCOMES, out)
    data = out.getvalue()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0][0] == "行号 / Line"
    assert len(rows[0]) == len(HEADERS)
    assert [r[0] for r in rows[1:]] == ["2", "3", "4", "5", "6"]
    assert rows[3][4:] == [
        "invalid", "无效", "S10_CHECK_DIGIT", "UPU S10 校验位应为 5，实际为 6",
        "UPU S10 check digit should be 5, got 6",
    ]  # fmt: skip
    assert rows[2][3] == "Почта России"
    assert counts == Counter({o.outcome: 1 for o in OUTCOMES} | {Outcome.SENT: 1})


def test_csv_cells_that_would_run_as_formulas_are_quoted() -> None:
    out = io.BytesIO()
    write_outcomes_csv(OUTCOMES, out)
    last = list(csv.reader(io.StringIO(out.getvalue().decode("utf-8-sig"))))[-1]
    assert last[2] == '\'=HYPERLINK("http://x")'
    assert last[8] == "'+cmd"


def test_csv_with_semicolons_for_russian_excel(tmp_path: Path) -> None:
    path = tmp_path / "result.csv"
    write_outcomes_csv(OUTCOMES, path, delimiter=";")
    text = path.read_bytes().decode("utf-8-sig")
    assert text.splitlines()[1].split(";")[:3] == ["2", "48173252-0033-2", "LX394512066CN"]


def test_xlsx_lists_every_row_keeps_numbers_as_text_and_sums_up(tmp_path: Path) -> None:
    path = tmp_path / "result.xlsx"
    counts = write_outcomes_xlsx(OUTCOMES, path)
    book = load_workbook(path)
    results, summary = book.worksheets
    rows = list(results.iter_rows(values_only=True))
    assert rows[0][2] == "运单号 / Tracking number"
    assert rows[2][2] == "63000012345679"  # text: Excel cannot shorten it
    assert results["C3"].data_type == "s"
    assert [r[0] for r in rows[1:]] == [2, 3, 4, 5, 6]
    assert rows[5][2] == '=HYPERLINK("http://x")'
    assert results["C6"].data_type == "s"  # written as text, never as a formula
    assert results.freeze_panes == "A2"
    assert results.auto_filter.ref == "A1:I6"
    totals = {row[1]: row[2] for row in summary.iter_rows(min_row=2, values_only=True)}
    assert totals["sent"] == 1
    assert totals["not_sent"] == 0
    assert totals[None] == 5 == sum(counts.values())
    assert set(totals) - {None} == {o.value for o in Outcome}


def test_xlsx_drops_characters_xml_cannot_hold() -> None:
    out = io.BytesIO()
    bad = RowOutcome(
        2, "1-2-3", "LX\x00394512066CN", None, Outcome.INVALID, "X", "原因\x07", "why\x1b"
    )
    write_outcomes_xlsx([bad], out)
    row = next(load_workbook(out).worksheets[0].iter_rows(min_row=2, values_only=True))
    assert row[2] == "LX394512066CN"
    assert (row[7], row[8]) == ("原因", "why")


def test_invalid_outcome_from_a_file_issue_and_from_a_tracking_error() -> None:
    contents = read_tracking_file(csv_bytes([["48173252-0033", "RB123456786US", ""]]))
    row = contents.rows[0]
    from_file = invalid_outcome(row, row.issues[0])
    assert (from_file.outcome, from_file.reason_code) == (Outcome.INVALID, "BAD_POSTING_NUMBER")
    assert "48173252-0033" in from_file.reason_en
    error = check_tracking_number(row.tracking_number)
    assert isinstance(error, TrackingNumberError)
    from_number = invalid_outcome(row, error)
    assert from_number.reason_code == "S10_CHECK_DIGIT"
    assert from_number.reason_zh == error.message_zh
    assert (from_number.line, from_number.posting_number) == (2, "48173252-0033")


@pytest.mark.parametrize("outcome", list(Outcome))
def test_every_outcome_has_labels(outcome: Outcome) -> None:
    en, zh = OUTCOME_LABELS[outcome]
    assert en
    assert zh


def test_result_csv_reads_back_as_an_upload_file() -> None:
    """A seller may fix the result file and upload it again: the reader takes its headers."""
    out = io.BytesIO()
    write_outcomes_csv(OUTCOMES[:3], out)
    contents = read_tracking_file(out.getvalue())
    assert contents.problem is None
    assert [r.tracking_number for r in contents.rows] == [o.tracking_number for o in OUTCOMES[:3]]
