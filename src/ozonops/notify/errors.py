"""Errors of the notification package. Messages name the channel and what to fix — never a
robot key, token, signing secret or password.

::

    OzonOpsError
    └── NotifyError                          a notification could not be built or delivered
        ├── DeliveryError                    one send to one channel failed (``channel``)
        │   ├── TransientDeliveryError (+ TransientError)   the same send may succeed later
        │   │   ├── ChannelRateLimited       the platform said "too fast" (45009, 130101,
        │   │   │                            11232, Telegram 429); ``retry_after`` if it said
        │   │   └── ChannelUnavailable       5xx, timeout, refused or dropped connection
        │   └── TerminalDeliveryError (+ TerminalError)     a person must fix something first
        │       ├── ChannelAuthError         bad robot key / token / signing secret / login
        │       └── ChannelRejected          the platform refused this message or target
        │                                    (keyword missing, chat not found, bad payload)
        ├── InvalidNotification (+ TerminalError)   the rules engine handed over a bad value
        ├── ConfigurationError (+ TerminalError)    a route names a channel that is not set up
        └── WebhookVerificationError (+ TerminalError)  a receiver's check of our signature
            ├── MissingSignature             a signature or timestamp header is absent
            ├── BadSignature                 the HMAC does not match the body
            └── StaleTimestamp               older (or newer) than the replay tolerance

The dispatcher turns delivery errors into :class:`~ozonops.notify.dispatch.Outcome` data;
only :class:`InvalidNotification` and configuration errors reach the caller as exceptions.
"""

from __future__ import annotations

from ozonops.errors import OzonOpsError, TerminalError, TransientError

__all__ = [
    "BadSignature",
    "ChannelAuthError",
    "ChannelRateLimited",
    "ChannelRejected",
    "ChannelUnavailable",
    "ConfigurationError",
    "DeliveryError",
    "InvalidNotification",
    "MissingSignature",
    "NotifyError",
    "StaleTimestamp",
    "TerminalDeliveryError",
    "TransientDeliveryError",
    "WebhookVerificationError",
]


class NotifyError(OzonOpsError):
    """A notification could not be built or delivered."""


class DeliveryError(NotifyError):
    """One send to one channel failed; ``channel`` names the configured channel."""

    def __init__(
        self,
        message: str,
        *,
        channel: str,
        code: int | str | None = None,
        retry_after: float | None = None,
    ) -> None:
        self.channel = channel
        self.code = code
        self.retry_after = retry_after
        self.reason = message
        code_part = f" (code {code})" if code not in (None, "") else ""
        super().__init__(f"channel {channel!r}: {message}{code_part}")


class TransientDeliveryError(DeliveryError, TransientError):
    """The same send may succeed later: retry with backoff."""


class TerminalDeliveryError(DeliveryError, TerminalError):
    """Retrying will not help; the message says what to change."""


class ChannelRateLimited(TransientDeliveryError):
    """The platform refused the send as too frequent."""


class ChannelUnavailable(TransientDeliveryError):
    """The platform did not answer usefully: 5xx, timeout, connection refused or dropped."""


class ChannelAuthError(TerminalDeliveryError):
    """The platform rejected our credentials: robot key, bot token, signature or SMTP login."""


class ChannelRejected(TerminalDeliveryError):
    """The platform refused this message or this target (keyword, chat, payload)."""


class InvalidNotification(NotifyError, TerminalError, ValueError):
    """A :class:`~ozonops.notify.model.Notification` field holds an unusable value."""

    def __init__(self, field: str, value: object, hint: str) -> None:
        self.field = field
        self.value = value
        super().__init__(f"notification field {field!r} = {value!r}: {hint}")


class ConfigurationError(NotifyError, TerminalError, ValueError):
    """Routes and channels do not fit together; the message names the route and channel."""


class WebhookVerificationError(NotifyError, TerminalError):
    """A receiver could not verify a generic-webhook request; answer 401 and drop it."""


class MissingSignature(WebhookVerificationError):
    """The request lacks the signature or timestamp header."""


class BadSignature(WebhookVerificationError):
    """The signature does not match the body and timestamp under any accepted secret."""


class StaleTimestamp(WebhookVerificationError):
    """The timestamp is outside the replay tolerance (a replay, or a badly skewed clock)."""
