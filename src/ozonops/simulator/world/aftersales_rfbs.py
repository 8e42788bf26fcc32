"""The rFBS return request state machine: buyer's moves, seller's decisions, Ozon's timers.

A request starts in ``ON_APPROVAL``. The seller decides with ``/v1/returns/rfbs/action/set``
(ids from ``reference.ozon_codes.RFBS_RETURN_ACTIONS``); without a decision within 24 hours
Ozon approves it (ozon-rules.md "Deadlines and clocks"). The buyer's moves (sending the parcel,
answering a partial-compensation offer, disputing a refusal) are drawn in advance
(``aftersales_derive.RfbsRequest``). Only ``ON_APPROVAL`` is a state code seen in Ozon's docs;
the other codes and all names are ours [inferred].
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from ozonops.simulator.reference.ozon_codes import RETURN_REJECTION_REASONS
from ozonops.simulator.world.aftersales_derive import RfbsRequest

H = timedelta(hours=1)
D = timedelta(days=1)
#: FBS return requests must be decided within 24 hours or Ozon approves them (ozon-rules.md).
DECISION_WINDOW = timedelta(hours=24)


@dataclass(frozen=True, slots=True)
class RfbsState:
    group_state: str
    name: str
    money_state: str
    actions: tuple[int, ...]


RFBS_STATES: dict[str, RfbsState] = {
    "ON_APPROVAL": RfbsState("New", "Ожидает решения продавца", "", (10, 50, 1020, -1)),
    "PARTIAL_COMPENSATION_OFFERED": RfbsState(
        "New", "Покупателю предложена частичная компенсация", "", ()
    ),
    "ON_SELLER_CLARIFICATION": RfbsState(
        "New", "Покупатель отказался от компенсации, ожидает решения продавца", "", (10, 50, -1)
    ),
    "APPROVED": RfbsState("Delivering", "Одобрено продавцом, ожидает отправки", "", ()),
    "APPROVED_BY_OZON": RfbsState("Delivering", "Одобрено Ozon, ожидает отправки", "", ()),
    "DELIVERING": RfbsState("Delivering", "Товар в пути к продавцу", "", ()),
    "ARRIVED": RfbsState("Delivering", "Товар прибыл в пункт выдачи продавца", "", (30,)),
    "RECEIVED": RfbsState("Checkout", "Товар у продавца на проверке", "", (40, -10)),
    "MONEY_RETURNED": RfbsState(
        "Approved", "Деньги возвращены покупателю", "Деньги возвращены", ()
    ),
    "PARTIAL_COMPENSATION_RETURNED": RfbsState(
        "Approved", "Частичная компенсация выплачена", "Компенсация выплачена", ()
    ),
    "REJECTED": RfbsState("Rejected", "Отклонено продавцом", "", ()),
    "ARBITRATION": RfbsState("Arbitration", "Спор на рассмотрении Ozon", "", ()),
    "ARBITRATION_REJECTED": RfbsState("Rejected", "Спор решён в пользу продавца", "", ()),
    "REJECTED_AFTER_CHECK": RfbsState("Rejected", "Отклонено после проверки товара", "", ()),
}
GROUP_STATES = ("New", "Delivering", "Checkout", "Arbitration", "Approved", "Rejected")
_AUTO_APPROVE = ("ON_APPROVAL", "ON_SELLER_CLARIFICATION")
_AFTER_ACTION = {
    10: "APPROVED",
    50: "MONEY_RETURNED",
    1020: "PARTIAL_COMPENSATION_OFFERED",
    -1: "REJECTED",
    30: "RECEIVED",
    40: "MONEY_RETURNED",
    -10: "REJECTED_AFTER_CHECK",
}


@dataclass(frozen=True, slots=True)
class Decision:
    at: datetime
    action_id: int
    comment: str = ""
    rejection_reason_id: int = 0
    compensation_amount: Decimal | None = None
    return_for_back_way: Decimal | None = None


@dataclass(frozen=True, slots=True)
class RfbsStep:
    at: datetime
    state: str
    decision: Decision | None


def autopilot_decision(req: RfbsRequest, state: str, entered: datetime) -> Decision | None:
    """What the simulated seller of the world's history decides in ``state``."""
    rng = random.Random(f"{req.autopilot_seed}:{state}")
    if state == "ON_APPROVAL":
        u = rng.random()
        at = entered + rng.uniform(0.5, 20) * H
        if u < 0.10:
            return None  # missed the window: Ozon approves
        if u < 0.55:
            return Decision(at, 10)
        if u < 0.70:
            return Decision(at, 50)
        if u < 0.85:
            share = Decimal(str(round(rng.uniform(0.3, 0.5), 2)))
            return Decision(at, 1020, compensation_amount=(req.line.price * share).quantize(1))
        reason = rng.choice(RETURN_REJECTION_REASONS)
        return Decision(at, -1, "Товар надлежащего качества, следов брака нет.", reason.id)
    if state == "ON_SELLER_CLARIFICATION":
        return Decision(entered + rng.uniform(1, 12) * H, 10)
    if state == "ARRIVED":
        return Decision(entered + rng.uniform(0.2, 3) * D, 30)
    if state == "RECEIVED":
        at = entered + rng.uniform(2, 48) * H
        if rng.random() < 0.9:
            return Decision(at, 40)
        reason = rng.choice(RETURN_REJECTION_REASONS)
        return Decision(at, -10, "Товар со следами использования.", reason.id)
    return None


def realize_rfbs(
    req: RfbsRequest,
    decisions: list[Decision],
    autopilot_until: datetime | None,
) -> list[RfbsStep]:
    """The request's states over time given the seller's API ``decisions``.

    The simulated seller decides while its decision falls before ``autopilot_until`` (None:
    always); after that only ``decisions`` count. The list ends at a state waiting for the
    seller (or a final one).
    """
    steps = [RfbsStep(req.created_at, "ON_APPROVAL", None)]
    api = iter(decisions)
    pending: Decision | None = next(api, None)
    for _ in range(20):  # the longest path has fewer steps; a guard, not a limit
        cur = steps[-1]
        state = RFBS_STATES[cur.state]
        nxt: RfbsStep | None = None
        if state.actions:
            auto = autopilot_decision(req, cur.state, cur.at)
            choice: Decision | None = None
            if auto is not None and (autopilot_until is None or auto.at < autopilot_until):
                choice = auto
            elif pending is not None:
                choice = pending
                pending = next(api, None)
            deadline = cur.at + DECISION_WINDOW if cur.state in _AUTO_APPROVE else None
            if choice is not None and (deadline is None or choice.at < deadline):
                nxt = RfbsStep(choice.at, _AFTER_ACTION[choice.action_id], choice)
            elif deadline is not None:
                nxt = RfbsStep(deadline, "APPROVED_BY_OZON", None)
        else:
            nxt = _buyer_move(req, cur)
        if nxt is None:
            break
        steps.append(nxt)
    return steps


def _buyer_move(req: RfbsRequest, cur: RfbsStep) -> RfbsStep | None:
    s = cur.state
    if s == "PARTIAL_COMPENSATION_OFFERED":
        nxt = "PARTIAL_COMPENSATION_RETURNED" if req.accepts_partial else "ON_SELLER_CLARIFICATION"
        return RfbsStep(cur.at + req.partial_answer, nxt, None)
    if s in ("APPROVED", "APPROVED_BY_OZON"):
        return RfbsStep(cur.at + req.ship_delay, "DELIVERING", None)
    if s == "DELIVERING":
        return RfbsStep(cur.at + req.transit, "ARRIVED", None)
    if s == "REJECTED" and req.disputes:
        return RfbsStep(cur.at + req.dispute_delay, "ARBITRATION", None)
    if s == "ARBITRATION":
        nxt = "APPROVED_BY_OZON" if req.arbitration_for_buyer else "ARBITRATION_REJECTED"
        return RfbsStep(cur.at + req.arbitration_delay, nxt, None)
    return None


def step_at(steps: list[RfbsStep], now: datetime) -> RfbsStep:
    found = steps[0]
    for s in steps:
        if s.at > now:
            break
        found = s
    return found
