"""The shapes tracking numbers come in, and which carriers each shape points to (carriers.md §1).

Shapes are tried in the order of §1.12: S10 (check digit), Russian Post's 14 digits (check
digit), the fixed prefix patterns, bare digits, and last anything of 5–50 letters and digits.
"""

from __future__ import annotations

import enum
import functools
import re
from dataclasses import dataclass

from ozonops.carriers.registry import CARRIERS_BY_CODE, CarrierInfo

# §1.12 step 5 gives 5–50 letters and digits. Ozon's spec states no maximum for
# /v2/fbs/posting/tracking-number/set (only an unsized DELIVERY_TRACKING_NUMBER_LENGTH_MAXIMUM_
# REACHED error in other methods), so 50 is our limit, not Ozon's [inferred].
MIN_LENGTH = 5
MAX_LENGTH = 50


class NumberFormat(enum.StrEnum):
    """The shape a normalised tracking number matched."""

    S10 = "s10"  # UPU S10, check digit verified (§1.1)
    RPO = "rpo"  # Russian Post 14 digits, check digit verified (§1.8)
    YUNEXPRESS = "yunexpress"  # YT + 16 digits (§1.4)
    CAINIAO_LP = "cainiao_lp"  # LP + 14 digits (§1.3)
    SF = "sf"  # SF + 13 digits (§1.6)
    JT = "jt"  # JT + 13 digits (§1.6)
    NUMERIC = "numeric"  # digits only, no check digit known (CDEK-like, old SF waybills)
    UNKNOWN = "unknown"  # 5–50 letters and digits, no known shape


class Confidence(enum.IntEnum):
    """How much a carrier candidate is worth; higher is better."""

    DECLARED = 0  # only the file's carrier column says so
    LOW = 1  # the shape fits, but other carriers use it too (length only, forwarders)
    MEDIUM = 2  # a carrier's own fixed prefix pattern, no check digit
    HIGH = 3  # a standard shape whose check digit was verified


@dataclass(frozen=True, slots=True)
class CarrierCandidate:
    """A carrier a number may belong to, how sure we are, and why (English, for logs)."""

    carrier: CarrierInfo
    confidence: Confidence
    basis: str


S10_SHAPE = re.compile(r"([A-Z]{2})([0-9]{8})([0-9])([A-Z]{2})")
# Two letters, a digit too few or too many, two letters: a mistyped S10 (§1.1 layout).
S10_NEAR_SHAPE = re.compile(r"([A-Z]{2})([0-9]{8}|[0-9]{10})([A-Z]{2})")
DIGITS = re.compile(r"[0-9]+")
# §1.11: every posting number in the spec is <8-10 digits>-<4 digits>-<1-2 digits>; an order
# number lacks the last part. Matched on the dashed form, before dashes are dropped.
POSTING_NUMBER = re.compile(r"[0-9]{8,10}-[0-9]{4}(-[0-9]{1,2})?")
# Excel's scientific notation, with a point or (Russian locale) a comma: 6,30000123456790E+13.
# The "+" is required: "12345E12" may be a real number, "E+" never is.
SCIENTIFIC = re.compile(r"[0-9]+(?:[.,][0-9]+)?E\+[0-9]{1,3}")

FIXED_PATTERNS: tuple[tuple[NumberFormat, re.Pattern[str], str], ...] = (
    (NumberFormat.YUNEXPRESS, re.compile(r"YT[0-9]{16}"), "yunexpress"),
    (NumberFormat.CAINIAO_LP, re.compile(r"LP[0-9]{14}"), "cainiao"),
    (NumberFormat.SF, re.compile(r"SF[0-9]{13}"), "sf"),
    (NumberFormat.JT, re.compile(r"JT[0-9]{13}"), "jt"),
)

# S10 issued in China or Hong Kong: forwarders hand parcels to these posts (§1.3, §1.5).
_FORWARDERS = ("cainiao", "yanwen", "4px")
_S10_ISSUERS = {"CN": "china_post", "HK": "hongkong_post", "RU": "russian_post"}


def _candidate(code: str, confidence: Confidence, basis: str) -> CarrierCandidate:
    return CarrierCandidate(CARRIERS_BY_CODE[code], confidence, basis)


@functools.cache
def s10_candidates(service: str, issuer: str) -> tuple[CarrierCandidate, ...]:
    """Carriers an S10 number with a verified check digit may belong to, best first."""
    return tuple(_s10_candidates(service, issuer))


def _s10_candidates(service: str, issuer: str) -> list[CarrierCandidate]:
    post = _S10_ISSUERS.get(issuer)
    if post is None:
        return []  # another country's post: 17TRACK tells them apart by the suffix
    basis = f"S10 issued in {issuer}, service {service}"
    if post == "russian_post":
        return [_candidate(post, Confidence.HIGH, basis)]
    found = []
    if issuer == "CN" and service.startswith("E"):
        found.append(_candidate("china_ems", Confidence.HIGH, basis + " (EMS)"))
        found.append(_candidate(post, Confidence.LOW, basis + ": EMS is China Post's"))
    else:
        found.append(_candidate(post, Confidence.HIGH, basis))
    found += [
        _candidate(c, Confidence.LOW, basis + ": forwarders use the post") for c in _FORWARDERS
    ]
    # Russian Post delivers the last mile under the same S10 number.
    found.append(_candidate("russian_post", Confidence.LOW, basis + ": Russian last mile"))
    return found


def numeric_candidates(digits: str) -> list[CarrierCandidate]:
    """Carriers a digits-only number (not 14 digits) may belong to, by its length alone."""
    n = len(digits)
    found = []
    if n == 12:
        found.append(_candidate("sf", Confidence.LOW, "12 digits: an older SF waybill (§1.6)"))
    if 9 <= n <= 12:
        found.append(_candidate("cdek", Confidence.LOW, f"{n} digits: a CDEK waybill (§1.9)"))
    return found


def is_whole_number(token: str) -> bool:
    """True if ``token`` alone has a complete, specific shape (for spotting two in one cell)."""
    if S10_SHAPE.fullmatch(token) or (len(token) == 14 and token.isdigit()):
        return True
    return any(pattern.fullmatch(token) for _, pattern, _ in FIXED_PATTERNS)
