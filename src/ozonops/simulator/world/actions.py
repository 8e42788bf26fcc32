"""Which seller actions a posting offers now (its ``available_actions``)."""

from __future__ import annotations

from datetime import datetime

from ozonops.simulator.world.model import Event, Posting, Scheme

#: The chat window after payment / delivery (ozon-rules.md "Chats").
CHAT_START_WINDOW_S = 72 * 3600


def available_actions(p: Posting, ev: Event, now: datetime) -> list[str]:
    """The spec's ``available_actions`` values this posting allows at ``now``."""
    out: list[str] = []
    status, sub = ev.status, ev.substatus
    if p.scheme is Scheme.FBO:
        return out
    if status == "awaiting_packaging":
        out += ["ship_async_retry"] if sub == "ship_failed" else ["ship"]
        out += ["cancel", "product_cancel"]
    elif status in ("awaiting_deliver", "awaiting_registration"):
        out += ["cancel", "label_download"]
        if p.scheme is Scheme.RFBS_NON_INTEGRATED:
            out += ["set_track_number", "non_int_delivering"]
        if p.scheme is Scheme.FBS and sub in (
            "posting_in_carriage",
            "posting_transferring_to_delivery",
        ):
            out.append("arbitration")
    elif status == "not_accepted":
        out.append("arbitration")
    elif (
        status == "delivering"
        and p.scheme is Scheme.RFBS_NON_INTEGRATED
        and sub != "posting_conditionally_delivered"
    ):
        out += ["set_track_number", "non_int_last_mile", "non_int_delivered"]
    if chat_open(p, ev, now):
        out.append("can_create_chat")
    return out


def chat_open(p: Posting, ev: Event, now: datetime) -> bool:
    """Whether the buyer chat can be started at ``now`` (``can_create_chat``)."""
    since_payment = (now - p.in_process_at).total_seconds()
    return (
        ev.status != "cancelled" and since_payment <= CHAT_START_WINDOW_S
    ) or _within_chat_window(p, ev, now)


def _within_chat_window(p: Posting, ev: Event, now: datetime) -> bool:
    if ev.status != "delivered":
        return False
    return (now - ev.at).total_seconds() <= CHAT_START_WINDOW_S
