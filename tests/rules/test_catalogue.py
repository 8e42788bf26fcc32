"""Rules the simulator's worlds rarely exercise, each over rows written straight into the
store: money that never came, reviews and buyers left waiting, FBO stock, the key, pushes,
failing methods and resources; and the catalogue itself (ids, sources, settings)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import insert

from ozonops.db import Database
from ozonops.db.tables import (
    Accrual,
    Chat,
    ChatMessage,
    InboxPush,
    Review,
    ReviewComment,
    RfbsReturn,
    StockSnapshot,
    SyncCursor,
    Transaction,
)
from ozonops.domain import OzonFigures
from ozonops.rules import CATALOGUE, Context, RulesConfig, rule
from ozonops.rules.probes import Degraded, record_degraded, record_key_expiry
from tests.rules.storekit import NOW, hits, posting, shop

D = timedelta(days=1)
H = timedelta(hours=1)


def _cursor(
    db: Database, shop_id: int, resource: str, status: str = "ok", detail: str = ""
) -> None:
    with db.transaction() as s:
        s.execute(
            insert(SyncCursor).values(
                shop_id=shop_id,
                resource=resource,
                last_value=NOW,
                state={},
                status=status,
                detail=detail or None,
                updated_at=NOW,
            )
        )


def test_every_rule_names_what_it_protects_its_source_and_has_settings() -> None:
    config = RulesConfig()
    ids = [r.id for r in CATALOGUE]
    assert len(ids) == len(set(ids)) >= 25
    for r in CATALOGUE:
        assert r.protects, r.id
        assert r.source, r.id
        assert config.settings_of(r.id).enabled, r.id
        assert r.name.zh, r.id
        assert r.name.en, r.id


def test_delivered_and_not_paid_only_once_money_is_synced(db: Database) -> None:
    sid = shop(db)
    old = {"status": "delivered", "substatus": "posting_delivered", "status_at": NOW - 10 * D}
    posting(db, sid, "1-1", **old)
    posting(db, sid, "1-2", **old)
    posting(db, sid, "1-3", **{**old, "status_at": NOW - 2 * D})  # too soon to say
    posting(db, sid, "1-4", **old)
    assert hits(db, "delivered_not_paid") == {}  # no money resource read yet: nothing to say
    _cursor(db, sid, "accruals")
    with db.transaction() as s:
        s.execute(
            insert(Accrual).values(
                accrual_id=1,
                shop_id=sid,
                accrual_date=date(2026, 11, 22),
                unit_number="1-2",
                total_amount=Decimal("812.50"),
                currency="RUB",
                raw={},
            )
        )
        s.execute(
            insert(Transaction).values(
                operation_id=7,
                shop_id=sid,
                operation_type="OperationAgentDeliveredToCustomer",
                operation_date=NOW - 9 * D,
                posting_number="1-4",
                amount=Decimal("99"),
                raw={},
            )
        )
    assert set(hits(db, "delivered_not_paid")) == {"1-1"}


def test_lost_and_not_compensated_after_ozons_twenty_days(db: Database) -> None:
    sid = shop(db)
    _cursor(db, sid, "transactions")
    lost = {
        "status": "cancelled",
        "cancel_reason_id": 667,
        "cancel_reason": "Заказ утерян службой доставки",
    }
    posting(db, sid, "2-1", **lost, status_at=NOW - 35 * D)
    posting(db, sid, "2-2", **lost, status_at=NOW - 35 * D)
    posting(db, sid, "2-3", **lost, status_at=NOW - 5 * D)
    with db.transaction() as s:
        s.execute(
            insert(Transaction).values(
                operation_id=8,
                shop_id=sid,
                operation_type="MarketplaceSellerCompensationOperation",
                posting_number="2-2",
                amount=Decimal("900"),
                raw={},
            )
        )
    assert set(hits(db, "lost_not_compensated")) == {"2-1"}
    assert set(hits(db, "lost")) == {"2-3"}  # the event itself, inside its 14-day lookback


def test_error_index_forecast_and_its_cost(db: Database) -> None:
    sid = shop(db)
    for k in range(46):
        posting(db, sid, f"3-{k}", status="delivering", substatus="posting_on_way_to_city")
    # 2 seller-fault cancellations (4.0 % of 50: still free) and 2 at risk (ship-by missed).
    for k, price in enumerate((Decimal("1000"), Decimal("80000"))):
        posting(
            db,
            sid,
            f"3-c{k}",
            status="cancelled",
            affect_cancellation_rating=True,
            cancellation_initiator="seller",
            price=price,
        )
    for k in range(2):
        posting(db, sid, f"3-r{k}", shipment_date=NOW - H, price=Decimal("2000"))
    facts = hits(db, "error_index")["error_index"]
    assert (facts["orders"], facts["cancelled"], facts["at_risk"]) == (50, 2, 2)
    assert (facts["index"], facts["forecast"]) == (0.04, 0.08)
    assert Decimal(facts["cost_rub"]) == 0  # 4 % is free
    # 8 % is over the free 4 %: 3 % of each price, the 80,000 RUB one capped at 1,500.
    assert Decimal(facts["forecast_cost_rub"]) == Decimal("30") + Decimal("1500") + 2 * Decimal(
        "60"
    )
    higher = RulesConfig(error_index={"warn_at": 0.1})
    assert hits(db, "error_index", config=higher) == {}


def test_penalty_tiers_are_the_figures_settings() -> None:
    figures = OzonFigures()
    assert figures.penalty_rate(0.04) == 0
    assert figures.penalty_rate(0.05) == 0.03
    assert figures.penalty_rate(0.09) == 0.06
    assert figures.penalty_rate(0.2) == 0.09
    assert figures.fee(Decimal("100000"), 0.2) == Decimal("1500")


def test_return_requests_awaiting_a_decision_and_disputes(db: Database) -> None:
    sid = shop(db)
    with db.transaction() as s:
        for rid, state, group in (
            (1, "ON_APPROVAL", "New"),
            (2, "APPROVED", "Delivering"),
            (3, "ARBITRATION", "Arbitration"),
        ):
            s.execute(
                insert(RfbsReturn).values(
                    return_id=rid,
                    shop_id=sid,
                    return_number=f"R-{rid}",
                    posting_number="9-1",
                    created_at=NOW - 20 * H,
                    state=state,
                    group_state=group,
                    available_actions=[],
                    raw={},
                    updated_at=NOW,
                )
            )
    assert set(hits(db, "return_decision")) == {"1"}
    assert set(hits(db, "return_arbitration")) == {"3"}
    text = rule("return_decision").describe(
        {**hits(db, "return_decision")["1"], "object_id": "1"}, _ctx()
    )
    assert "4 h" in text[1].en
    assert "4 小时" in text[1].zh


def _ctx() -> Context:
    return Context(now=NOW, wall=NOW, config=RulesConfig())


def test_negative_reviews_without_the_sellers_answer(db: Database) -> None:
    sid = shop(db)
    with db.transaction() as s:
        for rid, rating, age in (("a", 2, 2 * D), ("b", 1, 3 * D), ("c", 5, D), ("d", 1, 40 * D)):
            s.execute(
                insert(Review).values(
                    id=rid,
                    shop_id=sid,
                    sku=5,
                    rating=rating,
                    status="UNPROCESSED",
                    published_at=NOW - age,
                    raw={},
                    updated_at=NOW,
                    text="плохо",
                )
            )
        s.execute(
            insert(ReviewComment).values(
                id="c1", review_id="b", is_owner=True, raw={}, text="Извините"
            )
        )
        s.execute(
            insert(ReviewComment).values(id="c2", review_id="a", is_owner=False, raw={}, text="+1")
        )
    assert set(hits(db, "review_unanswered")) == {"a"}


def test_buyer_waiting_for_a_reply_inside_the_48_hour_window(db: Database) -> None:
    sid = shop(db)
    with db.transaction() as s:
        for chat, order in (("x", "10"), ("y", "11"), ("z", "12"), ("w", "13")):
            s.execute(
                insert(Chat).values(
                    chat_id=chat,
                    shop_id=sid,
                    chat_type="BUYER_SELLER",
                    chat_status="OPENED",
                    order_number=order,
                    updated_at=NOW,
                )
            )

        def msg(chat: str, mid: str, who: str, age: timedelta) -> None:
            s.execute(
                insert(ChatMessage).values(
                    chat_id=chat, message_id=mid, user_type=who, created_at=NOW - age, text="?"
                )
            )

        msg("x", "1", "Customer", 20 * H)  # waiting 20 h: fires
        msg("y", "2", "Customer", 20 * H)
        msg("y", "3", "Seller", 10 * H)  # answered
        msg("z", "4", "Customer", 2 * H)  # too fresh (12 h grace)
        msg("w", "5", "Customer", 50 * H)  # window closed: nothing to answer in
    found = hits(db, "chat_unanswered")
    assert set(found) == {"x"}
    text = rule("chat_unanswered").describe({**found["x"], "object_id": "x"}, _ctx())
    assert "28 h left" in text[1].en


def test_fbo_cover_below_the_supply_lead_time_reads_the_newest_snapshot(db: Database) -> None:
    sid = shop(db)
    with db.transaction() as s:
        for sku, wh, at, idc in (
            (1, 9, NOW - D, "30"),
            (1, 9, NOW, "6"),
            (2, 9, NOW - D, "5"),
            (2, 9, NOW, "40"),
        ):
            s.execute(
                insert(StockSnapshot).values(
                    shop_id=sid,
                    sku=sku,
                    warehouse_id=wh,
                    taken_at=at,
                    available=12,
                    ads=Decimal("2"),
                    idc=Decimal(idc),
                    offer_id=f"o{sku}",
                )
            )
    assert set(hits(db, "stock_cover")) == {"1@9"}


def test_the_key_method_and_sync_facts(db: Database) -> None:
    sid = shop(db)
    with db.transaction() as s:
        record_key_expiry(s, shop_id=sid, expires_at=NOW + 8 * D, now=NOW)
        record_degraded(
            s,
            shop_id=sid,
            now=NOW,
            degraded=[
                Degraded("/v3/posting/fbs/list", NOW - H, "3 failures in a row", "BadRequest: gone")
            ],
        )
    _cursor(db, sid, "reviews", status="failing", detail="ServerError: 502")
    assert set(hits(db, "api_key_expiring")) == {"api_key"}
    assert hits(db, "api_key_expiring", config=RulesConfig(api_key_expiring={"warn_days": 7})) == {}
    assert hits(db, "method_failing")["/v3/posting/fbs/list"]["reason"] == "3 failures in a row"
    assert set(hits(db, "sync_failing")) == {"reviews"}
    with db.transaction() as s:  # the method recovered
        record_degraded(s, shop_id=sid, now=NOW, degraded=[])
    assert hits(db, "method_failing") == {}


def test_no_push_for_hours_while_orders_flow(db: Database) -> None:
    quiet, busy = shop(db), shop(db, "second", "1002")
    with db.transaction() as s:
        for sid, age in ((quiet, 8 * H), (busy, 8 * H)):
            s.execute(
                insert(InboxPush).values(
                    shop_id=sid,
                    received_at=NOW - age,
                    message_type="TYPE_NEW_POSTING",
                    dedupe_key=f"k{sid}",
                    body={},
                )
            )
    for k in range(6):
        posting(db, busy, f"5-{k}", in_process_at=NOW - H)
    posting(db, quiet, "6-1", in_process_at=NOW - H)  # one order: not enough to say
    assert set(hits(db, "push_silence")) == {str(busy)}


def test_delivered_but_not_closed_and_stalled(db: Database) -> None:
    sid = shop(db)
    posting(
        db,
        sid,
        "7-1",
        status="delivering",
        substatus="posting_conditionally_delivered",
        status_at=NOW - 6 * D,
    )
    posting(
        db,
        sid,
        "7-2",
        status="delivering",
        substatus="posting_conditionally_delivered",
        status_at=NOW - 2 * D,
    )
    posting(
        db,
        sid,
        "7-3",
        status="delivering",
        substatus="posting_on_way_to_city",
        status_at=NOW - 31 * D,
    )
    posting(
        db,
        sid,
        "7-4",
        scheme="fbo",
        status="delivering",
        substatus="posting_on_way_to_city",
        status_at=NOW - 6 * D,
    )
    posting(
        db,
        sid,
        "7-5",
        status="delivering",
        substatus="posting_on_way_to_city",
        status_at=NOW - 6 * D,
        delivery_method_id=42,
    )
    assert set(hits(db, "delivered_not_closed")) == {"7-1"}
    assert set(hits(db, "stalled")) == {"7-3", "7-4"}
    lane = RulesConfig(stalled={"by_delivery_method": {42: 5}})
    assert set(hits(db, "stalled", config=lane)) == {"7-3", "7-4", "7-5"}
