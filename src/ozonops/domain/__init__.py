"""Pure values and rules of the seller's world: no I/O, no clock, no settings."""

from __future__ import annotations

from ozonops.domain.history import Observation, StatusEntry, merge_observation
from ozonops.domain.statuses import (
    FBO_PUSH_STATES,
    FBS_PUSH_STATES,
    FINAL_STATUSES,
    is_final,
    push_state,
    status_of_push_state,
)

__all__ = [
    "FBO_PUSH_STATES",
    "FBS_PUSH_STATES",
    "FINAL_STATUSES",
    "Observation",
    "StatusEntry",
    "is_final",
    "merge_observation",
    "push_state",
    "status_of_push_state",
]
