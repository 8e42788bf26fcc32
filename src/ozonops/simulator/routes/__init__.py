"""Ozon-path handlers, one module per method group; importing this registers them all."""

from ozonops.simulator.routes import (  # noqa: F401  # noqa: F401  # noqa: F401
    analytics,
    chats,
    fbo,
    finance_reports,
    finance_transactions,
    posting_actions,
    postings_fbs,
    reference,
    returns,
    reviews,
    stock,
    warehouses,
)
