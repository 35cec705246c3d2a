"""Rasa's Redis lock store, with every Redis call off the event loop and bounded.

Rasa's ``RedisLockStore`` talks to Redis with the synchronous client from inside
``LockStore.lock``, which every message passes through on the server's one event loop.
A Redis that accepts connections but never answers therefore froze every conversation
on the instance for ``socket_timeout`` (10 s by default) per call, several calls per
message. Here the ticket is issued, awaited and returned in a thread of the store's own,
and each Redis call (connecting included) gives up after ``timeout_seconds``
(endpoints.production.yml): the message then fails with Rasa's ``LockError`` or the
Redis error, and the channel guard (channels/guard.py) sends the apology with the
customer-service contact.

Rasa's locking logic itself is reused unchanged: ``issue_ticket``, ``_acquire_lock``
(run on a private event loop in the thread, because it polls with ``asyncio.sleep``)
and ``cleanup``. ``tests/unit/test_guarded_lock_store.py`` fails if their signatures change.
"""
from __future__ import annotations

import asyncio
import logging
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from typing import AsyncIterator, Callable, Optional, Text, TypeVar

from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, RedisLockStore
from rasa.utils.endpoints import EndpointConfig

T = TypeVar("T")
logger = logging.getLogger(__name__)
_stores: "list[GuardedRedisLockStore]" = []
# Messages waiting for the same conversation's lock each hold a thread while they wait.
MAX_THREADS = 32


class GuardedRedisLockStore(RedisLockStore):
    def __init__(self, endpoint_config: EndpointConfig) -> None:
        """Rasa builds a lock store named by module path from its endpoint section alone."""
        settings = dict(endpoint_config.kwargs)
        timeout = float(settings.pop("timeout_seconds", 2.0))
        super().__init__(host=endpoint_config.url, socket_timeout=timeout, **settings)
        self._threads = ThreadPoolExecutor(max_workers=MAX_THREADS, thread_name_prefix="lock-store")
        _stores.append(self)

    async def reachable(self, timeout: float) -> bool:
        """A Redis PING off the loop: the health check reports the lock store too."""
        try:
            return bool(await asyncio.wait_for(self._off_loop(self.red.ping), timeout))
        except Exception as error:  # noqa: BLE001 - any failure means "unavailable"
            logger.error("lock store ping failed: %s", f"{type(error).__name__}: {error}"[:300])
            return False

    async def _off_loop(self, work: Callable[[], T]) -> T:
        return await asyncio.get_running_loop().run_in_executor(self._threads, work)

    @asynccontextmanager
    async def lock(
        self,
        conversation_id: Text,
        lock_lifetime: float = LOCK_LIFETIME,
        wait_time_in_seconds: float = 1,
    ) -> AsyncIterator[TicketLock]:
        ticket = await self._off_loop(lambda: self.issue_ticket(conversation_id, lock_lifetime))
        try:
            yield await self._off_loop(lambda: asyncio.run(
                self._acquire_lock(conversation_id, ticket, wait_time_in_seconds)))
        finally:
            await self._off_loop(lambda: self.cleanup(conversation_id, ticket))


async def check(timeout: float = 1.5) -> Optional[bool]:
    """Pings every guarded lock store of this process; None when there is none (in memory)."""
    if not _stores:
        return None
    return all([await store.reachable(timeout) for store in _stores])
