"""The watchtower: Ozon's deadlines and post-shipment exceptions as alerts, and buyer messages.

Rules (``catalogue``) are SQL queries over the store, each with a severity, the Ozon rule it
protects and its source, and its settings (``RulesConfig``; Ozon's own figures in
``OzonFigures``). ``evaluate`` merges their rows into alerts (open → acknowledged → snoozed →
resolved, resolved by itself when the condition clears); ``Watchtower`` runs it after each sync
round and on a timer and hands alerts to ``ozonops.notify``. ``errors`` is a namespace.
Other packages import from here only.
"""

from __future__ import annotations

from ozonops.domain import OzonFigures, PenaltyTier
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
    store_now,
)
from ozonops.rules.catalogue import CATALOGUE, RULES_BY_ID, rule
from ozonops.rules.engine import Evaluation, RuleReport, evaluate, evaluate_rule, find_hits
from ozonops.rules.errors import (
    InvalidTransition,
    MessageRefused,
    NotOnPlan,
    RulesError,
    UnknownAlert,
    UnknownRule,
)
from ozonops.rules.messaging import (
    CHAT_WRITE_REFUSED,
    Preview,
    Sent,
    event_key,
    postings_of_alerts,
    preview_messages,
    send_messages,
)
from ozonops.rules.notifying import StoreJournal
from ozonops.rules.rule import Context, Hit, Rule
from ozonops.rules.service import Watchtower, ozon_now
from ozonops.rules.templates import TEMPLATES, Rendered, Template, render, template
from ozonops.rules.windows import ChatFacts, Verdict, chat_window
from ozonops.watch_config import RulesConfig, RuleSettings

__all__ = [
    "ACTIVE",
    "CATALOGUE",
    "CHAT_WRITE_REFUSED",
    "RULES_BY_ID",
    "STATES",
    "TEMPLATES",
    "AlertEntry",
    "AlertView",
    "ChatFacts",
    "Context",
    "Evaluation",
    "Hit",
    "InvalidTransition",
    "MessageRefused",
    "NotOnPlan",
    "OzonFigures",
    "PenaltyTier",
    "Preview",
    "Rendered",
    "Rule",
    "RuleReport",
    "RuleSettings",
    "RulesConfig",
    "RulesError",
    "Sent",
    "StoreJournal",
    "Template",
    "UnknownAlert",
    "UnknownRule",
    "Verdict",
    "Watchtower",
    "acknowledge",
    "chat_window",
    "errors",
    "evaluate",
    "evaluate_rule",
    "event_key",
    "find_hits",
    "history",
    "list_alerts",
    "ozon_now",
    "postings_of_alerts",
    "preview_messages",
    "render",
    "resolve",
    "rule",
    "send_messages",
    "snooze",
    "store_now",
    "template",
]
