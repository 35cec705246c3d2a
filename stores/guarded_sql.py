"""A SQL tracker store whose failures are seen, not swallowed.

Rasa wraps every tracker store in ``FailSafeTrackerStore``: when the database cannot
be read the conversation silently starts over, and when it cannot be written the
conversation lives on in memory only. This store keeps Rasa's SQL implementation and
records every failure (logged as an error) in ``HEALTH``; the REST channel
(``channels/rest.py``) reads it to refuse to answer when the database is unreachable
or when a message's conversation could not be saved, instead of acknowledging
something that is not stored.
"""
from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Awaitable, Optional, Text, TypeVar

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.trackers import DialogueStateTracker

logger = logging.getLogger(__name__)
T = TypeVar("T")


@dataclass
class StoreHealth:
    """Shared by the store and the channel of one Rasa process."""

    available: bool = True
    failures: int = 0
    last_error: Optional[str] = None
    last_checked: float = 0.0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def record_failure(self, error: BaseException) -> None:
        with self._lock:
            self.available = False
            self.failures += 1
            self.last_error = f"{type(error).__name__}: {error}".splitlines()[0][:300]
            self.last_checked = time.time()

    def record_success(self) -> None:
        with self._lock:
            self.available = True
            self.last_checked = time.time()


HEALTH = StoreHealth()
_stores: "list[GuardedSQLTrackerStore]" = []


class GuardedSQLTrackerStore(SQLTrackerStore):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
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
        was_available = HEALTH.available
        try:
            with self.engine.connect() as connection:
                connection.execute(sa.text("SELECT 1"))
            if not was_available:
                # Rasa only logs when it cannot create the tables at start-up (database
                # down); create them once the database is reachable. Idempotent.
                self.Base.metadata.create_all(self.engine)
        except Exception as error:
            HEALTH.record_failure(error)
            logger.error("tracker store unreachable: %s", HEALTH.last_error)
            return False
        HEALTH.record_success()
        return True


def check() -> bool:
    """Pings every guarded store of this process; True when there is none."""
    return all([store.ping() for store in _stores])
