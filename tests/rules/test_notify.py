"""Alerts reach people through ``ozonops.notify``: critical ones at once, everything in an
hourly digest once its window closes; each once, however often the rules run. The receiver
is a real HTTP server that checks the webhook signature on its own clock."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from ozonops.db import Database
from ozonops.db.tables import AlertDelivery, AlertEvent
from ozonops.notify import Dispatcher, NotifyConfig, Route, make_channels
from ozonops.notify.channels.webhook import WebhookConfig
from ozonops.rules import RulesConfig, Watchtower
from tests.live import serve
from tests.notify.sink_others import WebhookSink
from tests.notify.sinkkit import FakeClock, Fault
from tests.rules.storekit import NOW, posting, shop

pytestmark = pytest.mark.anyio


@pytest.fixture(scope="module")
def sink() -> Iterator[tuple[WebhookSink, str]]:
    receiver = WebhookSink(secret="s3cret")
    with serve(receiver.app) as url:
        yield receiver, url


def _tower(db: Database, url: str, clock: FakeClock) -> Watchtower:
    notify = NotifyConfig(
        channels=(WebhookConfig(name="erp", url=f"{url}/hook", secret="s3cret"),),
        routes=(
            Route(name="urgent", channels=("erp",), min_severity="critical", lang="en"),
            Route(name="hourly", channels=("erp",), mode="hourly", tz="UTC"),
        ),
    )
    return Watchtower(
        db,
        config=RulesConfig(),
        notify=notify,
        dispatcher=Dispatcher(channels=make_channels(notify), clock=clock),
        wall_clock=lambda: datetime.fromtimestamp(clock.time(), UTC),
        dashboard_url="https://ops.example.com",
    )


async def test_immediate_then_one_hourly_digest_each_sent_once(
    db: Database, sink: tuple[WebhookSink, str]
) -> None:
    receiver, url = sink
    clock = FakeClock(start=datetime(2026, 12, 1, 12, 10, tzinfo=UTC).timestamp())
    receiver.reset(clock)
    sid = shop(db)
    posting(db, sid, "100-1", shipment_date=NOW - timedelta(hours=1))  # missed: critical
    posting(db, sid, "100-2", shipment_date=NOW + timedelta(hours=3))  # near: warning
    tower = _tower(db, url, clock)

    await tower.evaluate(now=NOW)
    (urgent,) = receiver.received
    (alert,) = urgent["alerts"]
    assert (urgent["type"], alert["rule_id"], alert["severity"]) == (
        "alert",
        "ship_by_missed",
        "critical",
    )
    assert urgent["link"] == "https://ops.example.com/postings/100-1"
    assert "missed its ship-by date" in urgent["title"]
    assert alert["title"]["zh"] == "货件 100-1 已超过发货截止时间"

    await tower.evaluate(now=NOW + timedelta(minutes=10))  # nothing new is due
    assert await tower.send_digests() == []  # the hour is not over
    assert len(receiver.received) == 1

    clock.advance(3600)
    sent = await tower.send_digests()
    assert {o.status for o in sent} == {"sent"}
    digest = receiver.received[-1]
    assert digest["type"] == "digest"
    assert sorted(a["dedupe_key"].split(":")[2] for a in digest["alerts"]) == ["100-1", "100-2"]
    assert await tower.send_digests() == []  # carried once
    assert len(receiver.received) == 2
    assert receiver.duplicates == []

    with db.transaction() as s:
        statuses = sorted(s.scalars(select(AlertDelivery.status)))
        notified = list(s.scalars(select(AlertEvent.kind).where(AlertEvent.kind == "notified")))
    assert statuses == ["deferred", "deferred", "sent", "sent", "sent"]
    assert len(notified) == 3  # once immediately, twice in the digest


async def test_a_snoozed_alert_is_notified_again_when_it_wakes(
    db: Database, sink: tuple[WebhookSink, str]
) -> None:
    from ozonops.rules import snooze

    receiver, url = sink
    clock = FakeClock(start=datetime(2026, 12, 1, 12, 10, tzinfo=UTC).timestamp())
    receiver.reset(clock)
    sid = shop(db)
    posting(db, sid, "200-1", shipment_date=NOW - timedelta(hours=1))
    tower = _tower(db, url, clock)
    await tower.evaluate(now=NOW)
    assert len(receiver.received) == 1
    with db.transaction() as s:
        snooze(s, alert_id=1, until=NOW + timedelta(hours=2), actor="li", now=NOW)
    await tower.evaluate(now=NOW + timedelta(hours=1))
    assert len(receiver.received) == 1
    await tower.evaluate(now=NOW + timedelta(hours=2))
    assert len(receiver.received) == 2
    first, second = (m["alerts"][0]["dedupe_key"] for m in receiver.received)
    assert first != second  # a new notice, not a resend the journal would drop


async def test_a_receiver_that_is_down_gets_the_alert_next_round(
    db: Database, sink: tuple[WebhookSink, str]
) -> None:
    receiver, url = sink
    clock = FakeClock(start=datetime(2026, 12, 1, 12, 10, tzinfo=UTC).timestamp())
    receiver.reset(clock)
    receiver.faults.extend(Fault(503) for _ in range(5))  # every attempt of the first round
    sid = shop(db)
    posting(db, sid, "300-1", shipment_date=NOW - timedelta(hours=1))
    tower = _tower(db, url, clock)
    first = await tower.evaluate(now=NOW)
    assert first.total("opened") == 1
    assert receiver.received == []
    await tower.evaluate(now=NOW + timedelta(minutes=5))  # still due: sent now
    (message,) = receiver.received
    assert message["alerts"][0]["rule_id"] == "ship_by_missed"
    await tower.evaluate(now=NOW + timedelta(minutes=10))
    assert len(receiver.received) == 1
