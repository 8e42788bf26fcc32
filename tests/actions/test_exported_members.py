"""The public door of ``ozonops.actions``: the exported names are exactly these."""

from __future__ import annotations

import ozonops.actions as actions

EXPECTED = {
    "ALIASES",
    "HEADERS",
    "MAX_FILE_BYTES",
    "OUTCOME_LABELS",
    "Column",
    "FileIssue",
    "FileIssueCode",
    "FileLayout",
    "InputRow",
    "Outcome",
    "RowOutcome",
    "Severity",
    "TrackingFile",
    "TrackingFileContents",
    "invalid_outcome",
    "open_tracking_file",
    "read_tracking_file",
    "write_outcomes_csv",
    "write_outcomes_xlsx",
}


def isort_style(name: str) -> tuple[int, str]:
    """CONSTANTS, then Classes, then functions, each alphabetically (ruff's RUF022 order)."""
    return (0 if name.isupper() else 1 if name[0].isupper() else 2, name)


def test_all_is_the_expected_surface() -> None:
    assert set(actions.__all__) == EXPECTED
    assert actions.__all__ == sorted(actions.__all__, key=isort_style)


def test_every_exported_class_and_function_belongs_to_the_package() -> None:
    for name in actions.__all__:
        member = getattr(actions, name)
        if isinstance(member, (int, dict, tuple)):
            continue  # constants carry no module; they are checked by name above
        assert member.__module__.startswith("ozonops.actions"), name
