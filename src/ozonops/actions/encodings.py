"""Which text encoding a CSV upload is in: UTF-8 (with or without BOM), UTF-16, GB18030/GBK
(Chinese Excel's “CSV (逗号分隔)”) or Windows-1251 (Russian Excel's “CSV (разделители — запятые)”).

A byte-order mark decides outright. Otherwise every candidate decodes the whole file strictly,
in the order UTF-8, GB18030, GBK, Windows-1251, and the first under which the header row is
recognised wins; failing that, the first that decodes at all. Windows-1251 decodes almost any
bytes, so it is taken only when the header is found and every non-ASCII character is a letter
of the Russian alphabet or Russian punctuation (UTF-8 misread as Windows-1251 gives ``џ``,
``ѕ``, ``‡``…). Real Russian text is almost never valid GB18030 (a word of odd length leaves a
lead byte before a space), so the order does not misread one as the other. Bytes that fit
nothing get an issue naming the first bad byte, its offset and its line.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Callable
from dataclasses import dataclass

from ozonops.actions.issues import FileIssue, FileIssueCode, Severity, issue

# (mark, codec for the bytes after it, the encoding reported)
_BOMS: tuple[tuple[bytes, str, str], ...] = (
    (codecs.BOM_UTF8, "utf-8", "utf-8-sig"),
    (b"\x84\x31\x95\x33", "gb18030", "gb18030"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "utf-16"),
)
_TRIED = ("utf-8", "gb18030", "gbk")
_PROVEN_ONLY = "cp1251"
_NOT_RUSSIAN = re.compile(r"[^\x00-\x7fА-яЁё№«»–—“”„‘’…\xa0]")

# Human names for the layout report.
ENCODING_NAMES = {
    "utf-8": "UTF-8",
    "utf-8-sig": "UTF-8 with BOM",
    "utf-16": "UTF-16 with BOM",
    "utf-16-le": "UTF-16 LE",
    "utf-16-be": "UTF-16 BE",
    "gb18030": "GB18030 (GBK)",
    "gbk": "GBK",
    "cp1251": "Windows-1251",
}


@dataclass(frozen=True, slots=True)
class Decoded:
    text: str
    encoding: str  # a Python codec name; ENCODING_NAMES has the human one


def _strict(data: bytes, encoding: str) -> str | UnicodeDecodeError:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        return exc


def _bad_byte(data: bytes, exc: UnicodeDecodeError, skipped: int = 0) -> FileIssue:
    offset = skipped + exc.start
    line = data.count(b"\n", 0, offset) + 1
    return issue(
        FileIssueCode.UNKNOWN_ENCODING,
        Severity.ERROR,
        line,
        byte=f"{data[offset]:02X}",
        offset=offset,
    )


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 without a BOM: ASCII text with a NUL beside every character."""
    head = data[:2000]
    if len(head) < 4 or head.count(0) < len(head) // 3:
        return None
    return "utf-16-le" if head[1::2].count(0) > head[0::2].count(0) else "utf-16-be"


def decode(data: bytes, has_header: Callable[[str], bool]) -> Decoded | FileIssue:
    """Decode a CSV file (module docstring); ``has_header`` says if a text's header is ours."""
    for bom, codec, encoding in _BOMS:
        if data.startswith(bom):
            text = _strict(data[len(bom) :], codec)
            if isinstance(text, UnicodeDecodeError):
                return _bad_byte(data, text, skipped=len(bom))
            return Decoded(text, encoding)
    candidates = list(_TRIED)
    if (wide := _utf16_without_bom(data)) is not None:
        candidates.insert(0, wide)
    decoded: list[Decoded] = []
    first_error: UnicodeDecodeError | None = None
    for encoding in [*candidates, _PROVEN_ONLY]:
        text = _strict(data, encoding)
        if isinstance(text, UnicodeDecodeError):
            first_error = first_error or text
            continue
        if encoding == _PROVEN_ONLY and _NOT_RUSSIAN.search(text):
            continue
        if has_header(text):
            return Decoded(text, encoding)
        decoded.append(Decoded(text, encoding))
    fallback = [d for d in decoded if d.encoding != _PROVEN_ONLY]
    if fallback:
        return fallback[0]
    assert first_error is not None  # cp1251 cannot be the only success here: it needs a header
    return _bad_byte(data, first_error)
