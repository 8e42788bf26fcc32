"""Sinks served over real sockets (one uvicorn each, for the session; reset per test with
the test's fake clock), an httpx client, and a real SMTP server."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import httpx
import pytest

from tests.live import serve
from tests.notify.sink_others import TelegramSink, WebhookSink
from tests.notify.sink_robots import DingTalkSink, FeishuSink, WeComSink
from tests.notify.sinkkit import FakeClock, Sink

S = TypeVar("S", bound=Sink)


@dataclass
class Served(Generic[S]):
    sink: S
    url: str


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def _served(sink: Any) -> Iterator[Served[Any]]:
    with serve(sink.app) as url:
        yield Served(sink, url)


@pytest.fixture(scope="session")
def _wecom() -> Iterator[Served[WeComSink]]:
    yield from _served(WeComSink())


@pytest.fixture(scope="session")
def _dingtalk() -> Iterator[Served[DingTalkSink]]:
    yield from _served(DingTalkSink())


@pytest.fixture(scope="session")
def _feishu() -> Iterator[Served[FeishuSink]]:
    yield from _served(FeishuSink())


@pytest.fixture(scope="session")
def _telegram() -> Iterator[Served[TelegramSink]]:
    yield from _served(TelegramSink())


@pytest.fixture(scope="session")
def _webhook() -> Iterator[Served[WebhookSink]]:
    yield from _served(WebhookSink())


def _fresh(served: Served[S], clock: FakeClock) -> Served[S]:
    served.sink.reset(clock)
    return served


@pytest.fixture
def wecom(_wecom: Served[WeComSink], clock: FakeClock) -> Served[WeComSink]:
    return _fresh(_wecom, clock)


@pytest.fixture
def dingtalk(_dingtalk: Served[DingTalkSink], clock: FakeClock) -> Served[DingTalkSink]:
    _dingtalk.sink.keywords = ()
    return _fresh(_dingtalk, clock)


@pytest.fixture
def feishu(_feishu: Served[FeishuSink], clock: FakeClock) -> Served[FeishuSink]:
    _feishu.sink.keywords = ()
    return _fresh(_feishu, clock)


@pytest.fixture
def telegram(_telegram: Served[TelegramSink], clock: FakeClock) -> Served[TelegramSink]:
    return _fresh(_telegram, clock)


@pytest.fixture
def webhook(_webhook: Served[WebhookSink], clock: FakeClock) -> Served[WebhookSink]:
    return _fresh(_webhook, clock)


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient() as client:
        yield client
