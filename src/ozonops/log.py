"""Logging set-up: rich output for humans, with Api-Keys scrubbed from every record.

Named ``log`` so it never shadows the standard library's ``logging``.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable

from rich.console import Console
from rich.logging import RichHandler

__all__ = ["REDACTED", "RedactingFilter", "configure_logging", "redact"]

REDACTED = "***"

# A marker names a secret; whatever value follows it is scrubbed. Covers raw headers
# ("Api-Key: 3f2a..."), dict and httpx.Headers reprs ("'api-key': '3f2a...'"), raw header
# tuples ("(b'Api-Key', b'3f2a...')"), query strings and kwargs ("api_key=3f2a...").
_MARKER = r"(?:api[-_ ]?key|secret[-_ ]?key|client[-_ ]?secret|access[-_ ]?token|authorization)"
_SEPARATOR = r"""(?:['"]?\s*[:=]\s*(?:b?['"])?|['"]\s*,\s*b?['"])"""
_SECRET_AFTER_MARKER = re.compile(
    rf"(?P<head>{_MARKER}{_SEPARATOR}(?:bearer\s+)?)(?P<secret>[^\s'\",;&)}}\]]+)",
    re.IGNORECASE,
)

_PLAIN = logging.Formatter()
#: Loggers kept at WARNING unless the level is DEBUG.
CHATTY = ("httpx", "httpcore", "alembic", "uvicorn.access")


# A shop's push URL carries its secret token as the last path segment.
_PUSH_TOKEN = re.compile(r"(?P<head>/ozon/push/)(?P<secret>[A-Za-z0-9_\-]+)")


def redact(text: str, *, secrets: Iterable[str] = ()) -> str:
    """Return ``text`` with known secret values and values after secret markers replaced."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, REDACTED)
    text = _PUSH_TOKEN.sub(rf"\g<head>{REDACTED}", text)
    return _SECRET_AFTER_MARKER.sub(rf"\g<head>{REDACTED}", text)


class RedactingFilter(logging.Filter):
    """Scrub secrets from a record's message and args before any handler formats it.

    The message is rendered once (``msg % args``), scrubbed, and stored back with empty
    args, so a secret hidden in the repr of an arg (a headers dict, a request) is caught too.
    ``secrets`` are exact values to remove wherever they appear, marker or not.
    """

    def __init__(self, *, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        # Longest first, so a secret that contains another is removed whole.
        self._secrets = sorted({s for s in secrets if s}, key=len, reverse=True)

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a malformed format string must not let secrets through
            message = f"{record.msg} {record.args!r}"
        record.msg = redact(message, secrets=self._secrets)
        record.args = ()
        # Tracebacks are rendered to text here so their messages get scrubbed as well;
        # handlers then append the plain text instead of formatting the live exception.
        if record.exc_info:
            record.exc_text = record.exc_text or _PLAIN.formatException(record.exc_info)
            record.exc_info = None
        if record.exc_text:
            record.exc_text = redact(record.exc_text, secrets=self._secrets)
        if record.stack_info:
            record.stack_info = redact(record.stack_info, secrets=self._secrets)
        return True


class _OzonOpsHandler(RichHandler):
    """Our root handler; a distinct type so ``configure_logging`` can replace it."""


def configure_logging(
    level: str | int = "INFO", *, secrets: Iterable[str] = (), console: Console | None = None
) -> None:
    """Send all logs through one rich handler that redacts secrets; safe to call twice."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        if isinstance(handler, _OzonOpsHandler):
            root.removeHandler(handler)
            handler.close()
    handler = _OzonOpsHandler(
        console=console or Console(stderr=True),
        show_path=False,
        markup=False,
    )
    handler.addFilter(RedactingFilter(secrets=secrets))
    root.addHandler(handler)
    numeric = logging.getLevelName(level.upper()) if isinstance(level, str) else level
    root.setLevel(numeric)
    # Libraries that log a line per request or per migration step speak only at DEBUG.
    for name in CHATTY:
        logging.getLogger(name).setLevel(numeric if numeric <= logging.DEBUG else logging.WARNING)
