"""The guarded SQL store on a real SQLite file, and against a database that never answers."""
from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

from rasa.shared.core.events import UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from stores.guarded_sql import HEALTH, GuardedSQLTrackerStore


def test_sqlite_store_makes_its_folder(tmp_path: Path) -> None:
    """`rasa run` from a fresh clone: var/ does not exist yet (it answered every message
    with the failure apology: the store could not open var/conversations.db)."""
    db = tmp_path / "var" / "conversations.db"
    store = GuardedSQLTrackerStore(dialect="sqlite", db=str(db))
    try:
        assert asyncio.run(store.reachable())
        assert db.exists()
    finally:
        store.engine.dispose()


def test_a_database_that_does_not_answer_never_stalls_the_event_loop(tmp_path: Path) -> None:
    """Another connection holds the database's write lock, so a save waits (it froze every
    conversation: Rasa's store does blocking SQL inside its coroutines, on the event loop).
    The save gives up at the store's bound, is reported for this conversation only, and
    the loop goes on meanwhile."""
    db = tmp_path / "conversations.db"
    store = GuardedSQLTrackerStore(dialect="sqlite", db=str(db), timeout_seconds=1)
    assert asyncio.run(store.reachable()) is True  # tables made while the database answers
    holder = sqlite3.connect(db, timeout=0)
    holder.execute("BEGIN EXCLUSIVE")

    async def save_while_ticking() -> int:
        ticks = 0

        async def tick() -> None:
            nonlocal ticks
            while True:
                await asyncio.sleep(0.05)
                ticks += 1

        ticker = asyncio.ensure_future(tick())
        try:
            await store.save(DialogueStateTracker.from_events("blocked", [UserUttered("返品したい")]))
        except TimeoutError:
            pass
        ticker.cancel()
        return ticks

    try:
        ticks = asyncio.run(save_while_ticking())
        assert ticks > 5  # the loop went on while the save waited (1 s bound, 50 ms ticks)
        assert HEALTH.save_failed("blocked") and not HEALTH.save_failed("blocked")  # once
        assert not HEALTH.save_failed("another-customer")
    finally:
        holder.rollback()
        holder.close()
        store._threads.shutdown(wait=True)
        store.engine.dispose()
