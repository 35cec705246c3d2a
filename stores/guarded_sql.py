"""A SQL tracker store whose failures are seen, not swallowed.

Rasa wraps every tracker store in ``FailSafeTrackerStore``: when the database cannot
be read the conversation silently starts over, and when it cannot be written the
conversation lives on in memory only. This store keeps Rasa's SQL implementation and
records every failure (logged as an error) in ``HEALTH``; the channels
(``channels/rest.py``, ``channels/socketio.py``) read it to refuse to answer when the
database is unreachable or when a message's conversation could not be saved, instead of
acknowledging something that is not stored.

On SQLite (the default of `make run`) it also switches the file to write-ahead logging
with ``synchronous=NORMAL`` and keeps its connections open: a commit no longer waits for
the disk to flush and a message no longer reopens the file, the largest part of a
message's time against the stock bot's in-memory store (`make bench`). A crash of Rasa
loses nothing committed; a power cut at most the last few messages. PostgreSQL (the
production profile) is left as configured.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Awaitable, Optional, Text, TypeVar

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.trackers import DialogueStateTracker

logger = logging.getLogger(__name__)
T = TypeVar("T")


@dataclass
class StoreHealth:
    """Shared by the store and the channels of one Rasa process (one event loop)."""

    available: bool = True
    failures: int = 0
    last_error: Optional[str] = None

    def record_failure(self, error: BaseException) -> None:
        self.available = False
        self.failures += 1
        self.last_error = f"{type(error).__name__}: {error}".splitlines()[0][:300]

    def record_success(self) -> None:
        self.available = True


HEALTH = StoreHealth()
_stores: "list[GuardedSQLTrackerStore]" = []


class GuardedSQLTrackerStore(SQLTrackerStore):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        if kwargs.get("dialect", "sqlite") == "sqlite" and kwargs.get("db"):
            # `rasa run` from a fresh clone has no var/ yet: SQLite makes the file, not its folder.
            Path(kwargs["db"]).parent.mkdir(parents=True, exist_ok=True)
        super().__init__(*args, **kwargs)
        if self.engine.dialect.name == "sqlite":
            # SQLAlchemy 1.4 opens a file database anew for every session (NullPool).
            self.engine = sa.create_engine(self.engine.url, poolclass=sa.pool.QueuePool,
                                           connect_args={"check_same_thread": False})
            sa.event.listen(self.engine, "connect", _write_ahead_logging)
            self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)
        # Rasa only logs when it cannot create its tables (database down at start-up),
        # so whether they exist is unknown until a ping has created them.
        self._tables_ready = False
        _stores.append(self)

    async def _guarded(self, operation: str, awaitable: Awaitable[T]) -> T:
        try:
            result = await awaitable
        except Exception as error:
            HEALTH.record_failure(error)
            logger.error("tracker store %s failed: %s", operation, HEALTH.last_error)
            raise
        HEALTH.record_success()
        return result

    async def retrieve(self, sender_id: Text) -> Optional[DialogueStateTracker]:
        return await self._guarded("read", super().retrieve(sender_id))

    async def retrieve_full_tracker(self, conversation_id: Text) -> Optional[DialogueStateTracker]:
        return await self._guarded("read", super().retrieve_full_tracker(conversation_id))

    async def save(self, tracker: DialogueStateTracker) -> None:
        await self._guarded("write", super().save(tracker))

    def ping(self) -> bool:
        try:
            with self.engine.connect() as connection:
                connection.execute(sa.text("SELECT 1"))
            if not self._tables_ready:
                self.Base.metadata.create_all(self.engine)  # idempotent
                self._tables_ready = True
        except Exception as error:
            HEALTH.record_failure(error)
            logger.error("tracker store unreachable: %s", HEALTH.last_error)
            return False
        HEALTH.record_success()
        return True


def _write_ahead_logging(connection: Any, _: Any) -> None:
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def check() -> bool:
    """Pings every guarded store of this process; True when there is none."""
    return all([store.ping() for store in _stores])
