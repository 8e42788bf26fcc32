"""Ozon-path handlers, one module per method group; importing this registers them all."""

from ozonops.simulator.routes import reference  # noqa: F401
