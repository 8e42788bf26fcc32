"""Reading CSV uploads: encodings, delimiters, headers, empty rows, Excel's damage to numbers."""

from __future__ import annotations

import codecs

import pytest

from ozonops.actions import (
    MAX_FILE_BYTES,
    FileIssue,
    FileIssueCode,
    InputRow,
    Severity,
    TrackingFileContents,
    open_tracking_file,
    read_tracking_file,
)
from tests.actions.files import csv_bytes

ROWS = [
    ["48173252-0033-2", "LX394512066CN", "中国邮政"],
    ["0132112277-0101-1", "63000012345679", "Почта России"],
]


def read(data: bytes, **kw: str) -> TrackingFileContents:
    contents = read_tracking_file(data, **kw)
    assert contents.problem is None, contents.problem and contents.problem.message_en
    return contents


def values(rows: tuple[InputRow, ...]) -> list[tuple[int, str, str, str | None]]:
    return [(r.line, r.posting_number, r.tracking_number, r.carrier) for r in rows]


def problem(data: bytes, code: FileIssueCode, **kw: str) -> FileIssue:
    contents = read_tracking_file(data, **kw)
    assert contents.problem is not None
    assert contents.problem.code is code, contents.problem.message_en
    assert contents.rows == ()
    assert contents.problem.severity is Severity.ERROR
    return contents.problem


EXPECTED = [
    (2, "48173252-0033-2", "LX394512066CN", "中国邮政"),
    (3, "0132112277-0101-1", "63000012345679", "Почта России"),
]


@pytest.mark.parametrize(
    ("encoding", "written", "reported"),
    [
        ("utf-8", "utf-8", "UTF-8"),
        ("utf-8-sig", "utf-8-sig", "UTF-8 with BOM"),
        ("utf-16", "utf-16", "UTF-16 with BOM"),
        ("utf-16-le", "utf-16-le", "UTF-16 LE"),
    ],
)
def test_unicode_encodings(encoding: str, written: str, reported: str) -> None:
    contents = read(csv_bytes(ROWS, encoding=written))
    assert contents.layout is not None
    assert (contents.layout.encoding, contents.layout.encoding_name) == (encoding, reported)
    assert values(contents.rows) == EXPECTED
    assert all(r.ok and r.issues == () for r in contents.rows)


def test_gbk_file_from_chinese_excel() -> None:
    rows = [
        ["48173252-0033-2", "LX394512066CN", "中国邮政"],
        ["0132112277-0101-1", "YT2400123456789012", "云途物流"],
    ]
    data = csv_bytes(rows, header=["订单号", "运单号", "承运商"], encoding="gbk")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")  # the file really is not UTF-8
    contents = read(data)
    assert contents.layout is not None
    assert contents.layout.encoding == "gb18030"
    assert contents.layout.encoding_name == "GB18030 (GBK)"
    assert contents.layout.header == ("订单号", "运单号", "承运商")
    assert [r.carrier for r in contents.rows] == ["中国邮政", "云途物流"]


def test_gb18030_characters_beyond_gbk() -> None:
    rows = [["48173252-0033-2", "LX394512066CN", "𠀀物流"]]  # a four-byte GB18030 character
    data = csv_bytes(rows, header=["货件号", "物流单号", "物流公司"], encoding="gb18030")
    contents = read(data)
    assert contents.layout is not None
    assert contents.layout.encoding == "gb18030"
    assert contents.rows[0].carrier == "𠀀物流"


def test_russian_excel_csv_in_windows_1251_with_semicolons() -> None:
    data = csv_bytes(
        ROWS[1:], header=["Номер отправления", "Трек-номер", "Перевозчик"], delimiter=";",
        encoding="cp1251",
    )  # fmt: skip
    contents = read(data)
    assert contents.layout is not None
    assert (contents.layout.encoding, contents.layout.delimiter) == ("cp1251", ";")
    assert values(contents.rows) == [(2, *EXPECTED[1][1:])]


def test_utf8_misread_as_windows_1251_is_not_accepted() -> None:
    """UTF-8 Russian read as Windows-1251 gives 'РџРѕ…': the reader takes UTF-8 instead."""
    data = csv_bytes(ROWS, header=["Номер отправления", "Трек-номер", "Перевозчик"])
    contents = read(data)
    assert contents.layout is not None
    assert contents.layout.encoding == "utf-8"


def test_bytes_that_fit_no_encoding_name_the_first_bad_byte() -> None:
    good = csv_bytes(ROWS)
    data = good + b"48173252-0034-1,LX\xff\x98\x80,cdek\r\n"
    error = problem(data, FileIssueCode.UNKNOWN_ENCODING)
    offset = len(good) + len(b"48173252-0034-1,LX")
    assert error.line == 4
    assert (error.param("byte"), error.param("offset")) == ("FF", str(offset))
    assert f"0xFF at offset {offset} (line 4)" in error.message_en
    assert "第 4 行" in error.message_zh


def test_a_broken_utf8_file_with_a_bom_names_its_bad_byte() -> None:
    data = codecs.BOM_UTF8 + csv_bytes(ROWS) + b"1-2-3,\xe4\xb8,x\r\n"  # a cut UTF-8 sequence
    error = problem(data, FileIssueCode.UNKNOWN_ENCODING)
    assert error.line == 4
    assert error.param("byte") == "E4"


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_delimiter_is_sniffed(delimiter: str) -> None:
    contents = read(csv_bytes(ROWS, delimiter=delimiter))
    assert contents.layout is not None
    assert contents.layout.delimiter == delimiter
    assert values(contents.rows) == EXPECTED


@pytest.mark.parametrize(
    "header",
    [
        ["Posting Number", "Tracking Number", "Carrier"],
        ["POSTING_NUMBER", " tracking number ", "CARRIER"],
        ["Номер отправления", "трек-номер", "Служба доставки"],
        ["№ отправления", "Трек номер", "перевозчик"],
        ["货件号", "运单号", "承运商"],
        ["订单号(必填)", "物流单号（必填）", "物流商"],
        ["ｐｏｓｔｉｎｇ　ｎｕｍｂｅｒ", "Tracking No.", "Courier*"],
    ],
)
def test_headers_match_aliases_in_three_languages(header: list[str]) -> None:
    contents = read(csv_bytes(ROWS, header=header))
    assert contents.layout is not None
    assert contents.layout.header == tuple(header)
    assert contents.layout.carrier_column == header[2]
    assert values(contents.rows) == EXPECTED


def test_columns_in_any_order_and_extra_columns_ignored() -> None:
    data = csv_bytes(
        [["x", "LX394512066CN", "note", "48173252-0033-2"]],
        header=["SKU", "运单号", "备注", "Номер отправления"],
    )
    contents = read(data)
    assert values(contents.rows) == [(2, "48173252-0033-2", "LX394512066CN", None)]
    assert contents.layout is not None
    assert contents.layout.carrier_column is None


def test_title_lines_above_the_header() -> None:
    data = csv_bytes(
        [["物流单号上传模板"], [], *([["posting_number", "tracking_number"]]), ROWS[0][:2]],
        header=None,
    )
    contents = read(data)
    assert contents.layout is not None
    assert contents.layout.header_line == 3
    assert values(contents.rows) == [(4, "48173252-0033-2", "LX394512066CN", None)]


def test_missing_column_lists_what_was_found_and_what_is_accepted() -> None:
    data = csv_bytes([["48173252-0033-2", "x"]], header=["posting_number", "状态"])
    error = problem(data, FileIssueCode.MISSING_COLUMN)
    assert error.param("role") == "tracking number"
    assert "'posting_number', '状态'" in error.message_en
    assert "运单号" in error.param("accepted")
    assert "трек-номер" in error.param("accepted")
    assert "缺少运单号列" in error.message_zh


def test_a_column_named_twice_is_refused() -> None:
    data = csv_bytes(
        [["1-2-3", "LX394512066CN", "LX394512066CN"]], header=["posting", "运单号", "Tracking"]
    )
    error = problem(data, FileIssueCode.AMBIGUOUS_COLUMN)
    assert (error.param("first"), error.param("second")) == ("'运单号'", "'Tracking'")


@pytest.mark.parametrize("data", [b"", b"\r\n\r\n", codecs.BOM_UTF8])
def test_empty_files(data: bytes) -> None:
    problem(data, FileIssueCode.EMPTY_FILE)


def test_empty_rows_are_skipped_counted_and_reported_as_runs() -> None:
    data = (
        csv_bytes([ROWS[0], [], ["", "", ""], ROWS[1], [" ", "\u3000", ""], []], delimiter=";")
        + b";;\r\n"
    )
    contents = read(data)
    assert [r.line for r in contents.rows] == [2, 5]
    assert contents.empty_rows == 5
    runs = [(i.code, i.severity, i.param("first"), i.param("last")) for i in contents.issues]
    assert runs == [
        (FileIssueCode.EMPTY_ROWS, Severity.INFO, "3", "4"),
        (FileIssueCode.EMPTY_ROWS, Severity.INFO, "6", "8"),
    ]
    assert contents.issues[1].message_en == "3 empty row(s) skipped (lines 6–8)"


def test_quoted_cells_with_line_breaks_keep_line_numbers_right() -> None:
    data = csv_bytes([["48173252-0033-2", "LX394512066CN", "China\nPost"], ROWS[1]])
    contents = read(data)
    assert [r.line for r in contents.rows] == [2, 4]
    assert contents.rows[0].carrier == "China\nPost"


def test_row_problems_are_line_numbered_issues() -> None:
    rows = [
        ["", "LX394512066CN", ""],
        ["48173252-0033-2", "", ""],
        ["48173252-0033", "LX394512066CN", ""],  # an order number, not a posting
        ["LX394512066CN", "48173252-0033-2", ""],  # the two columns swapped
        ["４８１７３２５２－００３３－２", "LX394512066CN", ""],  # full width: cleaned, fine
        ["48173252 - 0033 - 2", "LX394512066CN", ""],
    ]
    contents = read(csv_bytes(rows))
    got = [(r.line, [i.code for i in r.issues], r.ok) for r in contents.rows]
    assert got == [
        (2, [FileIssueCode.MISSING_POSTING_NUMBER], False),
        (3, [FileIssueCode.MISSING_TRACKING_NUMBER], False),
        (4, [FileIssueCode.BAD_POSTING_NUMBER], False),
        (5, [FileIssueCode.COLUMNS_SWAPPED], False),
        (6, [], True),
        (7, [], True),
    ]
    assert contents.rows[4].posting_number == contents.rows[5].posting_number == "48173252-0033-2"
    swapped = contents.rows[3].issues[0]
    assert swapped.line == 5
    assert "LX394512066CN" in swapped.message_en
    assert "填反" in swapped.message_zh


@pytest.mark.parametrize(
    ("cell", "text", "code"),
    [
        ("6.30000123456790E+13", "63000012345679", FileIssueCode.NUMBER_RECOVERED),
        ("6,30000123456790E+13", "63000012345679", FileIssueCode.NUMBER_RECOVERED),
        ("1.01000850012310E+13", "10100085001231", FileIssueCode.NUMBER_RECOVERED),
        ("63000012345679.0", "63000012345679", FileIssueCode.NUMBER_RECOVERED),
        ("6.30000E+13", "63000000000000", FileIssueCode.NUMBER_PRECISION_LOST),
        ("6,3E+13", "63000000000000", FileIssueCode.NUMBER_PRECISION_LOST),
    ],
)
def test_numbers_excel_put_in_scientific_notation(
    cell: str, text: str, code: FileIssueCode
) -> None:
    contents = read(csv_bytes([["48173252-0033-2", cell, ""]], delimiter=";"))
    row = contents.rows[0]
    assert row.tracking_number == text
    assert [i.code for i in row.issues] == [code]
    assert row.ok == (code is FileIssueCode.NUMBER_RECOVERED)
    assert row.issues[0].param("shown") == cell


def test_excel_error_values_are_flagged() -> None:
    row = read(csv_bytes([["48173252-0033-2", "#N/A", ""]])).rows[0]
    assert [i.code for i in row.issues] == [FileIssueCode.EXCEL_ERROR]
    assert row.tracking_number == ""


def test_tracking_numbers_come_back_as_typed() -> None:
    """The reader cleans the cell (NFKC, invisible characters, trimming); carriers does the rest."""
    rows = [
        ["48173252-0033-2", ' ="LX394512066CN" ', ""],
        ["48173252-0033-3", "\u200blx 3945 12066cn", ""],
    ]
    contents = read(csv_bytes(rows))
    assert [r.tracking_number for r in contents.rows] == ['="LX394512066CN"', "lx 3945 12066cn"]


def test_a_row_csv_cannot_parse_is_an_issue_and_reading_goes_on() -> None:
    header = b"posting_number,tracking_number\r\n"
    data = (
        header
        + b'48173252-0033-2,LX394512066CN\r\n1-2-3,"'
        + b"x" * 200_000
        + b'"\r\n1-2-4,YT2400123456789012\r\n'
    )
    contents = read(data)
    codes = [(r.line, [i.code for i in r.issues]) for r in contents.rows]
    assert codes[0] == (2, [])
    assert codes[1] == (3, [FileIssueCode.BROKEN_ROW])
    assert contents.rows[-1].tracking_number == "YT2400123456789012"


def test_not_a_spreadsheet() -> None:
    error = problem(
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512, FileIssueCode.NOT_A_SPREADSHEET
    )
    assert ".xls" in error.message_en
    assert "另存为" in error.message_zh
    named = problem(csv_bytes(ROWS), FileIssueCode.NOT_A_SPREADSHEET, name="upload.xlsx")
    assert "upload.xlsx" in named.message_en


def test_files_on_disk(tmp_path: object) -> None:
    from pathlib import Path

    assert isinstance(tmp_path, Path)
    path = tmp_path / "运单.csv"
    path.write_bytes(csv_bytes(ROWS, encoding="gbk"))
    assert values(read_tracking_file(path).rows) == EXPECTED
    assert values(read_tracking_file(str(path)).rows) == EXPECTED
    missing = read_tracking_file(tmp_path / "nope.csv")
    assert missing.problem is not None
    assert missing.problem.code is FileIssueCode.UNREADABLE


def test_too_large_a_file_is_refused_before_reading() -> None:
    error = problem(b"x" * (MAX_FILE_BYTES + 1), FileIssueCode.FILE_TOO_LARGE)
    assert error.param("limit_mb") == "100"


def test_streaming_counts_as_it_goes() -> None:
    with open_tracking_file(csv_bytes([ROWS[0], [], ROWS[1]])) as opened:
        assert opened.layout is not None
        assert opened.problem is None
        rows = opened.rows()
        assert next(rows).line == 2
        assert opened.empty_rows == 0
        assert next(rows).line == 4
        assert opened.empty_rows == 1
        assert list(rows) == []
        assert [i.code for i in opened.issues] == [FileIssueCode.EMPTY_ROWS]
