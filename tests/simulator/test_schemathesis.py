"""Property-based conformance with schemathesis: generated valid requests to each of the 44
simulated methods, sent in process through ASGI with a real shop's keys.

Checks: no server error; the status code is documented; the content type is JSON; the body
matches the documented schema (schemathesis' own validator, over the same clean 44-method copy
of Ozon's spec the contract test uses). Bounded and derandomized so it is repeatable.
"""

from __future__ import annotations

from typing import Any

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.generation.modes import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from ozonops.simulator.app import create_app
from ozonops.simulator.config import SimConfig
from ozonops.simulator.routing import REGISTRY
from ozonops.simulator.world import World
from tests.simulator.spec_subset import subset_spec

CONFIG = SimConfig(
    seed=17, shops=2, orders_per_day=40, history_days=30, rate_limit_per_second=10**6
)
WORLD = World(CONFIG)
APP = create_app(CONFIG, world=WORLD)
SHOP = WORLD.shops[0]  # premium_pro: may call every method
AUTH = {"Client-Id": SHOP.client_id, "Api-Key": SHOP.api_key}

schema = schemathesis.openapi.from_dict(subset_spec())
schema.app = APP
schema.config.generation.update(modes=[GenerationMode.POSITIVE])

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@schema.parametrize()
@settings(
    max_examples=12,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_generated_requests_get_documented_answers(case: Any) -> None:
    assert case.path in REGISTRY.routes, f"{case.path} is in the spec subset but not served"
    case.headers = {**(case.headers or {}), **AUTH}
    case.call_and_validate(checks=CHECKS)
