"""Notifications and channels for tests: defaults plus overrides."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from pydantic import SecretStr

from ozonops.notify import LocalText, Notification

CREATED = datetime(2024, 5, 1, 2, 30, tzinfo=UTC)  # 10:30 in Beijing


def make_notification(n: int = 1, **overrides: Any) -> Notification:
    posting = f"0123-{4567 + n}-1"
    fields: dict[str, Any] = {
        "alert_id": f"alert-{n}",
        "rule_id": "late_shipment",
        "severity": "critical",
        "shop": "深圳旗舰店",
        "title": LocalText(
            zh=f"货件 {posting} 即将超时发货", en=f"Posting {posting} is about to ship late"
        ),
        "body": LocalText(
            zh="发货截止还有 2 小时。\n请尽快打包并上传运单号。",
            en="The shipping deadline is in 2 hours.\nPack it and upload the tracking number.",
        ),
        "created_at": CREATED + timedelta(minutes=n),
        "dedupe_key": f"late_shipment:{posting}",
        "facts": {"posting_number": posting, "deadline": "2024-05-01 12:30"},
        "link": f"https://ops.example.com/postings/{posting}",
    }
    fields.update(overrides)
    return Notification(**fields)


def secret(value: str) -> SecretStr:
    return SecretStr(value)
