"""The carrier table: 17TRACK codes from carriers.md §1, names in three languages, and the
simulator's carriers recognised from the numbers the simulator makes."""

from __future__ import annotations

import pytest

from ozonops.carriers import (
    CARRIERS,
    CARRIERS_BY_CODE,
    TrackingIssue,
    TrackingNumber,
    check_tracking_number,
    resolve_carrier,
)
from ozonops.simulator.reference import CARRIERS as SIM_CARRIERS
from ozonops.simulator.reference import make_tracking_number

# carriers.md §1.2–§1.10, copied by hand from the page.
TRACK17 = {
    "china_post": 3011, "china_ems": 3013, "cainiao": 190271, "yunexpress": 190008,
    "4px": 190094, "yanwen": 190012, "sf": 100012, "jt": 100295, "russian_post": 18031,
    "cdek": 100030, "boxberry": 100157, "dpd_ru": 100071, "5post": 100135, "dellin": 100108,
    "cse": 100093, "jde": 100120,
}  # fmt: skip


def test_17track_codes_match_carriers_md() -> None:
    assert {c.code: c.track17_code for c in CARRIERS if c.track17_code} == TRACK17
    assert CARRIERS_BY_CODE["sf"].track17_other_codes == (190766,)
    assert CARRIERS_BY_CODE["jt"].track17_other_codes == (190442,)
    assert CARRIERS_BY_CODE["pek"].track17_code is None


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("China Post", "china_post"), ("中国邮政", "china_post"), ("EMS", "china_ems"),
        ("菜鸟", "cainiao"), ("云途物流", "yunexpress"), ("Yun Express", "yunexpress"),
        ("递四方", "4px"), ("燕文", "yanwen"), ("顺丰", "sf"), ("J&T Express", "jt"),
        ("极兔", "jt"), ("Почта России", "russian_post"), ("ПОЧТА РОССИИ", "russian_post"),
        ("俄罗斯邮政", "russian_post"), ("СДЭК", "cdek"), ("cdek", "cdek"),
        ("Боксберри", "boxberry"), ("Деловые линии", "dellin"), ("ПЭК", "pek"),
        ("  china_post ", "china_post"), ("3011", "china_post"), ("190766", "sf"),
        ("Ｃｈｉｎａ　Ｐｏｓｔ", "china_post"),
    ],
)  # fmt: skip
def test_names_resolve_in_any_language(name: str, code: str) -> None:
    found = resolve_carrier(name)
    assert found is not None
    assert found.code == code


@pytest.mark.parametrize("name", ["", "  ", "Unknown Express", "邮"])
def test_unknown_names_resolve_to_none(name: str) -> None:
    assert resolve_carrier(name) is None


def test_every_carrier_has_names_in_three_languages() -> None:
    assert len(CARRIERS_BY_CODE) == len(CARRIERS)
    for carrier in CARRIERS:
        assert carrier.name
        assert carrier.name_zh
        assert carrier.name_ru
        assert resolve_carrier(carrier.name) is carrier


@pytest.mark.parametrize("sim", SIM_CARRIERS, ids=lambda c: c.code)
def test_simulated_numbers_are_recognised_as_their_carrier(sim: object) -> None:
    """The simulator's carriers use our codes; its numbers pass our checks as that carrier."""
    from ozonops.simulator.reference import Carrier

    assert isinstance(sim, Carrier)
    assert sim.code in CARRIERS_BY_CODE
    assert CARRIERS_BY_CODE[sim.code].track17_code == sim.track17_code
    for serial in (0, 7, 39_451_206, 10**8 - 1, 2**40 + 3):
        number = make_tracking_number(sim, serial)
        declared = check_tracking_number(number, carrier=sim.code)
        assert isinstance(declared, TrackingNumber), declared
        assert declared.carrier is CARRIERS_BY_CODE[sim.code]
        assert TrackingIssue.CARRIER_MISMATCH not in declared.warning_codes
        if sim.tracking_format != "opaque":  # a published shape: found without the column
            alone = check_tracking_number(number)
            assert isinstance(alone, TrackingNumber)
            assert sim.code in {c.carrier.code for c in alone.candidates}
