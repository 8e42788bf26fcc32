"""An alert's life: one per rule and object, opened, acknowledged, snoozed, woken, resolved by
itself when its condition clears, reopened when it comes back; history kept throughout."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from ozonops.db import Database
from ozonops.db.tables import Alert, AlertEvent, Posting
from ozonops.rules import (
    InvalidTransition,
    UnknownAlert,
    acknowledge,
    history,
    list_alerts,
    resolve,
    snooze,
)
from tests.rules.storekit import NOW, posting, run, shop

H = timedelta(hours=1)


def _alerts(db: Database, rule_id: str = "ship_by_missed") -> list[Alert]:
    with db.transaction() as s:
        return list(s.scalars(select(Alert).where(Alert.rule_id == rule_id)))


def _kinds(db: Database, alert_id: int) -> list[str]:
    with db.transaction() as s:
        return [e.kind for e in history(s, alert_id=alert_id)]


def _pack(db: Database, number: str) -> None:
    with db.transaction() as s:
        s.execute(
            update(Posting)
            .where(Posting.posting_number == number)
            .values(status="awaiting_deliver", substatus="posting_not_in_carriage")
        )


def _unpack(db: Database, number: str) -> None:
    with db.transaction() as s:
        s.execute(
            update(Posting)
            .where(Posting.posting_number == number)
            .values(status="awaiting_packaging", substatus="ship_failed")
        )


def test_one_alert_per_rule_and_object_however_often_it_is_evaluated(db: Database) -> None:
    sid = shop(db)
    posting(db, sid, "100-1", shipment_date=NOW - H)
    posting(db, sid, "100-2", shipment_date=NOW + 2 * H)  # near, not missed
    for k in range(4):
        run(db, now=NOW + k * timedelta(minutes=10))
    (missed,) = _alerts(db)
    assert (missed.object_id, missed.state, missed.firing) == ("100-1", "open", True)
    assert missed.facts["shipment_date"].startswith("2026-12-01T11:00")
    assert missed.path == "/postings/100-1"
    assert [a.object_id for a in _alerts(db, "ship_by_near")] == ["100-2"]
    assert _kinds(db, missed.id) == ["opened"]


def test_resolved_by_itself_when_the_condition_clears_then_reopened(db: Database) -> None:
    sid = shop(db)
    posting(db, sid, "200-1", shipment_date=NOW - H)
    run(db)
    _pack(db, "200-1")
    run(db, now=NOW + H)
    (alert,) = _alerts(db)
    assert (alert.state, alert.firing, alert.resolved_by) == ("resolved", False, "engine")
    _unpack(db, "200-1")  # packing failed: not packed again, past the deadline
    run(db, now=NOW + 2 * H)
    (again,) = _alerts(db)
    assert again.id == alert.id
    assert (again.state, again.occurrence, again.notify_due) == ("open", 2, True)
    assert _kinds(db, alert.id) == ["opened", "resolved", "reopened"]


def test_acknowledged_stays_acknowledged_while_it_holds(db: Database) -> None:
    sid = shop(db)
    posting(db, sid, "300-1", shipment_date=NOW - H)
    run(db)
    (alert,) = _alerts(db)
    with db.transaction() as s:
        acknowledge(s, alert_id=alert.id, actor="li", now=NOW)
    run(db, now=NOW + H)
    (alert,) = _alerts(db)
    assert (alert.state, alert.acknowledged_by, alert.notify_due) == ("acknowledged", "li", False)
    _pack(db, "300-1")
    run(db, now=NOW + 2 * H)
    assert _alerts(db)[0].state == "resolved"


def test_snoozed_wakes_when_its_time_is_up_and_is_due_again(db: Database) -> None:
    sid = shop(db)
    posting(db, sid, "400-1", shipment_date=NOW - H)
    run(db)
    (alert,) = _alerts(db)
    with db.transaction() as s:
        s.execute(update(Alert).values(notify_due=False))
        snooze(s, alert_id=alert.id, until=NOW + 3 * H, actor="li", now=NOW)
    run(db, now=NOW + 2 * H)
    assert _alerts(db)[0].state == "snoozed"
    run(db, now=NOW + 3 * H)
    (woke,) = _alerts(db)
    assert (woke.state, woke.notify_due, woke.notice) == ("open", True, 2)
    assert _kinds(db, alert.id) == ["opened", "snoozed", "woke"]


def test_resolved_by_hand_stays_resolved_until_the_condition_comes_back(db: Database) -> None:
    sid = shop(db)
    posting(db, sid, "500-1", shipment_date=NOW - H)
    run(db)
    (alert,) = _alerts(db)
    with db.transaction() as s:
        resolve(s, alert_id=alert.id, actor="li", now=NOW)
    run(db, now=NOW + H)  # still not packed: the person said it is handled
    assert (_alerts(db)[0].state, _alerts(db)[0].firing) == ("resolved", True)
    _pack(db, "500-1")
    run(db, now=NOW + 2 * H)
    _unpack(db, "500-1")
    run(db, now=NOW + 3 * H)
    assert (_alerts(db)[0].state, _alerts(db)[0].occurrence) == ("open", 2)


def test_transitions_that_make_no_sense_are_refused(db: Database) -> None:
    sid = shop(db)
    posting(db, sid, "600-1", shipment_date=NOW - H)
    run(db)
    (alert,) = _alerts(db)
    with db.transaction() as s:
        with pytest.raises(InvalidTransition, match="not in the future"):
            snooze(s, alert_id=alert.id, until=NOW - H, actor="li", now=NOW)
        resolve(s, alert_id=alert.id, actor="li", now=NOW)
        with pytest.raises(InvalidTransition, match="already resolved"):
            resolve(s, alert_id=alert.id, actor="li", now=NOW)
        with pytest.raises(InvalidTransition, match="nothing to acknowledge"):
            acknowledge(s, alert_id=alert.id, actor="li", now=NOW)
        with pytest.raises(UnknownAlert, match="ozonops alerts list"):
            acknowledge(s, alert_id=99_999, actor="li", now=NOW)
        with pytest.raises(InvalidTransition, match="unknown state"):
            list_alerts(s, states=["closed"])


def test_listing_puts_the_most_severe_first_and_filters(db: Database) -> None:
    sid = shop(db)
    other = shop(db, "second", "1002")
    posting(db, sid, "700-1", shipment_date=NOW + 2 * H)  # near: warning
    posting(db, other, "700-2", shipment_date=NOW - H)  # missed: critical
    run(db)
    with db.transaction() as s:
        listed = list_alerts(s)
        assert [(a.rule_id, a.shop) for a in listed] == [
            ("ship_by_missed", "second"),
            ("ship_by_near", "main"),
        ]
        assert [a.object_id for a in list_alerts(s, shops=["main"])] == ["700-1"]
        assert [a.object_id for a in list_alerts(s, rules=["ship_by_missed"])] == ["700-2"]
        assert list_alerts(s, states=["resolved"]) == []


def test_a_disabled_rule_resolves_what_it_had_opened(db: Database) -> None:
    from ozonops.rules import RulesConfig, RuleSettings

    sid = shop(db)
    posting(db, sid, "800-1", shipment_date=NOW - H)
    run(db)
    off = RulesConfig(ship_by_missed=RuleSettings(enabled=False))
    run(db, now=NOW + H, config=off)
    assert _alerts(db)[0].state == "resolved"
    with db.transaction() as s:
        assert s.scalar(select(func.count()).select_from(AlertEvent)) >= 2
