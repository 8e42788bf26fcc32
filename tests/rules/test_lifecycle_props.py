"""Whatever happens to a posting and whatever a person does to its alert, in any order: at
most one alert per rule and object, firing exactly while the condition holds, never left open
once it clears, and one occurrence per time the condition came back."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select, update

from ozonops.db import Database, upgrade
from ozonops.db.tables import Alert, Posting
from ozonops.rules import InvalidTransition, acknowledge, resolve, snooze
from tests.rules.storekit import NOW, posting, run, shop

STEPS = st.lists(
    st.sampled_from(["pack", "unpack", "ack", "snooze", "resolve", "wait"]), max_size=14
)
_numbers = itertools.count()


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Database, int]]:
    path: Path = tmp_path_factory.mktemp("props") / "ozonops.db"
    db = Database(f"sqlite:///{path}")
    upgrade(db)
    yield db, shop(db)
    db.dispose()


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(steps=STEPS)
def test_the_lifecycle_holds_its_promises(store: tuple[Database, int], steps: list[str]) -> None:
    db, sid = store
    number = f"9{next(_numbers):06d}-1"
    posting(db, sid, number, shipment_date=NOW - timedelta(hours=1))
    now = NOW
    holds, comebacks = True, 0
    run(db, now=now)
    for step in steps:
        now += timedelta(minutes=30)
        with db.transaction() as s:
            alert = s.scalar(select(Alert).where(Alert.object_id == number))
            assert alert is not None
            try:
                if step == "ack":
                    acknowledge(s, alert_id=alert.id, actor="p", now=now)
                elif step == "snooze":
                    snooze(s, alert_id=alert.id, until=now + timedelta(hours=1), actor="p", now=now)
                elif step == "resolve":
                    resolve(s, alert_id=alert.id, actor="p", now=now)
            except InvalidTransition:
                assert alert.state == "resolved"
            if step in ("pack", "unpack"):
                packed = step == "pack"
                s.execute(
                    update(Posting)
                    .where(Posting.posting_number == number)
                    .values(status="awaiting_deliver" if packed else "awaiting_packaging")
                )
                if not holds and not packed:
                    comebacks += 1
                holds = not packed
        run(db, now=now)
        with db.transaction() as s:
            rows = list(s.scalars(select(Alert).where(Alert.object_id == number)))
        assert len(rows) == 1
        (a,) = rows
        assert a.firing is holds
        if not holds:
            assert a.state == "resolved"
        if a.state == "snoozed":
            assert a.snoozed_until is not None
            assert a.snoozed_until > now
        assert a.occurrence == 1 + comebacks
