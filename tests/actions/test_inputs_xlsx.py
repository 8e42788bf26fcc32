"""Reading XLSX uploads written by openpyxl: text and numeric cells, sheets, damaged files."""

from __future__ import annotations

import io
import zipfile
from datetime import datetime
from typing import Any

import pytest

from ozonops.actions import FileIssueCode, Severity, TrackingFileContents, read_tracking_file
from tests.actions.files import xlsx_bytes


def read(data: bytes) -> TrackingFileContents:
    contents = read_tracking_file(data)
    assert contents.problem is None, contents.problem and contents.problem.message_en
    return contents


def test_text_cells() -> None:
    data = xlsx_bytes(
        [
            ["48173252-0033-2", "LX394512066CN", "中国邮政"],
            ["0132112277-0101-1", "YT2400123456789012", None],
        ],
        header=["货件号", "运单号", "承运商"],
        title="运单",
    )
    contents = read(data)
    assert contents.layout is not None
    assert (contents.layout.kind, contents.layout.sheet, contents.layout.encoding) == (
        "xlsx",
        "运单",
        None,
    )
    got = [
        (r.line, r.posting_number, r.tracking_number, r.carrier, r.issues) for r in contents.rows
    ]
    assert got == [
        (2, "48173252-0033-2", "LX394512066CN", "中国邮政", ()),
        (3, "0132112277-0101-1", "YT2400123456789012", None, ()),
    ]


@pytest.mark.parametrize(
    ("value", "text", "code"),
    [
        (63000012345679, "63000012345679", FileIssueCode.NUMBER_RECOVERED),
        (63000012345679.0, "63000012345679", FileIssueCode.NUMBER_RECOVERED),
        (10100085001231, "10100085001231", FileIssueCode.NUMBER_RECOVERED),
        (123456789012345, "123456789012345", FileIssueCode.NUMBER_RECOVERED),  # 15 digits: exact
        (1234567890123450, "1234567890123450", FileIssueCode.NUMBER_PRECISION_LOST),
        (1.23456789012345e17, "123456789012345000", FileIssueCode.NUMBER_PRECISION_LOST),
    ],
)
def test_numeric_cells_are_recovered_or_flagged(value: Any, text: str, code: FileIssueCode) -> None:
    row = read(xlsx_bytes([["48173252-0033-2", value, None]])).rows[0]
    assert row.tracking_number == text
    assert [i.code for i in row.issues] == [code]
    assert row.issues[0].severity is (
        Severity.WARNING if code is FileIssueCode.NUMBER_RECOVERED else Severity.ERROR
    )
    assert row.issues[0].line == 2


def test_a_zero_padded_number_format_restores_leading_zeros() -> None:
    def pad(book: Any) -> None:
        book.active["B2"].number_format = "0000000000"

    row = read(xlsx_bytes([["48173252-0033-2", 12345678, None]], edit=pad)).rows[0]
    assert row.tracking_number == "0012345678"
    assert row.issues[0].code is FileIssueCode.NUMBER_RECOVERED


@pytest.mark.parametrize(
    ("value", "kind"),
    [
        (datetime(2026, 3, 1), "a date"),
        (True, "a true/false value"),
        (12.5, "a decimal number"),
        (-5, "a negative number"),
    ],
)
def test_cells_that_are_not_text(value: Any, kind: str) -> None:
    row = read(xlsx_bytes([["48173252-0033-2", value, None]])).rows[0]
    assert row.tracking_number == ""
    assert [i.code for i in row.issues] == [FileIssueCode.NOT_TEXT]
    assert row.issues[0].param("kind") == kind
    assert not row.ok


def test_excel_error_cells() -> None:
    row = read(xlsx_bytes([["48173252-0033-2", "#N/A", None]])).rows[0]
    assert [i.code for i in row.issues] == [FileIssueCode.EXCEL_ERROR]


def test_title_rows_gaps_and_trailing_empty_rows() -> None:
    def gaps(book: Any) -> None:
        sheet = book.active
        sheet["A8"] = "48173252-0033-9"
        sheet["B8"] = "RR619045230CN"
        sheet["C12"] = "   "  # a cell with only spaces: still an empty row

    data = xlsx_bytes(
        [["48173252-0033-2", "LX394512066CN", "cdek"], [None, None, None]],
        before=[["Ozon 运单上传"], []],
        edit=gaps,
    )
    contents = read(data)
    assert contents.layout is not None
    assert contents.layout.header_line == 3
    assert [(r.line, r.tracking_number) for r in contents.rows] == [
        (4, "LX394512066CN"),
        (8, "RR619045230CN"),
    ]
    runs = [(i.param("first"), i.param("last")) for i in contents.issues]
    assert runs == [("5", "7"), ("9", "12")]
    assert contents.empty_rows == 7


def test_the_first_sheet_with_a_header_is_read() -> None:
    def second_sheet(book: Any) -> None:
        sheet = book.create_sheet("data")
        sheet.append(["Номер отправления", "Трек-номер"])
        sheet.append(["48173252-0033-2", "LX394512066CN"])

    contents = read(xlsx_bytes([["说明：第二页"]], header=None, title="readme", edit=second_sheet))
    assert contents.layout is not None
    assert contents.layout.sheet == "data"
    assert [r.tracking_number for r in contents.rows] == ["LX394512066CN"]


def test_workbook_without_a_header() -> None:
    contents = read_tracking_file(
        xlsx_bytes([["48173252-0033-2", "LX394512066CN"]], header=["A", "B"])
    )
    assert contents.problem is not None
    assert contents.problem.code is FileIssueCode.MISSING_COLUMN
    assert "'A', 'B'" in contents.problem.message_en


def test_a_truncated_workbook_is_not_a_spreadsheet() -> None:
    data = xlsx_bytes([["48173252-0033-2", "LX394512066CN"]])
    contents = read_tracking_file(data[: len(data) // 2])
    assert contents.problem is not None
    assert contents.problem.code is FileIssueCode.NOT_A_SPREADSHEET
    assert contents.rows == ()


def _break_sheet_after(data: bytes, rows: int) -> bytes:
    """Cut the sheet's XML after ``rows`` rows, as a half-copied file would be."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            content = source.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                text = content.decode()
                cut = 0
                for _ in range(rows):
                    cut = text.index("</row>", cut) + len("</row>")
                content = (text[:cut] + "<row r=").encode()
            target.writestr(item, content)
    return out.getvalue()


def test_a_workbook_damaged_after_its_header_keeps_the_rows_before() -> None:
    rows = [[f"48173252-{i:04d}-1", f"LX{i:08d}5CN"] for i in range(1, 50)]
    contents = read(_break_sheet_after(xlsx_bytes(rows), 11))
    assert len(contents.rows) == 10
    assert contents.issues[-1].code is FileIssueCode.TRUNCATED
    assert contents.issues[-1].param("after") == "11"
    assert "第 11 行之后" in contents.issues[-1].message_zh
