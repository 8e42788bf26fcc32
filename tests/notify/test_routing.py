"""Routing rules and configuration: who gets what, now or in a digest."""

from __future__ import annotations

import json

import pytest
from pydantic import ValidationError

from ozonops.notify import NotifyConfig, Route, make_channels, matching_routes, plan
from ozonops.notify.channels import TelegramChannel, WeComChannel
from tests.notify.factories import make_notification

URGENT = Route(name="urgent", channels=("wecom", "tg"), min_severity="critical")
REVIEWS = Route(name="reviews", channels=("tg",), rules=frozenset({"bad_review"}), lang="en")
SHOP_B = Route(name="shop-b", channels=("mail",), shops=frozenset({"B"}), mode="daily")
ROUTES = (URGENT, REVIEWS, SHOP_B)


def test_matching_by_severity_rule_and_shop() -> None:
    late = make_notification(severity="critical", rule_id="late_shipment", shop="A")
    review = make_notification(severity="warning", rule_id="bad_review", shop="B")
    info = make_notification(severity="info", rule_id="late_shipment", shop="A")
    assert [r.name for r in matching_routes(late, ROUTES)] == ["urgent"]
    assert [r.name for r in matching_routes(review, ROUTES)] == ["reviews", "shop-b"]
    assert matching_routes(info, ROUTES) == []


def test_plan_sends_once_per_channel_and_defers_digests() -> None:
    both = make_notification(1, severity="critical", rule_id="bad_review", shop="B")
    alone = make_notification(2, severity="info", shop="Z")
    result = plan([both, alone], ROUTES)
    # urgent names tg, reviews names tg too: tg gets it once, in urgent's language
    assert [(t.route.name, t.channel) for t in result.immediate] == [
        ("urgent", "wecom"),
        ("urgent", "tg"),
    ]
    [(deferred, route, window)] = result.deferred
    assert (deferred, route.name, window.key) == (both, "shop-b", "daily:2024-05-01T00:00:00+08:00")
    assert result.unrouted == (alone,)


def test_route_validation_names_the_problem() -> None:
    with pytest.raises(ValidationError, match="unknown time zone 'Mars/Olympus'"):
        Route(name="r", channels=("x",), tz="Mars/Olympus")
    with pytest.raises(ValidationError, match="empty list matches nothing"):
        Route(name="r", channels=("x",), shops=frozenset())
    with pytest.raises(ValidationError, match="channels"):
        Route(name="r", channels=())
    with pytest.raises(ValidationError, match="min_severity"):
        Route(name="r", channels=("x",), min_severity="urgent")


CONFIG = {
    "channels": [
        {"kind": "wecom", "name": "wecom", "key": "k-1"},
        {"kind": "telegram", "name": "tg", "token": "1:x", "chat_id": -100},
    ],
    "routes": [{"name": "urgent", "channels": ["wecom", "tg"], "min_severity": "critical"}],
}


def test_config_from_json_builds_channels_and_hides_secrets() -> None:
    config = NotifyConfig.model_validate_json(json.dumps(CONFIG))
    channels = make_channels(config)
    assert isinstance(channels["wecom"], WeComChannel)
    assert isinstance(channels["tg"], TelegramChannel)
    assert "k-1" not in repr(config)
    assert "1:x" not in repr(config)
    assert "1:x" not in repr(channels)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"routes": [{"name": "r", "channels": ["nope"]}]}, "route 'r' names unknown channel"),
        ({"channels": CONFIG["channels"] * 2}, "channel names must be unique"),
        ({"channels": [{"kind": "pager", "name": "p"}]}, "kind"),
        (
            {"channels": [{"kind": "wecom", "name": "w", "key": "k", "base_url": "ftp://x"}]},
            "not an http",
        ),
    ],
)
def test_config_errors_name_the_field(change: dict[str, object], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        NotifyConfig.model_validate({**CONFIG, **change})
