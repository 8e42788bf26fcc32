"""Sending buyer messages through Ozon chat: preview, gates, one send per event, an audit trail.

``preview_messages`` says, per posting, what would be sent (Russian, with the Chinese
translation) and whether it may be: inside Ozon's chat window (:mod:`ozonops.rules.windows`),
the shop's plan not known to refuse chat writing, not sent before for the same event.
``send_messages`` then, for each allowed one:

1. claims the event in ``buyer_messages`` (unique ``event_key``) and commits — a second send of
   the same event, even from another process, stops here;
2. finds the chat (the buyer's, from the store) or starts it (``/v1/chat/start``);
3. sends the text (``/v1/chat/send/message``, never retried by the client);
4. marks it sent. If Ozon refused (403 not on plan, 409 window, 400/404), the claim is released
   and the reason kept; a 403 also marks the shop so later sends stop before calling. If the
   call failed after the request may have reached Ozon, the claim stays ``in_doubt``: it is
   never sent again automatically.

Every attempt, sent or refused, writes an ``audit_log`` entry (``buyer_message.*``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ozonops.db import Database, upsert
from ozonops.db.tables import (
    Alert,
    AuditEntry,
    BuyerMessage,
    Chat,
    ChatMessage,
    Posting,
    Shop,
    StatusHistory,
    WatchFact,
)
from ozonops.domain import OzonFigures
from ozonops.ozon import ApiError, OzonClient
from ozonops.ozon import errors as api
from ozonops.rules.catalogue.aftersales import BUYER
from ozonops.rules.errors import MessageRefused, UnknownAlert
from ozonops.rules.templates import Rendered, render, template
from ozonops.rules.windows import ChatFacts, Verdict, chat_window

__all__ = [
    "CHAT_WRITE_REFUSED",
    "Preview",
    "Sent",
    "event_key",
    "postings_of_alerts",
    "preview_messages",
    "send_messages",
]

#: ``watch_facts.kind``: Ozon answered 403 to a chat write for this shop (not in its plan).
CHAT_WRITE_REFUSED = "chat_write_refused"
#: A 403 is believed this long before asking Ozon again (a plan can be upgraded).
PLAN_MEMORY = timedelta(days=1)


@dataclass(frozen=True, slots=True)
class Preview:
    """One message as it would go out."""

    shop_id: int
    shop: str
    posting_number: str
    event_key: str
    message: Rendered
    verdict: Verdict
    chat_id: str | None
    #: Why it will not be sent (None: it may be).
    refusal: str | None
    refusal_code: str | None
    alert_id: int | None = None

    @property
    def allowed(self) -> bool:
        return self.refusal is None


@dataclass(frozen=True, slots=True)
class Sent:
    """What happened to one message."""

    posting_number: str
    status: Literal["sent", "refused", "in_doubt"]
    reason: str = ""
    code: str | None = None
    chat_id: str | None = None


def event_key(template_id: str, posting_number: str) -> str:
    """One message of each kind per posting (the same delay is not announced twice)."""
    return f"{template_id}:{posting_number}"


def postings_of_alerts(session: Session, alert_ids: Sequence[int]) -> dict[str, int]:
    """The posting of each alert (posting alerts only), by number → alert id."""
    out: dict[str, int] = {}
    for alert_id in alert_ids:
        alert = session.get(Alert, alert_id)
        if alert is None:
            raise UnknownAlert(f"no alert #{alert_id}; `ozonops alerts list` shows their ids")
        if alert.object_type != "posting":
            raise MessageRefused(
                f"alert #{alert_id} is about a {alert.object_type}, not a posting: "
                "buyer messages go to a posting's buyer",
                reason="unknown_posting",
            )
        out[alert.object_id] = alert_id
    return out


def _facts(session: Session, numbers: Sequence[str]) -> dict[str, tuple[Posting, ChatFacts]]:
    postings = {
        p.posting_number: p
        for p in session.scalars(select(Posting).where(Posting.posting_number.in_(numbers)))
    }
    delivered = dict(
        session.execute(
            select(StatusHistory.posting_number, func.min(StatusHistory.at))
            .where(StatusHistory.posting_number.in_(numbers), StatusHistory.status == "delivered")
            .group_by(StatusHistory.posting_number)
        ).all()
    )
    orders = {p.order_number: n for n, p in postings.items() if p.order_number}
    chats: dict[str, tuple[str | None, datetime | None]] = {}
    if orders:
        rows = session.execute(
            select(Chat.chat_id, Chat.order_number, func.max(ChatMessage.created_at))
            .outerjoin(
                ChatMessage,
                (ChatMessage.chat_id == Chat.chat_id) & (ChatMessage.user_type == BUYER),
            )
            .where(Chat.order_number.in_(list(orders)), Chat.chat_type == "BUYER_SELLER")
            .group_by(Chat.chat_id, Chat.order_number)
        )
        for chat_id, order, last in rows:
            if order is not None:
                chats[orders[order]] = (chat_id, last)
    out = {}
    for number, p in postings.items():
        found_chat, last = chats.get(number, (None, None))
        delivered_at = delivered.get(number)
        if delivered_at is not None and delivered_at.tzinfo is None:
            delivered_at = delivered_at.replace(tzinfo=p.status_at.tzinfo)
        out[number] = (
            p,
            ChatFacts(p.scheme, p.status, p.in_process_at, delivered_at, last, found_chat),
        )
    return out


def _refused_plans(session: Session, now: datetime) -> set[int]:
    return set(
        session.scalars(
            select(WatchFact.shop_id).where(
                WatchFact.kind == CHAT_WRITE_REFUSED, WatchFact.observed_at > now - PLAN_MEMORY
            )
        )
    )


def preview_messages(
    session: Session,
    *,
    template_id: str,
    postings: Sequence[str],
    now: datetime,
    figures: OzonFigures,
    alerts: Mapping[str, int] | None = None,
) -> list[Preview]:
    """What would be sent to each posting's buyer, and whether it may be (nothing is sent).

    ``alerts`` names the alert a posting's message answers (kept with the message)."""
    template(template_id)  # an unknown id fails before anything else
    numbers = list(dict.fromkeys(postings))
    alerts = alerts or {}
    known = _facts(session, numbers)
    shops = {i: n for i, n in session.execute(select(Shop.id, Shop.name))}
    sent = set(
        session.scalars(
            select(BuyerMessage.event_key).where(
                BuyerMessage.event_key.in_([event_key(template_id, n) for n in numbers])
            )
        )
    )
    refused = _refused_plans(session, now)
    out = []
    for number in numbers:
        if number not in known:
            raise MessageRefused(
                f"posting {number} is not in the store; sync first (`ozonops sync`)",
                reason="unknown_posting",
            )
        p, facts = known[number]
        key = event_key(template_id, number)
        verdict = chat_window(facts, now=now, figures=figures)
        refusal, code = None, None
        if key in sent:
            refusal, code = f"already sent ({key})", "already_sent"
        elif p.shop_id in refused:
            refusal, code = (
                "the shop's plan does not include chat writing (Ozon 403)",
                "not_on_plan",
            )
        elif not verdict.allowed:
            refusal, code = verdict.reason, "window"
        out.append(
            Preview(
                shop_id=p.shop_id,
                shop=shops.get(p.shop_id, str(p.shop_id)),
                posting_number=number,
                event_key=key,
                message=render(template_id, posting_number=number, order_number=p.order_number),
                verdict=verdict,
                chat_id=facts.chat_id,
                refusal=refusal,
                refusal_code=code,
                alert_id=alerts.get(number),
            )
        )
    return out


def _audit(
    session: Session, p: Preview, *, actor: str, now: datetime, outcome: str, **details: Any
) -> None:
    session.execute(
        insert(AuditEntry).values(
            at=now,
            actor=actor,
            action=f"buyer_message.{outcome}",
            shop_id=p.shop_id,
            object_type="posting",
            object_id=p.posting_number,
            details={
                "template": p.message.template,
                "event_key": p.event_key,
                "alert_id": p.alert_id,
                "text": p.message.ru,
                **details,
            },
        )
    )


async def send_messages(
    db: Database,
    *,
    previews: Sequence[Preview],
    clients: Mapping[int, OzonClient],
    actor: str,
    now: datetime,
) -> list[Sent]:
    """Send every allowed preview (see the module docstring); one result per preview."""
    results = []
    for p in previews:
        if not p.allowed:
            with db.transaction() as s:
                _audit(
                    s,
                    p,
                    actor=actor,
                    now=now,
                    outcome="refused",
                    reason=p.refusal,
                    code=p.refusal_code,
                )
            results.append(Sent(p.posting_number, "refused", p.refusal or "", p.refusal_code))
            continue
        results.append(await _send_one(db, p, clients[p.shop_id], actor=actor, now=now))
    return results


def _claim(db: Database, p: Preview, *, actor: str, now: datetime) -> bool:
    try:
        with db.transaction() as s:
            s.execute(
                insert(BuyerMessage).values(
                    shop_id=p.shop_id,
                    posting_number=p.posting_number,
                    template=p.message.template,
                    event_key=p.event_key,
                    alert_id=p.alert_id,
                    chat_id=p.chat_id,
                    text=p.message.ru,
                    status="sending",
                    actor=actor,
                    claimed_at=now,
                )
            )
    except IntegrityError:
        return False
    return True


async def _send_one(
    db: Database, p: Preview, client: OzonClient, *, actor: str, now: datetime
) -> Sent:
    if not _claim(db, p, actor=actor, now=now):
        with db.transaction() as s:
            _audit(
                s,
                p,
                actor=actor,
                now=now,
                outcome="refused",
                reason="already sent",
                code="already_sent",
            )
        return Sent(p.posting_number, "refused", f"already sent ({p.event_key})", "already_sent")
    chat_id = p.chat_id
    sending = False
    try:
        if chat_id is None:
            started = await client.chat_start(posting_number=p.posting_number)
            chat_id = started.result.chat_id if started.result else None
            if not chat_id:
                raise api.UnexpectedResponse(
                    "the answer names no chat_id", method="/v1/chat/start", status=200
                )
        sending = True
        await client.chat_send_message(chat_id=chat_id, text=p.message.ru)
    except ApiError as exc:
        may_have_arrived = sending and exc.sent and not isinstance(exc, api.TerminalApiError)
        return _failed(db, p, exc, chat_id=chat_id, in_doubt=may_have_arrived, actor=actor, now=now)
    with db.transaction() as s:
        s.execute(
            update(BuyerMessage)
            .where(BuyerMessage.event_key == p.event_key)
            .values(status="sent", sent_at=now, chat_id=chat_id)
        )
        _audit(s, p, actor=actor, now=now, outcome="sent", chat_id=chat_id)
    return Sent(p.posting_number, "sent", chat_id=chat_id)


def _failed(
    db: Database,
    p: Preview,
    exc: ApiError,
    *,
    chat_id: str | None,
    in_doubt: bool,
    actor: str,
    now: datetime,
) -> Sent:
    """Release the claim unless the message may have reached the buyer (then: in doubt)."""
    refused = isinstance(exc, api.TerminalApiError)
    with db.transaction() as s:
        if not in_doubt:
            s.execute(delete(BuyerMessage).where(BuyerMessage.event_key == p.event_key))
        else:
            s.execute(
                update(BuyerMessage)
                .where(BuyerMessage.event_key == p.event_key)
                .values(status="in_doubt", chat_id=chat_id, error=str(exc)[:2000])
            )
        if isinstance(exc, api.SubscriptionRequired):
            upsert(
                s,
                WatchFact,
                [
                    {
                        "shop_id": p.shop_id,
                        "kind": CHAT_WRITE_REFUSED,
                        "subject": "chat_write",
                        "since": now,
                        "details": {"error": str(exc)[:500]},
                        "observed_at": now,
                    }
                ],
                key=["shop_id", "kind", "subject"],
                update=["details", "observed_at"],
            )
            code, outcome = "not_on_plan", "refused"
        elif in_doubt:
            code, outcome = "in_doubt", "in_doubt"
        elif refused:
            code, outcome = "ozon_refused", "refused"
        else:
            code, outcome = "not_sent", "failed"
        _audit(s, p, actor=actor, now=now, outcome=outcome, code=code, error=str(exc)[:500])
    if outcome == "in_doubt":
        return Sent(p.posting_number, "in_doubt", str(exc), code, chat_id)
    return Sent(p.posting_number, "refused", str(exc), code, chat_id)
