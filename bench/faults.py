"""Faults: PostgreSQL or Redis stops answering while 8 customers write at once.

Why: the production profile (endpoints.production.yml) keeps conversations in PostgreSQL
and per-conversation locks in Redis. A database behind a dead link or a hung host accepts
connections and never answers; before the stores were moved off the event loop and
bounded, such a fault froze every conversation of the instance. The e2e tests
(tests/e2e/test_database_outage.py, test_lock_store_outage.py) only check that each
customer gets an answer or the apology at all; this stage measures how long that takes,
how long ``GET /webhooks/rest/health`` takes meanwhile (a load balancer's probe gives up
after a second or two), and how long the bot needs to recover once the fault is gone.

Each fault gets a fresh bot (``scripts/run.sh serve`` on the production profile), so one
fault's stuck threads cannot flatter or spoil the next one's figures:

- PostgreSQL black-holed: the bot reaches PostgreSQL through ``devtools.services.BlackHole``,
  which is switched to swallow every byte (connections open and new ones alike);
- Redis black-holed: the same in front of Redis (the lock store);
- PostgreSQL frozen: every PostgreSQL process stopped with SIGSTOP (the bot connects
  directly; the kernel still accepts connections into the listen backlog).

For each: 8 customers who already had one turn (「注文をキャンセルしたい」) send
「出荷準備中です」 at the same moment; ``/health`` is probed 0.2 s later (while their
messages are in flight) and again after all have replied. Then the fault is lifted and the
time until ``/health`` says 200 and until a new customer is answered again is taken.
Finally every customer whose message was answered (not apologised for) must have that
message in PostgreSQL: an acknowledged message that is not stored is lost.
"""
from __future__ import annotations

import json
import os
import signal
import statistics
import threading
import time
import uuid
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Tuple

import requests

from bench import production, servers
from devtools.services import BlackHole, PostgresServer, RedisServer

CUSTOMERS = 8
FIRST, FIRST_EXPECTED = "注文をキャンセルしたい", "ステータス"
SECOND, SECOND_ANSWER = "出荷準備中です", "「キャンセルできない場合がある」"
# Tracker store unreachable (channels/rest.py), and any other failure of the turn
# (channels/guard.py: the lock store's errors end up here).
APOLOGIES = ("この会話を続けることができません", "お答えを用意できませんでした")
CLIENT_TIMEOUT_S = 60.0  # far above every target: a hang shows up as a figure, not a stall
RECOVERY_LIMIT_S = 120.0
HEALTH_PROBE_DELAY_S = 0.2

FAULTS: Dict[str, str] = {
    "postgres_black_hole": "PostgreSQL black-holed",
    "redis_black_hole": "Redis black-holed",
    "postgres_sigstop": "PostgreSQL frozen (SIGSTOP)",
}


def _classify(text: str) -> str:
    if any(apology in text for apology in APOLOGIES):
        return "apology"
    return "answer" if SECOND_ANSWER in text else "other"


def _say(url: str, sender: str, text: str, timeout: float = CLIENT_TIMEOUT_S) -> Tuple[str, float]:
    """One turn: (outcome, seconds). Outcome is apology/answer/other, ``http <code>`` or ``timeout``."""
    started = time.perf_counter()
    try:
        reply = requests.post(url, json={"sender": sender, "message": text}, timeout=timeout)
        if reply.status_code != 200:
            outcome = f"http {reply.status_code}"
        else:
            outcome = _classify(production.reply_text(reply.json()))
    except requests.Timeout:
        outcome = "timeout"
    except (requests.RequestException, ValueError) as error:
        outcome = f"error {type(error).__name__}"
    return outcome, time.perf_counter() - started


def _at_once(bot: servers.Launched, senders: List[str]) -> Tuple[List[Tuple[str, float]],
                                                                    Tuple[Optional[int], float]]:
    """Every sender's SECOND released together, and one health probe while they are in flight."""
    results: List[Optional[Tuple[str, float]]] = [None] * len(senders)
    probe: List[Tuple[Optional[int], float]] = []
    barrier = threading.Barrier(len(senders) + 1)

    def customer(index: int) -> None:
        barrier.wait()
        results[index] = _say(bot.webhook, senders[index], SECOND)

    def prober() -> None:
        barrier.wait()
        time.sleep(HEALTH_PROBE_DELAY_S)
        probe.append(production.health(bot, timeout=CLIENT_TIMEOUT_S))

    threads = [threading.Thread(target=customer, args=(i,), daemon=True) for i in range(len(senders))]
    threads.append(threading.Thread(target=prober, daemon=True))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(CLIENT_TIMEOUT_S + 30)
    return [r if r is not None else ("timeout", CLIENT_TIMEOUT_S) for r in results], probe[0]


def _until(check: Callable[[], bool], since: float) -> Optional[float]:
    """Seconds from ``since`` until ``check()`` is true (polled every 0.25 s); None past the limit.

    Both recovery figures count from the moment the fault was lifted, so the second one
    (answering again) does not hide the time the first one took.
    """
    while time.perf_counter() - since < RECOVERY_LIMIT_S:
        if check():
            return time.perf_counter() - since
        time.sleep(0.25)
    return None


def _stored_texts(postgres: PostgresServer, sender: str) -> List[str]:
    rows = postgres.query(
        "SELECT data FROM events WHERE sender_id = %s AND type_name = 'user' ORDER BY id", sender)
    return [json.loads(data)["text"] for (data,) in rows]


def _one_fault(fault: str, postgres: PostgresServer, redis_server: RedisServer,
               log: Callable[[str], None]) -> Dict[str, Any]:
    """A fresh bot, 8 customers' first turn, the fault, their second turn at once, recovery."""
    holes: Dict[str, BlackHole] = {}
    frozen: List[int] = []
    bot: Optional[servers.Launched] = None
    env = {**postgres.env(), **redis_server.env()}
    try:
        if fault == "postgres_black_hole":
            holes["postgres"] = BlackHole(postgres.port)
            env["POSTGRES_PORT"] = str(holes["postgres"].port)
        elif fault == "redis_black_hole":
            holes["redis"] = BlackHole(redis_server.port)
            env["REDIS_PORT"] = str(holes["redis"].port)
        bot = production.start_bot(f"faults_{fault}", env)
        startup = bot.wait_for_first_answer("こんにちは")
        log(f"{FAULTS[fault]}: bot answered {startup:.1f} s after launch")
        tag = uuid.uuid4().hex[:6]
        senders = [f"fault-{fault}-{tag}-{i}" for i in range(CUSTOMERS)]
        for sender in senders:
            reply = requests.post(bot.webhook, json={"sender": sender, "message": FIRST}, timeout=30)
            text = production.reply_text(reply.json())
            if FIRST_EXPECTED not in text:
                raise RuntimeError(f"{FIRST!r} before the fault: {FIRST_EXPECTED!r} not in {text!r}")
        health_before = production.health(bot)

        if holes:
            next(iter(holes.values())).black_hole()
        else:
            frozen = postgres.processes()
            for pid in frozen:
                os.kill(pid, signal.SIGSTOP)
        replies, health_during = _at_once(bot, senders)
        health_after = production.health(bot, timeout=CLIENT_TIMEOUT_S)

        lifted = time.perf_counter()
        _lift(holes, frozen)
        frozen = []
        back_to_200 = _until(lambda: production.health(bot, timeout=10)[0] == 200, lifted)
        answering = _until(lambda: FIRST_EXPECTED in _first_turn(bot), lifted)
        not_stored = [s for s, (outcome, _) in zip(senders, replies)
                      if outcome == "answer" and _stored_texts(postgres, s)[-1:] != [SECOND]]
    finally:
        _lift(holes, frozen)  # no-op when already lifted
        try:
            if bot is not None:
                bot.stop()
        finally:
            for hole in holes.values():
                hole.close()

    times = [seconds for _, seconds in replies]
    outcomes = [outcome for outcome, _ in replies]
    result = {
        "label": FAULTS[fault],
        "customers": CUSTOMERS,
        "reply_s": [round(t, 3) for t in times],
        "outcomes": outcomes,
        "max_reply_s": max(times),
        "median_reply_s": statistics.median(times),
        "apologies": outcomes.count("apology"),
        "answers": outcomes.count("answer"),
        "failures": len(outcomes) - outcomes.count("apology") - outcomes.count("answer"),
        "health_before": {"status": health_before[0], "s": health_before[1]},
        "health_during": {"status": health_during[0], "s": health_during[1]},
        "health_after": {"status": health_after[0], "s": health_after[1]},
        "worst_health_s": max(health_during[1], health_after[1]),
        "back_to_200_s": back_to_200,
        "answering_again_s": answering,
        "acknowledged_not_stored": not_stored,
        "startup_s": startup,
    }
    log(f"{FAULTS[fault]}: replies max {result['max_reply_s']:.2f} s, median "
        f"{result['median_reply_s']:.2f} s, {result['apologies']} apologies, {result['answers']} answers, "
        f"{result['failures']} failures; health during {_health_text(health_during)}, after "
        f"{_health_text(health_after)}; health 200 again {_seconds(back_to_200)} and answering "
        f"{_seconds(answering)} after the fault was lifted; acknowledged but not stored: {len(not_stored)}")
    return result


def _first_turn(bot: servers.Launched) -> str:
    """A new customer's first turn, as text ('' when it fails)."""
    try:
        reply = requests.post(bot.webhook, json={"sender": f"recovered-{uuid.uuid4().hex[:8]}",
                                                 "message": FIRST}, timeout=10)
        return production.reply_text(reply.json()) if reply.status_code == 200 else ""
    except (requests.RequestException, ValueError):
        return ""


def _lift(holes: Dict[str, BlackHole], frozen: List[int]) -> None:
    for hole in holes.values():
        hole.restore()
    for pid in frozen:
        try:
            os.kill(pid, signal.SIGCONT)
        except ProcessLookupError:
            pass


def _health_text(probe: Tuple[Optional[int], float]) -> str:
    return f"{probe[0] or 'no answer'} in {probe[1]:.2f} s"


def _seconds(value: Optional[float]) -> str:
    return f"after {value:.1f} s" if value is not None else f"not within {RECOVERY_LIMIT_S:.0f} s"


def run(log: Callable[[str], None], workdir: Path) -> Dict[str, Any]:
    """The three faults in turn on one PostgreSQL + Redis pair, a fresh bot for each."""
    results: Dict[str, Any] = {}
    with production.backing_services(workdir) as (postgres, redis_server):
        log(f"PostgreSQL on :{postgres.port}, Redis on :{redis_server.port}")
        for fault in FAULTS:
            results[fault] = _one_fault(fault, postgres, redis_server, log)
    return {"customers": CUSTOMERS, "client_timeout_s": CLIENT_TIMEOUT_S, "faults": results}
