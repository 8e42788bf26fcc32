"""The web app's routers, one module per area; ``app.create_app`` includes them."""

from __future__ import annotations

from ozonops.web.routes.push import router as push_router

__all__ = ["push_router"]
