"""Per-item outcomes of batch calls (house habit 12): one refused posting never aborts a batch.

Ozon answers the tracking-number and status-move methods with one ``{posting_number, result,
error}`` per posting. :class:`BulkResult` keeps them as data: the numbers that went through and
the ones that did not, each with Ozon's reason. A call that fails as a whole (an ``ApiError``
after retries) marks every posting of that call failed with the error's message.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from ozonops.ozon.errors import ApiError
from ozonops.ozon.models import MoveStatusResponse

__all__ = ["BULK_CHUNK", "BulkResult", "ItemFailure", "chunked"]

BULK_CHUNK = 20  # tracking numbers per call (ozon-api.md §12); used for status moves too
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class ItemFailure:
    """One posting the batch did not change, and why."""

    posting_number: str
    error: str
    code: int | str | None = None


@dataclass(frozen=True, slots=True)
class BulkResult:
    """Which postings a batch changed (``ok``) and which it did not (``failed``)."""

    ok: tuple[str, ...] = ()
    failed: tuple[ItemFailure, ...] = field(default=())

    @property
    def all_ok(self) -> bool:
        return not self.failed

    def __add__(self, other: BulkResult) -> BulkResult:
        return BulkResult(self.ok + other.ok, self.failed + other.failed)

    @classmethod
    def from_response(cls, sent: Sequence[str], response: MoveStatusResponse) -> BulkResult:
        """Outcomes per sent posting; one Ozon did not mention counts as failed."""
        by_number = {r.posting_number: r for r in response.result if r.posting_number}
        ok: list[str] = []
        failed: list[ItemFailure] = []
        for number in sent:
            outcome = by_number.get(number)
            if outcome is None:
                failed.append(ItemFailure(number, "Ozon's answer does not mention this posting"))
            elif outcome.result and not outcome.error:
                ok.append(number)
            else:
                failed.append(ItemFailure(number, outcome.error or "refused without a reason"))
        return cls(tuple(ok), tuple(failed))

    @classmethod
    def from_error(cls, sent: Iterable[str], error: ApiError) -> BulkResult:
        """Every posting of a call that failed as a whole."""
        return cls(
            failed=tuple(ItemFailure(n, error.ozon_message, error.code) for n in sent),
        )


def chunked(items: Sequence[T], size: int = BULK_CHUNK) -> Iterable[Sequence[T]]:
    """``items`` in slices of at most ``size``."""
    for start in range(0, len(items), size):
        yield items[start : start + size]
