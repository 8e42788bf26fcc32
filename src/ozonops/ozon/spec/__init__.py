"""Ozon's OpenAPI spec for the Seller API and a validator for bodies against it."""

from __future__ import annotations

from ozonops.ozon.spec.validator import (
    SPEC_SHA256,
    SpecValidator,
    Violation,
    default_validator,
    load_spec,
)

__all__ = ["SPEC_SHA256", "SpecValidator", "Violation", "default_validator", "load_spec"]
