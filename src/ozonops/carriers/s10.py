"""UPU S10 service indicators and issuer codes (carriers.md §1.1).

An S10 identifier is 2 letters (service indicator), 8 serial digits, 1 check digit and the
issuer's 2 letters (its ISO 3166-1 alpha-2 code). What the letters may be:

- the first letter J, K, S, T or W is reserved and never valid (refused);
- B, D, N, P, Z, GA, GD and AV–AZ are domestic or bilateral use only (a warning: odd on a
  parcel from China to Russia, but an operator may do it);
- AA–AU, F, I, O, X, Y, the other G and QN–QZ are not in the S10 table (a warning);
- an issuer that is not an ISO 3166-1 code is a warning, never a refusal: a few operators use
  non-ISO pairs (carriers.md cites ``YP`` for Yanwen, unconfirmed).
"""

from __future__ import annotations

import enum
from types import MappingProxyType


class ServiceClass(enum.Enum):
    """How the S10 table classes a service indicator."""

    INTERNATIONAL = "international"
    DOMESTIC = "domestic"
    UNLISTED = "unlisted"
    RESERVED = "reserved"


RESERVED_SERVICE_LETTERS = frozenset("JKSTW")
_INTERNATIONAL = frozenset("CEHLMRUV")
_DOMESTIC = frozenset("BDNPZ")

# First letter → what the S10 table (and 17TRACK's help) says it is, in English and Chinese.
SERVICE_MEANINGS: MappingProxyType[str, tuple[str, str]] = MappingProxyType(
    {
        "C": ("parcel post", "包裹"),
        "E": ("EMS", "EMS 特快专递"),
        "H": ("e-commerce parcel", "电商包裹"),
        "L": ("letter post express (ePacket, tracked small packet)", "e邮宝 / 小包"),
        "M": ("M-bag", "M 袋"),
        "Q": ("international business reply", "国际商业回函"),
        "R": ("registered letter post (small packet)", "挂号小包"),
        "U": ("letter post with customs declaration", "报关小包（跟踪有限）"),
        "V": ("insured letter post", "保价信函"),
    }
)

# ISO 3166-1 alpha-2, the officially assigned codes.
_ISO_CODES = """
    AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ
    BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM
    DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS
    GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN
    KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ
    MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM
    PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV
    SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI
    VN VU WF WS YE YT ZA ZM ZW
"""
ISO_COUNTRIES = frozenset(_ISO_CODES.split())


def service_class(service: str) -> ServiceClass:
    """Class of a 2-letter S10 service indicator (module docstring)."""
    first, second = service[0], service[1]
    if first in RESERVED_SERVICE_LETTERS:
        return ServiceClass.RESERVED
    if first in _INTERNATIONAL:
        return ServiceClass.INTERNATIONAL
    if first == "Q":
        return ServiceClass.INTERNATIONAL if second <= "M" else ServiceClass.UNLISTED
    if first in _DOMESTIC or service in ("GA", "GD") or (first == "A" and second >= "V"):
        return ServiceClass.DOMESTIC
    return ServiceClass.UNLISTED


def is_iso_country(code: str) -> bool:
    """True for an assigned ISO 3166-1 alpha-2 code."""
    return code in ISO_COUNTRIES
