"""Reference methods: the key's roles."""

from __future__ import annotations

from ozonops.simulator.routing import JSON, Ctx, iso, route

#: Methods every simulated key may call, grouped as Ozon groups roles.
ROLES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Posting FBS", ("/v4/posting/fbs/list", "/v3/posting/fbs/get", "/v4/posting/fbs/ship")),
    ("Posting FBO", ("/v3/posting/fbo/list", "/v2/posting/fbo/get")),
    ("Returns", ("/v1/returns/list", "/v2/returns/rfbs/list")),
    ("Finance", ("/v3/finance/transaction/list", "/v2/finance/realization")),
    ("Chat", ("/v3/chat/list", "/v1/chat/send/message")),
    ("Review", ("/v2/review/list", "/v1/review/comment/create")),
    ("Warehouse", ("/v2/warehouse/list", "/v2/delivery-method/list")),
)


@route("/v1/roles")
def roles(ctx: Ctx) -> JSON:
    return {
        "expires_at": iso(ctx.shop.key_expires_at),
        "roles": [{"name": name, "methods": list(methods)} for name, methods in ROLES],
    }
