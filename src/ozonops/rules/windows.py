"""Ozon's chat windows (ozon-rules.md "Deadlines and clocks", Chats), as a pure function.

* FBS / rFBS: the seller may start a chat (and write) within ``chat_start_hours`` (72 h)
  after payment or after delivery;
* later — and on FBO always — only a reply within ``chat_reply_hours`` (48 h) of the buyer's
  last message, in the chat the buyer wrote in.

We hold to the written rule even where Ozon (or the simulator) is more lenient: a message the
rule forbids may be refused, and a refused send can cost the shop its API access if repeated.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from ozonops.domain import OzonFigures

__all__ = ["ChatFacts", "Verdict", "chat_window"]


@dataclass(frozen=True, slots=True)
class ChatFacts:
    """What the store knows of a posting and its chat."""

    scheme: str  # fbs | rfbs | fbo
    status: str
    paid_at: datetime | None  # in_process_at
    delivered_at: datetime | None
    last_buyer_message_at: datetime | None
    chat_id: str | None


@dataclass(frozen=True, slots=True)
class Verdict:
    allowed: bool
    #: start (a new chat or the posting's chat, inside the start window) | reply | none
    how: Literal["start", "reply", "none"]
    #: When the window that allows it closes (None: refused).
    closes_at: datetime | None
    reason: str


def chat_window(facts: ChatFacts, *, now: datetime, figures: OzonFigures) -> Verdict:
    """May the seller write to this posting's buyer now, and how."""
    start_window = timedelta(hours=figures.chat_start_hours)
    reply_window = timedelta(hours=figures.chat_reply_hours)
    candidates: list[tuple[datetime, Literal["start", "reply"]]] = []
    if facts.scheme != "fbo":
        for moment in (facts.paid_at, facts.delivered_at):
            if moment is not None and moment <= now < moment + start_window:
                if moment is facts.paid_at and facts.status == "cancelled":
                    continue
                candidates.append((moment + start_window, "start"))
    if (
        facts.last_buyer_message_at is not None
        and facts.chat_id is not None
        and now < facts.last_buyer_message_at + reply_window
    ):
        candidates.append((facts.last_buyer_message_at + reply_window, "reply"))
    if candidates:
        closes_at, how = max(candidates)
        return Verdict(True, how, closes_at, "")
    if facts.scheme == "fbo":
        reason = (
            "FBO: the seller can only reply within "
            f"{figures.chat_reply_hours:g} hours of the buyer's last message"
        )
    else:
        reason = (
            f"outside Ozon's windows: {figures.chat_start_hours:g} hours after payment or "
            f"delivery, or {figures.chat_reply_hours:g} hours after the buyer's last message"
        )
    return Verdict(False, "none", None, reason)
