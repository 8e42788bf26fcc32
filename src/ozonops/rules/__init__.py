"""The watchtower: Ozon's deadlines and post-shipment exceptions as alerts, and buyer messages.

Rules (``catalogue``) are SQL queries over the store, each with a severity, the Ozon rule it
protects and its source, and its settings (``RulesConfig``; Ozon's own figures in
``OzonFigures``). ``evaluate`` merges their rows into alerts (open → acknowledged → snoozed →
resolved, resolved by itself when the condition clears); ``Watchtower`` runs it after each sync
round and on a timer and hands alerts to ``ozonops.notify``. ``errors`` is a namespace.
Other packages import from here only.
"""

from __future__ import annotations

from ozonops.rules import errors
from ozonops.rules.alerts import (
    ACTIVE,
    STATES,
    AlertEntry,
    AlertView,
    acknowledge,
    history,
    list_alerts,
    resolve,
    snooze,
)
from ozonops.rules.catalogue import CATALOGUE, RULES_BY_ID, rule
from ozonops.rules.config import RulesConfig, RuleSettings
from ozonops.rules.engine import Evaluation, RuleReport, evaluate, evaluate_rule, find_hits
from ozonops.rules.errors import (
    InvalidTransition,
    MessageRefused,
    NotOnPlan,
    RulesError,
    UnknownAlert,
    UnknownRule,
)
from ozonops.rules.figures import OzonFigures, PenaltyTier
from ozonops.rules.notifying import StoreJournal
from ozonops.rules.rule import Context, Hit, Rule
from ozonops.rules.service import Watchtower, ozon_now

__all__ = [
    "ACTIVE",
    "CATALOGUE",
    "RULES_BY_ID",
    "STATES",
    "AlertEntry",
    "AlertView",
    "Context",
    "Evaluation",
    "Hit",
    "InvalidTransition",
    "MessageRefused",
    "NotOnPlan",
    "OzonFigures",
    "PenaltyTier",
    "Rule",
    "RuleReport",
    "RuleSettings",
    "RulesConfig",
    "RulesError",
    "StoreJournal",
    "UnknownAlert",
    "UnknownRule",
    "Watchtower",
    "acknowledge",
    "errors",
    "evaluate",
    "evaluate_rule",
    "find_hits",
    "history",
    "list_alerts",
    "ozon_now",
    "resolve",
    "rule",
    "snooze",
]
