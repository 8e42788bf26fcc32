"""Application settings, read from ``OZONOPS_*`` environment variables and a ``.env`` file."""

from __future__ import annotations

from datetime import date, timedelta
from ipaddress import IPv4Network, IPv6Network, ip_network
from pathlib import Path
from typing import Annotated, Any, Literal, Self

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    HttpUrl,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_settings import BaseSettings, SettingsConfigDict

from ozonops.notify.config import NotifyConfig
from ozonops.watch_config import RulesConfig

__all__ = [
    "OZON_PUSH_NETWORKS",
    "PLACEHOLDER_SECRET_KEY",
    "PushSettings",
    "Settings",
    "ShopCredentials",
    "SyncConfig",
    "load_settings",
]

PLACEHOLDER_SECRET_KEY = "changethis"

LogLevel = Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"]
Environment = Literal["development", "production", "test"]


def _http_url(value: str) -> str:
    # Validated like HttpUrl but kept a plain str without the trailing slash HttpUrl adds,
    # so clients can join paths ("/v3/posting/fbs/list") without doubling slashes.
    try:
        HttpUrl(value)
    except ValidationError:
        raise ValueError(
            f"{value!r} is not an http(s) URL; use e.g. https://api-seller.ozon.ru "
            "or http://127.0.0.1:8900 for the simulator"
        ) from None
    return value.rstrip("/")


class ShopCredentials(BaseModel):
    """One Ozon seller account: the Client-Id / Api-Key pair from the seller cabinet."""

    model_config = ConfigDict(frozen=True, extra="forbid", coerce_numbers_to_str=True)

    name: str
    client_id: str
    api_key: SecretStr


class SyncConfig(BaseModel):
    """How the sync reads Ozon (``OZONOPS_SYNC__*``, e.g. ``OZONOPS_SYNC__BACKFILL_DAYS=30``)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    #: How much history the first run reads.
    backfill_days: int = Field(90, ge=1, le=365)
    #: Read from this day instead, as a first run would (``ozonops sync --since``); the
    #: cursors move on from there as usual.
    since: date | None = None
    #: Re-read this far behind each cursor: late writes on Ozon's side land inside it, and
    #: rows seen twice at the boundary are merged by their ids.
    overlap: timedelta = timedelta(minutes=10)
    #: Windows end this far after Ozon's now, so nothing created during a read falls outside.
    lead: timedelta = timedelta(days=1)
    #: Postings per store transaction during a backfill.
    batch_size: int = Field(500, ge=1, le=5000)
    #: Concurrent sub-windows of a backfill (the rate limit still caps the calls).
    concurrency: int = Field(10, ge=1, le=50)
    #: Days of daily accruals re-read behind the cursor (Ozon books some a day or two late).
    accrual_lag_days: int = Field(3, ge=0, le=30)


#: Where Ozon sends pushes from (spec tag ``push_start``).
OZON_PUSH_NETWORKS = ("195.34.21.0/24", "185.73.192.0/22", "91.223.93.0/24")


def _network(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    try:
        return ip_network(value.strip())
    except ValueError as exc:
        raise ValueError(
            f"{value!r} is not an IP network ({exc}); use e.g. 195.34.21.0/24, 10.0.0.5 "
            "or 2001:db8::/32"
        ) from None


Network = Annotated[IPv4Network | IPv6Network, BeforeValidator(_network)]


class PushSettings(BaseModel):
    """The push receiver (``OZONOPS_PUSH__*``; lists as JSON, e.g. ``'["10.0.0.1/32"]'``)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    #: Pushes are taken only from these sources; Ozon's published ranges by default.
    allowed_networks: tuple[Network, ...] = tuple(IPv4Network(n) for n in OZON_PUSH_NETWORKS)
    #: Reverse proxies in front of the receiver: from these peers, X-Forwarded-For names the
    #: source. Empty: the header is ignored (anyone could write it).
    trusted_proxies: tuple[Network, ...] = ()
    #: Larger bodies are refused with 413 (Ozon's pushes are a few hundred bytes).
    max_body_bytes: int = Field(1024 * 1024, ge=1024, le=64 * 1024 * 1024)


class Settings(BaseSettings):
    """Validated settings; build with :func:`load_settings`, never at import.

    Precedence: keyword overrides > ``OZONOPS_*`` environment > ``.env`` file > defaults.
    Lists and nested models come from JSON, e.g.
    ``OZONOPS_SHOPS='[{"name": "main", "client_id": "123", "api_key": "..."}]'``.
    """

    model_config = SettingsConfigDict(
        env_prefix="OZONOPS_",
        env_file=".env",
        env_file_encoding="utf-8",
        env_nested_delimiter="__",
        extra="ignore",  # .env files may hold other tools' variables
        frozen=True,
    )

    environment: Environment = "development"
    database_url: str = "sqlite:///./var/ozonops.db"
    ozon_base_url: Annotated[str, AfterValidator(_http_url)] = "https://api-seller.ozon.ru"
    shops: list[ShopCredentials] = []
    log_level: LogLevel = "INFO"
    simulator_port: int = 8900
    # Encrypts shop Api-Keys at rest; must be changed outside development.
    secret_key: SecretStr = SecretStr(PLACEHOLDER_SECRET_KEY)
    sync: SyncConfig = SyncConfig()
    #: Ozon's budget per Client-Id across all methods (ozon-rules.md "API limits").
    ozon_requests_per_second: int = Field(50, ge=1, le=10_000)
    #: Share each shop's budget between processes through this Redis (None: per process).
    redis_url: str | None = None
    push: PushSettings = PushSettings()
    #: Where ``ozonops run`` serves the web app (the push receiver, later the dashboard).
    web_host: str = "127.0.0.1"
    web_port: int = Field(8901, ge=0, le=65535)
    #: The address Ozon reaches the web app at (shown in push URLs), e.g. https://ops.example.com
    public_url: Annotated[str, AfterValidator(_http_url)] | None = None
    #: Alert channels and routes (``OZONOPS_NOTIFY='{"channels": [...], "routes": [...]}'``).
    notify: NotifyConfig = NotifyConfig()
    #: The rules' thresholds and Ozon's figures (``OZONOPS_RULES__SHIP_BY_NEAR__WARN_HOURS=12``).
    rules: RulesConfig = RulesConfig()

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper_log_level(cls, value: Any) -> Any:
        return value.upper() if isinstance(value, str) else value

    @field_validator("shops")
    @classmethod
    def _unique_shop_names(cls, shops: list[ShopCredentials]) -> list[ShopCredentials]:
        names = [shop.name for shop in shops]
        duplicates = sorted({name for name in names if names.count(name) > 1})
        if duplicates:
            raise ValueError(f"shop names must be unique; rename the duplicates: {duplicates}")
        return shops

    @model_validator(mode="after")
    def _refuse_placeholder_secret(self) -> Self:
        if (
            self.environment != "development"
            and self.secret_key.get_secret_value() == PLACEHOLDER_SECRET_KEY
        ):
            raise ValueError(
                f"OZONOPS_SECRET_KEY is still the placeholder while environment is "
                f"{self.environment!r}; set it to a random value, e.g. the output of "
                "`python -c 'import secrets; print(secrets.token_urlsafe(32))'`"
            )
        return self


def load_settings(*, env_file: str | Path | None = ".env", **overrides: Any) -> Settings:
    """Read settings now; ``env_file=None`` ignores any ``.env`` file (useful in tests).

    Raises:
        TypeError: an override names no setting (a typo would otherwise be ignored).
        pydantic.ValidationError: a value is invalid; the message names the field.
    """
    unknown = sorted(set(overrides) - set(Settings.model_fields))
    if unknown:
        raise TypeError(
            f"unknown setting(s) {unknown}; known settings are {sorted(Settings.model_fields)}"
        )
    return Settings(_env_file=env_file, **overrides)
