"""Ozon's clocks and penalties: the ONE place their figures live, each with its source.

Every figure here comes from ``shared/docs/ozon-rules.md`` (section named beside it); figures
change, so each one can be overridden in the settings (``OZONOPS_RULES__OZON__HANDOVER_DAYS=10``,
``ozonops.watch_config``). The rules read them from :class:`OzonFigures` only, never as
literals. Where the source is silent and we had to
choose, the description says ``[inferred]``.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

__all__ = ["OzonFigures", "PenaltyTier"]


class PenaltyTier(BaseModel):
    """Above ``above`` (0.04 = 4 %), each cancelled order costs ``rate`` of its price."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    above: float = Field(ge=0, le=1)
    rate: float = Field(ge=0, le=1)


class OzonFigures(BaseModel):
    """Ozon's figures the rules protect (ozon-rules.md)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    handover_days: float = Field(
        10,
        gt=0,
        description='"Deadlines and clocks": a cross-border rFBS posting not handed '
        "to delivery within 10 days is cancelled.",
    )
    buyer_cancel_overdue_days: float = Field(
        20,
        gt=0,
        description='"Deadlines and clocks": the buyer may cancel once delivery is '
        "more than 20 days overdue.",
    )
    tracking_replacement_days: float = Field(
        3,
        gt=0,
        description='"Deadlines and clocks": an untraceable number must be replaced '
        "within 3 days or the posting is cancelled.",
    )
    lost_compensation_days: float = Field(
        20,
        gt=0,
        description='"Deadlines and clocks": lost parcels are compensated about 20 '
        "days after cancellation (Ozon-partner logistics).",
    )
    return_decision_hours: float = Field(
        24,
        gt=0,
        description='"Deadlines and clocks": return requests must be decided within '
        "24 hours or Ozon approves them.",
    )
    chat_start_hours: float = Field(
        72,
        gt=0,
        description='"Deadlines and clocks" (Chats): a seller may start a chat only '
        "within 72 hours after payment or delivery.",
    )
    chat_reply_hours: float = Field(
        48,
        gt=0,
        description='"Deadlines and clocks" (Chats): later, only replies within 48 '
        "hours of the buyer's last message; FBO: replies only.",
    )
    error_index_window_days: float = Field(
        14,
        gt=0,
        description='"Penalties and ratings": the realFBS error index counts '
        "seller-fault cancellations over shipments for 14 days.",
    )
    error_index_free: float = Field(
        0.04, ge=0, le=1, description='"Penalties and ratings": an error index of 0-4 % is free.'
    )
    error_index_tiers: tuple[PenaltyTier, ...] = Field(
        (
            PenaltyTier(above=0.04, rate=0.03),
            PenaltyTier(above=0.08, rate=0.06),
            PenaltyTier(above=0.12, rate=0.09),
        ),
        description='"Penalties and ratings": above 4 %, 3 % / 6 % / 9 % of the product price '
        "per cancelled order. [inferred] The source names the rates, not where each tier "
        "starts: 4 %, 8 % and 12 % are our choice.",
    )
    error_index_fee_cap_rub: Decimal = Field(
        Decimal(1500), ge=0, description='"Penalties and ratings": capped at 1,500 RUB per order.'
    )
    key_lifetime_days: float = Field(
        180,
        gt=0,
        description='"API limits": keys made after 13 Feb 2026 expire after 180 '
        "days; /v1/roles returns expires_at.",
    )

    @model_validator(mode="after")
    def _tiers_ascend(self) -> Self:
        starts = [t.above for t in self.error_index_tiers]
        if starts != sorted(starts):
            raise ValueError(f"error_index_tiers must ascend by 'above'; got {starts}")
        return self

    def penalty_rate(self, index: float) -> float:
        """The share of the price each cancelled order costs at ``index`` (0 while free)."""
        rate = 0.0
        for tier in self.error_index_tiers:
            if index > tier.above:
                rate = tier.rate
        return rate if index > self.error_index_free else 0.0

    def fee(self, price: Decimal, index: float) -> Decimal:
        """What one cancelled order of ``price`` RUB costs at ``index``."""
        rate = Decimal(str(self.penalty_rate(index)))
        return min(self.error_index_fee_cap_rub, (price * rate).quantize(Decimal("0.01")))
