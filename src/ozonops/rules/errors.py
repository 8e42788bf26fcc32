"""Errors of the watchtower (rules, alerts, buyer messages)::

OzonOpsError
└── RulesError                     the watchtower refused or could not act
    ├── UnknownRule (+ Terminal)    no rule with that id (the message lists them)
    ├── UnknownAlert (+ Terminal)   no alert with that id
    ├── InvalidTransition (+ Terminal)  e.g. acknowledging a resolved alert
    └── MessageRefused (+ Terminal) a buyer message not sent: outside Ozon's chat
        │                           window, not in the shop's plan, already sent, ...
        └── NotOnPlan               the shop's subscription does not allow chat writing
"""

from __future__ import annotations

from ozonops.errors import OzonOpsError, TerminalError

__all__ = [
    "InvalidTransition",
    "MessageRefused",
    "NotOnPlan",
    "RulesError",
    "UnknownAlert",
    "UnknownRule",
]


class RulesError(OzonOpsError):
    """Fires for anything the watchtower refuses or cannot do; the message says why."""


class UnknownRule(RulesError, TerminalError, LookupError):
    """Fires when a rule id is not in the catalogue."""


class UnknownAlert(RulesError, TerminalError, LookupError):
    """Fires when an alert id does not exist."""


class InvalidTransition(RulesError, TerminalError):
    """Fires when an alert cannot move to the asked state from the one it is in."""


class MessageRefused(RulesError, TerminalError):
    """Fires when a buyer message is not sent; ``reason`` is a short code, the message says why.

    Codes: ``window`` (outside Ozon's chat window), ``not_on_plan``, ``already_sent``,
    ``fbo`` (the seller cannot start chats on FBO), ``unknown_posting``, ``ozon_refused``.
    """

    def __init__(self, message: str, *, reason: str) -> None:
        super().__init__(message)
        self.reason = reason


class NotOnPlan(MessageRefused):
    """Fires when the shop's subscription lacks chat writing (Ozon answered 403)."""

    def __init__(self, message: str) -> None:
        super().__init__(message, reason="not_on_plan")
