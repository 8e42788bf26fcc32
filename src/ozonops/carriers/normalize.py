"""Turning what a seller typed or pasted into the bare tracking number (carriers.md §1.12 step 1).

``normalize`` applies, in order: Unicode NFKC (full-width ``Ｌ１２`` → ``L12``, ideographic
and no-break spaces → spaces), removal of invisible format characters (zero-width spaces and
joiners, BOMs, direction marks, soft hyphens), trimming, unwrapping Excel's text guards
(``="…"``, a leading apostrophe) and surrounding quotes (``"…"``, ``'…'``, ``“…”``, ``«…»``,
``「…」``), upper-casing, and removal of spaces and dashes inside. Cyrillic letters that look
like Latin ones (a Russian keyboard layout: ``А В Е К М Н О Р С Т У Х``) become those Latin
letters, but only in a text with digits that is then all Latin letters and digits; the change
is reported so a warning can name it.

``Normalized.spaced`` keeps the dashes (as ``-``) and single spaces, for the checks that need
them: an Ozon posting number is told by its dashes (§1.11), and two numbers pasted in one
cell by the space or comma between them.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# Opening → closing quote characters a pasted value may be wrapped in (after NFKC).
_QUOTES = {
    '"': '"',
    "'": "'",
    "`": "`",
    "“": "”",
    "„": "“",
    "‘": "’",
    "«": "»",
    "「": "」",
    "『": "』",
}
_CYRILLIC_TO_LATIN = str.maketrans("АВЕКМНОРСТУХІЈЅ", "ABEKMHOPCTYXIJS")
_DASHES = re.compile(r"[\-\u2010-\u2015\u2212\u2043\uFE58\uFE63\uFF0D]")
_SPACES = re.compile(r"\s+")
_LATIN_ALNUM = re.compile(r"[A-Z0-9]*")


@dataclass(frozen=True, slots=True)
class Normalized:
    """A normalised tracking number: ``text`` bare, ``spaced`` with its dashes and spaces."""

    raw: str
    text: str
    spaced: str
    cyrillic_replaced: str = ""  # the Cyrillic letters read as Latin, in order of appearance


def _is_invisible(char: str) -> bool:
    return unicodedata.category(char) == "Cf"


def _unwrap(text: str) -> str:
    """Strip Excel's text guards and matching surrounding quotes, repeatedly."""
    while True:
        text = text.strip()
        if text.startswith("=") and len(text) >= 3 and text[1] == '"' and text.endswith('"'):
            text = text[2:-1]  # ="0123", Excel's way to keep a number as text in a CSV
            continue
        if len(text) >= 2 and _QUOTES.get(text[0]) == text[-1]:
            text = text[1:-1]
            continue
        if text.startswith("'") and "'" not in text[1:]:
            text = text[1:]  # Excel's leading apostrophe: "treat this cell as text"
            continue
        return text


def normalize(raw: str) -> Normalized:
    """Normalise a tracking number as typed (module docstring); never raises."""
    if raw.isascii():  # the common case: NFKC leaves ASCII alone, and it has no Cf characters
        text = raw
    else:
        text = unicodedata.normalize("NFKC", raw)
        text = "".join(c for c in text if not _is_invisible(c))
    text = _unwrap(text).upper()
    spaced = _SPACES.sub(" ", _DASHES.sub("-", text))
    bare = spaced.replace(" ", "").replace("-", "")
    replaced = ""
    if any(c.isdigit() for c in bare):
        latin = bare.translate(_CYRILLIC_TO_LATIN)
        if latin != bare and _LATIN_ALNUM.fullmatch(latin):
            replaced = "".join(c for c in bare if c.translate(_CYRILLIC_TO_LATIN) != c)
            bare, spaced = latin, spaced.translate(_CYRILLIC_TO_LATIN)
    return Normalized(raw=raw, text=bare, spaced=spaced, cyrillic_replaced=replaced)
