"""The window splitter: read a ``[since, to]`` posting list as many windows at once.

A cursor list is a chain — each page needs the previous page's cursor — so one loop makes one
call per round trip, far below the 50 rps budget. The splitter cuts the period into windows
and reads them concurrently, each with its own cursor loop, and merges them back into the order
one loop would have produced.

Boundary rule. ``filter.since`` and ``filter.to`` are both inclusive (the simulator selects
``since <= created <= to`` at whole-second resolution, ozon-api.md §1.1). So adjacent windows
never share an instant: inner boundaries ``b`` fall on whole seconds, the window before ends at
``b - 1 µs`` and the next starts at ``b``. As a guard (Ozon's resolution is undocumented) the
merge also drops a posting number it has already emitted with the same sort key.

Order. Lists are sorted by ``in_process_at`` (then creation), and a posting's ``in_process_at``
is never before its creation, so nothing in a window sorts before the window's ``since``. An
item is emitted once no unfinished window can still produce an earlier one: its
``(key, window start)`` is below every unfinished window's ``(last key read, window start)``.
Memory is bounded by ``max_buffer`` items (windows ahead of the oldest one wait), not by the
list's length. With a ``key_model`` the buffer holds each page's raw bytes and only its items'
keys; a page is parsed into ``response_model`` items when its first item is released, and
dropped when its last one is. Bytes are small and invisible to the garbage collector, where
thousands of parsed models waiting in the buffer made every collection slow.

Sizing. A first page over the whole period measures density; the period is cut into windows of
about ``target_pages`` pages (and at most one year each, Ozon's limit). A window whose first page
shows it is several times denser than planned is cut again (one page re-read).
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import math
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Generic, TypeVar

from pydantic import BaseModel

from ozonops.ozon.errors import UnexpectedResponse
from ozonops.ozon.models import add_months
from ozonops.ozon.pagination import CursorPaginator, Paginator, pick
from ozonops.ozon.wire import RawPoster, parse_response, request_body

__all__ = ["WindowStats", "WindowedList", "read_windows", "split_period"]

ItemT = TypeVar("ItemT")
_TICK = timedelta(microseconds=1)
_SECOND = timedelta(seconds=1)


def split_period(since: datetime, to: datetime, parts: int) -> list[tuple[datetime, datetime]]:
    """``[since, to]`` as ``parts`` (or fewer) disjoint windows, inner bounds on whole seconds.

    Also cuts at every year after ``since``: Ozon refuses a period longer than one year.
    """
    parts = max(1, parts)
    return split_at(since, to, [n / parts for n in range(1, parts)])


def split_at(
    since: datetime, to: datetime, fractions: list[float]
) -> list[tuple[datetime, datetime]]:
    """``[since, to]`` cut at these fractions of its length (and at every year), as above."""
    if to < since:
        return []
    cuts: list[datetime] = []
    year = add_months(since, 12)
    while year < to:  # a window may span exactly one year, so cut strictly inside
        cuts.append(year)
        year = add_months(year, 12)
    span = (to - since).total_seconds()
    cuts += [since + timedelta(seconds=span * f) for f in fractions if 0 < f < 1]
    bounds = sorted({_whole_second(c) for c in cuts if since < _whole_second(c) <= to})
    starts = [since, *bounds]
    ends = [b - _TICK for b in bounds] + [to]
    return list(zip(starts, ends, strict=True))


def plan_sizes(pages: float, target_pages: int, concurrency: int) -> list[float]:
    """Window sizes in pages, oldest first: ``target_pages`` each, shrinking towards the end.

    A window is a chain of round trips, so the read ends no sooner than its last window's
    chain: the last ``concurrency`` windows shrink (down to two pages) so they finish together
    instead of leaving one long chain alone at the end. Every window costs about half a call
    more than its pages (its last page is partial), so only the tail is cut fine.
    """
    tail: list[float] = []
    left = pages
    for k in range(1, concurrency + 1):
        size = max(2.0, target_pages * k / (concurrency + 1))
        if left <= size:
            break
        tail.append(size)
        left -= size
    if left < 1 and tail:  # less than a page left over: no window of its own
        tail[-1] += left
        return tail[::-1]
    bulk = max(1, round(left / target_pages))
    return [left / bulk] * bulk + tail[::-1]


def _whole_second(t: datetime) -> datetime:
    return t.replace(microsecond=0) + (_SECOND if t.microsecond else timedelta(0))


@dataclass(frozen=True)
class WindowedList(Generic[ItemT]):
    """How to read one list in windows.

    ``make_request(since, to)`` builds a window's first request; ``key`` is the list's sort key
    (never before the item's creation); ``identity`` names an item for boundary dedupe.
    ``key_model`` (optional) is a light page model with the paging fields and, per item, what
    ``key`` reads: pages are then parsed with it on arrival and with ``response_model`` only
    when their items are released (see the module docstring).
    """

    path: str
    response_model: type[BaseModel]
    make_request: Callable[[datetime, datetime], BaseModel]
    items: str = "postings"
    key: Callable[[Any], datetime | None] = lambda item: item.in_process_at
    identity: Callable[[Any], str | None] = lambda item: item.posting_number
    paginator: Callable[[], Paginator] = CursorPaginator
    page_size: int = 100
    key_model: type[BaseModel] | None = None


@dataclass
class WindowStats:
    """What a read did: calls, windows, splits, the most windows in flight at once."""

    calls: int = 0
    windows: int = 0
    splits: int = 0
    peak_in_flight: int = 0
    peak_buffer: int = 0
    items: int = 0


@dataclass(eq=False)
class _Window:
    since: datetime
    to: datetime
    bound: datetime  # the lowest key this window can still produce
    seq: int = 0
    running: bool = False
    done: bool = False
    planned_pages: float = math.inf


class _Page:
    """A page in the buffer: its bytes until an item of it is released, then its items."""

    __slots__ = ("items", "left", "raw")

    def __init__(self, raw: bytes | None, items: list[Any] | None, left: int) -> None:
        self.raw, self.items, self.left = raw, items, left


# A held item: (key, window start, seq in window, index in page, page). (start, seq) is unique,
# so tuples never compare further; a plain tuple is cheaper than an object per item.
_Held = tuple[datetime, datetime, int, int, _Page]


class _Reader:
    def __init__(
        self,
        http: RawPoster,
        spec: WindowedList[Any],
        *,
        target_pages: int,
        max_buffer: int,
        split_factor: float,
        stats: WindowStats,
    ) -> None:
        self.http, self.spec, self.stats = http, spec, stats
        self.target_pages, self.max_buffer, self.split_factor = (
            target_pages,
            max_buffer,
            split_factor,
        )
        self.windows: list[_Window] = []
        self.held: list[_Held] = []
        self.changed = asyncio.Condition()
        self.failure: BaseException | None = None

    # --- reading -------------------------------------------------------------------------------
    async def _page(self, body: dict[str, Any], paginator: Paginator) -> tuple[_Page, list[Any]]:
        """One call: the page to hold, and its rows (keys only, with a ``key_model``)."""
        self.stats.calls += 1
        spec = self.spec
        raw = await self.http.post_raw(spec.path, body)
        if spec.key_model is not None:
            try:
                keys = parse_response(spec.path, spec.key_model, raw)
            except UnexpectedResponse:
                pass  # a shape only the tolerant model reads: parse it whole, below
            else:
                paginator.update_state(keys)
                rows = list(pick(keys, spec.items) or [])
                return _Page(raw, None, len(rows)), rows
        page = parse_response(spec.path, spec.response_model, raw)
        paginator.update_state(page)
        rows = list(pick(page, spec.items) or [])
        return _Page(None, rows, len(rows)), rows

    def take(self, page: _Page, index: int) -> Any:
        """Item ``index`` of a held page, parsing the page on its first released item."""
        if page.items is None:
            assert page.raw is not None
            spec = self.spec
            parsed = parse_response(spec.path, spec.response_model, page.raw)
            items = list(pick(parsed, spec.items) or [])
            if len(items) != page.left:
                raise UnexpectedResponse(
                    f"a page held {page.left} keys but parses into {len(items)} items",
                    method=spec.path,
                    status=200,
                )
            page.items, page.raw = items, None
        item = page.items[index]
        page.left -= 1
        if not page.left:
            page.items = None  # the last item is out: let the page go
        return item

    async def probe(self, since: datetime, to: datetime) -> float:
        """Items per second near ``since`` (one page, a year at most); 0 if one page holds all."""
        first_to = min(to, add_months(since, 12))
        paginator = self.spec.paginator()
        body = paginator.update_request(request_body(self.spec.make_request(since, first_to)))
        _, rows = await self._page(body, paginator)
        if not paginator.has_next or not rows:
            return 0.0
        last = self.spec.key(rows[-1]) or first_to
        return len(rows) / max((last - since).total_seconds(), 1.0)

    async def run_window(self, w: _Window) -> None:
        try:
            await self._read(w)
        except Exception as exc:
            async with self.changed:
                self.failure = self.failure or exc
                self.changed.notify_all()
            raise

    async def _read(self, w: _Window) -> None:
        spec = self.spec
        paginator = spec.paginator()
        body = request_body(spec.make_request(w.since, w.to))
        first = True
        while True:
            async with self.changed:
                await self.changed.wait_for(lambda: self._may_fetch(w))
            body = paginator.update_request(body)
            page, rows = await self._page(body, paginator)
            async with self.changed:
                if first and paginator.has_next and rows and self._split(w, rows):
                    self.changed.notify_all()
                    return
                first = False
                held, key_of, since, bound, seq = self.held, spec.key, w.since, w.bound, w.seq
                for index, row in enumerate(rows):
                    key = key_of(row) or bound
                    if key > bound:
                        bound = key
                    heapq.heappush(held, (key, since, seq, index, page))
                    seq += 1
                w.bound, w.seq = bound, seq
                self.stats.peak_buffer = max(self.stats.peak_buffer, len(self.held))
                w.done = not paginator.has_next
                self.changed.notify_all()
            if w.done:
                return
            await asyncio.sleep(0)  # let the merge run even when the transport never waits

    def _split(self, w: _Window, rows: list[Any]) -> bool:
        """Cut ``w`` when its first page says it holds far more pages than planned."""
        last = self.spec.key(rows[-1])
        if last is None:
            return False
        covered = max((last - w.since).total_seconds(), 1.0)
        expected = (w.to - w.since).total_seconds() / covered  # pages, if the density holds
        if expected <= self.split_factor * max(w.planned_pages, 1.0):
            return False
        parts = split_period(w.since, w.to, math.ceil(expected / self.target_pages))
        if len(parts) < 2:
            return False
        at = self.windows.index(w)
        self.windows[at : at + 1] = [
            _Window(a, b, a, planned_pages=self.target_pages) for a, b in parts
        ]
        self.stats.splits += 1
        self.stats.windows += len(parts) - 1
        return True

    # --- scheduling ----------------------------------------------------------------------------
    def _frontier(self) -> _Window | None:
        """The open window that may still produce the lowest (key, start, seq)."""
        open_ = [w for w in self.windows if not w.done]
        return min(open_, key=lambda w: (w.bound, w.since, w.seq)) if open_ else None

    def _may_fetch(self, w: _Window) -> bool:
        # Windows ahead wait while the buffer is full; the frontier window always proceeds.
        return len(self.held) < self.max_buffer or self._frontier() is w

    def to_start(self, concurrency: int) -> list[_Window]:
        """Windows to start now: the next ones in order, and the frontier whatever the count."""
        in_flight = sum(1 for w in self.windows if w.running and not w.done)
        picked: list[_Window] = []
        for w in self.windows:
            if in_flight + len(picked) >= concurrency:
                break
            if not w.running and not w.done:
                picked.append(w)
        frontier = self._frontier()
        if frontier is not None and not frontier.running and frontier not in picked:
            picked.append(frontier)
        for w in picked:
            w.running = True
        return picked

    def releasable(self) -> list[tuple[_Page, int]]:
        """Held items no open window can still precede, in order."""
        frontier = self._frontier()
        bound = None if frontier is None else (frontier.bound, frontier.since, frontier.seq)
        out: list[tuple[_Page, int]] = []
        held = self.held
        while held:
            key, start, seq, index, page = held[0]
            if bound is not None and (key, start, seq) >= bound:
                break
            heapq.heappop(held)
            out.append((page, index))
        return out

    def finished(self) -> bool:
        return not self.held and all(w.done for w in self.windows)


async def read_windows(
    http: RawPoster,
    spec: WindowedList[ItemT],
    since: datetime,
    to: datetime,
    *,
    concurrency: int = 10,
    target_pages: int = 10,
    max_buffer: int | None = None,
    split_factor: float = 3.0,
    stats: WindowStats | None = None,
) -> AsyncIterator[ItemT]:
    """Every item of ``spec``'s list in ``[since, to]``, in list order, read in windows.

    ``concurrency`` windows are read at once (the limiter still caps the calls per second);
    ``stats`` (optional) is filled with what the read did.
    """
    stats = stats if stats is not None else WindowStats()
    if max_buffer is None:
        # Windows started together finish together: with pages held as bytes there is room
        # for two waves of them, so the next wave runs while the frontier window finishes.
        waves = 1 if spec.key_model is None else 2
        max_buffer = waves * concurrency * target_pages * spec.page_size
    reader = _Reader(
        http,
        spec,
        target_pages=target_pages,
        max_buffer=max_buffer,
        split_factor=split_factor,
        stats=stats,
    )
    density = await reader.probe(since, to)
    pages = density * max((to - since).total_seconds(), 1.0) / spec.page_size
    if density:
        sizes = plan_sizes(pages, target_pages, concurrency)
        ends = list(itertools.accumulate(sizes))
        cut = split_at(since, to, [e / ends[-1] for e in ends[:-1]])
    else:
        cut = split_period(since, to, 1)
    # A split compares a window's first page with the largest planned size.
    planned = max(sizes) if density else math.inf
    reader.windows = [_Window(a, b, a, planned_pages=planned) for a, b in cut]
    stats.windows = len(reader.windows)
    tasks: set[asyncio.Task[None]] = set()
    last_key: datetime | None = None
    seen: set[str] = set()
    try:
        while True:
            async with reader.changed:
                if reader.failure is not None:
                    raise reader.failure
                for w in reader.to_start(concurrency):
                    task = asyncio.create_task(reader.run_window(w))
                    tasks.add(task)
                    task.add_done_callback(tasks.discard)
                running = sum(1 for w in reader.windows if w.running and not w.done)
                stats.peak_in_flight = max(stats.peak_in_flight, running)
                ready = reader.releasable()
                finished = reader.finished()
                if not ready and not finished:
                    await reader.changed.wait()
                    continue
                reader.changed.notify_all()  # the buffer shrank: waiting windows may go on
            for page, index in ready:
                item = reader.take(page, index)
                # Guard against a boundary instant read by two windows: same key, same number.
                key, ident = spec.key(item), spec.identity(item)
                if key != last_key:
                    last_key, seen = key, set()
                if ident is not None:
                    if ident in seen:
                        continue
                    seen.add(ident)
                stats.items += 1
                yield item
            if finished:
                return
    finally:
        for task in list(tasks):
            task.cancel()
        if tasks:
            await asyncio.gather(*tasks, return_exceptions=True)
