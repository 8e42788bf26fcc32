"""Command line interface: ``ozonops`` and its subcommands."""

from ozonops.cli.app import main
from ozonops.cli.durations import parse_duration

__all__ = ["main", "parse_duration"]
