"""``ozonops sync`` killed with SIGKILL at random moments, again and again: each rerun ends exact.

The sync runs as its own process against the simulator on a real socket; the store is a
SQLite file or a PostgreSQL database. After the kills, one run to the end, and the store must
equal the simulator's truth — nothing lost, nothing doubled, no history step repeated.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select, update

from ozonops.db import Database
from ozonops.db.tables import Shop, SyncCursor
from tests.live import serve
from tests.sync.kit import (
    KEYS_SECRET,
    add_shops,
    is_subsequence,
    make_app,
    stored_history,
    stored_postings,
    truth_postings,
)
from tests.sync.test_postings import expected_postings
from tests.sync.test_resources import WORLD, assert_store_is_truth

pytestmark = [pytest.mark.anyio, pytest.mark.slow]
KILLS = 5


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


def _env(db: Database) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("OZONOPS_")}
    env.update(
        OZONOPS_DATABASE_URL=db.url.render_as_string(hide_password=False),
        OZONOPS_SECRET_KEY=KEYS_SECRET,
        OZONOPS_SYNC__BACKFILL_DAYS="60",
        OZONOPS_SYNC__BATCH_SIZE="200",  # more commits: more places to die between
        OZONOPS_OZON_REQUESTS_PER_SECOND="400",
        OZONOPS_LOG_LEVEL="WARNING",
    )
    return env


def _sync(env: dict[str, str], err: Path) -> subprocess.Popen[bytes]:
    with err.open("ab") as sink:
        return subprocess.Popen(
            [sys.executable, "-m", "ozonops", "sync"], env=env, stdout=sink, stderr=sink
        )


def _finish(proc: subprocess.Popen[bytes], err: Path) -> None:
    code = proc.wait(180)
    assert code == 0, err.read_text()[-3000:]


async def test_killed_again_and_again_the_rerun_ends_exact(db: Database, tmp_path: Path) -> None:
    app = make_app(**WORLD, rate_limit_per_second=1000)
    world = app.state.world
    add_shops(db, world)
    rng = random.Random(4)
    with serve(app, lifespan="off", ws="none", date_header=False) as url:
        with db.transaction() as s:
            s.execute(update(Shop).values(base_url=url))
        env = _env(db)
        err = tmp_path / "sync.log"
        started = time.monotonic()
        _finish(_sync(env, err), err)
        full_run = time.monotonic() - started
        db_reset(db)
        kills = 0
        for k in range(KILLS):
            if k == 2:  # the world moves between kills too
                world.clock.advance(timedelta(hours=30).total_seconds())
            proc = _sync(env, err)
            time.sleep(rng.uniform(0.8, max(1.0, full_run * 0.9)))  # noqa: ASYNC251 (on purpose)
            if proc.poll() is None:
                proc.send_signal(signal.SIGKILL)
                kills += 1
            proc.wait(30)
        assert kills >= 3, "the kills must land while the sync runs"
        _finish(_sync(env, err), err)
    truth = truth_postings(world)
    assert stored_postings(db) == expected_postings(truth)
    for number, entries in stored_history(db).items():
        seen = [(e[0], e[1]) for e in entries]
        t = truth[number]
        real = [(h["status"], h["substatus"]) for h in t["history"]] or [
            (t["status"], t["substatus"])
        ]
        assert is_subsequence(seen, real), number
    await assert_store_is_truth(db, app)
    with db.transaction() as s:
        assert (
            s.scalar(select(func.count()).select_from(SyncCursor).where(SyncCursor.status != "ok"))
            <= 1
        )


def db_reset(db: Database) -> None:
    """Empty the store but its shops: the kills start from a first run, as a new user's would."""
    from ozonops.db.tables import Base

    with db.transaction() as s:
        for table in reversed(Base.metadata.sorted_tables):
            if table.name != "shops":
                s.execute(table.delete())
