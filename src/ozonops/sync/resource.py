"""The shape every synced entity has: windows to read, how to fetch one, how to write a batch.

A :class:`ResourceSpec` is data plus four small functions; :func:`ozonops.sync.engine.run`
is the one loop that drives them all::

    for window in spec.windows(job):          # from the cursor, Ozon's now and the config
        async for batch in spec.fetch(job, window):
            commit(spec.write(batch), cursor with window + batch.resume)   # one transaction
        commit(cursor = spec.done(job, window, first answer's time))

A run that dies after any commit resumes from the window and ``resume`` it saved: the batch
after the last committed one is read again (idempotent upserts make the re-read harmless).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Generic, Literal, TypeVar

from sqlalchemy.orm import Session

from ozonops.sync.job import Job
from ozonops.sync.state import Cursor
from ozonops.sync.write_postings import Counts

__all__ = ["Batch", "ResourceSpec", "Window", "WindowKind", "resume_or"]

ItemT = TypeVar("ItemT")
WindowKind = Literal["backfill", "changes", "snapshot", "day", "month"]


@dataclass(frozen=True, slots=True)
class Window:
    """A part of a resource to read: a period (or all of it), and where a dead run stopped."""

    kind: WindowKind
    start: datetime | None = None
    end: datetime | None = None
    #: Ozon's clock when this window was first planned (a resumed backfill keeps its own).
    began_at: datetime | None = None
    resume: dict[str, Any] = field(default_factory=dict)

    def to_state(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "start": self.start.isoformat() if self.start else None,
            "end": self.end.isoformat() if self.end else None,
            "began_at": self.began_at.isoformat() if self.began_at else None,
        }

    @classmethod
    def from_state(cls, data: dict[str, Any], resume: dict[str, Any] | None) -> Window:
        def at(key: str) -> datetime | None:
            value = data.get(key)
            return datetime.fromisoformat(value) if value else None

        return cls(
            kind=data["kind"],
            start=at("start"),
            end=at("end"),
            began_at=at("began_at"),
            resume=dict(resume or {}),
        )


@dataclass(frozen=True, slots=True)
class Batch(Generic[ItemT]):
    """Items to write together, and where to pick up if the run dies right after them."""

    items: Sequence[ItemT]
    resume: dict[str, Any] = field(default_factory=dict)
    #: A time by which Ozon showed the items as they are (a lower bound of when it answered).
    observed_at: datetime | None = None


def _done(job: Job, window: Window, read_from: datetime | None) -> Cursor:
    """A backfill covers what changed up to when it began; a changes window up to its first
    answer (a change after that to a row already read is in the next run's overlap)."""
    if window.kind == "backfill":
        return Cursor(last_value=window.began_at or job.now)
    return Cursor(last_value=read_from or window.began_at or job.now)


@dataclass(frozen=True)
class ResourceSpec(Generic[ItemT]):
    """One synced entity (see the module docstring)."""

    name: str
    #: The Ozon field the cursor follows (for docs and the CLI).
    cursor_field: str
    #: How often ``ozonops run`` reads it.
    interval: timedelta
    windows: Callable[[Job], Sequence[Window]]
    fetch: Callable[[Job, Window], AsyncIterator[Batch[ItemT]]]
    write: Callable[[Session, Job, Batch[ItemT]], Counts]
    #: The cursor once ``window`` is wholly read, given when Ozon answered its first page.
    done: Callable[[Job, Window, datetime | None], Cursor] = _done
    #: The paid-tier feature this resource needs, if any (a 403 then means "not in the plan").
    feature: str | None = None
    description: str = ""


def resume_or(job: Job, plan: Callable[[], Sequence[Window]]) -> Sequence[Window]:
    """The window a dead run left unfinished, if any, else what ``plan`` says to read now."""
    saved = job.cursor.state.get("window")
    if saved:
        return [Window.from_state(saved, job.cursor.state.get("resume"))]
    return plan()


def since(job: Job, last: datetime | None, *, default: timedelta | None = None) -> datetime:
    """The start of a changes window: the cursor minus the overlap (or the backfill depth)."""
    if last is None:
        return job.now - (default or timedelta(days=job.config.backfill_days))
    return last - job.config.overlap
