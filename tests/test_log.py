from __future__ import annotations

import io
import logging
import sys
from collections.abc import Iterator

import httpx
import pytest
from rich.console import Console

from ozonops.log import REDACTED, RedactingFilter, configure_logging, redact

API_KEY = "4f6c2b1e-9a3d-4c7e-8b21-5d0e7f3a9c11"
HEX_KEY = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"


def _record(msg: str, *args: object) -> logging.LogRecord:
    return logging.LogRecord("test", logging.INFO, __file__, 1, msg, args, None)


def _filtered(record: logging.LogRecord, *, secrets: tuple[str, ...] = ()) -> str:
    assert RedactingFilter(secrets=secrets).filter(record) is True
    return record.getMessage()


def test_known_key_in_args_is_scrubbed() -> None:
    record = _record("shop %s rejected key %s", "main", API_KEY)

    message = _filtered(record, secrets=(API_KEY,))

    assert message == f"shop main rejected key {REDACTED}"
    assert record.args == ()


def test_httpx_headers_repr_in_args_is_scrubbed() -> None:
    headers = httpx.Headers({"Client-Id": "123456", "Api-Key": API_KEY})
    record = _record("sending %s to %s", headers, "https://api-seller.ozon.ru/v3/posting/fbs/list")

    message = _filtered(record)

    assert API_KEY not in message
    assert "'api-key': '***'" in message
    assert "'client-id': '123456'" in message  # Client-Id is not a secret


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        (f"Api-Key: {API_KEY}", API_KEY),
        (f"{{'Api-Key': '{HEX_KEY}', 'Client-Id': '1'}}", HEX_KEY),
        (f'{{"api_key": "{API_KEY}"}}', API_KEY),
        (f"[(b'Api-Key', b'{HEX_KEY}')]", HEX_KEY),
        (f"GET /x?api_key={HEX_KEY}&page=2", HEX_KEY),
        (f"ShopCredentials(api_key='{API_KEY}')", API_KEY),
        (f"Authorization: Bearer {HEX_KEY}", HEX_KEY),
        (f"API-KEY={API_KEY}", API_KEY),
        ('"POST /ozon/push/B3UQY_tbDUHx-YqggHy8 HTTP/1.1" 200', "B3UQY_tbDUHx-YqggHy8"),
    ],
)
def test_secret_after_marker_is_scrubbed(text: str, secret: str) -> None:
    scrubbed = redact(text)

    assert secret not in scrubbed
    assert REDACTED in scrubbed


def test_text_without_secrets_is_untouched() -> None:
    text = "posting 0123-4567-1 delivered; Api-Key is missing for shop main"

    assert redact(text) == text


def test_bad_format_string_still_scrubbed() -> None:
    record = _record("broken %d format", f"Api-Key: {API_KEY}")

    assert API_KEY not in _filtered(record)


def test_exception_text_is_scrubbed() -> None:
    try:
        raise RuntimeError(f"upstream said Api-Key: {API_KEY} is invalid")
    except RuntimeError:
        record = logging.LogRecord(
            "test", logging.ERROR, __file__, 1, "call failed", (), sys.exc_info()
        )

    RedactingFilter().filter(record)

    assert record.exc_info is None
    assert record.exc_text is not None
    assert API_KEY not in record.exc_text
    assert "RuntimeError" in record.exc_text


@pytest.fixture
def root_logger() -> Iterator[logging.Logger]:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield root
    for handler in root.handlers:
        if handler not in handlers:
            root.removeHandler(handler)
            handler.close()
    root.setLevel(level)


def test_configure_logging_redacts_end_to_end(root_logger: logging.Logger) -> None:
    out = io.StringIO()
    configure_logging("info", secrets=[API_KEY], console=Console(file=out, width=300))
    configure_logging("info", secrets=[API_KEY], console=Console(file=out, width=300))

    logging.getLogger("ozonops.test").info(
        "headers=%s key=%s", {"Client-Id": "1", "Api-Key": HEX_KEY}, API_KEY
    )
    logging.getLogger("ozonops.test").debug("hidden at INFO")

    written = out.getvalue()
    assert "headers=" in written
    assert written.count("headers=") == 1  # configuring twice keeps one handler
    assert API_KEY not in written
    assert HEX_KEY not in written
    assert "hidden at INFO" not in written
    assert root_logger.level == logging.INFO
