"""Knobs of a simulated Ozon world: its size, its clock and the troubles it injects."""

from __future__ import annotations

from datetime import UTC, datetime

from pydantic import BaseModel, ConfigDict, Field


class TroubleRates(BaseModel):
    """Probability per posting that each trouble happens (0..1)."""

    model_config = ConfigDict(frozen=True)

    late_packing: float = Field(0.06, ge=0, le=1)
    ship_failed: float = Field(0.03, ge=0, le=1)
    stall: float = Field(0.05, ge=0, le=1)
    lost: float = Field(0.01, ge=0, le=1)
    customs_hold: float = Field(0.04, ge=0, le=1)
    return_to_sender: float = Field(0.01, ge=0, le=1)
    failed_delivery: float = Field(0.03, ge=0, le=1)
    buyer_cancellation: float = Field(0.04, ge=0, le=1)
    arbitration: float = Field(0.01, ge=0, le=1)
    not_accepted: float = Field(0.01, ge=0, le=1)
    damaged: float = Field(0.02, ge=0, le=1)


class OutcomeRates(BaseModel):
    """What buyers do after delivery."""

    model_config = ConfigDict(frozen=True)

    client_return: float = Field(0.05, ge=0, le=1)
    review: float = Field(0.35, ge=0, le=1)
    buyer_message: float = Field(0.12, ge=0, le=1)


class FaultConfig(BaseModel):
    """Transport-level faults the simulator injects into Ozon-path answers."""

    error_5xx_rate: float = Field(0.0, ge=0, le=1)
    latency_ms_p50: float = Field(0.0, ge=0)
    latency_ms_p99: float = Field(0.0, ge=0)
    timeout_rate: float = Field(0.0, ge=0, le=1)
    drop_rate: float = Field(0.0, ge=0, le=1)
    circuit_open_rate: float = Field(0.0, ge=0, le=1)


class SimConfig(BaseModel):
    """Everything needed to build the same world twice.

    ``start`` is the simulated "now" when the world is created; ``history_days`` of orders
    lie before it with their lifecycles already played (the simulated seller acted on them).
    Orders created after ``start`` wait for the real seller's API calls unless ``autopilot``.
    """

    model_config = ConfigDict(frozen=True)

    seed: int = 42
    shops: int = Field(2, ge=1, le=50)
    orders_per_day: int = Field(500, ge=0, le=200_000)
    history_days: int = Field(90, ge=0, le=730)
    start: datetime = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
    speed: float = Field(0.0, ge=0, description="0 = frozen clock; N = N times real time")
    autopilot: bool = False
    rate_limit_per_second: int = Field(50, ge=1)
    troubles: TroubleRates = TroubleRates()
    outcomes: OutcomeRates = OutcomeRates()
    faults: FaultConfig = FaultConfig()
    webhook_url: str | None = None  # every shop pushes here (see simulator/webhooks.py)
