"""Pure values and rules of the seller's world: no I/O, no clock, no settings."""

from __future__ import annotations

from ozonops.domain.figures import OzonFigures, PenaltyTier
from ozonops.domain.history import Observation, StatusEntry, merge_observation
from ozonops.domain.pushes import (
    PING,
    PUSH_TYPES,
    PushInvalid,
    PushMessage,
    PushType,
    parse_time,
    read_push,
    state_news,
)
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
    "PING",
    "PUSH_TYPES",
    "Observation",
    "OzonFigures",
    "PenaltyTier",
    "PushInvalid",
    "PushMessage",
    "PushType",
    "StatusEntry",
    "is_final",
    "merge_observation",
    "parse_time",
    "push_state",
    "read_push",
    "state_news",
    "status_of_push_state",
]
