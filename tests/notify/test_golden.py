"""Golden wire tests: the exact request each channel builds for one alert.

Signatures are recomputed here from each platform's documented formula, independently of
``ozonops.notify.signing``; the payloads are literals kept at the bottom of the file.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from typing import Any
from urllib.parse import parse_qs, quote_plus, urlsplit

from ozonops.notify import LocalText, render_alert
from ozonops.notify.channels import (
    DingTalkChannel,
    DingTalkConfig,
    EmailChannel,
    EmailConfig,
    FeishuChannel,
    FeishuConfig,
    TelegramChannel,
    TelegramConfig,
    WebhookChannel,
    WebhookConfig,
    WeComChannel,
    WeComConfig,
)
from tests.notify.factories import make_notification, secret

NOW = 1_714_530_600.0
REF = "0f1e2d3c4b5a6978"


def english() -> Any:
    return render_alert(make_notification(), lang="en", ref=REF)


def chinese() -> Any:
    return render_alert(make_notification(), lang="zh", ref=REF)


def test_wecom_markdown() -> None:
    channel = WeComChannel(WeComConfig(name="ops", key=secret("k-1")))
    [part] = channel.parts(english())
    call = channel.request(part, now=NOW, delivery_key=REF)
    assert call.url == "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k-1"
    assert call.shown == "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=***"
    assert call.json() == WECOM
    assert "k-1" not in repr(call)


def test_dingtalk_markdown_signed_with_keyword_and_at_all() -> None:
    config = DingTalkConfig(
        name="ding",
        access_token=secret("t0k"),
        secret=secret("SECabc"),
        keyword="ozon",
        at_all_from="critical",
    )
    channel = DingTalkChannel(config)
    [part] = channel.parts(english())
    call = channel.request(part, now=NOW, delivery_key=REF)
    url = urlsplit(call.url)
    assert (url.scheme, url.netloc, url.path) == ("https", "oapi.dingtalk.com", "/robot/send")
    query = parse_qs(url.query)
    timestamp = "1714530600000"  # milliseconds
    digest = hmac.new(b"SECabc", f"{timestamp}\nSECabc".encode(), hashlib.sha256).digest()
    assert query == {
        "access_token": ["t0k"],
        "timestamp": [timestamp],
        "sign": [base64.b64encode(digest).decode()],
    }
    # URL-encoded in the query, as DingTalk asks ("+" → %2B, "/" → %2F, "=" → %3D).
    assert f"&sign={quote_plus(base64.b64encode(digest).decode())}" in call.url
    assert call.json() == DINGTALK
    assert "t0k" not in call.shown
    assert "SECabc" not in repr(call)


def test_feishu_card_on_lark_signed() -> None:
    channel = FeishuChannel(
        FeishuConfig(name="lark", token=secret("hook-1"), secret=secret("fs"), region="lark")
    )
    [part] = channel.parts(english())
    call = channel.request(part, now=NOW, delivery_key=REF)
    assert call.url == "https://open.larksuite.com/open-apis/bot/v2/hook/hook-1"
    body = call.json()
    key = b"1714530600\nfs"
    assert (
        body.pop("sign") == base64.b64encode(hmac.new(key, b"", hashlib.sha256).digest()).decode()
    )
    assert body == {"timestamp": "1714530600", **FEISHU}


def test_feishu_default_host_is_feishu_cn() -> None:
    channel = FeishuChannel(FeishuConfig(name="fs", token=secret("hook-2")))
    [part] = channel.parts(chinese())
    call = channel.request(part, now=NOW, delivery_key=REF)
    assert call.url == "https://open.feishu.cn/open-apis/bot/v2/hook/hook-2"
    assert "sign" not in call.json()  # signing is off without a secret


def test_telegram_html() -> None:
    channel = TelegramChannel(TelegramConfig(name="tg", token=secret("123:abc"), chat_id=-1001))
    [part] = channel.parts(english())
    call = channel.request(part, now=NOW, delivery_key=REF)
    assert call.url == "https://api.telegram.org/bot123:abc/sendMessage"
    assert call.shown == "https://api.telegram.org/bot***/sendMessage"
    assert call.json() == TELEGRAM


def test_telegram_escapes_html_in_user_text() -> None:
    notification = make_notification(
        title=LocalText(zh="a <b> & c", en="a <b> & c"),
        facts={"sku": "<script>"},
    )
    channel = TelegramChannel(TelegramConfig(name="tg", token=secret("1:x"), chat_id=5))
    [part] = channel.parts(render_alert(notification, lang="en", ref=REF))
    assert "a &lt;b&gt; &amp; c" in part.text
    assert "&lt;script&gt;" in part.text
    assert part.silent is False


def test_telegram_info_is_silent() -> None:
    channel = TelegramChannel(TelegramConfig(name="tg", token=secret("1:x"), chat_id=5))
    [part] = channel.parts(render_alert(make_notification(severity="info"), lang="en", ref=REF))
    assert channel.request(part, now=NOW, delivery_key=REF).json()["disable_notification"]


def test_webhook_body_and_signature_headers() -> None:
    channel = WebhookChannel(
        WebhookConfig(
            name="hook", url="https://hooks.example.com/ozon?tenant=7", secret=secret("whs")
        )
    )
    [part] = channel.parts(english())
    call = channel.request(part, now=NOW, delivery_key=REF)
    headers = dict(call.headers)
    mac = hmac.new(b"whs", b"1714530600." + call.content, hashlib.sha256).hexdigest()
    assert headers == {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": "ozonops-notify",
        "X-Ozonops-Timestamp": "1714530600",
        "X-Ozonops-Signature": f"sha256={mac}",
        "X-Ozonops-Delivery": REF,
    }
    assert call.url == "https://hooks.example.com/ozon?tenant=7"
    assert call.shown == "https://hooks.example.com/ozon"
    assert call.json() == WEBHOOK


def test_email_multipart_utf8() -> None:
    channel = EmailChannel(
        EmailConfig(
            name="mail",
            host="smtp.example.com",
            sender="ops@example.com",
            recipients=("a@example.com", "b@example.com"),
        )
    )
    [part] = channel.parts(chinese())
    mail = channel.request(part, now=NOW, delivery_key=REF)
    assert mail["Subject"] == "🔴 严重 货件 0123-4568-1 即将超时发货"
    assert "=?utf-8?" in mail.as_string()  # RFC 2047 on the wire
    assert mail["To"] == "a@example.com, b@example.com"
    assert mail["Message-ID"] == f"<{REF}@ozonops>"
    assert mail["X-Ozonops-Delivery"] == REF
    assert mail["Date"] == "Wed, 01 May 2024 02:30:00 +0000"
    assert mail.get_content_type() == "multipart/alternative"
    text = mail.get_body(("plain",))
    page = mail.get_body(("html",))
    assert text is not None
    assert page is not None
    assert text.get_content() == EMAIL_TEXT
    assert (
        '<a href="https://ops.example.com/postings/0123-4568-1">查看时间线</a>'
        in page.get_content()
    )


WECOM = {
    "msgtype": "markdown",
    "markdown": {
        "content": '## <font color="warning">🔴 Critical</font> Posting 0123-4568-1 is about to '
        "ship late\nThe shipping deadline is in 2 hours.\nPack it and upload the tracking "
        "number.\n> **Shop**: 深圳旗舰店\n> **Posting**: 0123-4568-1\n> **Deadline**: "
        "2024-05-01 12:30\n[Open timeline](https://ops.example.com/postings/0123-4568-1)\n"
        '<font color="comment">ref 0f1e2d3c4b5a6978</font>'
    },
}

DINGTALK = {
    "msgtype": "markdown",
    "markdown": {
        "title": "【ozon】Posting 0123-4568-1 is about to ship late",
        "text": "#### 【ozon】🔴 Critical Posting 0123-4568-1 is about to ship late\n\n"
        "The shipping deadline is in 2 hours.\n\nPack it and upload the tracking number.\n\n"
        "- **Shop**: 深圳旗舰店\n\n- **Posting**: 0123-4568-1\n\n- **Deadline**: 2024-05-01 "
        "12:30\n\n[Open timeline](https://ops.example.com/postings/0123-4568-1)\n\n"
        "###### ref 0f1e2d3c4b5a6978",
    },
    "at": {"isAtAll": True},
}

FEISHU = {
    "msg_type": "interactive",
    "card": {
        "config": {"wide_screen_mode": True},
        "header": {
            "title": {
                "tag": "plain_text",
                "content": "🔴 Critical Posting 0123-4568-1 is about to ship late",
            },
            "template": "red",
        },
        "elements": [
            {
                "tag": "div",
                "text": {
                    "tag": "lark_md",
                    "content": "The shipping deadline is in 2 hours.\nPack it and upload the "
                    "tracking number.\n**Shop**: 深圳旗舰店\n**Posting**: 0123-4568-1\n"
                    "**Deadline**: 2024-05-01 12:30",
                },
            },
            {
                "tag": "action",
                "actions": [
                    {
                        "tag": "button",
                        "text": {"tag": "plain_text", "content": "Open timeline"},
                        "type": "primary",
                        "url": "https://ops.example.com/postings/0123-4568-1",
                    }
                ],
            },
            {"tag": "note", "elements": [{"tag": "plain_text", "content": "ref 0f1e2d3c4b5a6978"}]},
        ],
    },
}

TELEGRAM = {
    "chat_id": "-1001",
    "text": "<b>🔴 Critical Posting 0123-4568-1 is about to ship late</b>\nThe shipping deadline "
    "is in 2 hours.\nPack it and upload the tracking number.\n<b>Shop</b>: 深圳旗舰店\n"
    "<b>Posting</b>: 0123-4568-1\n<b>Deadline</b>: 2024-05-01 12:30\n"
    '<a href="https://ops.example.com/postings/0123-4568-1">Open timeline</a>\n'
    "<i>ref 0f1e2d3c4b5a6978</i>",
    "parse_mode": "HTML",
    "link_preview_options": {"is_disabled": True},
    "disable_notification": False,
}

WEBHOOK = {
    "type": "alert",
    "delivery_id": "0f1e2d3c4b5a6978",
    "lang": "en",
    "severity": "critical",
    "title": "Posting 0123-4568-1 is about to ship late",
    "text": "[Critical] Posting 0123-4568-1 is about to ship late\nThe shipping deadline is in 2 "
    "hours.\nPack it and upload the tracking number.\nShop: 深圳旗舰店\nPosting: 0123-4568-1\n"
    "Deadline: 2024-05-01 12:30\nOpen timeline: https://ops.example.com/postings/0123-4568-1"
    "\n\nref 0f1e2d3c4b5a6978",
    "link": "https://ops.example.com/postings/0123-4568-1",
    "alerts": [
        {
            "alert_id": "alert-1",
            "rule_id": "late_shipment",
            "severity": "critical",
            "shop": "深圳旗舰店",
            "title": {
                "zh": "货件 0123-4568-1 即将超时发货",
                "en": "Posting 0123-4568-1 is about to ship late",
            },
            "body": {
                "zh": "发货截止还有 2 小时。\n请尽快打包并上传运单号。",
                "en": "The shipping deadline is in 2 hours.\nPack it and upload the tracking "
                "number.",
            },
            "facts": {"posting_number": "0123-4568-1", "deadline": "2024-05-01 12:30"},
            "link": "https://ops.example.com/postings/0123-4568-1",
            "created_at": "2024-05-01T02:31:00+00:00",
            "dedupe_key": "late_shipment:0123-4568-1",
        }
    ],
}

EMAIL_TEXT = (
    "[严重] 货件 0123-4568-1 即将超时发货\n发货截止还有 2 小时。\n请尽快打包并上传运单号。\n"
    "店铺: 深圳旗舰店\n货件号: 0123-4568-1\n截止时间: 2024-05-01 12:30\n"
    "查看时间线: https://ops.example.com/postings/0123-4568-1\n\n编号 0f1e2d3c4b5a6978\n"
)


def test_payloads_are_compact_utf8() -> None:
    channel = WeComChannel(WeComConfig(name="ops", key=secret("k")))
    [part] = channel.parts(chinese())
    content = channel.request(part, now=NOW, delivery_key=REF).content
    assert "严重".encode() in content  # not \\u escapes: platforms count bytes
    assert (
        content
        == json.dumps(json.loads(content), ensure_ascii=False, separators=(",", ":")).encode()
    )
