"""A SQL tracker store whose failures are seen, not swallowed.

Rasa wraps every tracker store in ``FailSafeTrackerStore``: when the database cannot
be read the conversation silently starts over, and when it cannot be written the
conversation lives on in memory only. This store keeps Rasa's SQL implementation and
records every failure (logged as an error) in ``HEALTH``; the channels
(``channels/rest.py``, ``channels/socketio.py``) read it to refuse to answer when the
database is unreachable or when this message's own conversation could not be saved,
instead of acknowledging something that is not stored.

Rasa's SQL store calls SQLAlchemy synchronously inside its coroutines, so a database that
accepts connections but never answers would freeze the server's one event loop, and every
conversation with it. Every read, write and ping therefore runs in a thread of the
store's own, bounded by ``timeout_seconds`` (endpoints.yml): past it the operation counts
as failed and the customer gets the apology; the thread finishes when the database does.

On SQLite (the default of `make run`) it also switches the file to write-ahead logging
with ``synchronous=NORMAL`` and keeps its connections open: a commit no longer waits for
the disk to flush and a message no longer reopens the file, the largest part of a
message's time against the stock bot's in-memory store (`make bench`). A crash of Rasa
loses nothing committed; a power cut at most the last few messages. PostgreSQL (the
production profile) is left as configured.

That replaces the engine Rasa's constructor built (SQLAlchemy 1.4, which Rasa 3.6 pins,
gives a file database a NullPool; 2.0 made QueuePool the default). It stays here rather
than in server/patches.py because it patches nothing global: it is this store's own
engine, in the store class endpoints.yml names. ``_check_rasa_store`` fails at start-up
if Rasa's constructor no longer leaves the engine and the one sessionmaker bound to it
that every operation opens its sessions from (tests/unit/test_patch_guards.py).
"""
from __future__ import annotations

import asyncio
import inspect
import logging
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Coroutine, Optional, Set, Text, TypeVar

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.trackers import DialogueStateTracker

logger = logging.getLogger(__name__)
T = TypeVar("T")


@dataclass
class StoreHealth:
    """Shared by the store and the channels of one Rasa process (one event loop)."""

    last_error: Optional[str] = None
    unsaved: Set[Text] = field(default_factory=set)  # senders whose last save failed

    def record_failure(self, error: BaseException) -> None:
        self.last_error = f"{type(error).__name__}: {error}".splitlines()[0][:300]

    def save_failed(self, sender_id: Text) -> bool:
        """Whether this conversation's last save failed (each failure is reported once)."""
        if sender_id in self.unsaved:
            self.unsaved.discard(sender_id)
            return True
        return False


HEALTH = StoreHealth()
_stores: "list[GuardedSQLTrackerStore]" = []


class GuardedSQLTrackerStore(SQLTrackerStore):
    def __init__(self, *args: Any, timeout_seconds: float = 3.0, ping_timeout_seconds: float = 1.5,
                 **kwargs: Any) -> None:
        self.timeout_seconds = float(timeout_seconds)
        # The ping gates every message and answers the health check: it must answer first.
        self.ping_timeout_seconds = float(ping_timeout_seconds)
        # Its own threads: a black-holed database must not starve the loop's default pool.
        self._threads = ThreadPoolExecutor(max_workers=8, thread_name_prefix="tracker-store")
        if kwargs.get("dialect", "sqlite") == "sqlite" and kwargs.get("db"):
            # `rasa run` from a fresh clone has no var/ yet: SQLite makes the file, not its folder.
            Path(kwargs["db"]).parent.mkdir(parents=True, exist_ok=True)
        super().__init__(*args, **kwargs)
        if self.engine.dialect.name == "sqlite":
            _check_rasa_store(self)
            # SQLAlchemy 1.4 opens a file database anew for every session (NullPool).
            self.engine = sa.create_engine(self.engine.url, poolclass=sa.pool.QueuePool,
                                           connect_args={"check_same_thread": False})
            sa.event.listen(self.engine, "connect", _write_ahead_logging)
            self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)
        # Rasa only logs when it cannot create its tables (database down at start-up),
        # so whether they exist is unknown until a ping has created them.
        self._tables_ready = False
        _stores.append(self)

    async def _off_loop(self, operation: str, work: Callable[[], T], timeout: Optional[float] = None) -> T:
        timeout = timeout or self.timeout_seconds
        future = asyncio.get_running_loop().run_in_executor(self._threads, work)
        try:
            return await asyncio.wait_for(future, timeout)
        except Exception as error:
            if isinstance(error, asyncio.TimeoutError):
                error = TimeoutError(f"no answer within {timeout} s")
            HEALTH.record_failure(error)
            logger.error("tracker store %s failed: %s", operation, HEALTH.last_error)
            raise error

    def _in_thread(self, coroutine: Callable[[], Coroutine[Any, Any, T]]) -> Callable[[], T]:
        """Rasa's store methods are coroutines doing blocking work: run one on a thread's loop."""
        return lambda: asyncio.run(coroutine())

    async def retrieve(self, sender_id: Text) -> Optional[DialogueStateTracker]:
        read = super().retrieve
        return await self._off_loop("read", self._in_thread(lambda: read(sender_id)))

    async def retrieve_full_tracker(self, conversation_id: Text) -> Optional[DialogueStateTracker]:
        read = super().retrieve_full_tracker
        return await self._off_loop("read", self._in_thread(lambda: read(conversation_id)))

    async def save(self, tracker: DialogueStateTracker) -> None:
        write = super().save
        try:
            await self._off_loop("write", self._in_thread(lambda: write(tracker)))
        except Exception:
            HEALTH.unsaved.add(tracker.sender_id)
            raise
        HEALTH.unsaved.discard(tracker.sender_id)

    async def reachable(self) -> bool:
        """A ``SELECT 1`` (creating the tables once the database first answers), off the loop."""
        try:
            await self._off_loop("ping", self._ping, self.ping_timeout_seconds)
        except Exception:
            return False
        return True

    def _ping(self) -> None:
        with self.engine.connect() as connection:
            connection.execute(sa.text("SELECT 1"))
        if not self._tables_ready:
            self.Base.metadata.create_all(self.engine)  # idempotent
            self._tables_ready = True


def _check_rasa_store(store: SQLTrackerStore) -> None:
    """Rasa 3.6.21's SQLTrackerStore opens every session from ``self.sessionmaker``, bound
    to ``self.engine``: replacing both replaces every use of the engine it built."""
    assert "session = self.sessionmaker()" in inspect.getsource(SQLTrackerStore.session_scope), (
        "rasa.core.tracker_store.SQLTrackerStore.session_scope changed: review stores/guarded_sql.py"
    )
    assert isinstance(store.engine, sa.engine.Engine) and store.sessionmaker.kw.get("bind") is store.engine, (
        "rasa.core.tracker_store.SQLTrackerStore.__init__ changed: review stores/guarded_sql.py"
    )


def _write_ahead_logging(connection: Any, _: Any) -> None:
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


async def check() -> bool:
    """Pings every guarded store of this process, off the event loop; True when there is none."""
    return all([await store.reachable() for store in _stores])
