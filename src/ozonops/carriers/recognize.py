"""Check a tracking number and name its carrier candidates (carriers.md §1.12, in that order).

``check_tracking_number`` never raises: it returns a ``TrackingNumber`` (accepted, with carrier
candidates best first and warnings) or a ``TrackingNumberError`` naming the rule it broke.
``parse_tracking_number`` is the same check raising ``InvalidTrackingNumber``.

The order: normalise; refuse what is empty, Excel's scientific notation, an Ozon posting
number, two numbers in one cell, too long, a character other than a Latin letter or digit, too
short. Then the shapes: S10 (reserved service letter and check digit refuse; odd service or
issuer warn), a mistyped S10 (a digit too few or many: refused), 14 digits (the Russian Post
check digit refuses when the row declares Russian Post, warns otherwise), the fixed prefix
patterns, bare digits, and anything else as an unknown format. Last the declared carrier: a
name we do not know, or one that the number's shape contradicts, is a warning, never a refusal.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from ozonops.carriers.checkdigits import rpo_check_digit, s10_check_digit
from ozonops.carriers.formats import (
    DIGITS,
    FIXED_PATTERNS,
    MAX_LENGTH,
    MIN_LENGTH,
    POSTING_NUMBER,
    S10_NEAR_SHAPE,
    S10_SHAPE,
    SCIENTIFIC,
    CarrierCandidate,
    Confidence,
    NumberFormat,
    is_whole_number,
    numeric_candidates,
    s10_candidates,
)
from ozonops.carriers.issues import (
    InvalidTrackingNumber,
    TrackingIssue,
    TrackingNumberError,
    TrackingNumberWarning,
)
from ozonops.carriers.normalize import Normalized, normalize
from ozonops.carriers.registry import CARRIERS_BY_CODE, CarrierInfo, resolve_carrier
from ozonops.carriers.s10 import ServiceClass, is_iso_country, service_class

_SEPARATORS = re.compile(r"[\s,;/|、]+")
_NOT_ALLOWED = re.compile(r"[^A-Z0-9]")
_SERVICE_WARNINGS = {
    ServiceClass.DOMESTIC: TrackingIssue.S10_DOMESTIC_SERVICE,
    ServiceClass.UNLISTED: TrackingIssue.S10_UNLISTED_SERVICE,
}
Params = tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True)
class TrackingNumber:
    """An accepted tracking number: the normalised ``text`` to send, and what we know of it."""

    text: str
    raw: str
    format: NumberFormat
    candidates: tuple[CarrierCandidate, ...] = ()
    warnings: tuple[TrackingNumberWarning, ...] = ()
    declared: CarrierInfo | None = None

    @property
    def carrier(self) -> CarrierInfo | None:
        """The likeliest carrier (the declared one when the number fits it), None if unknown."""
        return self.candidates[0].carrier if self.candidates else None

    @property
    def track17_code(self) -> int | None:
        """17TRACK carrier code to register under; None = let 17TRACK auto-detect."""
        carrier = self.carrier
        return carrier.track17_code if carrier is not None else None

    @property
    def warning_codes(self) -> tuple[TrackingIssue, ...]:
        return tuple(w.code for w in self.warnings)


class _Refused(Exception):
    """Internal: unwinds the check to its single exit with the error."""

    def __init__(self, code: TrackingIssue, **params: object) -> None:
        self.code = code
        self.params: Params = tuple((k, str(v)) for k, v in params.items())


def check_tracking_number(
    raw: str | None, *, carrier: str | None = None, posting_number: str | None = None
) -> TrackingNumber | TrackingNumberError:
    """Check one number; ``carrier`` is the seller's declared carrier name, ``posting_number``
    the Ozon posting it is for (a tracking number equal to it is refused)."""
    raw = raw or ""
    try:
        return _check(raw, carrier, posting_number)
    except _Refused as refused:
        return TrackingNumberError(refused.code, raw, refused.params)


def parse_tracking_number(
    raw: str | None, *, carrier: str | None = None, posting_number: str | None = None
) -> TrackingNumber:
    """``check_tracking_number``, raising ``InvalidTrackingNumber`` on a refused number."""
    result = check_tracking_number(raw, carrier=carrier, posting_number=posting_number)
    if isinstance(result, TrackingNumberError):
        raise InvalidTrackingNumber(result)
    return result


def looks_like_posting_number(value: str) -> bool:
    """True if ``value`` (as typed) has the shape of an Ozon posting or order number (§1.11)."""
    return POSTING_NUMBER.fullmatch(normalize(value).spaced.replace(" ", "")) is not None


def _check(raw: str, carrier: str | None, posting_number: str | None) -> TrackingNumber:
    n = normalize(raw)
    warnings: list[TrackingNumberWarning] = []
    declared = _declared(carrier, warnings)
    _refuse_malformed(n, posting_number)
    if n.cyrillic_replaced:
        warnings.append(_warn(TrackingIssue.CYRILLIC_LOOKALIKE, letters=n.cyrillic_replaced))
    fmt, candidates = _shape(n.text, declared, warnings)
    candidates = _with_declared(candidates, declared, warnings)
    if fmt is NumberFormat.UNKNOWN and declared is None:
        warnings.append(_warn(TrackingIssue.UNKNOWN_FORMAT))
    return TrackingNumber(n.text, raw, fmt, tuple(candidates), tuple(warnings), declared)


def _warn(code: TrackingIssue, **params: object) -> TrackingNumberWarning:
    return TrackingNumberWarning(code, tuple((k, str(v)) for k, v in params.items()))


def _declared(carrier: str | None, warnings: list[TrackingNumberWarning]) -> CarrierInfo | None:
    if carrier is None or not carrier.strip():
        return None
    found = resolve_carrier(carrier)
    if found is None:
        warnings.append(_warn(TrackingIssue.UNKNOWN_CARRIER_NAME, declared=carrier.strip()))
    return found


def _refuse_malformed(n: Normalized, posting_number: str | None) -> None:
    text, compact = n.text, n.spaced.replace(" ", "")
    if not text:
        raise _Refused(TrackingIssue.EMPTY)
    if SCIENTIFIC.fullmatch(compact):
        raise _Refused(TrackingIssue.SCIENTIFIC_NOTATION, value=n.raw.strip())
    same_as_posting = posting_number is not None and normalize(posting_number).text == text
    if POSTING_NUMBER.fullmatch(compact) or same_as_posting:
        raise _Refused(TrackingIssue.LOOKS_LIKE_POSTING_NUMBER, value=compact)
    if _SEPARATORS.search(n.spaced):
        whole = [t for t in _SEPARATORS.split(n.spaced.replace("-", "")) if is_whole_number(t)]
        if len(whole) >= 2:
            count, numbers = len(whole), ", ".join(whole)
            raise _Refused(TrackingIssue.MULTIPLE_NUMBERS, count=count, numbers=numbers)
    if len(text) > MAX_LENGTH:
        raise _Refused(TrackingIssue.TOO_LONG, length=len(text), maximum=MAX_LENGTH)
    if (bad := _NOT_ALLOWED.search(text)) is not None:
        char = bad.group()
        raise _Refused(
            TrackingIssue.BAD_CHARACTERS,
            char=repr(char),
            codepoint=f"U+{ord(char):04X}",
            position=_raw_position(n.raw, char),
        )
    if len(text) < MIN_LENGTH:
        raise _Refused(TrackingIssue.TOO_SHORT, length=len(text), minimum=MIN_LENGTH)


def _raw_position(raw: str, char: str) -> int:
    """1-based position in the seller's own text of the first character that became ``char``."""
    for i, c in enumerate(raw):
        if char in unicodedata.normalize("NFKC", c).upper():
            return i + 1
    return 0


def _shape(
    text: str, declared: CarrierInfo | None, warnings: list[TrackingNumberWarning]
) -> tuple[NumberFormat, list[CarrierCandidate]]:
    if (m := S10_SHAPE.fullmatch(text)) is not None:
        return NumberFormat.S10, list(
            _s10(m.group(1), m.group(2), int(m.group(3)), m.group(4), warnings)
        )
    if (m := S10_NEAR_SHAPE.fullmatch(text)) is not None and is_iso_country(m.group(3)):
        raise _Refused(TrackingIssue.S10_LENGTH, value=text, digits=len(m.group(2)))
    if len(text) == 14 and DIGITS.fullmatch(text):
        expected, actual = rpo_check_digit(text[:13]), int(text[13])
        if expected == actual:
            basis = "14 digits with the Russian Post check digit"
            return NumberFormat.RPO, [
                CarrierCandidate(CARRIERS_BY_CODE["russian_post"], Confidence.HIGH, basis)
            ]
        if declared is not None and declared.code == "russian_post":
            raise _Refused(TrackingIssue.RPO_CHECK_DIGIT, expected=expected, actual=actual)
        if declared is None:
            warnings.append(_warn(TrackingIssue.RPO_CHECK_DIGIT, expected=expected, actual=actual))
        return NumberFormat.NUMERIC, []
    for fmt, pattern, code in FIXED_PATTERNS:
        if pattern.fullmatch(text):
            basis = f"{pattern.pattern} ({code})"
            return fmt, [CarrierCandidate(CARRIERS_BY_CODE[code], Confidence.MEDIUM, basis)]
    if DIGITS.fullmatch(text):
        if declared is not None and declared.code == "cdek" and len(text) != 10:
            warnings.append(_warn(TrackingIssue.CDEK_UNUSUAL_LENGTH, length=len(text)))
        return NumberFormat.NUMERIC, numeric_candidates(text)
    return NumberFormat.UNKNOWN, []


def _s10(
    service: str, serial: str, check: int, issuer: str, warnings: list[TrackingNumberWarning]
) -> tuple[CarrierCandidate, ...]:
    kind = service_class(service)
    if kind is ServiceClass.RESERVED:
        raise _Refused(TrackingIssue.S10_RESERVED_SERVICE, service=service, letter=service[0])
    expected = s10_check_digit(serial)
    if expected != check:
        raise _Refused(TrackingIssue.S10_CHECK_DIGIT, expected=expected, actual=check)
    if kind in _SERVICE_WARNINGS:
        warnings.append(_warn(_SERVICE_WARNINGS[kind], service=service))
    if not is_iso_country(issuer):
        warnings.append(_warn(TrackingIssue.S10_UNKNOWN_ISSUER, issuer=issuer))
    return s10_candidates(service, issuer)


def _with_declared(
    candidates: list[CarrierCandidate],
    declared: CarrierInfo | None,
    warnings: list[TrackingNumberWarning],
) -> list[CarrierCandidate]:
    """Candidates with the declared carrier first when the shape allows it (§1.12 step 6)."""
    if declared is None:
        return candidates
    matching = [c for c in candidates if c.carrier is declared]
    if matching:
        return matching + [c for c in candidates if c.carrier is not declared]
    if candidates:
        warnings.append(
            _warn(
                TrackingIssue.CARRIER_MISMATCH,
                detected=candidates[0].carrier.name,
                declared=declared.name,
                detected_zh=candidates[0].carrier.name_zh,
                declared_zh=declared.name_zh,
            )
        )
    basis = "declared in the carrier column"
    return [*candidates, CarrierCandidate(declared, Confidence.DECLARED, basis)]
