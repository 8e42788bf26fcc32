"""Recognition: each carrier of carriers.md §1, each refusal and warning, the declared carrier."""

from __future__ import annotations

import pytest

from ozonops.carriers import (
    CARRIERS_BY_CODE,
    MAX_LENGTH,
    Confidence,
    InvalidTrackingNumber,
    NumberFormat,
    TrackingIssue,
    TrackingNumber,
    TrackingNumberError,
    check_tracking_number,
    looks_like_posting_number,
    parse_tracking_number,
)


def accepted(raw: str, **kw: str) -> TrackingNumber:
    result = check_tracking_number(raw, **kw)
    assert isinstance(result, TrackingNumber), result
    return result


def refused(raw: str | None, code: TrackingIssue, **kw: str) -> TrackingNumberError:
    result = check_tracking_number(raw, **kw)
    assert isinstance(result, TrackingNumberError), result
    assert result.code is code, (result.code, result.message_en)
    assert result.message_en
    assert result.message_zh
    return result


@pytest.mark.parametrize(
    ("number", "fmt", "carrier", "track17"),
    [
        ("LX394512066CN", NumberFormat.S10, "china_post", 3011),
        ("EE830267145CN", NumberFormat.S10, "china_ems", 3013),
        ("RA711804524RU", NumberFormat.S10, "russian_post", 18031),
        ("RR619045230HK", NumberFormat.S10, "hongkong_post", None),
        ("63000012345679", NumberFormat.RPO, "russian_post", 18031),
        ("YT2400123456789012", NumberFormat.YUNEXPRESS, "yunexpress", 190008),
        ("LP00123456789012", NumberFormat.CAINIAO_LP, "cainiao", 190271),
        ("SF1234567890123", NumberFormat.SF, "sf", 100012),
        ("JT5123456789012", NumberFormat.JT, "jt", 100295),
        ("1234567890", NumberFormat.NUMERIC, "cdek", 100030),
        ("123456789012", NumberFormat.NUMERIC, "sf", 100012),
    ],
)
def test_each_format_names_its_carrier(
    number: str, fmt: NumberFormat, carrier: str, track17: int | None
) -> None:
    result = accepted(number)
    assert result.format is fmt
    assert result.carrier is CARRIERS_BY_CODE[carrier]
    assert result.track17_code == track17
    assert result.warnings == ()


def test_s10_from_china_has_forwarders_as_lower_candidates() -> None:
    result = accepted("RR619045230CN")
    ranked = [(c.carrier.code, c.confidence) for c in result.candidates]
    assert ranked[0] == ("china_post", Confidence.HIGH)
    assert {code for code, conf in ranked[1:]} == {"cainiao", "yanwen", "4px", "russian_post"}
    assert all(conf is Confidence.LOW for _, conf in ranked[1:])


def test_s10_from_another_country_leaves_the_carrier_to_17track() -> None:
    result = accepted("RB123456785GB")
    assert result.candidates == ()
    assert result.track17_code is None
    assert result.warnings == ()  # a known format: no UNKNOWN_FORMAT warning


def test_yunexpress_and_yto_are_told_apart_by_length() -> None:
    assert accepted("YT1234567890123456").format is NumberFormat.YUNEXPRESS
    assert accepted("YT1234567890123").format is NumberFormat.UNKNOWN  # YTO: YT + 13 digits


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Ｌ Ｘ３９４５１２０６６ＣＮ", "LX394512066CN"),  # full-width letters, digits, space
        (" lx 394 512 066 cn ", "LX394512066CN"),
        ("LX-394-512-066-CN", "LX394512066CN"),
        ("LX\u2013394512066\u2014CN", "LX394512066CN"),  # en and em dashes
        ("\u200bLX394512066CN\ufeff", "LX394512066CN"),  # zero-width space, BOM
        ("LX394\u00a0512\u3000066CN", "LX394512066CN"),  # no-break and ideographic spaces
        ('"LX394512066CN"', "LX394512066CN"),
        ("“LX394512066CN”", "LX394512066CN"),
        ("«63000012345679»", "63000012345679"),
        ("「63000012345679」", "63000012345679"),
        ('="63000012345679"', "63000012345679"),  # Excel's text guard in a CSV
        ("'63000012345679", "63000012345679"),  # Excel's leading apostrophe
        ("630000 12 34567 9", "63000012345679"),
    ],
)
def test_normalisation(raw: str, expected: str) -> None:
    result = accepted(raw)
    assert result.text == expected
    assert result.raw == raw
    assert result.warnings == ()


def test_cyrillic_lookalikes_are_read_as_latin_with_a_warning() -> None:
    result = accepted("RА711804524RU")  # a Cyrillic А typed on a Russian layout
    assert result.text == "RA711804524RU"
    assert result.warning_codes == (TrackingIssue.CYRILLIC_LOOKALIKE,)
    assert result.warnings[0].param("letters") == "А"
    # Without digits it is a word, not a mistyped number: the Cyrillic letter is refused.
    error = refused("НЕТУ", TrackingIssue.BAD_CHARACTERS)
    assert error.param("codepoint") == "U+041D"


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        (None, TrackingIssue.EMPTY),
        ("", TrackingIssue.EMPTY),
        ("  \u200b ", TrackingIssue.EMPTY),
        ('""', TrackingIssue.EMPTY),
        ("AB12", TrackingIssue.TOO_SHORT),
        ("A" * (MAX_LENGTH + 1), TrackingIssue.TOO_LONG),
        ("LX394512066CN!", TrackingIssue.BAD_CHARACTERS),
        ("LX394512066CN_1", TrackingIssue.BAD_CHARACTERS),
        ("6.30000123456790E+13", TrackingIssue.SCIENTIFIC_NOTATION),
        ("6,3E+13", TrackingIssue.SCIENTIFIC_NOTATION),
        ("48173252-0033-2", TrackingIssue.LOOKS_LIKE_POSTING_NUMBER),
        ("0132112277-0101-1", TrackingIssue.LOOKS_LIKE_POSTING_NUMBER),
        ("48173252-0033", TrackingIssue.LOOKS_LIKE_POSTING_NUMBER),  # the order number
        ("４８１７３２５２－００３３－２", TrackingIssue.LOOKS_LIKE_POSTING_NUMBER),
        ("LX394512066CN LX394512070CN", TrackingIssue.MULTIPLE_NUMBERS),
        ("63000012345679,10100085001231", TrackingIssue.MULTIPLE_NUMBERS),
        ("LX394512066CN\nYT2400123456789012", TrackingIssue.MULTIPLE_NUMBERS),
        ("LX394512067CN", TrackingIssue.S10_CHECK_DIGIT),
        ("JA123456785CN", TrackingIssue.S10_RESERVED_SERVICE),
        ("KX394512066CN", TrackingIssue.S10_RESERVED_SERVICE),
        ("SB123456785CN", TrackingIssue.S10_RESERVED_SERVICE),
        ("TT123456785RU", TrackingIssue.S10_RESERVED_SERVICE),
        ("WA123456785CN", TrackingIssue.S10_RESERVED_SERVICE),
        ("LX39451206CN", TrackingIssue.S10_LENGTH),
        ("LX3945120661CN", TrackingIssue.S10_LENGTH),
    ],
)
def test_refusals(raw: str | None, code: TrackingIssue) -> None:
    refused(raw, code)


def test_refusal_messages_name_the_rule_and_the_fix() -> None:
    bad = refused("LX39451206€CN", TrackingIssue.BAD_CHARACTERS)
    assert bad.param("position") == "11"
    assert "U+20AC" in bad.message_en
    assert "第 11 位" in bad.message_zh
    # The position is counted in the seller's own text, before spaces were dropped.
    assert refused("LX 394 512 066 CN?", TrackingIssue.BAD_CHARACTERS).param("position") == "18"
    posting = refused("48173252-0033-2", TrackingIssue.LOOKS_LIKE_POSTING_NUMBER)
    assert "48173252-0033-2" in posting.message_en
    assert "货件号" in posting.message_zh
    length = refused("LX39451206CN", TrackingIssue.S10_LENGTH)
    assert "8 digits" in length.message_en
    reserved = refused("JA123456785CN", TrackingIssue.S10_RESERVED_SERVICE)
    assert "JA" in reserved.message_en
    assert "JA" in reserved.message_zh
    many = refused("LX394512066CN, LX394512070CN", TrackingIssue.MULTIPLE_NUMBERS)
    assert many.param("numbers") == "LX394512066CN, LX394512070CN"


def test_a_tracking_number_equal_to_its_posting_number_is_refused() -> None:
    error = refused(
        "ABC1234567", TrackingIssue.LOOKS_LIKE_POSTING_NUMBER, posting_number="abc-1234567"
    )
    assert error.raw == "ABC1234567"
    accepted("ABC1234567", posting_number="48173252-0033-2")


@pytest.mark.parametrize(
    ("number", "code"),
    [
        ("BA123456785CN", TrackingIssue.S10_DOMESTIC_SERVICE),
        ("GA123456785CN", TrackingIssue.S10_DOMESTIC_SERVICE),
        ("AV123456785RU", TrackingIssue.S10_DOMESTIC_SERVICE),
        ("AA123456785RU", TrackingIssue.S10_UNLISTED_SERVICE),
        ("FX123456785CN", TrackingIssue.S10_UNLISTED_SERVICE),
        ("QZ123456785CN", TrackingIssue.S10_UNLISTED_SERVICE),
        ("RR123456785YP", TrackingIssue.S10_UNKNOWN_ISSUER),
        ("ABCDEF12345", TrackingIssue.UNKNOWN_FORMAT),
        ("63000012345678", TrackingIssue.RPO_CHECK_DIGIT),
    ],
)
def test_warnings_accept_the_number(number: str, code: TrackingIssue) -> None:
    result = accepted(number)
    assert result.warning_codes == (code,)
    assert result.warnings[0].message_en
    assert result.warnings[0].message_zh


def test_rpo_check_digit_warning_and_refusal_say_the_expected_digit() -> None:
    warning = accepted("63000012345678").warnings[0]
    assert "should be 9, got 8" in warning.message_en
    error = refused("63000012345678", TrackingIssue.RPO_CHECK_DIGIT, carrier="Почта России")
    assert "应为 9，实际为 8" in error.message_zh


# --- the declared carrier (the upload file's optional column) ---


@pytest.mark.parametrize(
    ("number", "declared", "code"),
    [
        ("RS123456785CN", "燕文", "yanwen"),  # a forwarder's China Post number
        ("LX394512066CN", "4PX", "4px"),
        ("LX394512066CN", "Почта России", "russian_post"),  # Russian last mile, same number
        ("LX394512066CN", "e邮宝", "china_post"),
        ("123456789012", "CDEK", "cdek"),  # 12 digits: SF first by itself, CDEK when declared
        ("4PX000000424242", "递四方", "4px"),  # no known format: the declared carrier is used
    ],
)
def test_declared_carrier_that_fits_comes_first(number: str, declared: str, code: str) -> None:
    result = accepted(number, carrier=declared)
    assert result.carrier is CARRIERS_BY_CODE[code] is result.declared
    assert TrackingIssue.CARRIER_MISMATCH not in result.warning_codes
    assert TrackingIssue.UNKNOWN_FORMAT not in result.warning_codes


def test_declared_carrier_the_number_contradicts_is_a_warning() -> None:
    result = accepted("YT2400123456789012", carrier="СДЭК")
    assert result.warning_codes == (TrackingIssue.CARRIER_MISMATCH,)
    assert result.carrier is CARRIERS_BY_CODE["yunexpress"]  # the shape outranks the column
    assert result.candidates[-1].carrier.code == "cdek"
    assert result.candidates[-1].confidence is Confidence.DECLARED
    warning = result.warnings[0]
    assert "YunExpress" in warning.message_en
    assert "CDEK" in warning.message_en
    assert "云途物流" in warning.message_zh


def test_unknown_declared_carrier_name_is_a_warning() -> None:
    result = accepted("LX394512066CN", carrier="Мой курьер")
    assert result.warning_codes == (TrackingIssue.UNKNOWN_CARRIER_NAME,)
    assert result.declared is None
    assert result.carrier is CARRIERS_BY_CODE["china_post"]
    assert accepted("LX394512066CN", carrier="   ").warnings == ()


def test_cdek_declared_on_an_unusual_length_warns() -> None:
    assert accepted("12345678901", carrier="cdek").warning_codes == (
        TrackingIssue.CDEK_UNUSUAL_LENGTH,
    )
    assert accepted("1234567890", carrier="cdek").warnings == ()


def test_every_issue_code_is_reachable_and_renders_in_both_languages() -> None:
    """Each code is produced by some input above; listing them here keeps the table honest."""
    examples = {
        TrackingIssue.EMPTY: ("", {}),
        TrackingIssue.TOO_SHORT: ("AB12", {}),
        TrackingIssue.TOO_LONG: ("A" * 51, {}),
        TrackingIssue.BAD_CHARACTERS: ("AB#123", {}),
        TrackingIssue.MULTIPLE_NUMBERS: ("LX394512066CN LX394512070CN", {}),
        TrackingIssue.SCIENTIFIC_NOTATION: ("6.3E+13", {}),
        TrackingIssue.LOOKS_LIKE_POSTING_NUMBER: ("48173252-0033-2", {}),
        TrackingIssue.S10_CHECK_DIGIT: ("LX394512067CN", {}),
        TrackingIssue.S10_RESERVED_SERVICE: ("JA123456785CN", {}),
        TrackingIssue.S10_LENGTH: ("LX39451206CN", {}),
        TrackingIssue.S10_UNKNOWN_ISSUER: ("RR123456785YP", {}),
        TrackingIssue.S10_DOMESTIC_SERVICE: ("BA123456785CN", {}),
        TrackingIssue.S10_UNLISTED_SERVICE: ("FX123456785CN", {}),
        TrackingIssue.RPO_CHECK_DIGIT: ("63000012345678", {}),
        TrackingIssue.CARRIER_MISMATCH: ("LX394512066CN", {"carrier": "CDEK"}),
        TrackingIssue.UNKNOWN_CARRIER_NAME: ("LX394512066CN", {"carrier": "??"}),
        TrackingIssue.UNKNOWN_FORMAT: ("ABCDEF12345", {}),
        TrackingIssue.CDEK_UNUSUAL_LENGTH: ("12345678901", {"carrier": "cdek"}),
        TrackingIssue.CYRILLIC_LOOKALIKE: ("RА711804524RU", {}),
    }
    assert set(examples) == set(TrackingIssue)
    for code, (raw, kw) in examples.items():
        result = check_tracking_number(raw, **kw)
        issues = [result] if isinstance(result, TrackingNumberError) else list(result.warnings)
        found = [i for i in issues if i.code is code]
        assert found, (code, result)
        assert "{" not in found[0].message_en
        assert "{" not in found[0].message_zh


def test_parse_raises_a_terminal_error_carrying_the_issue() -> None:
    assert parse_tracking_number(" lx394512066cn ").text == "LX394512066CN"
    with pytest.raises(InvalidTrackingNumber) as caught:
        parse_tracking_number("LX394512067CN")
    assert caught.value.error.code is TrackingIssue.S10_CHECK_DIGIT
    assert "should be 6, got 7" in str(caught.value)


def test_looks_like_posting_number() -> None:
    assert looks_like_posting_number("48173252-0033-2")
    assert looks_like_posting_number(" 48173252–0033–12 ")
    assert not looks_like_posting_number("LX394512066CN")
    assert not looks_like_posting_number("4817325200332")
