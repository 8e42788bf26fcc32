"""The degradation detector: pure rules, then fed by real calls through a ShopClient."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from pydantic import SecretStr

from ozonops.ozon import errors
from ozonops.ozon.health import (
    Alert,
    DegradationDetector,
    DetectorConfig,
    Outcome,
    classify,
)
from ozonops.ozon.http import OzonHttp
from ozonops.ozon.retry import NO_RETRY
from ozonops.ozon.shops import ShopClient

pytestmark = pytest.mark.anyio

T0 = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
M = "/v3/posting/fbo/list"


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


def _err(cls: type[errors.ApiError], message: str, status: int | None = None) -> errors.ApiError:
    return cls(message, method=M, status=status)


def _feed(
    detector: DegradationDetector, outcomes: list[errors.ApiError | None], start: int = 0
) -> list[Alert]:
    alerts = []
    for i, error in enumerate(outcomes, start=start):
        alert = detector.observe(M, error, at=T0 + timedelta(minutes=i))
        if alert is not None:
            alerts.append(alert)
    return alerts


@pytest.mark.parametrize(
    ("error", "outcome"),
    [
        (None, Outcome.OK),
        (_err(errors.UnexpectedResponse, "not JSON", 200), Outcome.BROKEN),
        (_err(errors.BadRequest, "unknown field dir", 400), Outcome.BROKEN),
        (_err(errors.NotFound, "Not Found", 404), Outcome.BROKEN),
        (_err(errors.NotFound, "404 page not found", 404), Outcome.BROKEN),
        (_err(errors.NotFound, "<html><body>404</body></html>", 404), Outcome.BROKEN),
        (_err(errors.NotFound, "method not found", 404), Outcome.BROKEN),
        (_err(errors.NotFound, "posting 0-0-1 not found", 404), Outcome.NEUTRAL),
        (_err(errors.ServerError, "internal", 500), Outcome.TRANSIENT),
        (_err(errors.ApiTimeout, "slow"), Outcome.TRANSIENT),
        (_err(errors.SubscriptionRequired, "not available", 403), Outcome.NEUTRAL),
        (_err(errors.AuthError, "Invalid Api-Key", 403), Outcome.NEUTRAL),
        (_err(errors.Conflict, "wrong status", 409), Outcome.NEUTRAL),
        (_err(errors.InvalidArguments, "limit > 1000"), Outcome.NEUTRAL),
        (RuntimeError("not ours"), Outcome.NEUTRAL),
    ],
)
def test_classify(error: BaseException | None, outcome: Outcome) -> None:
    assert classify(error) is outcome


def test_a_method_that_worked_then_fails_in_a_row_is_degraded_then_recovers() -> None:
    seen: list[Alert] = []
    detector = DegradationDetector(on_alert=seen.append)
    gone = _err(errors.NotFound, "Not Found", 404)
    alerts = _feed(detector, [None, None, None, gone, gone])
    assert alerts == []
    assert detector.snapshot()[M].state == "ok"

    [alert] = _feed(detector, [gone], start=5)
    assert alert.kind == "degraded"
    assert alert.method == M
    assert alert.since == T0 + timedelta(minutes=5)
    assert alert.count == 3
    assert alert.last_error is not None
    assert (alert.last_error.error, alert.last_error.message) == ("NotFound", "Not Found")
    health = detector.snapshot()[M]
    assert (health.state, health.successes, health.failures) == ("degraded", 3, 3)
    assert [h.method for h in detector.degraded()] == [M]

    assert _feed(detector, [gone, None], start=6) == []  # one success is not a recovery
    [back] = _feed(detector, [None], start=8)
    assert (back.kind, back.since) == ("recovered", T0 + timedelta(minutes=5))
    assert detector.snapshot()[M].state == "ok"
    assert detector.snapshot()[M].last_failures[-1].at == T0 + timedelta(minutes=6)
    assert seen == [alert, back] == detector.alerts()


def test_a_method_that_never_worked_is_not_degraded() -> None:
    detector = DegradationDetector()
    garbage = _err(errors.UnexpectedResponse, "not JSON", 200)
    assert _feed(detector, [None, None, garbage, garbage, garbage, garbage]) == []
    assert detector.snapshot()[M].state == "ok"


def test_plan_and_object_errors_never_degrade_a_method() -> None:
    detector = DegradationDetector()
    plan = _err(errors.SubscriptionRequired, "not available with existing subscription", 403)
    missing = _err(errors.NotFound, "posting 0-0-1 not found", 404)
    assert _feed(detector, [*[None] * 5, *[plan, missing] * 10]) == []
    health = detector.snapshot()[M]
    assert (health.state, health.failures) == ("ok", 0)
    assert len(health.last_failures) == DetectorConfig().keep_failures  # still kept for the doctor


def test_a_high_failure_rate_degrades_even_without_a_streak() -> None:
    config = DetectorConfig(window=10, min_window_calls=10, max_failure_rate=0.5)
    detector = DegradationDetector(config)
    flaky = _err(errors.ServerError, "bad gateway", 502)
    outcomes: list[errors.ApiError | None] = [None, None, None]
    alerts = _feed(detector, [*outcomes, *[flaky, flaky, None] * 3])
    [alert] = alerts
    assert alert.kind == "degraded"
    assert "of the last 10 calls failed" in alert.reason


def test_failures_are_kept_per_method_newest_last() -> None:
    detector = DegradationDetector(DetectorConfig(keep_failures=2))
    for i, message in enumerate(["a", "b", "c"]):
        detector.observe("/v1/roles", _err(errors.ServerError, message, 500), at=T0)
        detector.observe(M, None, at=T0 + timedelta(seconds=i))
    snap = detector.snapshot()
    assert [f.message for f in snap["/v1/roles"].last_failures] == ["b", "c"]
    assert snap[M].last_failures == ()


# --- through real calls (MockTransport: the simulator never breaks a method's shape) ------


def _shop(handler: Callable[[httpx.Request], httpx.Response]) -> ShopClient:
    http = OzonHttp(
        client_id="1",
        api_key=SecretStr("k"),
        transport=httpx.MockTransport(handler),
        policy=NO_RETRY,
        limit_rate=False,
    )
    return ShopClient(name="main", http=http, clock=lambda: T0)


@pytest.mark.parametrize(
    "broken",
    [
        httpx.Response(404, json={"code": 5, "message": "Not Found", "details": []}),
        httpx.Response(404, text="404 page not found"),
        httpx.Response(200, text="<html>maintenance</html>"),
        httpx.Response(200, json=[1, 2, 3]),
    ],
    ids=["404-json", "404-text", "200-html", "200-list"],
)
async def test_a_method_answering_garbage_becomes_degraded_and_recovers(
    broken: httpx.Response,
) -> None:
    mode = {"broken": False}

    def handler(request: httpx.Request) -> httpx.Response:
        if mode["broken"]:
            return httpx.Response(broken.status_code, content=broken.content)
        return httpx.Response(200, json={"result": [], "has_next": False})

    shop = _shop(handler)
    for _ in range(3):
        await shop.post(M, {"limit": 1})
    mode["broken"] = True
    for _ in range(3):
        with pytest.raises(errors.ApiError):
            await shop.post(M, {"limit": 1})
    [degraded] = shop.detector.degraded()
    assert degraded.method == M
    assert degraded.consecutive_failures == 3
    mode["broken"] = False
    for _ in range(2):
        await shop.post(M, {"limit": 1})
    assert shop.detector.degraded() == []
    assert [a.kind for a in shop.detector.alerts()] == ["degraded", "recovered"]
    await shop.aclose()


async def test_a_body_that_no_longer_fits_the_model_counts_as_broken() -> None:
    from ozonops.ozon.models import RolesResponse

    shape = {"roles": [{"name": "Posting FBS", "methods": ["/v4/posting/fbs/list"]}]}

    def handler(request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        return httpx.Response(200, json=shape if body.get("old") else {"roles": "gone"})

    shop = _shop(handler)
    for _ in range(3):
        await shop.fetch("/v1/roles", {"old": True}, RolesResponse)
    for _ in range(3):
        with pytest.raises(errors.UnexpectedResponse, match="does not parse as RolesResponse"):
            await shop.fetch("/v1/roles", {}, RolesResponse)
    assert [h.method for h in shop.detector.degraded()] == ["/v1/roles"]
    await shop.aclose()


async def test_the_shops_typed_client_reports_to_the_detector() -> None:
    answers = {"shape": {"roles": [{"name": "Posting FBS", "methods": ["/v1/roles"]}]}}

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json=answers["shape"])

    shop = _shop(handler)
    for _ in range(3):
        roles = await shop.ozon.roles()
        assert roles.roles[0].name == "Posting FBS"
    answers["shape"] = {"roles": "gone"}  # Ozon changed the method's shape
    for _ in range(3):
        with pytest.raises(errors.UnexpectedResponse):
            await shop.ozon.roles()
    assert [h.method for h in shop.detector.degraded()] == ["/v1/roles"]
    assert shop.ozon.http is shop.http
    await shop.aclose()
