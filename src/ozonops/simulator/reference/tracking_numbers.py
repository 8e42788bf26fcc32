"""Make and check tracking numbers in each carrier's format (docs/carriers.md §1).

The check digits themselves live in ``ozonops.carriers`` (one implementation for the product
and the simulator). Generation is a pure function of the carrier and an integer serial, so a
seeded world gets the same numbers every run. Distinct serials below the format's capacity
give distinct numbers.
"""

from __future__ import annotations

import re

from ozonops.carriers import is_valid_rpo, is_valid_s10, rpo_check_digit, s10_check_digit
from ozonops.simulator.reference.carriers import Carrier, TrackingFormat

_PATTERNS: dict[TrackingFormat, re.Pattern[str]] = {
    "s10": re.compile(r"^([A-Z]{2})(\d{8})(\d)([A-Z]{2})$"),
    "yunexpress": re.compile(r"^YT\d{16}$"),
    "cainiao_lp": re.compile(r"^LP00\d{12}$"),
    "sf": re.compile(r"^SF\d{13}$"),
    "jt": re.compile(r"^JT\d{13}$"),
    "digits14": re.compile(r"^\d{14}$"),
    "opaque": re.compile(r"^[A-Z0-9]{5,50}$"),
}

# Default accepting office for Russian Post numbers: Moscow main post office.
DEFAULT_RPO_OFFICE = "101000"


def matches_format(carrier: Carrier, number: str) -> bool:
    """True if ``number`` is valid in ``carrier``'s format, check digits and prefixes included."""
    if _PATTERNS[carrier.tracking_format].match(number) is None:
        return False
    if carrier.tracking_format == "s10":
        return (
            is_valid_s10(number)
            and number[:2] == carrier.s10_service
            and number[-2:] == carrier.s10_country
        )
    if carrier.tracking_format == "digits14":
        return is_valid_rpo(number)
    if carrier.tracking_format == "opaque":
        return carrier.number_prefix is not None and number.startswith(carrier.number_prefix)
    return True


def make_tracking_number(
    carrier: Carrier, serial: int, *, rpo_office: str = DEFAULT_RPO_OFFICE
) -> str:
    """A valid tracking number for ``carrier`` built from a non-negative ``serial``.

    The serial is reduced modulo the format's capacity (10**8 for S10, 10**7 for RPO,
    10**12 otherwise). ``rpo_office`` is the accepting post office's postcode, RPO only.
    """
    if serial < 0:
        raise ValueError(f"serial must be non-negative, got {serial}")
    fmt = carrier.tracking_format
    if fmt == "s10":
        if carrier.s10_service is None or carrier.s10_country is None:
            raise ValueError(f"carrier {carrier.code!r} has no S10 service or country")
        serial8 = f"{serial % 10**8:08d}"
        return f"{carrier.s10_service}{serial8}{s10_check_digit(serial8)}{carrier.s10_country}"
    if fmt == "digits14":
        if len(rpo_office) != 6 or not rpo_office.isdigit():
            raise ValueError(f"rpo_office must be a 6-digit postcode, got {rpo_office!r}")
        first13 = f"{rpo_office}{serial % 10**7:07d}"
        return f"{first13}{rpo_check_digit(first13)}"
    body = f"{serial % 10**12:012d}"
    if fmt == "yunexpress":
        # Leading block ours: real numbers start with a date-like "2x" block.
        return f"YT2400{body}"
    if fmt == "cainiao_lp":
        return f"LP00{body}"
    if fmt == "sf":
        return f"SF1{body}"
    if fmt == "jt":
        return f"JT5{body}"
    if carrier.number_prefix is None:
        raise ValueError(f"carrier {carrier.code!r} has an opaque format but no number_prefix")
    return f"{carrier.number_prefix}{body}"
