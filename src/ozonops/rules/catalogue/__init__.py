"""The rule catalogue: every rule the watchtower evaluates, by family.

``CATALOGUE`` holds them in the order the docs list them; ``rule(id)`` finds one.
"""

from __future__ import annotations

from types import MappingProxyType

from ozonops.rules.catalogue import aftersales, money, operations, shipping, transit
from ozonops.rules.errors import UnknownRule
from ozonops.rules.rule import Rule

__all__ = ["CATALOGUE", "RULES_BY_ID", "rule"]

CATALOGUE: tuple[Rule, ...] = (
    *shipping.RULES,
    *transit.RULES,
    *money.RULES,
    *aftersales.RULES,
    *operations.RULES,
)
RULES_BY_ID = MappingProxyType({r.id: r for r in CATALOGUE})


def rule(rule_id: str) -> Rule:
    """The catalogue's rule ``rule_id``."""
    found = RULES_BY_ID.get(rule_id)
    if found is None:
        raise UnknownRule(f"no rule {rule_id!r}; rules are: {', '.join(RULES_BY_ID)}")
    return found
