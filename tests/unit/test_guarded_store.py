"""The guarded SQL store on a real SQLite file."""
from __future__ import annotations

from pathlib import Path

from stores.guarded_sql import GuardedSQLTrackerStore


def test_sqlite_store_makes_its_folder(tmp_path: Path) -> None:
    """`rasa run` from a fresh clone: var/ does not exist yet (it answered every message
    with the failure apology: the store could not open var/conversations.db)."""
    db = tmp_path / "var" / "conversations.db"
    store = GuardedSQLTrackerStore(dialect="sqlite", db=str(db))
    try:
        assert store.ping()
        assert db.exists()
    finally:
        store.engine.dispose()
