"""Signature algorithms against each platform's documented formula (recomputed here), the
published example vectors we could find, and the generic webhook's receiver check."""

from __future__ import annotations

import base64
import hashlib
import hmac
from urllib.parse import quote_plus

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ozonops.notify import dingtalk_sign, errors, feishu_sign, verify_webhook, webhook_signature

secrets_ = st.text(min_size=1, max_size=80)
seconds = st.integers(min_value=1_500_000_000, max_value=2_500_000_000)


@given(secret=secrets_, timestamp_ms=seconds.map(lambda s: s * 1000 + 123))
def test_dingtalk_is_hmac_of_timestamp_newline_secret_keyed_by_secret(
    secret: str, timestamp_ms: int
) -> None:
    # 把 timestamp+"\n"+密钥 当做签名字符串，使用 HmacSHA256 算法计算签名，然后进行 Base64 encode
    string_to_sign = f"{timestamp_ms}\n{secret}".encode()
    digest = hmac.new(secret.encode(), string_to_sign, hashlib.sha256).digest()
    assert dingtalk_sign(secret, timestamp_ms) == base64.b64encode(digest).decode()


@given(secret=secrets_, timestamp=seconds)
def test_feishu_is_hmac_of_empty_message_keyed_by_timestamp_newline_secret(
    secret: str, timestamp: int
) -> None:
    # 把 timestamp + "\n" + 密钥 当做签名字符串（作为 HMAC 的 key），对空字符串签名，再 Base64
    key = f"{timestamp}\n{secret}".encode()
    expected = base64.b64encode(hmac.new(key, b"", hashlib.sha256).digest()).decode()
    assert feishu_sign(secret, timestamp) == expected


def test_feishu_published_vector() -> None:
    # A Feishu bot project's published test case (Deno util tests): timestamp 1584532800
    # (2020-03-18 20:00 Beijing), secret 9RfDwbCf5MqJ54F8FUktw.
    assert feishu_sign("9RfDwbCf5MqJ54F8FUktw", 1584532800) == (
        "YftbIE5F81bUnsLwj5Av5Ahfxsa/71+f4Th4tPR7GaA="
    )


def test_dingtalk_published_encoding_vector() -> None:
    # DingTalk's documented HMAC-SHA256 → Base64 → URL-encode example (the login-free
    # signature: message is the timestamp alone). It pins the URL encoding the robot's
    # ``sign`` needs — quote_plus, as the channel's request uses (see test_golden).
    mac = hmac.new(b"testappSecret", b"1546084445901", hashlib.sha256).digest()
    assert quote_plus(base64.b64encode(mac)) == "HCbG3xNE3vzhO%2Bu7qCUL1jS5hsu2n5r2cFhnTrtyDAE%3D"


def test_dingtalk_and_feishu_differ_on_purpose() -> None:
    # Same words in both docs ("timestamp\nsecret"), different roles: DingTalk signs it,
    # Feishu keys with it. Mixing them up is the classic bug.
    assert dingtalk_sign("s", 1_700_000_000_000) != feishu_sign("s", 1_700_000_000_000)


@given(secret=secrets_, timestamp=seconds, body=st.binary(max_size=300))
def test_webhook_signature_is_hex_hmac_of_timestamp_dot_body(
    secret: str, timestamp: int, body: bytes
) -> None:
    mac = hmac.new(secret.encode(), str(timestamp).encode() + b"." + body, hashlib.sha256)
    assert webhook_signature(secret, timestamp, body) == "sha256=" + mac.hexdigest()


NOW = 1_714_530_600


def headers(secret: str, body: bytes, timestamp: int = NOW) -> dict[str, str]:
    return {
        "X-Ozonops-Timestamp": str(timestamp),
        "X-Ozonops-Signature": webhook_signature(secret, timestamp, body),
    }


def test_receiver_accepts_a_fresh_signed_body_with_any_header_case() -> None:
    body = b'{"type":"alert"}'
    lowered = {k.lower(): v for k, v in headers("s3", body).items()}
    assert verify_webhook(body=body, headers=lowered, secrets="s3", now=NOW + 10) == NOW


def test_receiver_accepts_either_secret_during_rotation() -> None:
    body = b"{}"
    assert verify_webhook(body=body, headers=headers("old", body), secrets=["new", "old"], now=NOW)


@pytest.mark.parametrize(
    ("body", "secret", "now", "error"),
    [
        (b'{"type":"digest"}', "s3", NOW, errors.BadSignature),  # body changed after signing
        (b'{"type":"alert"}', "other", NOW, errors.BadSignature),
        (b'{"type":"alert"}', "s3", NOW + 301, errors.StaleTimestamp),  # a replay
        (b'{"type":"alert"}', "s3", NOW - 301, errors.StaleTimestamp),  # from the future
    ],
)
def test_receiver_refuses(
    body: bytes, secret: str, now: int, error: type[errors.WebhookVerificationError]
) -> None:
    signed = headers("s3", b'{"type":"alert"}')
    with pytest.raises(error):
        verify_webhook(body=body, headers=signed, secrets=secret, now=now)


def test_receiver_tolerance_is_configurable_and_inclusive() -> None:
    body = b"{}"
    signed = headers("s", body)
    assert verify_webhook(body=body, headers=signed, secrets="s", now=NOW + 300) == NOW
    with pytest.raises(errors.StaleTimestamp, match="tolerance 60 s"):
        verify_webhook(body=body, headers=signed, secrets="s", now=NOW + 61, tolerance=60)


@pytest.mark.parametrize(
    ("drop", "value", "match"),
    [
        ("X-Ozonops-Signature", None, "X-Ozonops-Signature is missing"),
        ("X-Ozonops-Timestamp", None, "X-Ozonops-Timestamp is missing"),
        ("X-Ozonops-Timestamp", "yesterday", "not Unix seconds"),
    ],
)
def test_receiver_names_the_missing_or_bad_header(drop: str, value: str | None, match: str) -> None:
    signed = headers("s", b"{}")
    if value is None:
        del signed[drop]
    else:
        signed[drop] = value
    with pytest.raises(errors.MissingSignature, match=match):
        verify_webhook(body=b"{}", headers=signed, secrets="s", now=NOW)
