"""Cost of the tracker-store health ping that both channels run before every message.

Why measure it alone: ``channels/store_guard.py`` awaits ``guarded_sql.check()`` — a
``SELECT 1`` in the store's thread pool, bounded by its timeout — before each message, so its
cost adds to every message's latency. The store is built exactly as ``endpoints.yml``
configures it (Rasa's tracker-store factory), only against a temporary SQLite file, and
pinged the way the channels ping it (``reachable()``, in one event loop).
"""
from __future__ import annotations

import asyncio
import statistics
import time
import warnings
from pathlib import Path
from typing import Any, Dict, List

from bench.load import percentile
from devtools.endpoints import write_endpoints


def measure(workdir: Path, count: int = 1000) -> Dict[str, Any]:
    """Times ``reachable()`` ``count`` times after one untimed ping (which creates the tables)."""
    with warnings.catch_warnings():  # Rasa's and SQLAlchemy's deprecations are not ours to fix
        warnings.simplefilter("ignore")
        return _measure(workdir, count)


def _measure(workdir: Path, count: int) -> Dict[str, Any]:
    from rasa.core.tracker_store import TrackerStore
    from rasa.shared.core.domain import Domain
    from rasa.utils.endpoints import read_endpoint_config

    path = write_endpoints(workdir / "endpoints.ping.yml", tracker_db=workdir / "ping.db")
    store = TrackerStore.create(read_endpoint_config(str(path), "tracker_store"), Domain.empty())
    if not hasattr(store, "reachable"):
        raise TypeError(f"endpoints.yml's tracker store {type(store).__name__} has no reachable()")

    async def pings() -> List[float]:
        assert await store.reachable(), "the first ping failed"
        times = []
        for _ in range(count):
            started = time.perf_counter()
            assert await store.reachable(), "a ping failed"
            times.append(time.perf_counter() - started)
        return times

    times = asyncio.run(pings())
    return {
        "store": f"{type(store).__module__}.{type(store).__name__}",
        "pool": type(store.engine.pool).__name__,
        "count": count,
        "mean_ms": statistics.fmean(times) * 1000,
        "p50_ms": percentile(times, 50) * 1000,
        "p95_ms": percentile(times, 95) * 1000,
    }
