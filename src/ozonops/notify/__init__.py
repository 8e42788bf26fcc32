"""Alert delivery: WeCom, DingTalk, Feishu/Lark, Telegram, email and signed webhooks.

The rules engine hands over :class:`Notification` values; :func:`deliver` routes them
(:class:`Route`), renders them in the route's language, sends them within each platform's
rate limit with retries, and returns an :class:`Outcome` per notification and channel.
Digest routes are sent later by :func:`deliver_digests`. ``errors`` is a namespace:
``notify.errors.ChannelAuthError``. Other packages import from here only.
"""

from __future__ import annotations

from ozonops.notify import channels, errors
from ozonops.notify.clock import Clock, SystemClock
from ozonops.notify.config import ChannelConfig, NotifyConfig, make_channel, make_channels
from ozonops.notify.digest import Window, build_digest, window_of
from ozonops.notify.dispatch import Dispatcher, deliver, deliver_digests
from ozonops.notify.errors import (
    ConfigurationError,
    DeliveryError,
    InvalidNotification,
    NotifyError,
    WebhookVerificationError,
)
from ozonops.notify.i18n import Lang, translate
from ozonops.notify.limiter import Limiters, Rate
from ozonops.notify.model import Line, LocalText, Message, Notification, Severity
from ozonops.notify.outcome import Journal, MemoryJournal, Outcome, delivery_key
from ozonops.notify.receiver import verify_webhook
from ozonops.notify.render import render_alert
from ozonops.notify.retry import Backoff
from ozonops.notify.routing import Plan, Route, Target, matching_routes, plan
from ozonops.notify.secrets import channel_secrets
from ozonops.notify.signing import dingtalk_sign, feishu_sign, webhook_signature

__all__ = [
    "Backoff",
    "ChannelConfig",
    "Clock",
    "ConfigurationError",
    "DeliveryError",
    "Dispatcher",
    "InvalidNotification",
    "Journal",
    "Lang",
    "Limiters",
    "Line",
    "LocalText",
    "MemoryJournal",
    "Message",
    "Notification",
    "NotifyConfig",
    "NotifyError",
    "Outcome",
    "Plan",
    "Rate",
    "Route",
    "Severity",
    "SystemClock",
    "Target",
    "WebhookVerificationError",
    "Window",
    "build_digest",
    "channel_secrets",
    "channels",
    "deliver",
    "deliver_digests",
    "delivery_key",
    "dingtalk_sign",
    "errors",
    "feishu_sign",
    "make_channel",
    "make_channels",
    "matching_routes",
    "plan",
    "render_alert",
    "translate",
    "verify_webhook",
    "webhook_signature",
    "window_of",
]
