"""Tracking-number upload benchmark: checking numbers, reading 100,000-row files, writing results.

- Check: ``check_tracking_number`` over 100,000 numbers of every shape (S10, RPO, YunExpress,
  Cainiao, SF, J&T, CDEK digits, unknown, and a share of refusals), with a declared carrier.
- Read: 100,000-row upload files made here (posting number, tracking number, carrier) — CSV in
  UTF-8 and in GBK with semicolons, and XLSX written by openpyxl with shared strings as Excel
  writes them — read completely with ``open_tracking_file(...).rows()``; then the peak memory
  (tracemalloc, the file's own bytes not counted) of streaming them.
- Write: the result file for 100,000 outcomes, XLSX and CSV.

Goals are upper bounds on this 2-core machine; each row says ok or MISSED.
"""

from __future__ import annotations

import gc
import io
import time
import tracemalloc
from collections.abc import Callable

from openpyxl import Workbook

from ozonops.actions import (
    Outcome,
    RowOutcome,
    open_tracking_file,
    write_outcomes_csv,
    write_outcomes_xlsx,
)
from ozonops.carriers import TrackingNumber, check_tracking_number, rpo_check_digit, s10_check_digit

N = 100_000
Row = tuple[str, str, str]


def _numbers(n: int) -> list[tuple[str, str]]:
    """(tracking number, declared carrier) pairs of every shape, ~5 % of them invalid."""
    out = []
    for i in range(n):
        serial = f"{i * 7919 % 10**8:08d}"
        kind = i % 10
        if kind < 4:
            out.append((f"RR{serial}{s10_check_digit(serial)}CN", "中国邮政"))
        elif kind == 4:
            first13 = f"630000{i % 10**7:07d}"
            out.append((f"{first13}{rpo_check_digit(first13)}", "Почта России"))
        elif kind == 5:
            out.append((f"YT24{i:014d}", "云途"))
        elif kind == 6:
            out.append((f"LP{i:014d}", "cainiao"))
        elif kind == 7:
            out.append((f"{i % 10**10:010d}", "СДЭК"))
        elif kind == 8:
            out.append((f" lx {serial[:4]} {serial[4:]}{s10_check_digit(serial)} cn ", ""))
        else:  # half of these break the S10 check digit
            check = (s10_check_digit(serial) + (i // 10) % 2) % 10
            out.append((f"EE{serial}{check}CN", ""))
    return out


def _rows(n: int) -> list[list[str]]:
    return [[f"{10_000_000 + i}-{i % 10_000:04d}-1", t, c] for i, (t, c) in enumerate(_numbers(n))]


def _csv(rows: list[list[str]], encoding: str, delimiter: str) -> bytes:
    lines = [delimiter.join(("posting_number", "tracking_number", "carrier"))]
    lines += [delimiter.join(r) for r in rows]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def _xlsx(rows: list[list[str]]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["货件号", "运单号", "承运商"])
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _timed(fn: Callable[[], object]) -> tuple[float, object]:
    gc.collect()
    t0 = time.perf_counter()
    result = fn()
    return time.perf_counter() - t0, result


def _read_all(data: bytes) -> int:
    with open_tracking_file(data) as opened:
        return sum(1 for _ in opened.rows())


def _row(name: str, seconds: float, goal: float, note: str = "") -> Row:
    verdict = "ok" if seconds <= goal else "MISSED"
    return (name, f"{seconds:,.2f} s{note}", f"<= {goal:g} s {verdict}")


def run(n: int = N) -> list[Row]:
    """(name, figure, goal) rows."""
    rows: list[Row] = []
    numbers = _numbers(n)
    took, results = _timed(lambda: [check_tracking_number(t, carrier=c) for t, c in numbers])
    assert isinstance(results, list)
    accepted = sum(isinstance(r, TrackingNumber) for r in results)
    rows.append(_row(f"check {n:,} numbers ({accepted:,} accepted)", took, 2.0,
                     f" = {n / took:,.0f}/s"))  # fmt: skip

    table = _rows(n)
    for label, data in (
        ("CSV UTF-8", _csv(table, "utf-8", ",")),
        ("CSV GBK ;", _csv(table, "gbk", ";")),
    ):
        took, count = _timed(lambda data=data: _read_all(data))  # type: ignore[misc]
        assert count == n, count
        rows.append(_row(f"read {n:,}-row {label} ({len(data) / 1e6:.1f} MB)", took, 2.0))
    xlsx = _xlsx(table)
    took, count = _timed(lambda: _read_all(xlsx))
    assert count == n, count
    rows.append(_row(f"read {n:,}-row XLSX ({len(xlsx) / 1e6:.1f} MB)", took, 10.0))

    # Streaming keeps no row: what stays is the decoded CSV text, or the workbook's shared
    # strings (openpyxl holds them all, as any XLSX reader must).
    for label, data in (("CSV GBK ;", _csv(table, "gbk", ";")), ("XLSX", xlsx)):
        gc.collect()
        tracemalloc.start()
        _read_all(data)
        peak = tracemalloc.get_traced_memory()[1] / 1e6
        tracemalloc.stop()
        verdict = "ok" if peak <= 32 else "MISSED"
        rows.append(
            (f"stream {n:,}-row {label}: peak memory", f"{peak:,.1f} MB", f"<= 32 MB {verdict}")
        )

    outcomes = [
        RowOutcome(i + 2, r[0], r[1], r[2], Outcome.SENT if i % 7 else Outcome.INVALID)
        for i, r in enumerate(table)
    ]
    took, _ = _timed(lambda: write_outcomes_xlsx(outcomes, io.BytesIO()))
    rows.append(_row(f"write {n:,}-row result XLSX", took, 10.0))
    took, _ = _timed(lambda: write_outcomes_csv(outcomes, io.BytesIO()))
    rows.append(_row(f"write {n:,}-row result CSV", took, 2.0))
    return rows


if __name__ == "__main__":
    for name, figure, goal in run():
        print(f"{name:<48} {figure:>30}   goal: {goal}")
