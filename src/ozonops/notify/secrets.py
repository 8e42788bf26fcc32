"""Every channel secret, for the log filter.

Some platforms put the secret in the URL (WeCom's ``key=``, DingTalk's ``access_token=``,
Telegram's ``/bot<token>/``, Feishu's hook path), and httpx logs request URLs at INFO.
Pass these values to :func:`ozonops.log.configure_logging` (``secrets=``) and they are
scrubbed from every log record, ours and httpx's alike.
"""

from __future__ import annotations

from collections.abc import Iterable

from ozonops.notify.config import AnyChannel

__all__ = ["channel_secrets"]


def channel_secrets(channels: Iterable[AnyChannel]) -> list[str]:
    """The secret values of ``channels``, longest first, without duplicates."""
    values = {secret for channel in channels for secret in channel.secrets() if secret}
    return sorted(values, key=len, reverse=True)
