"""Property: whatever a seller's cells hold, a CSV or XLSX written with it reads back to the
same cleaned values, in any encoding that can hold them and with any delimiter."""

from __future__ import annotations

import re
import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from ozonops.actions import ALIASES, Column, read_tracking_file
from ozonops.actions.columns import header_key
from tests.actions.files import csv_bytes, xlsx_bytes

# Cell text: letters (Latin, CJK, Cyrillic), digits, spaces, punctuation; no control characters.
cell = st.text(
    st.characters(
        categories=["Lu", "Ll", "Lo", "Nd", "Zs", "Pd", "Po"],
        exclude_characters="\x85\u2028\u2029",
    ),
    min_size=1,
    max_size=20,
).filter(lambda s: s.strip() and not s.strip().startswith(("#", "=")) and not _numeric(s))


def _numeric(text: str) -> bool:
    """Text Excel may have made of a number ("12.0"): the reader undoes that, on purpose."""
    return re.fullmatch(r"[0-9]+[.,][0-9]+", cleaned(text)) is not None


def cleaned(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    return "".join(c for c in text if unicodedata.category(c) != "Cf").strip()


@st.composite
def table(draw: st.DrawFn) -> list[list[str]]:
    n = draw(st.integers(1, 8))
    return [
        [
            f"{draw(st.integers(10**7, 10**10 - 1))}-{draw(st.integers(0, 9999)):04d}-"
            f"{draw(st.integers(1, 99))}",
            draw(cell),
            draw(cell),
        ]
        for _ in range(n)
    ]


def encodable(rows: list[list[str]], encoding: str) -> bool:
    try:
        "".join(c for r in rows for c in r).encode(encoding)
    except UnicodeEncodeError:
        return False
    return True


@settings(max_examples=150, deadline=None)
@given(
    table(),
    st.sampled_from([",", ";", "\t", "|"]),
    st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "gb18030"]),
)
def test_csv_round_trip(rows: list[list[str]], delimiter: str, encoding: str) -> None:
    contents = read_tracking_file(csv_bytes(rows, delimiter=delimiter, encoding=encoding))
    assert contents.problem is None, contents.problem
    got = [(r.tracking_number, r.carrier) for r in contents.rows]
    assert got == [(cleaned(t), cleaned(c)) for _, t, c in rows]
    assert [r.line for r in contents.rows] == list(range(2, len(rows) + 2))


@settings(max_examples=25, deadline=None)
@given(table())
def test_xlsx_round_trip(rows: list[list[str]]) -> None:
    contents = read_tracking_file(xlsx_bytes(rows))
    assert contents.problem is None
    assert [(r.tracking_number, r.carrier) for r in contents.rows] == [
        (cleaned(t), cleaned(c)) for _, t, c in rows
    ]


def test_no_alias_names_two_columns() -> None:
    keys = [(header_key(a), col) for col, names in ALIASES.items() for a in names]
    owners: dict[str, Column] = {}
    for key, col in keys:
        assert owners.setdefault(key, col) is col, key
