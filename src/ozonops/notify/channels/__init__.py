"""One module per platform, each with the same shape (see ``base``)."""

from __future__ import annotations

from ozonops.notify.channels.base import Channel, ChannelSettings, HttpCall, HttpChannel
from ozonops.notify.channels.dingtalk import DingTalkChannel, DingTalkConfig, DingTalkPart
from ozonops.notify.channels.email import EmailChannel, EmailConfig, EmailPart
from ozonops.notify.channels.feishu import FeishuChannel, FeishuConfig
from ozonops.notify.channels.telegram import TelegramChannel, TelegramConfig, TelegramPart
from ozonops.notify.channels.webhook import WebhookChannel, WebhookConfig
from ozonops.notify.channels.wecom import WeComChannel, WeComConfig

__all__ = [
    "Channel",
    "ChannelSettings",
    "DingTalkChannel",
    "DingTalkConfig",
    "DingTalkPart",
    "EmailChannel",
    "EmailConfig",
    "EmailPart",
    "FeishuChannel",
    "FeishuConfig",
    "HttpCall",
    "HttpChannel",
    "TelegramChannel",
    "TelegramConfig",
    "TelegramPart",
    "WeComChannel",
    "WeComConfig",
    "WebhookChannel",
    "WebhookConfig",
]
