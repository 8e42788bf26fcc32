"""When an rFBS return request moves money, for ``world.ledger``.

A request's course (``aftersales_rfbs.realize_rfbs``) depends on the seller's decisions made
through ``/v1/returns/rfbs/action/set``, which ``world.aftersales`` keeps beside the world, so
the ledger's per-posting cache also keys on :func:`decisions_made` and its query cache on
:func:`decisions_version`: a decision shows in the finance methods as soon as it takes effect.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from ozonops.simulator.world import aftersales
from ozonops.simulator.world.aftersales_derive import RfbsRequest, derive_rfbs
from ozonops.simulator.world.model import Line, Posting
from ozonops.simulator.world.world import World

#: Request states in which the buyer has been paid: the whole price or an agreed part of it.
REFUNDED = "MONEY_RETURNED"
COMPENSATED = "PARTIAL_COMPENSATION_RETURNED"
PARTIAL_OFFER = 1020


@dataclass(frozen=True, slots=True)
class RfbsMoney:
    """What one rFBS return request cost the seller, and when (the money-return step)."""

    at: datetime
    refund: bool  # True: full refund of one unit; False: partial compensation
    line: Line
    compensation: Decimal  # the agreed partial compensation (0 for a refund)
    back_way: Decimal  # return postage the seller refunded to the buyer (0 if none)


def request(world: World, p: Posting) -> RfbsRequest | None:
    return derive_rfbs(world.config, p)


def decisions_made(world: World, return_id: int) -> int:
    return len(aftersales.state(world).rfbs_decisions.get(return_id, ()))


def decisions_version(world: World) -> int:
    """Grows with every seller decision in the world (API decisions are few)."""
    return sum(len(v) for v in aftersales.state(world).rfbs_decisions.values())


def money(world: World, req: RfbsRequest) -> RfbsMoney | None:
    """The request's money step, past or future, given the decisions made so far.

    Rejections (by the seller, after the check, or upheld in arbitration) pay nothing; an
    arbitration won by the buyer sends the request back through approval, so its refund
    comes from the later steps like any other.
    """
    back_way = Decimal(0)
    offered = Decimal(0)
    for step in aftersales.rfbs_steps(world, req):
        dec = step.decision
        if dec is not None:
            if dec.return_for_back_way is not None:
                back_way = dec.return_for_back_way
            if dec.action_id == PARTIAL_OFFER and dec.compensation_amount is not None:
                offered = dec.compensation_amount
        if step.state == REFUNDED:
            return RfbsMoney(step.at, True, req.line, Decimal(0), back_way)
        if step.state == COMPENSATED:
            return RfbsMoney(step.at, False, req.line, offered, Decimal(0))
    return None
