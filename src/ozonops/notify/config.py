"""Channel and route configuration (pydantic; to be read from settings) and the factory
that turns a channel config into its channel.

Channel configs are a union told apart by ``kind`` — ``wecom``, ``dingtalk``, ``feishu``,
``telegram``, ``email``, ``webhook`` — e.g. from JSON::

    {"channels": [{"kind": "wecom", "name": "ops", "key": "..."}],
     "routes": [{"name": "urgent", "channels": ["ops"], "min_severity": "critical"}]}
"""

from __future__ import annotations

from typing import Annotated, Any, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from ozonops.notify.channels.base import Channel
from ozonops.notify.channels.dingtalk import DingTalkChannel, DingTalkConfig
from ozonops.notify.channels.email import EmailChannel, EmailConfig
from ozonops.notify.channels.feishu import FeishuChannel, FeishuConfig
from ozonops.notify.channels.telegram import TelegramChannel, TelegramConfig
from ozonops.notify.channels.webhook import WebhookChannel, WebhookConfig
from ozonops.notify.channels.wecom import WeComChannel, WeComConfig
from ozonops.notify.routing import Route

__all__ = ["AnyChannel", "ChannelConfig", "NotifyConfig", "make_channel", "make_channels"]

ChannelConfig = Annotated[
    WeComConfig | DingTalkConfig | FeishuConfig | TelegramConfig | EmailConfig | WebhookConfig,
    Field(discriminator="kind"),
]

AnyChannel = Channel[Any, Any, Any]


class NotifyConfig(BaseModel):
    """Every channel and route; names are unique and every route's channels exist."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    channels: tuple[ChannelConfig, ...] = ()
    routes: tuple[Route, ...] = ()

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        for what, names in (
            ("channel", [c.name for c in self.channels]),
            ("route", [r.name for r in self.routes]),
        ):
            doubled = sorted({name for name in names if names.count(name) > 1})
            if doubled:
                raise ValueError(f"{what} names must be unique; rename {doubled}")
        known = {c.name for c in self.channels}
        for route in self.routes:
            missing = [name for name in route.channels if name not in known]
            if missing:
                raise ValueError(
                    f"route {route.name!r} names unknown channel(s) {missing}; "
                    f"configured channels are {sorted(known)}"
                )
        return self


def make_channel(config: ChannelConfig) -> AnyChannel:
    """The channel a config describes."""
    match config:
        case WeComConfig():
            return WeComChannel(config)
        case DingTalkConfig():
            return DingTalkChannel(config)
        case FeishuConfig():
            return FeishuChannel(config)
        case TelegramConfig():
            return TelegramChannel(config)
        case EmailConfig():
            return EmailChannel(config)
        case WebhookConfig():
            return WebhookChannel(config)
    raise TypeError(f"no channel for config {type(config).__name__}")


def make_channels(config: NotifyConfig) -> dict[str, AnyChannel]:
    """Every configured channel by name."""
    return {channel.name: make_channel(channel) for channel in config.channels}
