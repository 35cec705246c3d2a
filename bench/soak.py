"""Soak: two bots on one PostgreSQL + Redis, 16 customers writing for 5 minutes.

Why: the production profile exists so that several Rasa processes can serve the same
customers (tests/e2e/test_scale_out.py checks that once, for 16 conversations). Over
minutes of steady traffic three further things can go wrong that a short test never
shows: replies that slowly stop matching (a lock held too long, a conversation read back
half-written), messages that were answered but never reached the database, and memory
that grows with every conversation until the instance is killed. This stage runs real
multi-turn conversations, each turn sent to the other instance than the one before, and
afterwards compares what every customer sent with what PostgreSQL holds, and each Rasa
process's resident memory at the end with that after the warm-up.

``BENCH_QUICK=1`` shortens the load to 30 s (and the warm-up to 5 s); ``BENCH_SOAK_SECONDS``
sets another length (to see whether a slow memory climb levels off, say).
"""
from __future__ import annotations

import json
import os
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

import requests

from bench import load, production, servers
from bench.serving import OUR_ROLES
from devtools.services import PostgresServer

SENDERS = 16
DURATION_S, QUICK_DURATION_S = 300.0, 30.0
WARMUP_S, QUICK_WARMUP_S = 20.0, 5.0
CLIENT_TIMEOUT_S = 30.0
MEMORY_SAMPLE_EVERY_S = 30.0
PREFIX, WARMUP_PREFIX = "soak-", "soakwarm-"

# Each turn: what the customer types, and a piece of the reply checked against the
# running bot (a mismatch in the first pass stops the stage before any load).
Turn = Tuple[str, str]
THANKS: Turn = ("ありがとうございます", "どういたしまして")
CONVERSATIONS: Dict[str, List[Turn]] = {
    "cancel": [("注文をキャンセルしたい", "ステータス"),
               ("出荷準備中です", "「キャンセルできない場合がある」"), THANKS],
    "return": [("返品したい", "どこから購入しましたか"), ("Amazonが販売・発送", "返品の手順です"), THANKS],
    "refund": [("返金について知りたい", "お支払い方法を教えてください"),
               ("クレジットカードです", "クレジットカードへの返金"), THANKS],
    "not shipped": [("商品が届かない", "カスタマーセンターが窓口"), THANKS],
}


@dataclass
class Tally:
    """One sender thread's figures (merged after the run; no locks on the hot path)."""

    latencies_s: List[float] = field(default_factory=list)
    http_errors: int = 0
    timeouts: int = 0
    unexpected: int = 0
    examples: List[str] = field(default_factory=list)
    sent: Dict[str, List[Tuple[str, bool]]] = field(default_factory=dict)  # sender -> (text, acknowledged)
    per_instance: Counter = field(default_factory=Counter)

    def problem(self, text: str) -> None:
        if len(self.examples) < 5:
            self.examples.append(text[:300])


def _turn(session: requests.Session, bot: servers.Launched, sender: str, text: str, expected: str,
          tally: Tally) -> None:
    started = time.perf_counter()
    acknowledged = False
    try:
        reply = session.post(bot.webhook, json={"sender": sender, "message": text}, timeout=CLIENT_TIMEOUT_S)
        if reply.status_code != 200:
            tally.http_errors += 1
            tally.problem(f"{bot.name} {sender} {text}: HTTP {reply.status_code}")
        else:
            answer = production.reply_text(reply.json())
            acknowledged = expected in answer
            if not acknowledged:
                tally.unexpected += 1
                tally.problem(f"{bot.name} {sender} {text}: {expected!r} not in {answer[:150]!r}")
    except requests.Timeout:
        tally.timeouts += 1
        tally.problem(f"{bot.name} {sender} {text}: no reply within {CLIENT_TIMEOUT_S:.0f} s")
    except (requests.RequestException, ValueError) as error:
        tally.http_errors += 1
        tally.problem(f"{bot.name} {sender} {text}: {type(error).__name__}")
    tally.latencies_s.append(time.perf_counter() - started)
    tally.sent.setdefault(sender, []).append((text, acknowledged))
    tally.per_instance[bot.name] += 1


def _converse(session: requests.Session, bots: Sequence[servers.Launched], sender: str,
              turns: List[Turn], first: int, tally: Tally) -> None:
    """One customer's conversation; turn k goes to instance (first + k) % 2."""
    for k, (text, expected) in enumerate(turns):
        _turn(session, bots[(first + k) % len(bots)], sender, text, expected, tally)


def _load(bots: Sequence[servers.Launched], seconds: float, prefix: str,
          on_tick: Optional[Callable[[float], None]] = None) -> List[Tally]:
    """SENDERS threads holding conversations back to back for ``seconds``.

    A conversation under way at the deadline is finished (a customer is not cut off).
    ``on_tick(elapsed)`` runs in the calling thread about once a second meanwhile.
    """
    names = list(CONVERSATIONS)
    tallies = [Tally() for _ in range(SENDERS)]
    barrier = threading.Barrier(SENDERS + 1)
    deadline: List[float] = []

    def sender(index: int) -> None:
        with requests.Session() as session:
            barrier.wait()
            number = 0
            while time.perf_counter() < deadline[0]:
                name = names[(index + number) % len(names)]
                # Which instance starts changes with each pass through the list, so that every
                # kind of conversation starts on both (not cancel always on the first one).
                first = index + number // len(names)
                _converse(session, bots, f"{prefix}{index:02d}-{number:05d}", CONVERSATIONS[name],
                          first, tallies[index])
                number += 1

    threads = [threading.Thread(target=sender, args=(i,), daemon=True) for i in range(SENDERS)]
    for thread in threads:
        thread.start()
    started = time.perf_counter()
    deadline.append(started + seconds)
    barrier.wait()
    while any(thread.is_alive() for thread in threads):
        if on_tick:
            on_tick(time.perf_counter() - started)
        for thread in threads:
            thread.join(1.0 / SENDERS)
    return tallies


def _verify(bots: Sequence[servers.Launched]) -> None:
    """Every conversation once, starting on each instance; raises on the first reply that
    does not contain what the load will check for (the scripts must match the bot)."""
    tally = Tally()
    with requests.Session() as session:
        for first in range(len(bots)):
            for name, turns in CONVERSATIONS.items():
                _converse(session, bots, f"soakcheck-{first}-{name.replace(' ', '_')}", turns, first, tally)
    if tally.examples:
        raise RuntimeError("the soak conversations do not match the bot: " + "; ".join(tally.examples))


def _memory(bots: Sequence[servers.Launched]) -> Dict[str, Dict[str, int]]:
    return {bot.name: bot.memory_by_role(OUR_ROLES) for bot in bots}


def _in_order(stored: List[str], sent: List[str]) -> bool:
    """Whether ``stored`` is ``sent`` with some messages left out, in the order they were sent."""
    remaining = iter(sent)
    return all(any(text == candidate for candidate in remaining) for text in stored)


def _lost(postgres: PostgresServer, tallies: Sequence[Tally]) -> Dict[str, Any]:
    """Compares, for every sender of the measured load, its user texts in PostgreSQL with
    what it sent: acknowledged messages missing are lost; any other difference is listed."""
    stored: Dict[str, List[str]] = {}
    for sender, data in postgres.query(
            "SELECT sender_id, data FROM events WHERE type_name = 'user' AND sender_id LIKE %s ORDER BY id",
            f"{PREFIX}%"):
        stored.setdefault(sender, []).append(json.loads(data)["text"])
    sent = {sender: turns for tally in tallies for sender, turns in tally.sent.items()}
    lost = unacknowledged_missing = 0
    out_of_order, examples = [], []
    for sender, turns in sent.items():
        have = Counter(stored.get(sender, []))
        missing = Counter(text for text, _ in turns) - have
        for text, acknowledged in turns:
            if missing[text] > 0:
                missing[text] -= 1
                if acknowledged:
                    lost += 1
                    if len(examples) < 5:
                        examples.append(f"{sender}: {text}")
                else:
                    unacknowledged_missing += 1
        if not _in_order(stored.get(sender, []), [text for text, _ in turns]):
            out_of_order.append(sender)
    unknown = sorted(set(stored) - set(sent))
    extra = sum(max(0, len(stored[s]) - len(sent[s])) for s in sent if s in stored)
    return {"senders": len(sent), "stored_user_events": sum(len(v) for v in stored.values()),
            "lost_acknowledged": lost, "missing_unacknowledged": unacknowledged_missing,
            "extra_stored": extra, "out_of_order_senders": out_of_order[:20],
            "unknown_senders": unknown[:20], "lost_examples": examples}


def _stop_all(bots: Sequence[servers.Launched]) -> None:
    """Stops every instance even when stopping one fails, then reports the first failure."""
    failures: List[Exception] = []
    for bot in bots:
        try:
            bot.stop()
        except Exception as error:  # the next instance must still be stopped
            failures.append(error)
    if failures:
        raise failures[0]


def run(log: Callable[[str], None], workdir: Path, quick: bool) -> Dict[str, Any]:
    """Two instances, verification, warm-up, the measured load, the database check."""
    seconds = float(os.environ.get("BENCH_SOAK_SECONDS") or (QUICK_DURATION_S if quick else DURATION_S))
    warmup = QUICK_WARMUP_S if quick else WARMUP_S
    bots: List[servers.Launched] = []
    with production.backing_services(workdir) as (postgres, redis_server):
        try:
            env = {**postgres.env(), **redis_server.env()}
            for index in range(2):  # one at a time: two model loads at once on 2 cores slow both
                bots.append(production.start_bot(f"soak_{index}", env))
                startup = bots[-1].wait_for_first_answer("こんにちは")
                log(f"instance {index} answered {startup:.1f} s after launch ({bots[-1].rasa_url})")
            _verify(bots)
            log(f"{len(CONVERSATIONS)} conversations verified on both instances; warming up "
                f"{warmup:.0f} s with {SENDERS} senders")
            warm = _load(bots, warmup, WARMUP_PREFIX)
            log(f"warm-up: {sum(len(t.latencies_s) for t in warm)} messages")
            memory_start = _memory(bots)
            samples: List[Dict[str, Any]] = [{"t_s": 0.0, "rasa_server": {
                name: m["rasa_server"] for name, m in memory_start.items()}}]

            def tick(elapsed: float) -> None:
                if elapsed - samples[-1]["t_s"] >= MEMORY_SAMPLE_EVERY_S:
                    memory = _memory(bots)
                    samples.append({"t_s": round(elapsed, 1), "rasa_server": {
                        name: m["rasa_server"] for name, m in memory.items()}})
                    log(f"{elapsed:.0f} s: Rasa RSS " + ", ".join(
                        f"{name} {rss / 2**20:.0f} MiB" for name, rss in samples[-1]["rasa_server"].items()))

            log(f"load: {SENDERS} senders for {seconds:.0f} s, turns alternating between instances")
            started = time.perf_counter()
            tallies = _load(bots, seconds, PREFIX, tick)
            wall = time.perf_counter() - started
            memory_end = _memory(bots)
        finally:
            _stop_all(bots)
        lost = _lost(postgres, tallies)

    latencies = [x for t in tallies for x in t.latencies_s]
    growth = {name: (memory_end[name]["rasa_server"] / memory_start[name]["rasa_server"] - 1) * 100
              for name in memory_start}
    result = {
        "senders": SENDERS, "duration_s": seconds, "warmup_s": warmup, "wall_s": wall,
        "conversations": {name: [text for text, _ in turns] for name, turns in CONVERSATIONS.items()},
        "messages": len(latencies),
        "conversations_held": lost["senders"],
        "messages_per_s": len(latencies) / wall if wall else 0.0,
        "per_instance": dict(sum((t.per_instance for t in tallies), Counter())),
        "p50_ms": load.percentile(latencies, 50) * 1000,
        "p95_ms": load.percentile(latencies, 95) * 1000,
        "max_ms": max(latencies) * 1000 if latencies else float("nan"),
        "http_errors": sum(t.http_errors for t in tallies),
        "timeouts": sum(t.timeouts for t in tallies),
        "unexpected_replies": sum(t.unexpected for t in tallies),
        "error_examples": [e for t in tallies for e in t.examples][:10],
        "store": lost,
        "memory_start_bytes": memory_start,
        "memory_end_bytes": memory_end,
        "memory_samples": samples,
        "rasa_growth_pct": growth,
        "worst_rasa_growth_pct": max(growth.values()),
    }
    result["errors"] = result["http_errors"] + result["timeouts"] + result["unexpected_replies"]
    log(f"{result['messages']} messages ({result['messages_per_s']:.1f}/s), errors {result['errors']} "
        f"(HTTP {result['http_errors']}, timeouts {result['timeouts']}, unexpected "
        f"{result['unexpected_replies']}), lost {lost['lost_acknowledged']}; Rasa RSS growth "
        + ", ".join(f"{name} {pct:+.1f}%" for name, pct in growth.items()))
    return result
