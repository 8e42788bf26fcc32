"""Cell values as text, undoing what Excel does to numbers typed into a General column.

Excel keeps 15 significant digits and shows long numbers in scientific notation, so a 14-digit
Russian Post number becomes the number 63000012345679 (XLSX) or the text
``6.30000123456790E+13`` / ``6,30000123456790E+13`` (a CSV saved from a Russian or Chinese
Excel). Such a value is read back exactly when all its digits are there — an integer of at
most 15 digits, or scientific text showing as many significant digits as the number has — with
a ``NUMBER_RECOVERED`` warning; otherwise it is flagged ``NUMBER_PRECISION_LOST``. A
zero-padded number format (``0000000000``) restores the leading zeros Excel hid.
"""

from __future__ import annotations

import math
import re
import unicodedata
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from ozonops.actions.columns import Column
from ozonops.actions.issues import FileIssue, FileIssueCode, Severity, issue

EXCEL_SIGNIFICANT_DIGITS = 15
_SCIENTIFIC = re.compile(r"([0-9]+)(?:[.,]([0-9]+))?[eE]\+([0-9]{1,3})")  # Excel always writes E+
_DECIMAL_ZERO = re.compile(r"([0-9]+)[.,]0+")
_ZERO_PADDED = re.compile(r"0+")
_EXCEL_ERRORS = frozenset(
    {"#N/A", "#VALUE!", "#REF!", "#DIV/0!", "#NUM!", "#NAME?", "#NULL!", "#SPILL!", "#CALC!"}
)
_KINDS_ZH = {
    "a date": "日期",
    "a time": "时间",
    "a true/false value": "真/假值",
    "a decimal number": "小数",
    "a negative number": "负数",
}
_COLUMN_ZH = {Column.POSTING: "货件号", Column.TRACKING: "运单号", Column.CARRIER: "承运商"}

Cell = str | int | float | bool | date | time | timedelta | None
Text = tuple[str, list[FileIssue]]


def clean(text: str) -> str:
    """NFKC, invisible characters removed, trimmed: the text a person sees in the cell."""
    if text.isascii():
        return text.strip()  # the common case: NFKC leaves ASCII alone and it has no Cf
    text = unicodedata.normalize("NFKC", text)
    return "".join(c for c in text if unicodedata.category(c) != "Cf").strip()


def _where(column: Column) -> dict[str, str]:
    return {"column": column.value[0], "column_zh": _COLUMN_ZH[column]}


def _not_text(column: Column, line: int, kind: str, value: object) -> Text:
    found = issue(
        FileIssueCode.NOT_TEXT,
        Severity.ERROR,
        line,
        **_where(column),
        kind=kind,
        kind_zh=_KINDS_ZH[kind],
        value=value,
    )
    return "", [found]


def _number(column: Column, line: int, digits: str, shown: str, exact: bool) -> Text:
    code = FileIssueCode.NUMBER_RECOVERED if exact else FileIssueCode.NUMBER_PRECISION_LOST
    severity = Severity.WARNING if exact else Severity.ERROR
    return digits, [issue(code, severity, line, **_where(column), shown=shown, value=digits)]


def _scientific(column: Column, line: int, text: str) -> Text | None:
    match = _SCIENTIFIC.fullmatch(text)
    if match is None:
        return None
    whole, fraction, exponent = match.group(1), match.group(2) or "", int(match.group(3))
    significant = (whole + fraction).lstrip("0")
    length = len(whole.lstrip("0")) + exponent  # digits before the decimal point
    if not significant or length <= 0 or significant[length:].strip("0"):
        return None  # zero, or a fraction rather than an integer Excel shortened
    digits = significant[:length].ljust(length, "0")
    return _number(column, line, digits, text, exact=len(significant) >= length)


def cell_text(value: Cell, column: Column, line: int, number_format: str = "General") -> Text:
    """The text of one cell and the issues found in it; ``""`` for an empty cell."""
    if value is None:
        return "", []
    if isinstance(value, bool):
        return _not_text(column, line, "a true/false value", value)
    if isinstance(value, time):
        return _not_text(column, line, "a time", value)
    if isinstance(value, datetime | date | timedelta):
        return _not_text(column, line, "a date", value)
    if isinstance(value, float) and (not math.isfinite(value) or not value.is_integer()):
        return _not_text(column, line, "a decimal number", value)
    if isinstance(value, int | float):
        if value < 0:
            return _not_text(column, line, "a negative number", value)
        # A float's shortest repr is the decimal Excel wrote (1.23456789012345E+17), not the
        # binary value's expansion (123456789012344992).
        whole = int(value) if isinstance(value, int) else int(Decimal(repr(value)))
        exact = len(str(whole)) <= EXCEL_SIGNIFICANT_DIGITS
        return _number(column, line, _padded(str(whole), number_format), repr(value), exact)
    text = clean(value)
    if text in _EXCEL_ERRORS:
        return "", [
            issue(FileIssueCode.EXCEL_ERROR, Severity.ERROR, line, **_where(column), value=text)
        ]
    if column is Column.TRACKING:
        if (recovered := _scientific(column, line, text)) is not None:
            return recovered
        if (m := _DECIMAL_ZERO.fullmatch(text)) is not None:
            return _number(column, line, m.group(1), text, exact=True)
    return text, []


def _padded(digits: str, number_format: str) -> str:
    """Leading zeros back from a zero-padded number format (``0000000000``)."""
    if _ZERO_PADDED.fullmatch(number_format) and len(digits) < len(number_format):
        return digits.rjust(len(number_format), "0")
    return digits
