"""Load generation over the REST channel: sequential and concurrent senders, and their statistics.

Why threads with one ``requests.Session`` each: that is what real chat clients look like to
the server (one conversation per sender, keep-alive connections), and it costs both bots
the same client-side overhead, so the ratios compare the servers.
"""
from __future__ import annotations

import statistics
import threading
import time
from dataclasses import dataclass, field
from typing import Dict, List, Sequence

import requests


@dataclass
class Phase:
    """One bot, one mode, one round: per-message latencies and the phase's wall time."""

    bot: str
    mode: str
    round: int
    latencies_s: List[float] = field(default_factory=list)
    wall_s: float = 0.0
    errors: int = 0
    empty: int = 0

    @property
    def messages(self) -> int:
        return len(self.latencies_s)

    @property
    def per_second(self) -> float:
        return self.messages / self.wall_s if self.wall_s else 0.0


def _send(session: requests.Session, url: str, sender: str, text: str, phase: Phase,
          lock: threading.Lock) -> None:
    started = time.perf_counter()
    error = empty = False
    try:
        reply = session.post(url, json={"sender": sender, "message": text}, timeout=120)
        error = reply.status_code != 200
        empty = not error and not reply.json()
    except (requests.RequestException, ValueError):
        error = True
    elapsed = time.perf_counter() - started
    with lock:
        phase.latencies_s.append(elapsed)
        phase.errors += error
        phase.empty += empty


def conversation(sender: str, index: int, length: int) -> str:
    """The sender id of a client's ``index``-th message: a new conversation every ``length``.

    A support chat is a few messages long; one endless conversation would measure how
    each bot copes with a tracker of thousands of events instead.
    """
    return f"{sender}-{index // length}"


def sequential(url: str, sender: str, texts: Sequence[str], phase: Phase, length: int) -> Phase:
    """One client, one message after the other, in conversations of ``length`` messages."""
    lock = threading.Lock()
    with requests.Session() as session:
        started = time.perf_counter()
        for index, text in enumerate(texts):
            _send(session, url, conversation(sender, index, length), text, phase, lock)
        phase.wall_s = time.perf_counter() - started
    return phase


def concurrent(url: str, senders: Sequence[str], texts: Sequence[str], phase: Phase,
               length: int) -> Phase:
    """``len(senders)`` threads, each its own conversations, sharing ``texts`` round-robin."""
    lock = threading.Lock()
    barrier = threading.Barrier(len(senders) + 1)

    def worker(index: int, sender: str) -> None:
        with requests.Session() as session:
            barrier.wait()
            for number, text in enumerate(texts[index::len(senders)]):
                _send(session, url, conversation(sender, number, length), text, phase, lock)

    threads = [threading.Thread(target=worker, args=(i, s), daemon=True) for i, s in enumerate(senders)]
    for thread in threads:
        thread.start()
    barrier.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    phase.wall_s = time.perf_counter() - started
    return phase


def percentile(values: Sequence[float], q: float) -> float:
    """Linear-interpolated percentile (numpy's default), without importing numpy."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    position = (len(ordered) - 1) * q / 100
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def summarize(phases: Sequence[Phase]) -> Dict[str, float]:
    """Pooled latency statistics (ms) and throughput (all messages / all wall time)."""
    latencies = [x for p in phases for x in p.latencies_s]
    wall = sum(p.wall_s for p in phases)
    return {
        "messages": len(latencies),
        "p50_ms": percentile(latencies, 50) * 1000,
        "p95_ms": percentile(latencies, 95) * 1000,
        "mean_ms": statistics.fmean(latencies) * 1000 if latencies else float("nan"),
        "max_ms": max(latencies) * 1000 if latencies else float("nan"),
        "messages_per_s": len(latencies) / wall if wall else 0.0,
        "errors": sum(p.errors for p in phases),
        "empty_answers": sum(p.empty for p in phases),
        "per_round_messages_per_s": [round(p.per_second, 2) for p in phases],
        "per_round_p50_ms": [round(percentile(p.latencies_s, 50) * 1000, 1) for p in phases],
    }
