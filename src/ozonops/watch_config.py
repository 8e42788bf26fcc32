"""The watchtower's settings (``OZONOPS_RULES__*``): one block per rule, Ozon's figures, the timer.

They live outside ``ozonops.rules`` so that ``ozonops.config.Settings`` can hold them without
importing the engine (which imports the Ozon client, which reads the settings).

Each rule's block holds its own thresholds (ours, tunable) beside ``enabled`` and an optional
``severity`` override; Ozon's own figures live in :class:`~ozonops.domain.figures.OzonFigures`
(``ozon``). Example: ``OZONOPS_RULES__SHIP_BY_NEAR__WARN_HOURS=12``,
``OZONOPS_RULES__STALLED__DAYS='{"fbs": 6, "rfbs": 20, "fbo": 4}'``.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field

from ozonops.domain import OzonFigures
from ozonops.notify import Severity

__all__ = [
    "CancelRight",
    "ChatUnanswered",
    "DeliveryLate",
    "ErrorIndex",
    "EventLookback",
    "Handover",
    "KeyExpiring",
    "NoTracking",
    "NotClosed",
    "NotCompensated",
    "NotPaid",
    "PushSilence",
    "ReturnDecision",
    "ReviewUnanswered",
    "RuleSettings",
    "RulesConfig",
    "ShipByNear",
    "Stalled",
    "StockCover",
]


class RuleSettings(BaseModel):
    """What every rule takes: switch it off, or change its severity."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    enabled: bool = True
    severity: Severity | None = None


class ShipByNear(RuleSettings):
    #: Warn this long before ``shipment_date`` while the posting is not packed.
    warn_hours: float = Field(24, gt=0, le=240)


class Handover(RuleSettings):
    #: Warn when this little is left of Ozon's handover clock (``ozon.handover_days``).
    warn_days: float = Field(3, gt=0, le=30)


class NoTracking(RuleSettings):
    #: A packed non-integrated rFBS posting without a number for this long after its
    #: shipment date (the seller's carrier has it; Ozon and the buyer cannot follow it).
    after_hours: float = Field(12, ge=0, le=240)


class Stalled(RuleSettings):
    #: Days a posting in transit may keep one status before it counts as stalled, per scheme.
    days: dict[str, float] = Field(default_factory=lambda: {"fbs": 30.0, "rfbs": 30.0, "fbo": 5.0})
    #: The same per delivery method id (the lane), where it differs from the scheme's.
    by_delivery_method: dict[int, float] = Field(default_factory=dict)


class EventLookback(RuleSettings):
    """A cancellation whose reason tells the event (a loss, a return to sender)."""

    #: Alerts for the event stay open this long after the cancellation, then resolve.
    lookback_days: float = Field(14, gt=0, le=365)
    #: Ozon's cancel reason ids that mean this event (ozon-api.md §1.7).
    reason_ids: tuple[int, ...] = ()
    #: Words of the cancel reason's text that mean it (as Ozon writes them, any case of the
    #: first letter).
    reason_words: tuple[str, ...] = ()


class DeliveryLate(RuleSettings):
    #: Past the promised window's end by more than this.
    grace_hours: float = Field(0, ge=0, le=240)


class CancelRight(RuleSettings):
    #: Warn this many days before the buyer's right to cancel begins.
    warn_days: float = Field(5, ge=0, le=20)


class NotClosed(RuleSettings):
    #: Conditionally delivered (rFBS) this long without the buyer's confirmation.
    after_days: float = Field(5, gt=0, le=60)


class NotPaid(RuleSettings):
    #: Delivered this long ago and no money booked for the posting.
    after_days: float = Field(7, gt=0, le=90)
    #: Only postings delivered within this many days (older ones are the ledger's business).
    lookback_days: float = Field(60, gt=0, le=365)


class NotCompensated(RuleSettings):
    #: Days after cancellation as lost with no compensation booked (Ozon's ~20 + a margin).
    margin_days: float = Field(10, ge=0, le=90)
    lookback_days: float = Field(120, gt=0, le=365)


class ReturnDecision(RuleSettings):
    #: rFBS return states that wait for the seller's decision.
    states: tuple[str, ...] = ("ON_APPROVAL", "ON_SELLER_CLARIFICATION")


class ReviewUnanswered(RuleSettings):
    #: Reviews rated this or lower count as negative.
    max_rating: int = Field(3, ge=1, le=5)
    #: Only reviews published within this many days.
    lookback_days: float = Field(30, gt=0, le=365)


class ChatUnanswered(RuleSettings):
    #: The buyer's last message has waited this long without a seller message after it.
    after_hours: float = Field(12, ge=0, le=47)


class StockCover(RuleSettings):
    #: Days a new supply takes to reach Ozon's warehouse: cover below this runs out first.
    lead_time_days: float = Field(14, gt=0, le=180)
    #: Ignore SKUs selling less than this per day (28-day average).
    min_daily_sales: Decimal = Field(Decimal("0.1"), ge=0)


class ErrorIndex(RuleSettings):
    #: Fire when the forecast index reaches this (default: Ozon's free level).
    warn_at: float | None = Field(None, ge=0, le=1)
    #: Too few orders in the window say nothing.
    min_orders: int = Field(20, ge=1)


class KeyExpiring(RuleSettings):
    warn_days: float = Field(14, gt=0, le=180)


class PushSilence(RuleSettings):
    #: No push for this long ...
    hours: float = Field(6, gt=0, le=168)
    #: ... while at least this many orders came in over the same hours.
    min_orders: int = Field(5, ge=1)


class RulesConfig(BaseModel):
    """Every rule's settings, Ozon's figures, and how often ``ozonops run`` evaluates."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    #: Evaluate at least this often (and after each sync round).
    interval: timedelta = timedelta(minutes=5)
    #: Ask Ozon for the key's expiry this often.
    key_check_interval: timedelta = timedelta(hours=6)
    #: The dashboard's address for the links in alerts (default: the web app's).
    dashboard_url: str | None = None
    ozon: OzonFigures = OzonFigures()

    ship_by_near: ShipByNear = ShipByNear()
    ship_by_missed: RuleSettings = RuleSettings()
    packing_failed: RuleSettings = RuleSettings()
    handover_deadline: Handover = Handover()
    no_tracking_number: NoTracking = NoTracking()
    stalled: Stalled = Stalled()
    not_accepted: RuleSettings = RuleSettings()
    return_to_sender: EventLookback = EventLookback(reason_words=("возврат отправителю",))
    lost: EventLookback = EventLookback(reason_ids=(667,), reason_words=("утерян",))
    failed_delivery: EventLookback = EventLookback(
        reason_ids=(665,), reason_words=("не забрал", "невыкуп")
    )
    delivery_late: DeliveryLate = DeliveryLate()
    buyer_may_cancel: CancelRight = CancelRight()
    delivered_not_closed: NotClosed = NotClosed()
    delivered_not_paid: NotPaid = NotPaid()
    lost_not_compensated: NotCompensated = NotCompensated()
    return_decision: ReturnDecision = ReturnDecision()
    arbitration_opened: RuleSettings = RuleSettings()
    return_arbitration: RuleSettings = RuleSettings()
    review_unanswered: ReviewUnanswered = ReviewUnanswered()
    chat_unanswered: ChatUnanswered = ChatUnanswered()
    stock_cover: StockCover = StockCover()
    error_index: ErrorIndex = ErrorIndex()
    api_key_expiring: KeyExpiring = KeyExpiring()
    push_silence: PushSilence = PushSilence()
    method_failing: RuleSettings = RuleSettings()
    sync_failing: RuleSettings = RuleSettings()

    def settings_of(self, rule_id: str) -> RuleSettings:
        value = getattr(self, rule_id, None)
        if not isinstance(value, RuleSettings):
            raise KeyError(f"no settings block for rule {rule_id!r}")
        return value
