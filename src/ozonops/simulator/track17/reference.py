"""What the simulated 17TRACK knows by heart: its error codes, its carrier list, who carries the
Russian last mile of each lane, and the places and clocks events are printed with.

Error codes and their wording follow ``docs/carriers.md`` §2.4 (help article 37570440168473);
carrier keys follow §1 and ``reference/carriers.py``. The last-mile hand-over (postal lanes to
Russian Post, couriers to CDEK or Russian Post) and the locations are ours [estimate].
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType

from ozonops.simulator.reference.carriers import CARRIERS, Carrier
from ozonops.simulator.reference.geography import REGIONS

# --- error codes (§2.4) ------------------------------------------------------------------------
OK = 0
INVALID_KEY = -18010002
INTERNAL_ERROR = -18010003
FIELD_REQUIRED = -18010010
INVALID_VALUE = -18010011
INVALID_FORMAT = -18010012
INVALID_DATA = -18010013
OVER_40 = -18010014
WEBHOOK_NOT_SET = -18010204
CARRIER_OLD_REQUIRED = -18019801
CARRIER_NEW_INVALID = -18019802
CARRIER_SAME = -18019803
CARRIER_NEW_REQUIRED = -18019804
CARRIER_OLD_MISMATCH = -18019805
CARRIER_CHANGE_STOPPED = -18019806
CARRIER_CHANGE_LIMIT = -18019807
ALREADY_REGISTERED = -18019901
NOT_REGISTERED = -18019902
CARRIER_NOT_DETECTED = -18019903
RETRACK_ONLY_STOPPED = -18019904
RETRACK_ONLY_ONCE = -18019905
STOP_ONLY_TRACKING = -18019906
DAILY_LIMIT = -18019907
QUOTA_EXHAUSTED = -18019908
WRONG_CARRIER = -18019910

MESSAGES: MappingProxyType[int, str] = MappingProxyType(
    {
        INVALID_KEY: "Access token is invalid.",
        INTERNAL_ERROR: "Internal service error, please retry later.",
        FIELD_REQUIRED: "The field of {0} is required.",
        INVALID_VALUE: "The value of {0} is invalid.",
        INVALID_FORMAT: "The format of '{0}' is invalid.",
        INVALID_DATA: "Submitted data is invalid.",
        OVER_40: "Tracking numbers exceed 40 limit.",
        WEBHOOK_NOT_SET: "WebHook address is not set, cannot push.",
        CARRIER_OLD_REQUIRED: "The field carrier_old is required.",
        CARRIER_NEW_INVALID: "The carrier_new {0} is incorrect.",
        CARRIER_SAME: "The new carrier is the same as the old one.",
        CARRIER_NEW_REQUIRED: "The field carrier_new is required.",
        CARRIER_OLD_MISMATCH: "The carrier_old does not match the registered carrier.",
        CARRIER_CHANGE_STOPPED: "The carrier of a stopped number cannot be changed.",
        CARRIER_CHANGE_LIMIT: "The carrier of '{0}' has been changed too many times.",
        ALREADY_REGISTERED: (
            "The tracking number '{0}' has been registered, don't need to repeat registration."
        ),
        NOT_REGISTERED: "The tracking number '{0}' does not register, please register first.",
        CARRIER_NOT_DETECTED: "Carrier cannot be detected.",
        RETRACK_ONLY_STOPPED: "Retrack is not allowed. You can only retrack stopped number.",
        RETRACK_ONLY_ONCE: "Retrack is not allowed. You can only retrack each number once.",
        STOP_ONLY_TRACKING: "Stop tracking is not allowed. You can only stop tracking numbers.",
        DAILY_LIMIT: "The daily registration limit has been reached.",
        QUOTA_EXHAUSTED: "The registration quota has been used up.",
        WRONG_CARRIER: "The carrier code {0} is incorrect.",
    }
)


def message(code: int, *args: object) -> str:
    return MESSAGES.get(code, "Error.").format(*args)


# --- carriers ----------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Provider:
    """A carrier as 17TRACK's ``tracking.providers[].provider`` describes it."""

    key: int
    name: str
    alias: str
    country: str
    homepage: str
    utc_offset_h: int


def _provider(c: Carrier) -> Provider:
    assert c.track17_code is not None
    country = "RU" if c.scope == "domestic_ru" else "CN"
    return Provider(
        c.track17_code, c.name, c.code.upper(), country, "", 3 if country == "RU" else 8
    )


#: Carriers 17TRACK knows, by key: ours, plus the Russian ones carriers.md §1.10 lists.
PROVIDERS: MappingProxyType[int, Provider] = MappingProxyType(
    {
        **{c.track17_code: _provider(c) for c in CARRIERS if c.track17_code is not None},
        100030: Provider(100030, "CDEK", "CDEK", "RU", "", 3),
        100157: Provider(100157, "Boxberry", "BOXBERRY", "RU", "", 3),
        100071: Provider(100071, "DPD (RU)", "DPD-RU", "RU", "", 3),
        100135: Provider(100135, "5Post", "5POST", "RU", "", 3),
        100108: Provider(100108, "Dellin", "DELLIN", "RU", "", 3),
    }
)

RUSSIAN_POST = 18031
CDEK = 100030

#: Who carries each first-mile carrier's parcels inside Russia [estimate]: the posts hand
#: S10 items to Russian Post under the same number; couriers to CDEK or Russian Post with
#: a number of their own.
LAST_MILE: MappingProxyType[str, int] = MappingProxyType(
    {
        "china_post": RUSSIAN_POST,
        "china_ems": RUSSIAN_POST,
        "yanwen": RUSSIAN_POST,
        "cainiao": RUSSIAN_POST,
        "yunexpress": RUSSIAN_POST,
        "4px": RUSSIAN_POST,
        "sf": CDEK,
        "jt": CDEK,
    }
)
SAME_NUMBER_LAST_MILE = frozenset({"china_post", "china_ems", "yanwen"})

# --- places and clocks -------------------------------------------------------------------------
ORIGIN_LATIN = {"Shenzhen": "SHENZHEN", "Guangzhou": "GUANGZHOU", "Yiwu": "YIWU"}
CN_OFFSET_H = 8
MOSCOW_OFFSET_H = 3
#: UTC offsets by federal district (the district's main time zone).
_DISTRICT_OFFSET_H = {
    "Центральный": 3,
    "Северо-Западный": 3,
    "Южный": 3,
    "Северо-Кавказский": 3,
    "Приволжский": 3,
    "Уральский": 5,
    "Сибирский": 7,
    "Дальневосточный": 10,
}
_REGION_OFFSET_H = {r.name_ru: _DISTRICT_OFFSET_H[r.federal_district] for r in REGIONS}


def region_offset_h(region_name_ru: str) -> int:
    """The buyer's region's UTC offset in hours (Moscow time if the region is unknown)."""
    return _REGION_OFFSET_H.get(region_name_ru, MOSCOW_OFFSET_H)
