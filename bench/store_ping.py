"""Cost of the tracker-store health ping that both channels run before every message.

Why measure it alone: ``channels/store_guard.py`` calls ``guarded_sql.check()`` — a
synchronous ``SELECT 1`` on a fresh connection — on the event loop before each message, so
its cost adds to every message's latency and blocks other conversations meanwhile. The store
is built exactly as ``endpoints.yml`` configures it (Rasa's tracker-store factory), only
against a temporary SQLite file.
"""
from __future__ import annotations

import statistics
import time
import warnings
from pathlib import Path
from typing import Any, Dict

import yaml

from bench.common import ROOT
from bench.load import percentile


def measure(workdir: Path, count: int = 1000) -> Dict[str, Any]:
    """Times ``ping()`` ``count`` times after one untimed ping (which creates the tables)."""
    with warnings.catch_warnings():  # Rasa's and SQLAlchemy's deprecations are not ours to fix
        warnings.simplefilter("ignore")
        return _measure(workdir, count)


def _measure(workdir: Path, count: int) -> Dict[str, Any]:
    from rasa.core.tracker_store import TrackerStore
    from rasa.shared.core.domain import Domain
    from rasa.utils.endpoints import read_endpoint_config

    endpoints = yaml.safe_load((ROOT / "endpoints.yml").read_text(encoding="utf-8"))
    endpoints["tracker_store"]["db"] = str(workdir / "ping.db")
    path = workdir / "endpoints.ping.yml"
    path.write_text(yaml.safe_dump(endpoints, allow_unicode=True), encoding="utf-8")
    store = TrackerStore.create(read_endpoint_config(str(path), "tracker_store"), Domain.empty())
    if not hasattr(store, "ping"):
        raise TypeError(f"endpoints.yml's tracker store {type(store).__name__} has no ping()")
    assert store.ping(), "the first ping failed"
    times = []
    for _ in range(count):
        started = time.perf_counter()
        store.ping()
        times.append(time.perf_counter() - started)
    return {
        "store": f"{type(store).__module__}.{type(store).__name__}",
        "pool": type(store.engine.pool).__name__,
        "count": count,
        "mean_ms": statistics.fmean(times) * 1000,
        "p50_ms": percentile(times, 50) * 1000,
        "p95_ms": percentile(times, 95) * 1000,
    }
