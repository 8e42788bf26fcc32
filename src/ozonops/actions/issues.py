"""Problems found while reading an upload file, as data: a stable code, the line, bilingual text.

A problem is never an exception escaping the reader: each is a ``FileIssue`` on the row it
concerns (``InputRow.issues``) or on the file (``TrackingFile.issues``, ``TrackingFile.problem``
for the one that stops the reading). Severity says what the upload does with it:

- ``ERROR`` — the row (or, for a file problem, the whole file) cannot be sent;
- ``WARNING`` — the row is usable, but a person should look (a number Excel stored as a number
  and we read back exactly);
- ``INFO`` — nothing is wrong with the data, it is reported so nothing is silent (empty rows
  skipped).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass


class Severity(enum.StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


class FileIssueCode(enum.StrEnum):
    """Stable codes of upload-file problems (docs/tracking-numbers.md lists them)."""

    UNREADABLE = "UNREADABLE"
    FILE_TOO_LARGE = "FILE_TOO_LARGE"
    EMPTY_FILE = "EMPTY_FILE"
    NOT_A_SPREADSHEET = "NOT_A_SPREADSHEET"
    UNKNOWN_ENCODING = "UNKNOWN_ENCODING"
    MISSING_COLUMN = "MISSING_COLUMN"
    AMBIGUOUS_COLUMN = "AMBIGUOUS_COLUMN"
    TRUNCATED = "TRUNCATED"
    EMPTY_ROWS = "EMPTY_ROWS"
    BROKEN_ROW = "BROKEN_ROW"
    MISSING_POSTING_NUMBER = "MISSING_POSTING_NUMBER"
    MISSING_TRACKING_NUMBER = "MISSING_TRACKING_NUMBER"
    BAD_POSTING_NUMBER = "BAD_POSTING_NUMBER"
    COLUMNS_SWAPPED = "COLUMNS_SWAPPED"
    NUMBER_RECOVERED = "NUMBER_RECOVERED"
    NUMBER_PRECISION_LOST = "NUMBER_PRECISION_LOST"
    NOT_TEXT = "NOT_TEXT"
    EXCEL_ERROR = "EXCEL_ERROR"


_C = FileIssueCode
# code → (English, Chinese); ``{names}`` are the issue's params (``*_zh`` ones for Chinese) and
# ``{line}``, the issue's line.
MESSAGES: dict[FileIssueCode, tuple[str, str]] = {
    _C.UNREADABLE: ("Cannot read the file: {reason}", "无法读取文件：{reason}"),
    _C.FILE_TOO_LARGE: (
        "The file is {size_mb} MB, more than the {limit_mb} MB one upload may be — split it",
        "文件大小为 {size_mb} MB，超过单次上传上限 {limit_mb} MB —— 请拆分成多个文件",
    ),
    _C.EMPTY_FILE: (
        "The file is empty — fill in the posting and tracking numbers and upload it again",
        "文件为空 —— 请填写货件号和运单号后重新上传",
    ),
    _C.NOT_A_SPREADSHEET: (
        "This is not a CSV or XLSX file we can read ({reason}) — in Excel choose Save As, "
        "then “Excel Workbook (.xlsx)” or “CSV UTF-8”",
        "无法识别为 CSV 或 XLSX 文件（{reason}）—— 请在 Excel 中“另存为”“Excel 工作簿(.xlsx)”"
        "或“CSV UTF-8”",
    ),
    _C.UNKNOWN_ENCODING: (
        "The file's text is in none of UTF-8, GB18030/GBK or Windows-1251: the first bad byte "
        "is 0x{byte} at offset {offset} (line {line}) — save it again as “CSV UTF-8”",
        "文件编码不是 UTF-8、GB18030/GBK 或 Windows-1251：第一个无法识别的字节 0x{byte} 位于"
        "偏移 {offset}（第 {line} 行）—— 请重新保存为“CSV UTF-8”",
    ),
    _C.MISSING_COLUMN: (
        "No {role} column: the columns found are {found}; name it one of {accepted}",
        "缺少{role_zh}列：找到的列为 {found}；该列可命名为 {accepted}",
    ),
    _C.AMBIGUOUS_COLUMN: (
        "Columns {first} and {second} both look like the {role} column — rename or delete one",
        "列 {first} 和 {second} 都像{role_zh}列 —— 请重命名或删除其中一列",
    ),
    _C.TRUNCATED: (
        "The file is damaged after line {after}; later rows were not read ({reason}) — save "
        "it again from Excel and upload it again",
        "文件在第 {after} 行之后已损坏，后面的行未读取（{reason}）—— 请用 Excel 重新保存后再上传",
    ),
    _C.EMPTY_ROWS: (
        "{count} empty row(s) skipped (lines {first}–{last})",
        "已跳过 {count} 个空行（第 {first}–{last} 行）",
    ),
    _C.BROKEN_ROW: (
        "This row cannot be read as CSV ({reason}) — check its quotes and separators",
        "此行无法按 CSV 读取（{reason}）—— 请检查引号和分隔符",
    ),
    _C.MISSING_POSTING_NUMBER: (
        "The posting number is empty — fill it in from the Ozon order list",
        "货件号为空 —— 请从 Ozon 订单列表中填写",
    ),
    _C.MISSING_TRACKING_NUMBER: (
        "The tracking number is empty — fill in the number from the carrier's label",
        "运单号为空 —— 请填写物流面单上的运单号",
    ),
    _C.BAD_POSTING_NUMBER: (
        "{value} is not an Ozon posting number (digits-digits-digits, e.g. 48173252-0033-2) — "
        "copy it from the Ozon order list",
        "{value} 不是 Ozon 货件号（格式为 数字-数字-数字，例如 48173252-0033-2）—— 请从 Ozon "
        "订单列表复制",
    ),
    _C.COLUMNS_SWAPPED: (
        "The posting number ({posting}) and the tracking number ({tracking}) look swapped — "
        "check which column is which",
        "货件号（{posting}）和运单号（{tracking}）似乎填反了 —— 请检查列的顺序",
    ),
    _C.NUMBER_RECOVERED: (
        "Excel stored the {column} as a number ({shown}); it was read back exactly as {value} "
        "— format the column as Text next time",
        "Excel 把{column_zh}存成了数字（{shown}），已准确还原为 {value} —— 下次请把该列设为"
        "“文本”格式",
    ),
    _C.NUMBER_PRECISION_LOST: (
        "Excel stored the {column} as a number ({shown}) and its last digits are lost — "
        "format the column as Text, type the number again and save",
        "Excel 把{column_zh}存成了数字（{shown}），末尾数字已丢失 —— 请把该列设为“文本”格式，"
        "重新输入后保存",
    ),
    _C.NOT_TEXT: (
        "The {column} cell holds {kind} ({value}), not a number as text — format the column "
        "as Text and type it again",
        "{column_zh}单元格的内容是{kind_zh}（{value}），不是文本 —— 请把该列设为“文本”格式后"
        "重新输入",
    ),
    _C.EXCEL_ERROR: (
        "The {column} cell holds the Excel error {value} — fix the formula or type the value",
        "{column_zh}单元格是 Excel 错误值 {value} —— 请修正公式或直接填写",
    ),
}


@dataclass(frozen=True, slots=True)
class FileIssue:
    """One problem: its rule (``code``), where (``line``, 1-based; 0 = the whole file), facts."""

    code: FileIssueCode
    severity: Severity
    line: int = 0
    params: tuple[tuple[str, str], ...] = ()

    @property
    def message_en(self) -> str:
        return MESSAGES[self.code][0].format_map({"line": str(self.line), **dict(self.params)})

    @property
    def message_zh(self) -> str:
        return MESSAGES[self.code][1].format_map({"line": str(self.line), **dict(self.params)})

    def param(self, name: str) -> str:
        """The value of one fact of the message (KeyError if the issue has none by that name)."""
        return dict(self.params)[name]


def issue(code: FileIssueCode, severity: Severity, line: int = 0, /, **params: object) -> FileIssue:
    """A ``FileIssue`` with its params turned to text."""
    return FileIssue(code, severity, line, tuple((k, str(v)) for k, v in params.items()))
