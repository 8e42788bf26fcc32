"""Per-line money: the single source of what one posting line costs, pays and earns.

Every place the simulator shows money for a posting line (``financial_data`` in the posting
lists and ``/v3/posting/fbs/get``, finance transactions, realization reports) must take it from
:func:`line_money`, so that the numbers agree everywhere: ``payout = price × quantity −
commission_amount``.

What is ours rather than Ozon's [inferred]: the commission percent is the SKU's category
percent rounded to a whole number (the spec types ``commission.percent`` as an integer); Ozon
co-finances no discount, so ``customer_price`` equals the price the seller set; the logistics
estimate is a flat per-posting-line tariff by weight, not a published Ozon tariff.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from ozonops.simulator.world.model import Line, Scheme

CENT = Decimal("0.01")
CURRENCY = "RUB"

# Logistics tariff estimate: base + per started 100 g, by who carries the parcel [inferred].
_LOGISTICS_BASE = {
    Scheme.FBS: Decimal(90),
    Scheme.RFBS_AGGREGATOR: Decimal(110),
    Scheme.RFBS_3PL: Decimal(120),
    Scheme.RFBS_NON_INTEGRATED: Decimal(120),
    Scheme.FBO: Decimal(60),
}
_LOGISTICS_PER_100G = {
    Scheme.FBS: Decimal(9),
    Scheme.RFBS_AGGREGATOR: Decimal(10),
    Scheme.RFBS_3PL: Decimal(11),
    Scheme.RFBS_NON_INTEGRATED: Decimal(11),
    Scheme.FBO: Decimal(4),
}


@dataclass(frozen=True, slots=True)
class LineMoney:
    """Money of one posting line; amounts in roubles, rounded to kopecks.

    ``price``, ``old_price`` and ``customer_price`` are per unit; ``commission_amount``,
    ``payout``, ``total_discount_value`` and ``logistics_estimate`` are for the whole line
    (all ``quantity`` units). ``ozon_charges_logistics`` is False where the seller pays its own
    carrier (rFBS non-integrated and 3PL): then Ozon deducts nothing for logistics.
    """

    quantity: int
    price: Decimal
    old_price: Decimal
    customer_price: Decimal
    commission_percent: int
    commission_amount: Decimal
    payout: Decimal
    total_discount_value: Decimal
    total_discount_percent: Decimal
    logistics_estimate: Decimal
    ozon_charges_logistics: bool
    currency: str = CURRENCY

    @property
    def gross(self) -> Decimal:
        """What the buyer pays for the line: ``price × quantity``."""
        return self.price * self.quantity


def line_money(line: Line, scheme: Scheme) -> LineMoney:
    """The single source of per-line money (see the module docstring)."""
    qty = line.quantity
    price = line.price.quantize(CENT)
    old_price = max(line.sku.old_price, price).quantize(CENT)
    percent = int(line.sku.commission_percent.quantize(Decimal(1), rounding=ROUND_HALF_UP))
    gross = price * qty
    commission = (gross * percent / 100).quantize(CENT, rounding=ROUND_HALF_UP)
    discount = ((old_price - price) * qty).quantize(CENT)
    discount_pct = (
        ((old_price - price) * 100 / old_price).quantize(CENT, rounding=ROUND_HALF_UP)
        if old_price > 0
        else Decimal(0).quantize(CENT)
    )
    hundreds = -(-line.sku.weight_g * qty // 100)  # started 100 g
    logistics = (_LOGISTICS_BASE[scheme] + _LOGISTICS_PER_100G[scheme] * hundreds).quantize(CENT)
    return LineMoney(
        quantity=qty,
        price=price,
        old_price=old_price,
        customer_price=price,
        commission_percent=percent,
        commission_amount=commission,
        payout=(gross - commission).quantize(CENT),
        total_discount_value=discount,
        total_discount_percent=discount_pct,
        logistics_estimate=logistics,
        ozon_charges_logistics=scheme in (Scheme.FBS, Scheme.RFBS_AGGREGATOR, Scheme.FBO),
    )
