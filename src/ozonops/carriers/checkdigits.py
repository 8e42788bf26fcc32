"""The two check digits tracking numbers carry: UPU S10 and Russian Post's 14-digit RPO.

The one implementation in ozonops (the simulator's generator calls these too). Rules and
worked examples: ``shared/docs/carriers.md`` §1.1 (S10) and §1.8 (RPO).

- S10: the 8 serial digits times 8, 6, 4, 2, 3, 5, 9, 7; ``C = 11 - (S mod 11)``, 10 → 0,
  11 → 5. Remainders 0 and 6 both give 5, so a few corruptions keep a valid check digit.
- RPO: the first 13 digits times 3, 1, 3, 1, …, 3; ``C = (10 - (S mod 10)) mod 10``. Every
  single-digit error is caught; swapping two neighbours is missed only when they differ by 5.
"""

from __future__ import annotations

import re

S10_WEIGHTS = (8, 6, 4, 2, 3, 5, 9, 7)
RPO_WEIGHTS = (3, 1, 3, 1, 3, 1, 3, 1, 3, 1, 3, 1, 3)

# ASCII only (``\d`` would take Arabic-Indic digits too); used with ``fullmatch``, since ``$``
# also matches before a trailing newline.
S10_PATTERN = re.compile(r"([A-Z]{2})([0-9]{8})([0-9])([A-Z]{2})")
RPO_PATTERN = re.compile(r"[0-9]{14}")


def s10_check_digit(serial8: str) -> int:
    """UPU S10 check digit of an 8-digit serial (carriers.md §1.1)."""
    if len(serial8) != 8 or not serial8.isascii() or not serial8.isdigit():
        raise ValueError(f"S10 serial must be 8 digits, got {serial8!r}")
    total = sum(int(d) * w for d, w in zip(serial8, S10_WEIGHTS, strict=True))
    check = 11 - total % 11
    if check == 10:
        return 0
    if check == 11:
        return 5
    return check


def is_valid_s10(number: str) -> bool:
    """True if ``number`` is a well-formed S10 identifier with the right check digit."""
    match = S10_PATTERN.fullmatch(number)
    if match is None:
        return False
    return s10_check_digit(match.group(2)) == int(match.group(3))


def rpo_check_digit(first13: str) -> int:
    """Check digit of a 14-digit Russian Post RPO number (weights 3,1,3,…; carriers.md §1.8)."""
    if len(first13) != 13 or not first13.isascii() or not first13.isdigit():
        raise ValueError(f"RPO prefix must be 13 digits, got {first13!r}")
    total = sum(int(d) * w for d, w in zip(first13, RPO_WEIGHTS, strict=True))
    return (10 - total % 10) % 10


def is_valid_rpo(number: str) -> bool:
    """True if ``number`` is 14 digits whose last digit is the RPO check digit."""
    if RPO_PATTERN.fullmatch(number) is None:
        return False
    return rpo_check_digit(number[:13]) == int(number[13])
