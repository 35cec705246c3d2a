"""The guarded Redis lock store reuses Rasa's locking logic: fail loudly if it moves."""
from __future__ import annotations

import inspect

from rasa.core.lock_store import LockStore, RedisLockStore
from rasa.utils.endpoints import EndpointConfig

from stores.guarded_redis_lock import GuardedRedisLockStore


def test_the_rasa_methods_it_runs_in_threads_are_still_there() -> None:
    expected = {
        "issue_ticket": ["self", "conversation_id", "lock_lifetime"],
        "_acquire_lock": ["self", "conversation_id", "ticket", "wait_time_in_seconds"],
        "cleanup": ["self", "conversation_id", "ticket_number"],
        "lock": ["self", "conversation_id", "lock_lifetime", "wait_time_in_seconds"],
    }
    for name, parameters in expected.items():
        assert list(inspect.signature(getattr(LockStore, name)).parameters) == parameters, name
    # Nothing else of the lock store touches Redis on the event loop.
    assert {"get_lock", "save_lock", "delete_lock"} <= set(vars(RedisLockStore))


def test_every_redis_call_is_bounded_connecting_included() -> None:
    store = GuardedRedisLockStore(EndpointConfig(url="127.0.0.1", port=6399, password="x",
                                                 timeout_seconds=2, key_prefix="bot"))
    connection = store.red.connection_pool.connection_kwargs
    assert connection["socket_timeout"] == 2.0
    # redis-py connects with socket_timeout when no connect timeout is given.
    assert connection.get("socket_connect_timeout") is None
    assert store.key_prefix.startswith("bot:")
