"""Delivery outcomes as data, and the journal that makes a crash between "sent" and
"recorded" visible.

Every (notification, route, channel) pair the dispatcher handles yields one
:class:`Outcome`. Its ``delivery_key`` is stable — derived from the notification's
``dedupe_key`` (or the digest's route and window) and the channel — and travels with the
message wherever the platform allows: ``X-Ozonops-Delivery`` and ``delivery_id`` for the
generic webhook, ``Message-ID`` for email, the "ref" footer in chat messages.

A :class:`Journal` is told ``started(key)`` right before the first attempt and
``finished(outcome)`` right after the last. A key left *started* but never *finished* is a
delivery that may or may not have arrived (the process died in between): the next
``deliver`` sends it again with ``resent=True`` in its outcome, and receivers that
deduplicate on the key drop the copy. A key already *finished* as sent is skipped.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Literal, Protocol

__all__ = ["Journal", "JournalState", "MemoryJournal", "Outcome", "Status", "delivery_key"]

Status = Literal["sent", "failed", "deferred", "skipped"]
JournalState = Literal["new", "started", "done"]


def delivery_key(subject: str, channel: str) -> str:
    """A short stable key for delivering ``subject`` (an alert or a digest) to ``channel``."""
    return hashlib.sha256(f"{subject}\x00{channel}".encode()).hexdigest()[:16]


@dataclass(frozen=True, slots=True)
class Outcome:
    """What happened to one notification on one route and channel.

    * ``sent`` — every part was accepted; ``retries`` attempts failed before that.
    * ``failed`` — ``error`` says why and what to fix; ``retryable`` tells a transient
      failure (send it again later) from a terminal one (a person must act).
    * ``deferred`` — the route is a digest; ``window`` names the digest it waits for.
    * ``skipped`` — nothing sent: no route matched, or the journal says it was delivered.
    """

    alert_id: str
    dedupe_key: str
    route: str | None
    channel: str | None
    status: Status
    via: Literal["immediate", "digest"] = "immediate"
    delivery_key: str | None = None
    attempts: int = 0
    retries: int = 0
    parts_sent: int = 0
    parts_total: int = 0
    error: str | None = None
    retryable: bool | None = None
    window: str | None = None
    resent: bool = False


class Journal(Protocol):
    """Where the caller records deliveries (its alert store); see the module docstring."""

    async def state(self, key: str) -> JournalState: ...

    async def started(self, key: str) -> None: ...

    async def finished(self, outcome: Outcome) -> None: ...


class MemoryJournal:
    """A journal in a dict: for tests, demos and single-run scripts."""

    def __init__(self) -> None:
        self.states: dict[str, JournalState] = {}
        self.outcomes: list[Outcome] = []

    async def state(self, key: str) -> JournalState:
        return self.states.get(key, "new")

    async def started(self, key: str) -> None:
        self.states[key] = "started"

    async def finished(self, outcome: Outcome) -> None:
        self.outcomes.append(outcome)
        if outcome.delivery_key is not None:
            self.states[outcome.delivery_key] = "done" if outcome.status == "sent" else "new"
