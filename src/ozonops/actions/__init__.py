"""Seller actions. For now the file side of the tracking-number upload: reading the seller's
CSV/XLSX into typed rows (``inputs``) and writing the per-row result file (``outputs``).

Nothing here raises on bad content: problems are ``FileIssue`` values with stable codes,
line numbers and Chinese and English messages (docs/tracking-numbers.md lists them).
"""

from ozonops.actions.columns import ALIASES, Column
from ozonops.actions.inputs import (
    MAX_FILE_BYTES,
    FileLayout,
    InputRow,
    TrackingFile,
    TrackingFileContents,
    open_tracking_file,
    read_tracking_file,
)
from ozonops.actions.issues import FileIssue, FileIssueCode, Severity
from ozonops.actions.outputs import (
    HEADERS,
    OUTCOME_LABELS,
    Outcome,
    RowOutcome,
    invalid_outcome,
    write_outcomes_csv,
    write_outcomes_xlsx,
)

__all__ = [
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
]
