"""What every command module shares: settings loading, printing, failing with a clear line."""

from __future__ import annotations

from typing import Annotated, NoReturn

import typer
from pydantic import ValidationError
from rich.console import Console, RenderableType

from ozonops.cli import format as fmt
from ozonops.config import Settings, load_settings
from ozonops.sync import RESOURCES

__all__ = [
    "USAGE_ERROR",
    "ResourcesOption",
    "ShopsOption",
    "describe",
    "fail",
    "load",
    "show",
]

# Exit code for anything the user can fix (bad input, unreachable URL, busy port).
USAGE_ERROR = 2

ShopsOption = Annotated[
    list[str] | None, typer.Option("--shop", help="Only this shop (name or Client-Id).")
]
ResourcesOption = Annotated[
    list[str] | None,
    typer.Option("--resource", help=f"Only this resource: {', '.join(RESOURCES)}."),
]


def load() -> Settings:
    try:
        return load_settings()
    except ValidationError as exc:
        fail(f"invalid settings (OZONOPS_* environment or .env): {describe(exc, flags=False)}")


def describe(exc: ValidationError, *, flags: bool) -> str:
    """One line per ValidationError, naming the CLI flag or settings field at fault."""
    parts = []
    for error in exc.errors(include_url=False, include_input=False):
        location = ".".join(str(part) for part in error["loc"])
        if flags:
            location = "--" + location.replace("_", "-")
        parts.append(f"{location}: {error['msg']}")
    return "; ".join(parts)


def show(renderable: RenderableType) -> None:
    Console().print(renderable)


def fail(message: str) -> NoReturn:
    Console(stderr=True).print(fmt.format_error(message), soft_wrap=True)
    raise typer.Exit(code=USAGE_ERROR)
