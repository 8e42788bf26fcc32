"""The rules' accuracy on a simulated world with injected troubles (``tests/rules/accuracy.py``).

A bigger world and a longer run than the test's floor: 2 shops, 400 orders a day, 40 days of
history on autopilot, troubles at raised rates, synced and evaluated every 3 simulated hours
for 5 days, on SQLite. Per rule: precision and recall against the world's true state at every
evaluation, recall and precision against the injected troubles, and the longest detection
delay (goal: within one sync cycle, 3 h).
"""

from __future__ import annotations

import asyncio
import tempfile
import time
from pathlib import Path

from tests.rules.accuracy import BIG, Accuracy, measure, table

from ozonops.db import Database, upgrade

Row = tuple[str, str, str]
FLOOR = 0.98
INFORMATIONAL = {"stalled"}  # needs the parcel-tracking facts (see docs/alerts.md)


def _run() -> tuple[Accuracy, float]:
    with tempfile.TemporaryDirectory() as tmp:
        db = Database(f"sqlite:///{Path(tmp) / 'accuracy.db'}")
        upgrade(db)
        try:
            started = time.perf_counter()
            result = asyncio.run(measure(db, BIG))
            return result, time.perf_counter() - started
        finally:
            db.dispose()


def run() -> list[Row]:
    result, seconds = _run()
    print("\n".join(table(result)))
    rows: list[Row] = [
        (
            "world",
            f"{result.postings:,} postings, {result.evaluations} evaluations",
            f"{seconds:.0f} s",
        )
    ]
    cycle = result.cycle_hours()
    for rule_id, f in sorted(result.figures.items()):
        shares = [
            x
            for x in (f.precision, f.recall, f.trouble_recall, f.trouble_precision)
            if x is not None
        ]
        if not shares:
            continue
        low = min(shares)
        late = f.max_delay is not None and f.max_delay > cycle
        if rule_id in INFORMATIONAL:
            verdict = "informational (tracking facts)"
        else:
            verdict = "ok" if low >= FLOOR and not late else "MISSED"
        delay = "—" if f.max_delay is None else f"{f.max_delay:.1f} h"
        rows.append(
            (
                f"accuracy: {rule_id}",
                f"min {low:.1%}, delay {delay}",
                f">= {FLOOR:.0%}, <= {cycle:g} h {verdict}",
            )
        )
    return rows


if __name__ == "__main__":
    for name, figure, goal in run():
        print(f"{name:<40} {figure:>34}   {goal}")
