"""Ozon's posting status vocabulary: statuses, which are final, and the push-state table.

The push model speaks in one word per state (``new_state`` of ``TYPE_STATE_CHANGED``), the
posting methods in two (``status`` + ``substatus``). The spec's correspondence table
(ozon-api.md §2.3, spec tag ``push_types``) joins them; it lives here, once, for the simulator
that sends pushes and the sync that reads them.
"""

from __future__ import annotations

__all__ = [
    "FBO_PUSH_STATES",
    "FBS_PUSH_STATES",
    "FINAL_STATUSES",
    "is_final",
    "push_state",
    "status_of_push_state",
]

#: A posting in one of these never changes status again (ozon-api.md §2.4).
FINAL_STATUSES = frozenset({"delivered", "cancelled", "cancelled_from_split_pending"})

#: API status → the push states listed under it, the default first.
FBS_PUSH_STATES: dict[str, tuple[str, ...]] = {
    "acceptance_in_progress": ("posting_acceptance_in_progress",),
    "awaiting_approve": ("posting_created",),
    "awaiting_packaging": ("posting_created",),
    "awaiting_verification": ("posting_created",),
    "awaiting_registration": ("posting_awaiting_registration",),
    "awaiting_deliver": (
        "posting_not_in_carriage",
        "posting_in_carriage",
        "posting_transferring_to_delivery",
    ),
    "arbitration": ("posting_in_arbitration",),
    "client_arbitration": ("posting_in_client_arbitration",),
    "delivering": (
        "posting_on_way_to_city",
        "posting_transferred_to_courier_service",
        "posting_in_courier_service",
        "posting_on_way_to_pickup_point",
        "posting_in_pickup_point",
        "posting_conditionally_delivered",
    ),
    "driver_pickup": ("posting_driver_pick_up",),
    "delivered": ("posting_delivered", "posting_received"),
    "cancelled": ("posting_canceled",),
    "not_accepted": ("posting_not_in_sort_center",),
}
FBO_PUSH_STATES: dict[str, tuple[str, ...]] = {
    "awaiting_approve": ("posting_created",),
    "awaiting_packaging": ("posting_created", "posting_packing"),
    "awaiting_deliver": ("posting_transferring_to_delivery",),
    "delivering": (
        "posting_on_way_to_city",
        "posting_transferred_to_courier_service",
        "posting_returned_to_warehouse",
        "posting_in_courier_service",
        "posting_on_way_to_pickup_point",
        "posting_in_pickup_point",
    ),
    "delivered": ("posting_delivered", "posting_received"),
    "cancelled": ("posting_canceled",),
}

# Push state → API status. ``posting_created`` stands under three statuses; a push of it means
# the posting waits for the seller, which for a new posting is awaiting_packaging.
_STATUS_OF: dict[tuple[bool, str], str] = {}
for _fbo, _table in ((False, FBS_PUSH_STATES), (True, FBO_PUSH_STATES)):
    for _status, _states in _table.items():
        for _state in _states:
            _STATUS_OF.setdefault((_fbo, _state), _status)
_STATUS_OF[(False, "posting_created")] = "awaiting_packaging"
_STATUS_OF[(True, "posting_created")] = "awaiting_packaging"


def is_final(status: str) -> bool:
    return status in FINAL_STATUSES


def push_state(status: str, substatus: str, *, fbo: bool = False) -> str:
    """The push model's state for an API (status, substatus): the spec's correspondence table.

    The substatus is kept when the table lists it under the status; otherwise the status's
    first push state is used (e.g. ``awaiting_deliver/posting_registered`` of an aggregator
    posting → ``posting_not_in_carriage``, ``awaiting_packaging/ship_failed`` →
    ``posting_created``). A status the table does not know keeps its substatus.
    """
    allowed = (FBO_PUSH_STATES if fbo else FBS_PUSH_STATES).get(status)
    if not allowed:
        return substatus
    return substatus if substatus in allowed else allowed[0]


def status_of_push_state(state: str, *, fbo: bool = False) -> str | None:
    """The API status a push state stands under, or None for a state the table lacks."""
    return _STATUS_OF.get((fbo, state))
