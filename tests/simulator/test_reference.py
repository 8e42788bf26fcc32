from __future__ import annotations

import dataclasses
import math

import pytest

from ozonops.simulator import reference
from ozonops.simulator.reference import (
    BUYER_MESSAGES,
    CANCEL_REASONS,
    CARRIERS,
    CARRIERS_BY_CODE,
    CATEGORY_NAMES_RU,
    FEMALE_FIRST_NAMES,
    FEMALE_LAST_NAMES,
    LANES,
    MALE_FIRST_NAMES,
    MALE_LAST_NAMES,
    OPERATION_TYPES,
    PRODUCT_TEMPLATES,
    REGIONS,
    RETURN_REASONS,
    RETURN_REJECTION_REASONS,
    REVIEW_TEXTS,
    RFBS_RETURN_ACTIONS,
    SELLER_CANCEL_REASON_IDS,
    SELLER_REPLY_FOLLOW_UP,
    SELLER_REPLY_THANKS,
    SERVICE_TYPES,
    STREET_NAMES,
    ZONES,
    is_valid_rpo,
    is_valid_s10,
    make_tracking_number,
    matches_format,
    rpo_check_digit,
    s10_check_digit,
)

# --- tracking numbers (worked examples from docs/carriers.md §1.1, §1.8) ---


@pytest.mark.parametrize(
    ("serial", "check"),
    [("39451206", 6), ("61904523", 0), ("83026714", 5), ("47312482", 9), ("12345678", 5)],
)
def test_s10_check_digit_worked_examples(serial: str, check: int) -> None:
    assert s10_check_digit(serial) == check


@pytest.mark.parametrize(
    "number",
    [
        "LX394512066CN",
        "RR619045230CN",
        "EE830267145CN",
        "CP509143889CN",
        "RA711804524RU",
        "RB123456785GB",
    ],
)
def test_is_valid_s10_accepts_valid_numbers(number: str) -> None:
    assert is_valid_s10(number)


@pytest.mark.parametrize(
    "number", ["RB123456786US", "LX394512067CN", "LX39451206CN", "lx394512066cn", "12345678901CN"]
)
def test_is_valid_s10_rejects_invalid_numbers(number: str) -> None:
    assert not is_valid_s10(number)


@pytest.mark.parametrize("bad", ["1234567", "123456789", "1234567a"])
def test_s10_check_digit_rejects_bad_serials(bad: str) -> None:
    with pytest.raises(ValueError, match="8 digits"):
        s10_check_digit(bad)


@pytest.mark.parametrize(("first13", "check"), [("6300001234567", 9), ("1010008500123", 1)])
def test_rpo_check_digit_worked_examples(first13: str, check: int) -> None:
    assert rpo_check_digit(first13) == check
    assert is_valid_rpo(f"{first13}{check}")
    assert not is_valid_rpo(f"{first13}{(check + 1) % 10}")


SERIALS = [0, 1, 7, 99, 12_345, 39_451_206, 99_999_999, 10**8 + 5, 2**40 + 3] + [
    i * 7_919_113 for i in range(200)
]


@pytest.mark.parametrize("carrier", CARRIERS, ids=lambda c: c.code)
def test_generated_numbers_are_valid_in_carrier_format(carrier: reference.Carrier) -> None:
    numbers = [make_tracking_number(carrier, serial) for serial in SERIALS]
    for number in numbers:
        assert matches_format(carrier, number), number
        if carrier.tracking_format == "s10":
            assert is_valid_s10(number)
        if carrier.tracking_format == "digits14":
            assert is_valid_rpo(number)
    # Serials below every format's capacity map to distinct numbers.
    small = [make_tracking_number(carrier, s) for s in range(0, 10**7, 9_973)]
    assert len(set(small)) == len(small)


@pytest.mark.parametrize(
    ("code", "pattern_len"),
    [
        ("yunexpress", 18),
        ("cainiao", 16),
        ("sf", 15),
        ("jt", 15),
        ("china_post", 13),
        ("russian_post", 14),
    ],
)
def test_generated_number_lengths(code: str, pattern_len: int) -> None:
    assert len(make_tracking_number(CARRIERS_BY_CODE[code], 424_242)) == pattern_len


def test_make_tracking_number_is_deterministic_and_rejects_negative_serials() -> None:
    carrier = CARRIERS_BY_CODE["china_post"]
    assert make_tracking_number(carrier, 39_451_206) == "LX394512066CN"
    with pytest.raises(ValueError, match="non-negative"):
        make_tracking_number(carrier, -1)


def test_rpo_numbers_use_the_given_office() -> None:
    number = make_tracking_number(CARRIERS_BY_CODE["russian_post"], 1234567, rpo_office="630000")
    assert number == "63000012345679"


def test_matches_format_rejects_other_carriers_numbers() -> None:
    ems = make_tracking_number(CARRIERS_BY_CODE["china_ems"], 5)
    assert not matches_format(CARRIERS_BY_CODE["china_post"], ems)
    assert not matches_format(
        CARRIERS_BY_CODE["cel"], make_tracking_number(CARRIERS_BY_CODE["guoo"], 5)
    )


# --- carriers and lanes ---


def test_carrier_codes_unique_and_fields_consistent() -> None:
    assert len({c.code for c in CARRIERS}) == len(CARRIERS) == len(CARRIERS_BY_CODE)
    for carrier in CARRIERS:
        is_s10 = carrier.tracking_format == "s10"
        assert (carrier.s10_service is not None) == is_s10
        assert (carrier.s10_country is not None) == is_s10
        assert (carrier.number_prefix is not None) == (carrier.tracking_format == "opaque")


def test_every_lane_covers_zones_1_to_5_and_slows_with_distance() -> None:
    assert len({lane.code for lane in LANES}) == len(LANES) >= 12
    for lane in LANES:
        assert lane.carrier in CARRIERS_BY_CODE
        assert CARRIERS_BY_CODE[lane.carrier].scope == "cross_border"
        assert len(lane.median_days) == len(ZONES) == 5
        assert list(lane.median_days) == sorted(lane.median_days)
        assert 0 < lane.sigma < 1
        assert lane.first_scan_delay_hours > 0
        assert lane.customs_days > 0
        assert lane.cost_per_kg_cny > 0


@pytest.mark.parametrize(
    ("speed", "low", "high"), [("express", 7, 12), ("standard", 12, 20), ("economy", 18, 35)]
)
def test_lane_moscow_medians_fit_speed_class(speed: str, low: float, high: float) -> None:
    lanes = [lane for lane in LANES if lane.speed == speed]
    assert lanes
    for lane in lanes:
        assert low <= lane.median_days[0] <= high, lane.code


# --- geography and names ---


def test_region_weights_sum_to_one() -> None:
    assert math.isclose(sum(r.weight for r in REGIONS), 1.0, abs_tol=0.02)
    assert all(r.weight > 0 for r in REGIONS)


def test_regions_cover_every_zone_with_real_looking_cities() -> None:
    assert len(REGIONS) >= 40
    assert {r.zone for r in REGIONS} == set(ZONES)
    assert len({r.name_ru for r in REGIONS}) == len(REGIONS)
    cities = [c for r in REGIONS for c in r.cities]
    assert len({c.name_ru for c in cities}) == len(cities)
    for region in REGIONS:
        assert 1 <= len(region.cities) <= 4
        for city in region.cities:
            assert len(city.postcode) == 6
            assert city.postcode.isdigit()
            assert 41 <= city.lat <= 70
            assert 19 <= city.lon <= 180


@pytest.mark.parametrize(
    "names",
    [STREET_NAMES, MALE_FIRST_NAMES, FEMALE_FIRST_NAMES, MALE_LAST_NAMES, FEMALE_LAST_NAMES],
)
def test_name_lists_are_long_and_unique(names: tuple[str, ...]) -> None:
    assert len(names) >= 30
    assert len(set(names)) == len(names)


def test_last_names_are_aligned_gender_pairs() -> None:
    assert len(MALE_LAST_NAMES) == len(FEMALE_LAST_NAMES)
    for male, female in zip(MALE_LAST_NAMES, FEMALE_LAST_NAMES, strict=True):
        assert female in (f"{male}а", f"{male[:-2]}ая")


# --- catalogue ---


def test_product_templates() -> None:
    assert len(PRODUCT_TEMPLATES) >= 40
    assert len({p.offer_prefix for p in PRODUCT_TEMPLATES}) == len(PRODUCT_TEMPLATES)
    assert len({p.name_ru for p in PRODUCT_TEMPLATES}) == len(PRODUCT_TEMPLATES)
    assert {p.category for p in PRODUCT_TEMPLATES} == set(CATEGORY_NAMES_RU)
    for p in PRODUCT_TEMPLATES:
        low, high = p.price_rub
        assert 0 < low < high
        assert p.weight_g > 0
        assert 12 <= p.commission_percent <= 22
        assert 0 <= p.fragility <= 1


# --- Ozon codes and texts ---


def test_cancel_reasons_unique_and_include_seller_ids() -> None:
    ids = [r.id for r in CANCEL_REASONS]
    assert len(set(ids)) == len(ids)
    by_id = {r.id: r for r in CANCEL_REASONS}
    assert set(SELLER_CANCEL_REASON_IDS) <= set(by_id)
    assert {352, 400, 401, 402, 665, 666, 667} == set(SELLER_CANCEL_REASON_IDS)
    assert all(by_id[i].type_id == "seller" for i in SELLER_CANCEL_REASON_IDS)
    assert by_id[352].title_ru == "Товар закончился на складе продавца"
    assert any(r.type_id == "buyer" for r in CANCEL_REASONS)


def test_operation_and_service_types() -> None:
    codes = [o.code for o in OPERATION_TYPES]
    assert len(codes) >= 15
    assert len(set(codes)) == len(codes)
    assert "OperationAgentDeliveredToCustomer" in codes
    assert {o.transaction_type for o in OPERATION_TYPES} == {
        "orders",
        "returns",
        "services",
        "compensation",
        "transferDelivery",
        "other",
    }
    assert len({s.code for s in SERVICE_TYPES}) == len(SERVICE_TYPES)


def test_return_vocabularies() -> None:
    for items in (RETURN_REASONS, RFBS_RETURN_ACTIONS, RETURN_REJECTION_REASONS):
        ids = [item.id for item in items]
        assert len(set(ids)) == len(ids)
    assert len(RETURN_REASONS) >= 10
    assert any(r.is_defect for r in RETURN_REASONS)
    actions = {a.id: a for a in RFBS_RETURN_ACTIONS}
    for reject_id in (-1, -10):
        assert actions[reject_id].requires_comment
        assert actions[reject_id].requires_rejection_reason
    assert actions[1020].requires_compensation_amount


def test_texts() -> None:
    assert set(REVIEW_TEXTS) == {1, 2, 3, 4, 5}
    all_reviews = [t for texts in REVIEW_TEXTS.values() for t in texts]
    assert len(set(all_reviews)) == len(all_reviews)
    assert all(len(texts) >= 6 for texts in REVIEW_TEXTS.values())
    assert len(set(BUYER_MESSAGES)) == len(BUYER_MESSAGES) >= 15
    assert len(set(SELLER_REPLY_THANKS)) == len(SELLER_REPLY_THANKS) >= 5
    assert len(set(SELLER_REPLY_FOLLOW_UP)) == len(SELLER_REPLY_FOLLOW_UP) >= 5
    # Ozon chat messages are 1-1000 characters.
    assert all(0 < len(t) <= 1000 for t in (*BUYER_MESSAGES, *SELLER_REPLY_FOLLOW_UP))


# --- the package door ---


def test_exported_names_exist_and_data_is_frozen() -> None:
    for name in reference.__all__:
        assert hasattr(reference, name), name
    with pytest.raises(dataclasses.FrozenInstanceError):
        REGIONS[0].weight = 0.5  # type: ignore[misc]
    with pytest.raises(TypeError):
        CARRIERS_BY_CODE["x"] = CARRIERS[0]  # type: ignore[index]
