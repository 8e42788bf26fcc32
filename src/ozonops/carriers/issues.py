"""What can be wrong with a tracking number, as data: stable codes and bilingual messages.

A check returns a ``TrackingNumberError`` (the number is refused) or a ``TrackingNumber``
carrying ``TrackingNumberWarning`` s (accepted, but a person should look). Both name their rule
by a ``TrackingIssue`` code, stable across releases (files, logs and the web UI key on it),
and render a message in English and Chinese saying which rule was broken and what to do.
Some codes are an error or a warning depending on what the seller declared: a 14-digit number
failing the Russian Post check digit is refused when the row says "Russian Post" and only
flagged otherwise (carriers.md §1.12 step 3).

The error tree (``parse_tracking_number`` raises; ``check_tracking_number`` returns data)::

    OzonOpsError
    └── TerminalError
        └── InvalidTrackingNumber     carries the TrackingNumberError as ``.error``
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from ozonops.errors import TerminalError


class TrackingIssue(enum.StrEnum):
    """Stable codes of the tracking-number rules (docs/tracking-numbers.md lists them)."""

    EMPTY = "EMPTY"
    TOO_SHORT = "TOO_SHORT"
    TOO_LONG = "TOO_LONG"
    BAD_CHARACTERS = "BAD_CHARACTERS"
    MULTIPLE_NUMBERS = "MULTIPLE_NUMBERS"
    SCIENTIFIC_NOTATION = "SCIENTIFIC_NOTATION"
    LOOKS_LIKE_POSTING_NUMBER = "LOOKS_LIKE_POSTING_NUMBER"
    S10_CHECK_DIGIT = "S10_CHECK_DIGIT"
    S10_RESERVED_SERVICE = "S10_RESERVED_SERVICE"
    S10_LENGTH = "S10_LENGTH"
    S10_UNKNOWN_ISSUER = "S10_UNKNOWN_ISSUER"
    S10_DOMESTIC_SERVICE = "S10_DOMESTIC_SERVICE"
    S10_UNLISTED_SERVICE = "S10_UNLISTED_SERVICE"
    RPO_CHECK_DIGIT = "RPO_CHECK_DIGIT"
    CARRIER_MISMATCH = "CARRIER_MISMATCH"
    UNKNOWN_CARRIER_NAME = "UNKNOWN_CARRIER_NAME"
    UNKNOWN_FORMAT = "UNKNOWN_FORMAT"
    CDEK_UNUSUAL_LENGTH = "CDEK_UNUSUAL_LENGTH"
    CYRILLIC_LOOKALIKE = "CYRILLIC_LOOKALIKE"


_C = TrackingIssue
# code → (English, Chinese); ``{names}`` are the issue's params (``*_zh`` ones for Chinese).
MESSAGES: dict[TrackingIssue, tuple[str, str]] = {
    _C.EMPTY: (
        "The tracking number is empty — fill in the number from the carrier's label",
        "运单号为空 —— 请填写物流面单上的运单号",
    ),
    _C.TOO_SHORT: (
        "{length} characters is too short for a tracking number (at least {minimum}) — "
        "copy the whole number from the label",
        "运单号只有 {length} 位，太短（至少 {minimum} 位）—— 请从面单复制完整单号",
    ),
    _C.TOO_LONG: (
        "{length} characters is longer than a tracking number may be (at most {maximum}) — "
        "put one number per cell",
        "运单号有 {length} 位，超过上限 {maximum} 位 —— 每个单元格只填一个单号",
    ),
    _C.BAD_CHARACTERS: (
        "Character {char} ({codepoint}) at position {position} is not allowed: tracking "
        "numbers hold only Latin letters and digits — remove it or re-type the number",
        "第 {position} 位的字符 {char}（{codepoint}）不允许：运单号只能包含拉丁字母和数字 —— "
        "请删除该字符或重新输入",
    ),
    _C.MULTIPLE_NUMBERS: (
        "The cell holds {count} tracking numbers ({numbers}) — put one number per row",
        "该单元格包含 {count} 个运单号（{numbers}）—— 每行只填一个单号",
    ),
    _C.SCIENTIFIC_NOTATION: (
        "Excel turned the number into scientific notation ({value}), which can lose digits — "
        "format the column as Text, type the number again and save",
        "Excel 把单号变成了科学计数法（{value}），可能已丢失数字 —— 请把该列设为“文本”格式，"
        "重新输入单号后保存",
    ),
    _C.LOOKS_LIKE_POSTING_NUMBER: (
        "{value} is an Ozon posting (or order) number, not a tracking number — put the carrier's "
        "tracking number in this column",
        "{value} 是 Ozon 货件号（或订单号），不是运单号 —— 请在此列填写物流商的运单号",
    ),
    _C.S10_CHECK_DIGIT: (
        "UPU S10 check digit should be {expected}, got {actual} — re-type the number from "
        "the label",
        "UPU S10 校验位应为 {expected}，实际为 {actual} —— 请对照面单重新输入单号",
    ),
    _C.S10_RESERVED_SERVICE: (
        "Service indicator {service} starts with {letter}, which UPU S10 reserves (J, K, S, "
        "T and W are never issued) — check the first two letters on the label",
        "服务代码 {service} 以 {letter} 开头，UPU S10 保留此字母（J、K、S、T、W 从不使用）"
        "—— 请核对面单上的前两个字母",
    ),
    _C.S10_LENGTH: (
        "{value} looks like a UPU S10 number but has {digits} digits between the letters "
        "instead of 9 — a digit is missing or extra; re-type the number from the label",
        "{value} 像 UPU S10 单号，但字母之间有 {digits} 位数字，应为 9 位 —— 少了或多了"
        "一位数字，请对照面单重新输入",
    ),
    _C.S10_UNKNOWN_ISSUER: (
        "Issuer code {issuer} at the end is not an ISO country code — check the last two "
        "letters; the number is accepted",
        "末尾的发行方代码 {issuer} 不是 ISO 国家代码 —— 请核对最后两个字母；单号仍被接受",
    ),
    _C.S10_DOMESTIC_SERVICE: (
        "Service indicator {service} is for domestic or bilateral mail only, unusual on a "
        "parcel to Russia — check the first two letters; the number is accepted",
        "服务代码 {service} 仅用于国内或双边邮件，寄往俄罗斯的包裹很少使用 —— 请核对前两个"
        "字母；单号仍被接受",
    ),
    _C.S10_UNLISTED_SERVICE: (
        "Service indicator {service} is not in the UPU S10 table — check the first two "
        "letters; the number is accepted",
        "服务代码 {service} 不在 UPU S10 代码表中 —— 请核对前两个字母；单号仍被接受",
    ),
    _C.RPO_CHECK_DIGIT: (
        "Russian Post check digit should be {expected}, got {actual} — re-type the "
        "14-digit number from the label",
        "俄罗斯邮政 14 位单号校验位应为 {expected}，实际为 {actual} —— 请对照面单重新输入",
    ),
    _C.CARRIER_MISMATCH: (
        "The number has the format of {detected}, not of the declared carrier {declared} — "
        "check the carrier column; the number is accepted",
        "该单号符合 {detected_zh} 的格式，与填写的承运商 {declared_zh} 不一致 —— 请核对承运商列；"
        "单号仍被接受",
    ),
    _C.UNKNOWN_CARRIER_NAME: (
        "Carrier {declared} is not one we know — write a name such as China Post, "
        "YunExpress, CDEK or Russian Post, or leave the cell empty",
        "无法识别承运商 {declared} —— 请填写如 中国邮政、云途、CDEK、俄罗斯邮政 等名称，或留空",
    ),
    _C.UNKNOWN_FORMAT: (
        "No known carrier format matches — accepted as is; 17TRACK will try to detect the carrier",
        "没有匹配的已知承运商单号格式 —— 按原样接受，17TRACK 将尝试自动识别承运商",
    ),
    _C.CDEK_UNUSUAL_LENGTH: (
        "CDEK numbers usually have 10 digits, this one has {length} — check it; the number "
        "is accepted",
        "CDEK 单号通常为 10 位数字，此单号为 {length} 位 —— 请核对；单号仍被接受",
    ),
    _C.CYRILLIC_LOOKALIKE: (
        "Cyrillic letters {letters} were read as the Latin letters they look like — check "
        "the keyboard layout",
        "西里尔字母 {letters} 已按外形相同的拉丁字母处理 —— 请检查键盘输入法",
    ),
}


class _Rendered:
    """The bilingual message of an issue, from its ``code`` and ``params``."""

    __slots__ = ()
    code: TrackingIssue
    params: tuple[tuple[str, str], ...]

    @property
    def message_en(self) -> str:
        return MESSAGES[self.code][0].format_map(dict(self.params))

    @property
    def message_zh(self) -> str:
        return MESSAGES[self.code][1].format_map(dict(self.params))

    def param(self, name: str) -> str:
        """The value of one fact of the message (KeyError if the issue has none by that name)."""
        return dict(self.params)[name]


@dataclass(frozen=True, slots=True)
class TrackingNumberError(_Rendered):
    """A refused tracking number: the rule (``code``), the input, and the facts the message uses."""

    code: TrackingIssue
    raw: str
    params: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class TrackingNumberWarning(_Rendered):
    """Something a person should look at on an accepted tracking number."""

    code: TrackingIssue
    params: tuple[tuple[str, str], ...] = ()


class InvalidTrackingNumber(TerminalError):
    """Fires when ``parse_tracking_number`` refuses a number; ``.error`` says which rule."""

    def __init__(self, error: TrackingNumberError) -> None:
        self.error = error
        super().__init__(f"tracking number {error.raw!r}: {error.code}: {error.message_en}")
