"""The simulated seller world (see ``world.World``)."""

from ozonops.simulator.world.model import (
    Buyer,
    Cancellation,
    DeliveryMethod,
    Event,
    Line,
    Posting,
    Scheme,
    Shop,
    Sku,
    Step,
    Trouble,
    Warehouse,
)
from ozonops.simulator.world.world import World

__all__ = [
    "Buyer",
    "Cancellation",
    "DeliveryMethod",
    "Event",
    "Line",
    "Posting",
    "Scheme",
    "Shop",
    "Sku",
    "Step",
    "Trouble",
    "Warehouse",
    "World",
]
