"""The floor: on a simulated world with injected troubles, every rule that has something to
catch catches it (recall) without crying wolf (precision), within one sync cycle."""

from __future__ import annotations

import pytest

from ozonops.db import Database
from tests.rules.accuracy import SMALL, measure, table

pytestmark = pytest.mark.anyio

FLOOR = 0.98
#: Needs the parcel-tracking facts (a carrier's last scan); status changes alone overlap with
#: slow lanes, so its figures are printed by the bench, not held to the floor.
INFORMATIONAL = {"stalled"}


def _meets(share: float | None) -> bool:
    return share is not None and share >= FLOOR


async def test_alerts_match_the_simulators_truth(db: Database) -> None:
    result = await measure(db, SMALL)
    report = "\n".join(table(result))
    checked_state = checked_troubles = 0
    for rule_id, f in result.figures.items():
        if rule_id in INFORMATIONAL:
            continue
        if f.tp + f.fn + f.fp:
            checked_state += 1
            assert _meets(f.precision), f"{rule_id}\n{report}"
            assert _meets(f.recall), f"{rule_id}\n{report}"
        if f.troubles:
            checked_troubles += 1
            assert _meets(f.trouble_recall), report
            assert f.max_delay is not None
            assert f.max_delay <= result.cycle_hours(), f"{rule_id} late\n{report}"
        if f.alerted:
            assert _meets(f.trouble_precision), report
    # The world must have given the rules real work, or the floor says nothing.
    assert checked_state >= 7, report
    assert checked_troubles >= 5, report
