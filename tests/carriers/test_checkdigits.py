"""S10 and RPO check digits: published examples, generated numbers, and what a corruption does.

The properties below compute, from the rule alone, which corruptions keep a valid check digit,
and assert the checker accepts exactly those (carriers.md §1.1: S10 gives remainders 0 and 6
the same digit 5; §1.8: RPO weights 3 and 1 miss swaps of neighbours that differ by 5).
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ozonops.carriers import (
    NumberFormat,
    TrackingIssue,
    TrackingNumber,
    TrackingNumberError,
    check_tracking_number,
    is_valid_rpo,
    is_valid_s10,
    rpo_check_digit,
    s10_check_digit,
)

S10_W = (8, 6, 4, 2, 3, 5, 9, 7)  # carriers.md §1.1, written out again on purpose


def s10(service: str, serial: int, issuer: str) -> str:
    digits = f"{serial:08d}"
    return f"{service}{digits}{s10_check_digit(digits)}{issuer}"


def rpo(first13: str) -> str:
    return f"{first13}{rpo_check_digit(first13)}"


def remainder(serial8: str) -> int:
    return sum(int(d) * w for d, w in zip(serial8, S10_W, strict=True)) % 11


# --- published and worked examples (carriers.md §1.1, §1.8) ---


@pytest.mark.parametrize(
    "number",
    ["LX394512066CN", "RR619045230CN", "EE830267145CN", "CP509143889CN", "RA711804524RU",
     "RB123456785GB"],
)  # fmt: skip
def test_published_s10_examples_are_valid(number: str) -> None:
    assert is_valid_s10(number)
    result = check_tracking_number(number)
    assert isinstance(result, TrackingNumber)
    assert (result.text, result.format, result.warnings) == (number, NumberFormat.S10, ())


def test_published_invalid_s10_example_names_the_expected_digit() -> None:
    assert not is_valid_s10("RB123456786US")
    error = check_tracking_number("RB123456786US")
    assert isinstance(error, TrackingNumberError)
    assert error.code is TrackingIssue.S10_CHECK_DIGIT
    assert (error.param("expected"), error.param("actual")) == ("5", "6")
    assert "should be 5, got 6" in error.message_en
    assert "应为 5，实际为 6" in error.message_zh


@pytest.mark.parametrize(
    ("serial", "check", "sum_"),
    [("39451206", 6, 159), ("61904523", 0, 166), ("83026714", 5, 176), ("47312482", 9, 200),
     ("50914388", 9, 233), ("71180452", 4, 161)],
)  # fmt: skip
def test_s10_worked_sums(serial: str, check: int, sum_: int) -> None:
    assert sum(int(d) * w for d, w in zip(serial, S10_W, strict=True)) == sum_
    assert s10_check_digit(serial) == check


@pytest.mark.parametrize("number", ["63000012345679", "10100085001231"])
def test_published_rpo_examples(number: str) -> None:
    assert is_valid_rpo(number)
    result = check_tracking_number(number)
    assert isinstance(result, TrackingNumber)
    assert result.format is NumberFormat.RPO
    assert result.carrier is not None
    assert result.carrier.code == "russian_post"


@pytest.mark.parametrize(
    "bad", ["1234567", "123456789", "1234567a", "１２３４５６７８", "٣٤٥٦٧٨٩٠"]
)
def test_s10_serial_must_be_eight_ascii_digits(bad: str) -> None:
    with pytest.raises(ValueError, match="8 digits"):
        s10_check_digit(bad)


@pytest.mark.parametrize("bad", ["", "63000012345679", "630000123456", "630000123456x"])
def test_rpo_prefix_must_be_thirteen_digits(bad: str) -> None:
    with pytest.raises(ValueError, match="13 digits"):
        rpo_check_digit(bad)


def test_validity_helpers_refuse_near_misses() -> None:
    assert not is_valid_s10("LX394512066CN\n")  # ``$`` would have let the newline through
    assert not is_valid_s10("lx394512066cn")
    assert not is_valid_rpo("63000012345679\n")
    assert not is_valid_rpo("6300001234567")


# --- generated numbers ---


@given(
    st.sampled_from(["LX", "RR", "EE", "CP", "UA", "HX"]),
    st.integers(0, 10**8 - 1),
    st.sampled_from(["CN", "RU", "HK", "GB"]),
)
def test_generated_s10_numbers_are_accepted(service: str, serial: int, issuer: str) -> None:
    number = s10(service, serial, issuer)
    result = check_tracking_number(number)
    assert isinstance(result, TrackingNumber), result
    assert result.format is NumberFormat.S10
    assert result.text == number


@given(st.from_regex(r"[1-6][0-9]{12}", fullmatch=True))
def test_generated_rpo_numbers_are_accepted(first13: str) -> None:
    result = check_tracking_number(rpo(first13), carrier="Почта России")
    assert isinstance(result, TrackingNumber)
    assert result.format is NumberFormat.RPO


# --- S10: single-digit substitution ---


def s10_substitution_stays_valid(serial8: str, position: int, digit: int) -> bool:
    """From the rule: the check digit survives only if the remainder moves between 0 and 6."""
    before = remainder(serial8)
    after = (before + S10_W[position] * (digit - int(serial8[position]))) % 11
    return {before, after} == {0, 6}


@given(st.integers(0, 10**8 - 1), st.integers(0, 7), st.integers(0, 9))
def test_s10_serial_substitution_caught_except_the_0_6_alias(
    serial: int, position: int, digit: int
) -> None:
    number = s10("LX", serial, "CN")
    serial8 = number[2:10]
    if int(serial8[position]) == digit:
        return
    corrupted = number[: 2 + position] + str(digit) + number[3 + position :]
    result = check_tracking_number(corrupted)
    if s10_substitution_stays_valid(serial8, position, digit):
        assert isinstance(result, TrackingNumber), corrupted
    else:
        assert isinstance(result, TrackingNumberError), corrupted
        assert result.code is TrackingIssue.S10_CHECK_DIGIT


@given(st.integers(0, 10**8 - 1), st.integers(0, 9))
def test_s10_check_digit_substitution_always_caught(serial: int, digit: int) -> None:
    number = s10("RR", serial, "CN")
    if int(number[10]) == digit:
        return
    result = check_tracking_number(number[:10] + str(digit) + number[11:])
    assert isinstance(result, TrackingNumberError)
    assert result.code is TrackingIssue.S10_CHECK_DIGIT
    assert result.param("expected") == number[10]


def test_s10_exactly_the_aliased_substitutions_stay_valid() -> None:
    """Every one-digit substitution of one serial per remainder: which ones slip through."""
    slipped: dict[int, int] = {}
    for serial in range(0, 10**8, 7_654_321):
        number = s10("LX", serial, "CN")
        serial8 = number[2:10]
        for position in range(8):
            for digit in range(10):
                if int(serial8[position]) == digit:
                    continue
                corrupted = number[: 2 + position] + str(digit) + number[3 + position :]
                if is_valid_s10(corrupted):
                    assert s10_substitution_stays_valid(serial8, position, digit)
                    slipped[remainder(serial8)] = slipped.get(remainder(serial8), 0) + 1
                else:
                    assert not s10_substitution_stays_valid(serial8, position, digit)
    # Only serials whose remainder is 0 or 6 have any undetected substitution at all.
    assert set(slipped) <= {0, 6}
    assert slipped


@given(st.integers(0, 10**8 - 1), st.integers(0, 6))
def test_s10_adjacent_transposition_caught_except_the_0_6_alias(serial: int, i: int) -> None:
    number = s10("LX", serial, "CN")
    serial8 = number[2:10]
    swapped = serial8[:i] + serial8[i + 1] + serial8[i] + serial8[i + 2 :]
    if swapped == serial8:
        return
    valid = {remainder(serial8), remainder(swapped)} == {0, 6}
    assert is_valid_s10(f"LX{swapped}{number[10]}CN") == valid


@given(
    st.integers(0, 10**8 - 1),
    st.sampled_from([("AQ", True), ("GB", True), ("US", True), ("YP", False), ("XX", False),
                     ("ZZ", False), ("UK", False)]),
)  # fmt: skip
def test_s10_letters_carry_no_check_digit(serial: int, issuer: tuple[str, bool]) -> None:
    """Letters are outside the check digit: a changed issuer is only a warning when not ISO."""
    code, is_iso = issuer
    result = check_tracking_number(s10("LX", serial, "CN")[:-2] + code)
    assert isinstance(result, TrackingNumber)
    assert (TrackingIssue.S10_UNKNOWN_ISSUER in result.warning_codes) == (not is_iso)


# --- RPO: substitution and transposition ---


@given(st.from_regex(r"[1-6][0-9]{12}", fullmatch=True), st.integers(0, 13), st.integers(0, 9))
def test_rpo_any_single_digit_substitution_caught(first13: str, position: int, digit: int) -> None:
    number = rpo(first13)
    if int(number[position]) == digit:
        return
    corrupted = number[:position] + str(digit) + number[position + 1 :]
    assert not is_valid_rpo(corrupted)
    declared = check_tracking_number(corrupted, carrier="russian_post")
    assert isinstance(declared, TrackingNumberError)
    assert declared.code is TrackingIssue.RPO_CHECK_DIGIT
    undeclared = check_tracking_number(corrupted)  # §1.12 step 3: warn, do not refuse
    assert isinstance(undeclared, TrackingNumber)
    assert undeclared.warning_codes == (TrackingIssue.RPO_CHECK_DIGIT,)
    assert undeclared.format is NumberFormat.NUMERIC
    assert undeclared.carrier is None


@given(st.from_regex(r"[1-6][0-9]{12}", fullmatch=True), st.integers(0, 12))
def test_rpo_adjacent_transposition_caught_unless_digits_differ_by_5(first13: str, i: int) -> None:
    number = rpo(first13)  # i = 12 swaps the last serial digit with the check digit
    a, b = int(number[i]), int(number[i + 1])
    if a == b:
        return
    swapped = number[:i] + number[i + 1] + number[i] + number[i + 2 :]
    assert is_valid_rpo(swapped) == (abs(a - b) == 5)
