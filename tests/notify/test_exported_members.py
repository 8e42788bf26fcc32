"""The public door of ``ozonops.notify`` (house habit 1): the exported names are exactly these."""

from __future__ import annotations

import ozonops.notify as notify

EXPECTED = {
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
}


def test_all_is_the_expected_surface() -> None:
    assert set(notify.__all__) == EXPECTED
    assert notify.__all__ == sorted(notify.__all__, key=lambda n: (n[0].islower(), n))


def test_every_exported_name_exists_and_belongs_to_the_package() -> None:
    for name in notify.__all__:
        member = getattr(notify, name)
        module = getattr(member, "__module__", None) or getattr(member, "__name__", "")
        if name in ("ChannelConfig", "Lang"):  # type aliases: typing owns their module
            continue
        assert module.startswith("ozonops.notify"), name
