"""100,000-row files are read completely, row for row (speed lives in bench/tracking_file.py)."""

from __future__ import annotations

import pytest

from ozonops.actions import FileIssueCode, open_tracking_file, read_tracking_file
from ozonops.carriers import s10_check_digit
from tests.actions.files import csv_bytes, xlsx_bytes

N = 100_000


def rows(n: int) -> list[list[str]]:
    out = []
    for i in range(n):
        serial = f"{i:08d}"
        out.append(
            [
                f"{10_000_000 + i}-{i % 10_000:04d}-1",
                f"RR{serial}{s10_check_digit(serial)}CN",
                "中国邮政",
            ]
        )
    return out


def test_100k_row_gbk_csv_with_empty_rows_is_read_completely() -> None:
    data = rows(N)
    for i in range(0, N, 10_000):
        data[i] = ["", "", ""]  # ten empty rows spread through the file
    contents = read_tracking_file(csv_bytes(data, encoding="gbk", delimiter=";"))
    assert contents.layout is not None
    assert (contents.layout.encoding, contents.layout.delimiter) == ("gb18030", ";")
    assert len(contents.rows) == N - 10
    assert contents.empty_rows == 10
    assert [i.code for i in contents.issues] == [FileIssueCode.EMPTY_ROWS] * 10
    assert all(r.ok and not r.issues for r in contents.rows)
    assert contents.rows[0].line == 3  # line 2 (data[0]) is empty
    assert contents.rows[-1].line == N + 1
    assert contents.rows[-1].tracking_number == data[-1][1]


@pytest.mark.slow
def test_100k_row_xlsx_is_read_completely_as_a_stream() -> None:
    data = rows(N)
    with open_tracking_file(xlsx_bytes(data)) as opened:
        count = 0
        last = None
        for row in opened.rows():  # streamed: no list of 100k rows is built here
            count += 1
            last = row
        assert count == N
        assert last is not None
        assert (last.line, last.tracking_number) == (N + 1, data[-1][1])
        assert opened.empty_rows == 0
