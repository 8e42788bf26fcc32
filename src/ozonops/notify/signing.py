"""The platforms' signature algorithms, as pure functions (each tested against its spec).

* DingTalk custom robot ("加签"): ``sign = base64(HMAC-SHA256(key=secret,
  msg=f"{timestamp_ms}\\n{secret}"))``, sent URL-encoded in the query beside
  ``timestamp`` (milliseconds); DingTalk refuses a timestamp more than an hour off.
* Feishu/Lark custom bot ("签名校验"): ``sign = base64(HMAC-SHA256(key=f"{timestamp_s}\\n
  {secret}", msg=b""))`` — the string is the *key* and the message is empty — sent in the
  JSON body beside ``timestamp`` (seconds, as a string); also valid for an hour.
* The generic webhook (ours): ``hex(HMAC-SHA256(key=secret, msg=f"{timestamp}.".encode()
  + body))`` over the exact body bytes, sent as ``X-Ozonops-Signature: sha256=<hex>`` with
  ``X-Ozonops-Timestamp: <unix seconds>``; see :mod:`ozonops.notify.receiver`.
"""

from __future__ import annotations

import base64
import hashlib
import hmac

__all__ = ["dingtalk_sign", "feishu_sign", "webhook_signature"]


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    """DingTalk's ``sign`` query value before URL-encoding."""
    digest = hmac.new(
        secret.encode("utf-8"), f"{timestamp_ms}\n{secret}".encode(), hashlib.sha256
    ).digest()
    return base64.b64encode(digest).decode("ascii")


def feishu_sign(secret: str, timestamp_s: int) -> str:
    """Feishu/Lark's ``sign`` body field."""
    digest = hmac.new(f"{timestamp_s}\n{secret}".encode(), b"", hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def webhook_signature(secret: str, timestamp: int, body: bytes) -> str:
    """The generic webhook's ``X-Ozonops-Signature`` header value (``sha256=<hex>``)."""
    mac = hmac.new(secret.encode("utf-8"), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"sha256={mac.hexdigest()}"
