"""FBO supply orders: when a shop sends goods to Ozon's warehouses, and what happens to them.

Each shop has one supply schedule per FBO warehouse it sells from (one warehouse per cluster in
practice, so "per cluster"). A new supply order is created every 7–14 days, starting within the
first ten days of the world's history. Its life (``ozon-api.md`` §8)::

    DATA_FILLING → READY_TO_SUPPLY → IN_TRANSIT → ACCEPTANCE_AT_STORAGE_WAREHOUSE → COMPLETED

About one order in twelve is CANCELLED while still being filled or waiting for its time slot.
The dates and the fate of the k-th order come from ``(seed, shop, warehouse, k)`` alone; the
quantities are chosen by the stock book when the order is created (``world.stock``), because
they top the warehouse up to about three weeks of sales and so depend on the stock then.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from ozonops.simulator.world.model import Warehouse

DATA_FILLING = "DATA_FILLING"
READY_TO_SUPPLY = "READY_TO_SUPPLY"
IN_TRANSIT = "IN_TRANSIT"
ACCEPTANCE = "ACCEPTANCE_AT_STORAGE_WAREHOUSE"
COMPLETED = "COMPLETED"
CANCELLED = "CANCELLED"

#: States whose units count as "requested" (in supply orders not yet sent).
REQUESTED_STATES = frozenset({DATA_FILLING, READY_TO_SUPPLY})
#: States whose units count as "in transit" to the storage warehouse.
TRANSIT_STATES = frozenset({IN_TRANSIT, ACCEPTANCE})

_CANCEL_RATE = 0.08
_H = 3600.0
_D = 86400.0

#: Where cross-border sellers hand FBO supplies over (a consolidation point near the border).
DROPOFF_WAREHOUSE = (
    1_020_000_900_001,
    "ЗАБАЙКАЛЬСК_ПУНКТ_ОТГРУЗКИ",
    "Забайкальск, ул. Пограничная, 1",
)


@dataclass(frozen=True, slots=True)
class SupplyItem:
    sku: int
    quantity: int


@dataclass(frozen=True, slots=True)
class SupplySlot:
    """The k-th planned supply of one (shop, storage warehouse): dates and fate, no contents."""

    shop_index: int
    warehouse: Warehouse
    k: int
    order_id: int
    supply_id: int
    order_number: str
    bundle_id: str
    created_at: datetime
    timeslot_from: datetime
    timeslot_to: datetime
    states: tuple[tuple[datetime, str], ...]  # (from, state), oldest first

    @property
    def completed_at(self) -> datetime | None:
        last_at, last = self.states[-1]
        return last_at if last == COMPLETED else None

    @property
    def arrival_at(self) -> datetime:
        """When the goods reach the storage warehouse (acceptance starts), planned."""
        for at, state in self.states:
            if state == ACCEPTANCE:
                return at
        return self.timeslot_to


@dataclass(frozen=True, slots=True)
class SupplyOrder:
    slot: SupplySlot
    items: tuple[SupplyItem, ...]

    @property
    def order_id(self) -> int:
        return self.slot.order_id

    @property
    def created_at(self) -> datetime:
        return self.slot.created_at

    @property
    def units(self) -> int:
        return sum(i.quantity for i in self.items)

    def state_at(self, at: datetime) -> tuple[str, datetime]:
        """The state at ``at`` and since when (the first state before creation)."""
        found = self.slot.states[0]
        for entry in self.slot.states:
            if entry[0] > at:
                break
            found = entry
        return found[1], found[0]


def plan_slot(
    seed: int, shop_index: int, warehouse: Warehouse, k: int, prev: datetime
) -> SupplySlot:
    """The k-th supply after ``prev`` (the previous one's creation, or the history start)."""
    rng = random.Random(f"ozonops-supply:{seed}:{shop_index}:{warehouse.warehouse_id}:{k}")
    gap = rng.uniform(0, 10) * _D if k == 0 else rng.uniform(7, 14) * _D
    created = _whole_seconds(prev + timedelta(seconds=gap))
    t = created
    states: list[tuple[datetime, str]] = [(t, DATA_FILLING)]
    t += timedelta(seconds=rng.uniform(2, 30) * _H)
    cancel = rng.random() < _CANCEL_RATE
    cancel_in_filling = rng.random() < 0.5
    if cancel and cancel_in_filling:
        states.append((_whole_seconds(t), CANCELLED))
    else:
        states.append((_whole_seconds(t), READY_TO_SUPPLY))
    # The time slot: a two-hour window 1–4 days after the data are filled, on the hour.
    slot_from = (t + timedelta(days=rng.uniform(1, 4))).replace(minute=0, second=0, microsecond=0)
    slot_to = slot_from + timedelta(hours=2)
    if cancel and not cancel_in_filling:
        states.append((slot_from - timedelta(hours=rng.randint(3, 20)), CANCELLED))
    elif not cancel:
        t = slot_from + timedelta(seconds=rng.uniform(0.2, 1.8) * _H)
        states.append((_whole_seconds(t), IN_TRANSIT))
        t += timedelta(seconds=rng.uniform(3, 8) * _D)
        states.append((_whole_seconds(t), ACCEPTANCE))
        t += timedelta(seconds=rng.uniform(8, 40) * _H)
        states.append((_whole_seconds(t), COMPLETED))
    order_id = 60_000_000 + (shop_index * 97 + warehouse.warehouse_id % 89) * 10_000 + k
    return SupplySlot(
        shop_index=shop_index,
        warehouse=warehouse,
        k=k,
        order_id=order_id,
        supply_id=order_id * 3 + 1_000_000_000,
        order_number=f"{2_000_000_000 + order_id}",
        bundle_id=f"{rng.getrandbits(128):032x}",
        created_at=created,
        timeslot_from=slot_from,
        timeslot_to=slot_to,
        states=tuple(states),
    )


def _whole_seconds(dt: datetime) -> datetime:
    return dt.replace(microsecond=0)
