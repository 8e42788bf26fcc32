"""Human durations for the CLI: ``90s``, ``10m``, ``1h30m``, ``2d``."""

from __future__ import annotations

import re

__all__ = ["parse_duration"]

_DURATION = re.compile(r"(?:(?P<d>\d+)d)?(?:(?P<h>\d+)h)?(?:(?P<m>\d+)m)?(?:(?P<s>\d+)s)?")
_SECONDS = {"d": 86_400, "h": 3_600, "m": 60, "s": 1}


def parse_duration(text: str) -> int:
    """Return whole seconds for ``text``; units d/h/m/s in that order, e.g. ``1h30m`` -> 5400.

    Raises:
        ValueError: naming the bad value and showing accepted forms.
    """
    match = _DURATION.fullmatch(text.strip().lower())
    if not text.strip() or match is None:
        raise ValueError(
            f"bad duration {text!r}: use whole numbers with units d/h/m/s in that order, "
            "e.g. 45s, 10m, 1h30m, 2d"
        )
    seconds = sum(int(value) * _SECONDS[unit] for unit, value in match.groupdict().items() if value)
    if seconds <= 0:
        raise ValueError(f"bad duration {text!r}: it must be longer than zero, e.g. 10m")
    return seconds
