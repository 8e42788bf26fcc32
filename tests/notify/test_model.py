"""The value the rules engine hands over: validation with clear errors, ordering, i18n."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

import pytest

from ozonops.notify import InvalidNotification, LocalText, Severity, translate
from ozonops.notify.i18n import CATALOGUE, fact_label
from tests.notify.factories import make_notification


def test_severity_order() -> None:
    assert Severity.CRITICAL.at_least(Severity.WARNING)
    assert Severity.WARNING.at_least(Severity.WARNING)
    assert not Severity.INFO.at_least(Severity.WARNING)
    assert sorted(Severity, key=lambda s: s.rank) == [
        Severity.INFO,
        Severity.WARNING,
        Severity.CRITICAL,
    ]


def test_notification_coerces_severity_and_freezes_facts() -> None:
    notification = make_notification(severity="warning", facts={"b": "2", "a": "1"})
    assert notification.severity is Severity.WARNING
    assert notification.facts == (("b", "2"), ("a", "1"))  # order kept
    with pytest.raises(AttributeError):
        notification.shop = "other"  # type: ignore[misc]
    assert hash(notification) == hash(
        make_notification(severity="warning", facts={"b": "2", "a": "1"})
    )


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("alert_id", "", "'alert_id' = '': must be a non-empty string"),
        ("shop", "  ", "'shop'"),
        ("severity", "urgent", "use one of ['info', 'warning', 'critical']"),
        ("title", "plain str", "must be a LocalText"),
        ("title", LocalText(zh="标题", en=""), "needs a Chinese and an English title"),
        ("created_at", datetime(2024, 5, 1, 10, 30), "timezone-aware"),
        ("facts", {"n": 5}, "each fact is a (key, value) of strings"),
        ("link", "ops.example.com/x", "must be an http(s) URL"),
    ],
)
def test_bad_fields_are_named(field: str, value: Any, message: str) -> None:
    with pytest.raises(InvalidNotification, match=re.escape(message)) as caught:
        make_notification(**{field: value})
    assert caught.value.field == field
    assert isinstance(caught.value, ValueError)  # callers validating input can catch it so


def test_to_json_has_both_languages() -> None:
    data = make_notification().to_json()
    assert set(data["title"]) == {"zh", "en"}
    assert data["created_at"] == "2024-05-01T02:31:00+00:00"


def test_catalogue_has_both_languages_for_every_key() -> None:
    for key, (zh, en) in CATALOGUE.items():
        assert zh.strip(), key
        assert en.strip(), key


def test_translate_formats_and_names_missing_keys_and_params() -> None:
    assert translate("alert.ref", "en", ref="x1") == "ref x1"
    assert translate("alert.ref", "zh", ref="x1") == "编号 x1"
    with pytest.raises(KeyError, match=r"no catalogue entry 'alert\.nope'"):
        translate("alert.nope", "zh")
    with pytest.raises(KeyError, match="needs parameter 'ref'"):
        translate("alert.ref", "zh")


def test_fact_labels_fall_back_to_the_key() -> None:
    assert fact_label("tracking_number", "zh") == "运单号"
    assert fact_label("tracking_number", "en") == "Tracking number"
    assert fact_label("weight_kg", "zh") == "weight_kg"
