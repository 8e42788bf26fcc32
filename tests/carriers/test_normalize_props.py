"""Property: however a valid number is decorated (case, spaces, dashes, full width, invisible
characters, quotes), it normalises back to itself and gets the same carrier."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from ozonops.carriers import (
    TrackingNumber,
    check_tracking_number,
    normalize,
    rpo_check_digit,
    s10_check_digit,
)

INVISIBLE = ["\u200b", "\u200c", "\u200d", "\ufeff", "\u200e", "\u00ad"]
SPACES = [" ", "\u00a0", "\u3000", "\t"]
DASHES = ["-", "\u2010", "\u2013", "\u2014", "\u2212", "\uff0d"]
QUOTES = [("", ""), ('"', '"'), ("“", "”"), ("«", "»"), ("「", "」"), ("'", "")]


def full_width(c: str) -> str:
    return chr(ord(c) + 0xFEE0)  # ASCII letters and digits → their full-width forms


@st.composite
def decorated(draw: st.DrawFn, number: str, dashes: bool) -> str:
    separators = SPACES + INVISIBLE + (DASHES if dashes else [])
    out = []
    for c in number:
        c = draw(st.sampled_from([c, c.lower(), full_width(c), full_width(c.lower())]))
        out.append(c + draw(st.sampled_from(["", "", "", *separators])))
    opening, closing = draw(st.sampled_from(QUOTES))
    pad = draw(st.sampled_from(["", " ", "\u3000"]))
    return f"{pad}{opening}{''.join(out)}{closing}{pad}"


@st.composite
def s10_and_decoration(draw: st.DrawFn) -> tuple[str, str]:
    serial = f"{draw(st.integers(0, 10**8 - 1)):08d}"
    service = draw(st.sampled_from(["LX", "RR", "EE", "UA", "CP"]))
    number = f"{service}{serial}{s10_check_digit(serial)}{draw(st.sampled_from(['CN', 'RU']))}"
    return number, draw(decorated(number, dashes=True))


@st.composite
def rpo_and_decoration(draw: st.DrawFn) -> tuple[str, str]:
    first13 = draw(st.from_regex(r"[1-6][0-9]{12}", fullmatch=True))
    number = f"{first13}{rpo_check_digit(first13)}"
    # No dashes: 8-4-2 digits with dashes is an Ozon posting number, refused on purpose.
    return number, draw(decorated(number, dashes=False))


@given(s10_and_decoration())
def test_decorated_s10_normalises_to_itself(pair: tuple[str, str]) -> None:
    number, raw = pair
    assert normalize(raw).text == number
    plain, fancy = check_tracking_number(number), check_tracking_number(raw)
    assert isinstance(plain, TrackingNumber)
    assert isinstance(fancy, TrackingNumber), fancy
    assert (fancy.text, fancy.format, fancy.candidates) == (number, plain.format, plain.candidates)


@given(rpo_and_decoration())
def test_decorated_rpo_normalises_to_itself(pair: tuple[str, str]) -> None:
    number, raw = pair
    fancy = check_tracking_number(raw, carrier="russian_post")
    assert isinstance(fancy, TrackingNumber), fancy
    assert fancy.text == number
    assert fancy.warnings == ()


@given(st.text(max_size=80))
def test_any_text_gets_an_answer_never_an_exception(raw: str) -> None:
    result = check_tracking_number(raw, carrier=raw[:5], posting_number=raw[-5:])
    assert result.message_en if hasattr(result, "message_en") else result.text
