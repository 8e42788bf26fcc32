"""The seller's money: every finance movement, derived from each posting's realized timeline.

One posting's operations are a pure function of the posting (its lines, scheme, timeline and
cancellation) and the world seed, so every finance method reads the same movements:
``/v3/finance/transaction/list`` and ``/totals`` show :class:`Operation` s,
``/v1/finance/accrual/*`` show their :class:`Charge` s, the realization reports group the sale
and return charges by month, and the cash-flow statement groups everything by half-month.
Per-line amounts come from ``world.money.line_money`` only.

What happens to a posting's money (dates are the booking dates, UTC):

- **Delivered** (the first ``delivered`` event; for rFBS delivered by the seller this is the
  buyer's confirmation after ``conditionally_delivered``, not the conditional delivery):
  ``OperationAgentDeliveredToCustomer`` at that moment: sale ``+price×qty``, commission
  ``−commission_amount`` and, where Ozon carries the parcel (``ozon_charges_logistics``),
  direct-flow logistics ``−logistics_estimate`` and last mile ``−5.5 %`` (20–500 ₽ per line).
  Acquiring ``MarketplaceRedistributionOfAcquiringOperation`` (``−1.5 %``) is booked later:
  on the next day, 02:00–09:00 UTC.
- **Returned after delivery**, FBS and FBO: the ``ClientReturn`` items of
  ``aftersales_derive.derive_returns`` (the same returns ``/v1/returns/list`` shows; a return
  may take part of a line's quantity). ``ClientReturnAgentOperation`` when the item reaches
  Ozon (``ReturnedToOzon``): sale and the returned units' share of the commission reversed.
  Then either, for an item damaged on Ozon's watch, ``MarketplaceSellerCompensationOperation``
  (the returned units' payout) when the return's compensation is ``Received``, or, where Ozon
  carries parcels, ``OperationItemReturn`` (return logistics and processing) booked 3–35 days
  after the arrival: the parts of one return land on different days, often in another month.
- **rFBS return requests** (``aftersales_derive.derive_rfbs``, decided by the seller through
  ``/v1/returns/rfbs/action/set`` or by Ozon's 24-hour auto-approval; history requests by the
  simulated seller, see ``aftersales_rfbs``): money moves only when the request reaches a
  money state, at that step's time (``ledger_rfbs.money``). ``MONEY_RETURNED`` (refund
  without the goods, or after the returned item was checked): ``ClientReturnAgentOperation``
  reversing one unit's sale and its share of the commission [inferred: the request names a
  product, not a quantity], plus, when a decision carried ``return_for_back_way``,
  ``ReturnAgentOperationRFBS`` debiting that postage refund. ``PARTIAL_COMPENSATION_RETURNED``
  (the buyer accepted the seller's 1020 offer): ``ReturnAgentOperationRFBS`` debiting the
  agreed ``compensation_amount``; the sale and commission stand [inferred: the spec lists no
  partial-compensation operation type; Ozon reports these in its transfer report with the
  rFBS delivery transfers, so we use that family's code]. Rejected requests (by the seller,
  after the check, or upheld in arbitration) book nothing; an arbitration the buyer wins
  re-approves the request, so its refund follows the later steps. The seller pays its own
  return shipping: no Ozon return fees. A money step later than :data:`MAX_LAG` after the
  posting's creation (a seller sitting on an arrived return for months) is not booked.
- **Not collected / returned to sender** (cancelled after shipping), Ozon-carried schemes
  only: ``MarketplaceServiceItemDirectFlowLogistic`` at the cancellation, then
  ``OperationItemReturn`` (return logistics, cancellation processing) 2–20 days later.
- **Lost by the carrier**: ``MarketplaceSellerCompensationOperation`` ``+payout`` 20 days
  after the cancellation (ozon-rules.md).
- **Cancelled by the seller's fault** (the cancellation counts against the seller's rating,
  e.g. not handed over in time): ``OperationItemReturn`` with a cancellation-processing fee of
  3 % of the posting's price (at most 1,500 ₽) a day later [inferred: Ozon's error-index
  penalty simplified to every such cancellation].
- Buyer cancellations before shipping and Ozon-side cancellations cost nothing.

No operation is booked more than :data:`MAX_LAG` after its posting was created, so a finance
query scanning postings created in ``[from − SCAN_BACK, to]`` sees every operation dated in
``[from, to]``. An operation is visible once its date is ≤ now.

A seller decision changes a request's future only: its steps are dated at the decision or
later, so operations dated before now never change; the per-posting cache keys on the number
of decisions made on the posting's request and the query cache on the world's, so a decision
taking effect at ``now`` shows at once.

Differences between the methods, on purpose (everything else agrees to the kopeck):

1. ``/v2/finance/realization`` (rows per SKU and price) computes ``standard_fee`` as
   ``round(amount × commission_ratio)`` over the whole row, while the ledger rounds the
   commission per posting line; the two differ by at most 0.5 kopeck per posting line in the
   row (well under 1 % of the commission). ``/v1/finance/realization/posting`` has one row per
   posting line and matches the ledger exactly.
2. The realization report holds sales and returns only (``accruals_for_sale`` and
   ``sale_commission`` of ``OperationAgentDeliveredToCustomer`` and
   ``ClientReturnAgentOperation``, rFBS refunds included); logistics, acquiring, fees,
   compensations and rFBS transfers (partial compensation, postage) are in the transactions,
   accruals and cash flow but not in it, as at Ozon.
3. Late-booked parts (acquiring next day, return logistics weeks later) belong to the month
   or half-month of their own booking date, so a month's transactions hold fees of earlier
   months' sales.

Months and half-months are UTC calendar periods [inferred: Ozon's are Moscow time].
"""

from __future__ import annotations

import random
import weakref
from collections import OrderedDict
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from ozonops.simulator.world import ledger_rfbs
from ozonops.simulator.world.accruals import (
    ACQUIRING,
    ACQUIRING_OP,
    BACK_WAY_REFUND,
    CANCEL_PROCESSING,
    CLIENT_RETURN,
    COMMISSION,
    COMPENSATION,
    COMPENSATION_OP,
    DELIVERED,
    DIRECT_LOGISTICS_OP,
    ITEM_RETURN,
    LAST_MILE,
    LOGISTICS,
    PARTIAL_COMPENSATION,
    RETURN_COMMISSION,
    RETURN_LOGISTICS,
    RETURN_PROCESSING,
    RETURN_SALE,
    RFBS_TRANSFER_OP,
    SALE,
    ZERO,
    Charge,
    Operation,
)
from ozonops.simulator.world.aftersales_derive import RfbsRequest, derive_returns
from ozonops.simulator.world.model import Line, Posting, Scheme, Shop
from ozonops.simulator.world.money import CENT, LineMoney, line_money
from ozonops.simulator.world.world import World

#: No operation is booked later than this after its posting was created.
MAX_LAG = timedelta(days=119)
#: How far back finance queries look for postings whose operations fall in the window.
SCAN_BACK = timedelta(days=120)
#: Lost parcels are compensated this long after the cancellation (ozon-rules.md).
LOSS_COMPENSATION_DELAY = timedelta(days=20)
LAST_MILE_RATE = Decimal("0.055")
LAST_MILE_MIN = Decimal(20)
LAST_MILE_MAX = Decimal(500)
ACQUIRING_RATE = Decimal("0.015")
RETURN_PROCESSING_PER_UNIT = Decimal(15)
CANCEL_PROCESSING_PER_UNIT = Decimal(25)
SELLER_FAULT_RATE = Decimal("0.03")
SELLER_FAULT_CAP = Decimal(1500)

_OP_ID_BASE = 10_000_000_000_000


def rub(x: Decimal) -> Decimal:
    return x.quantize(CENT, rounding=ROUND_HALF_UP)


def last_mile(money: LineMoney) -> Decimal:
    return rub(min(max(money.gross * LAST_MILE_RATE, LAST_MILE_MIN), LAST_MILE_MAX))


# --- building a posting's operations -----------------------------------------------------------
def posting_operations(world: World, p: Posting) -> tuple[Operation, ...]:
    """Every operation of ``p``, past and future, oldest first; cached on the posting.

    The cache is keyed by the objects the operations derive from: a seller action replaces
    ``p.timeline`` (``World.refresh``), which rebuilds the operations on the next read; a
    decision on the posting's rFBS return request adds to its decision count, which does too.
    """
    cached = p.extra.get("_ledger")
    if (
        isinstance(cached, tuple)
        and cached[0] is p.timeline
        and cached[1] is p.lines
        and (cached[2] is None or ledger_rfbs.decisions_made(world, cached[2]) == cached[3])
    ):
        ops: tuple[Operation, ...] = cached[4]
        return ops
    req = ledger_rfbs.request(world, p)
    made = ledger_rfbs.decisions_made(world, req.return_id) if req is not None else 0
    ops = _build(world, p, req)
    p.extra["_ledger"] = (p.timeline, p.lines, req.return_id if req else None, made, ops)
    return ops


def _op_base(p: Posting) -> int:
    tail = p.posting_number.rsplit("-", 1)[-1]
    k = (int(tail) - 1) if tail.isdigit() else 0
    return _OP_ID_BASE + (p.index * 8 + min(max(k, 0), 7)) * 16


def _build(world: World, p: Posting, req: RfbsRequest | None) -> tuple[Operation, ...]:
    rng = random.Random(f"{world.config.seed}:ledger:{p.posting_number}")
    base = _op_base(p)
    latest = p.created_at + MAX_LAG
    drafts: list[tuple[str, datetime, list[Charge], tuple[Line, ...]]] = []

    def book(kind: str, at: datetime, charges: list[Charge], lines: tuple[Line, ...]) -> None:
        charges = [c for c in charges if c.amount != 0]
        if charges:
            drafts.append((kind, min(at, latest), charges, lines))

    delivered = next((ev for ev in p.timeline if ev.kind == "delivered"), None)
    final = p.timeline[-1] if p.timeline else None
    if delivered is not None:
        sale: list[Charge] = []
        acquiring: list[Charge] = []
        for line in p.lines:
            m = line_money(line, p.scheme)
            sku = line.sku.sku
            sale.append(Charge(SALE, m.gross, sku, m.quantity, m.price, m.commission_percent))
            sale.append(
                Charge(
                    COMMISSION, -m.commission_amount, sku, m.quantity, m.price, m.commission_percent
                )
            )
            if m.ozon_charges_logistics:
                sale.append(Charge(LOGISTICS, -m.logistics_estimate, sku, m.quantity))
                sale.append(Charge(LAST_MILE, -last_mile(m), sku, m.quantity))
            acquiring.append(Charge(ACQUIRING, -rub(m.gross * ACQUIRING_RATE), sku, m.quantity))
        book(DELIVERED, delivered.at, sale, p.lines)
        next_day = datetime(delivered.at.year, delivered.at.month, delivered.at.day, tzinfo=UTC)
        next_day += timedelta(days=1, seconds=rng.randint(2 * 3600, 9 * 3600))
        book(ACQUIRING_OP, next_day, acquiring, p.lines)
        for item in derive_returns(world.config, p):
            if item.type != "ClientReturn":
                continue
            m = line_money(item.line, p.scheme)
            qty, sku = item.quantity, item.line.sku.sku
            share = Decimal(qty) / m.quantity
            refund = rub(m.commission_amount * share)
            gross = m.price * qty
            accepted = next(
                (st.at for st in item.steps if st.sys_name == "ReturnedToOzon"), item.return_date
            )
            back = [
                Charge(RETURN_SALE, -gross, sku, qty, m.price, m.commission_percent),
                Charge(RETURN_COMMISSION, refund, sku, qty, m.price, m.commission_percent),
            ]
            book(CLIENT_RETURN, accepted, back, (item.line,))
            paid = next((at for at, status in item.compensation if status == 2), None)
            if paid is not None:  # damaged on Ozon's watch: Ozon pays, the seller is not charged
                comp = [Charge(COMPENSATION, gross - refund, sku, qty)]
                book(COMPENSATION_OP, paid, comp, (item.line,))
            elif m.ozon_charges_logistics:
                fees = [
                    Charge(RETURN_LOGISTICS, -rub(m.logistics_estimate * share), sku, qty),
                    Charge(RETURN_PROCESSING, -RETURN_PROCESSING_PER_UNIT * qty, sku, qty),
                ]
                fee_at = accepted + timedelta(seconds=rng.randint(3 * 86400, 35 * 86400))
                book(ITEM_RETURN, fee_at, fees, (item.line,))
        rfbs_money = ledger_rfbs.money(world, req) if req is not None else None
        if rfbs_money is not None and rfbs_money.at <= latest:
            m = line_money(rfbs_money.line, p.scheme)
            sku, lines = rfbs_money.line.sku.sku, (rfbs_money.line,)
            if rfbs_money.refund:
                refund = rub(m.commission_amount / m.quantity)
                back = [
                    Charge(RETURN_SALE, -m.price, sku, 1, m.price, m.commission_percent),
                    Charge(RETURN_COMMISSION, refund, sku, 1, m.price, m.commission_percent),
                ]
                book(CLIENT_RETURN, rfbs_money.at, back, lines)
                book(
                    RFBS_TRANSFER_OP,
                    rfbs_money.at,
                    [Charge(BACK_WAY_REFUND, -rfbs_money.back_way, sku)],
                    lines,
                )
            else:
                comp = [Charge(PARTIAL_COMPENSATION, -rfbs_money.compensation, sku, 1)]
                book(RFBS_TRANSFER_OP, rfbs_money.at, comp, lines)
    elif final is not None and final.status == "cancelled":
        cancellation = world.cancellation(p, final.at)
        if final.kind == "lost":
            comp = [
                Charge(COMPENSATION, m.payout, line.sku.sku, m.quantity)
                for line in p.lines
                for m in (line_money(line, p.scheme),)
            ]
            book(COMPENSATION_OP, final.at + LOSS_COMPENSATION_DELAY, comp, p.lines)
        elif final.kind in ("not_collected", "returned_to_sender"):
            direct: list[Charge] = []
            fees = []
            for line in p.lines:
                m = line_money(line, p.scheme)
                if not m.ozon_charges_logistics:
                    continue
                sku = line.sku.sku
                direct.append(Charge(LOGISTICS, -m.logistics_estimate, sku, m.quantity))
                fees.append(Charge(RETURN_LOGISTICS, -m.logistics_estimate, sku, m.quantity))
                fees.append(
                    Charge(
                        CANCEL_PROCESSING, -CANCEL_PROCESSING_PER_UNIT * m.quantity, sku, m.quantity
                    )
                )
            book(DIRECT_LOGISTICS_OP, final.at, direct, p.lines)
            fee_at = final.at + timedelta(seconds=rng.randint(2 * 86400, 20 * 86400))
            book(ITEM_RETURN, fee_at, fees, p.lines)
        elif (
            cancellation is not None
            and cancellation.affect_cancellation_rating
            and p.scheme is not Scheme.FBO
        ):
            gross = sum((line_money(line, p.scheme).gross for line in p.lines), ZERO)
            fee = min(rub(gross * SELLER_FAULT_RATE), SELLER_FAULT_CAP)
            first = p.lines[0].sku.sku if p.lines else None
            book(
                ITEM_RETURN,
                final.at + timedelta(days=1),
                [Charge(CANCEL_PROCESSING, -fee, first, None)],
                p.lines,
            )
    drafts.sort(key=lambda d: d[1])
    return tuple(
        Operation(base + seq, kind, at, p, tuple(charges), lines)
        for seq, (kind, at, charges, lines) in enumerate(drafts)
    )


# --- reading the ledger ------------------------------------------------------------------------
def shop_postings(world: World, shop: Shop, since: datetime, to: datetime) -> Iterator[Posting]:
    """A shop's postings (FBS family and FBO) whose operations may fall in ``[since, to]``."""
    for fbo in (False, True):
        yield from world.postings(shop, fbo=fbo, since=since - SCAN_BACK, to=to)


def operations(
    world: World, shop: Shop, since: datetime, to: datetime, now: datetime
) -> list[Operation]:
    """A shop's operations dated in ``[since, to]`` and ≤ now, by date then id.

    Results are memoised per world for a few recent windows (paging walks repeat one query).
    That is safe because the booked past never changes: a seller action at ``t`` moves events
    to ``t`` + a delay or later and cancels only events after ``t``, so operations dated
    ``≤ now`` are final; the key holds ``min(to, now)``. An rFBS decision at ``t`` may book
    money at ``t`` itself (a refund without the goods), so the key also holds the world's
    decision count. Callers must not mutate the list.
    """
    to = min(to, now)
    if to < since:
        return []
    cache = _QUERY_CACHE.setdefault(world, OrderedDict())
    key = (shop.index, since, to, ledger_rfbs.decisions_version(world))
    hit = cache.get(key)
    if hit is not None:
        cache.move_to_end(key)
        return hit
    out: list[Operation] = []
    for p in shop_postings(world, shop, since, to):
        for op in posting_operations(world, p):
            if since <= op.at <= to:
                out.append(op)
    out.sort(key=lambda op: (op.at, op.operation_id))
    cache[key] = out
    while len(cache) > _QUERY_CACHE_SIZE:
        cache.popitem(last=False)
    return out


_QUERY_CACHE_SIZE = 8
_QUERY_CACHE: weakref.WeakKeyDictionary[
    World, OrderedDict[tuple[int, datetime, datetime, int], list[Operation]]
] = weakref.WeakKeyDictionary()


def visible(world: World, p: Posting, now: datetime) -> list[Operation]:
    """A posting's operations booked by now."""
    return [op for op in posting_operations(world, p) if op.at <= now]


def month_bounds(year: int, month: int) -> tuple[datetime, datetime]:
    """``[first instant, last instant]`` of a UTC calendar month."""
    start = datetime(year, month, 1, tzinfo=UTC)
    nxt = datetime(year + month // 12, month % 12 + 1, 1, tzinfo=UTC)
    return start, nxt - timedelta(microseconds=1)


def half_month(at: datetime) -> tuple[datetime, datetime]:
    """The half-month period (1st–15th or 16th–end, UTC) holding ``at``: ``[begin, end]``."""
    start, end = month_bounds(at.year, at.month)
    mid = start + timedelta(days=15)
    if at < mid:
        return start, mid - timedelta(microseconds=1)
    return mid, end
