"""Upload files the tests write themselves: real encodings through codecs, real workbooks
through openpyxl."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Sequence
from typing import Any

from openpyxl import Workbook

HEADER = ("posting_number", "tracking_number", "carrier")


def csv_bytes(
    rows: Sequence[Sequence[str]],
    *,
    delimiter: str = ",",
    encoding: str = "utf-8",
    header: Sequence[str] | None = HEADER,
    line_end: str = "\r\n",
) -> bytes:
    """A CSV file as Excel writes it: a header, quoted where needed, CRLF."""
    text = io.StringIO()
    writer = csv.writer(text, delimiter=delimiter, lineterminator=line_end)
    if header is not None:
        writer.writerow(header)
    writer.writerows(rows)
    return text.getvalue().encode(encoding)


def xlsx_bytes(
    rows: Sequence[Sequence[Any]],
    *,
    header: Sequence[str] | None = HEADER,
    title: str = "Sheet1",
    before: Sequence[Sequence[Any]] = (),
    edit: Callable[[Any], None] | None = None,
) -> bytes:
    """A workbook with one sheet: ``before`` rows (titles), the header, then ``rows``. Strings
    go to the shared-string table, as Excel writes them."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = title
    for row in before:
        sheet.append(list(row))
    if header is not None:
        sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    if edit is not None:
        edit(book)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
