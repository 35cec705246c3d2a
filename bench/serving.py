"""Serving: this bot (as `make run` starts it) against a stock `rasa init` bot, same .venv.

Why interleaved rounds: another job on a 2-core machine slows whichever bot is being
measured at that moment; alternating the order per round spreads such noise over both, so
the ratios this-bot / stock-bot stay meaningful even when the absolute figures move.

This bot is started by ``scripts/run.sh serve`` itself (action server, chat page, Rasa
server), so whatever `make run` does the benchmark does too. Two differences, both through
the variables run.sh reads: free ports instead of 5005/5055/8080, and ``ENDPOINTS`` pointing
at a copy of endpoints.yml (``devtools.endpoints``) whose SQLite tracker store is a temporary
file: the benchmark's ~2,000 conversations do not belong in the customer conversations of
var/conversations.db.
"""
from __future__ import annotations

import os
import random
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

from bench import load, servers, store_ping
from bench.common import OUT, timed
from devtools.endpoints import write_endpoints
from devtools.nlu_metrics import IN_SCOPE, examples
from devtools.paths import RASA, ROOT
from devtools.processes import free_port

STOCK_INTENTS = ("greet", "goodbye", "mood_great", "mood_unhappy", "bot_challenge")
OURS, STOCK = "ours", "stock"


@dataclass(frozen=True)
class Plan:
    """How much load: the full run, or the quick smoke run (BENCH_QUICK=1)."""

    rounds: int = 3
    sequential: int = 150
    conversation_length: int = 5
    concurrent: int = 300
    senders: int = 8
    warmup: int = 20
    pings: int = 1000
    # One conversation this long per bot per round: how the cost grows with its length.
    long_conversation: int = 60


def _is_action_server(args: List[str]) -> bool:
    return " run actions " in f" {' '.join(args)} "


def _is_rasa_server(args: List[str]) -> bool:
    joined = f" {' '.join(args)} "
    return "/rasa run " in joined and not _is_action_server(args)


OUR_ROLES = {
    "action_server": _is_action_server,
    "web_page": lambda args: any(a.endswith("serve_web.py") for a in args),
    "rasa_server": _is_rasa_server,
}


def make_stock_bot(workdir: Path, log: Callable[[str], None]) -> Tuple[Path, Optional[float]]:
    """``rasa init --no-prompt``: the stock project, trained by rasa init itself.

    ``BENCH_STOCK_DIR`` (development only) names a directory kept from an earlier run
    (``--keep-workdir``) whose trained stock project is reused instead.
    """
    reused = os.environ.get("BENCH_STOCK_DIR")
    if reused and list((Path(reused) / "models").glob("*.tar.gz")):
        log(f"reusing the stock project in {reused} (BENCH_STOCK_DIR)")
        return Path(reused), None
    stock = workdir / "stock"
    stock.mkdir()  # rasa init refuses a path that does not exist
    log(f"rasa init --no-prompt --init-dir {stock} (trains the stock model)")
    seconds = timed([RASA, "init", "--no-prompt", "--init-dir", str(stock)],
                    OUT / "logs" / "stock_init.log", cwd=workdir)
    if not list((stock / "models").glob("*.tar.gz")):
        raise RuntimeError(f"rasa init wrote no model, see {OUT / 'logs' / 'stock_init.log'}")
    log(f"stock bot trained in {seconds:.0f} s")
    return stock, seconds


def start_ours(workdir: Path) -> servers.Launched:
    """``scripts/run.sh serve`` on free ports, its tracker store a temporary SQLite file
    (run.sh points the action endpoint at ACTIONS_PORT when ACTIONS=server)."""
    rasa_port, actions_port, web_port = free_port(), free_port(), free_port()
    endpoints = write_endpoints(workdir / "endpoints.bench.yml", tracker_db=workdir / "conversations.db")
    env = {"RASA_PORT": str(rasa_port), "ACTIONS_PORT": str(actions_port), "WEB_PORT": str(web_port),
           "ENDPOINTS": str(endpoints)}
    return servers.Launched(OURS, [str(ROOT / "scripts" / "run.sh"), "serve"], ROOT, env, rasa_port,
                            OUT / "logs" / "ours_serve.log", other_ports=(actions_port, web_port)).start()


def start_stock(stock_dir: Path) -> servers.Launched:
    port = free_port()
    return servers.Launched(STOCK, [RASA, "run", "--port", str(port), "--credentials", "credentials.yml"],
                            stock_dir, None, port, OUT / "logs" / "stock_serve.log").start()


def _messages(texts: Sequence[str], count: int, seed: int) -> List[str]:
    """``count`` messages cycling through ``texts`` in a shuffled but reproducible order."""
    rng = random.Random(seed)
    pool: List[str] = []
    while len(pool) < count:
        batch = list(texts)
        rng.shuffle(batch)
        pool.extend(batch)
    return pool[:count]


def _load_rounds(bots: Dict[str, servers.Launched], texts: Dict[str, List[str]], plan: Plan,
                 log: Callable[[str], None]) -> List[load.Phase]:
    phases: List[load.Phase] = []
    for number in range(1, plan.rounds + 1):
        order = [OURS, STOCK] if number % 2 else [STOCK, OURS]
        for mode in ("sequential", "concurrent"):
            for bot in order:
                tag = f"bench-r{number}-{bot}-{uuid.uuid4().hex[:6]}"
                phase = load.Phase(bot, mode, number)
                if mode == "sequential":
                    load.sequential(bots[bot].webhook, f"{tag}-seq",
                                    _messages(texts[bot], plan.sequential, number), phase,
                                    plan.conversation_length)
                else:
                    load.concurrent(bots[bot].webhook, [f"{tag}-c{i}" for i in range(plan.senders)],
                                    _messages(texts[bot], plan.concurrent, 100 + number), phase,
                                    plan.conversation_length)
                phases.append(phase)
                log(f"round {number}/{plan.rounds} {bot:5} {mode:10} {phase.messages} msgs: "
                    f"p50 {load.percentile(phase.latencies_s, 50) * 1000:6.1f} ms, "
                    f"{phase.per_second:6.1f} msg/s, errors {phase.errors}, empty {phase.empty}")
    return phases


def _length_rounds(bots: Dict[str, servers.Launched], texts: Dict[str, List[str]], plan: Plan,
                   log: Callable[[str], None]) -> Dict[str, List[List[float]]]:
    """Per round and bot, one conversation of ``plan.long_conversation`` messages: the
    latency (ms) of each message by its position, as a customer who keeps the chat open
    (the widget keeps its session) sees it."""
    by_bot: Dict[str, List[List[float]]] = {OURS: [], STOCK: []}
    for number in range(1, plan.rounds + 1):
        for bot in ([OURS, STOCK] if number % 2 else [STOCK, OURS]):
            phase = load.Phase(bot, "long", number)
            load.sequential(bots[bot].webhook, f"bench-long-r{number}-{bot}-{uuid.uuid4().hex[:6]}",
                            _messages(texts[bot], plan.long_conversation, 200 + number), phase,
                            plan.long_conversation)
            by_bot[bot].append([round(x * 1000, 2) for x in phase.latencies_s])
            log(f"round {number}/{plan.rounds} {bot:5} one conversation of {phase.messages}: "
                f"p50 {load.percentile(phase.latencies_s, 50) * 1000:6.1f} ms, errors {phase.errors}")
    return by_bot


# Messages 2-6 (the first is the session start) against the last five of the long conversation.
EARLY, LATE = slice(1, 6), slice(-5, None)


def _growth(rounds: List[List[float]]) -> Dict[str, Any]:
    early = [x for r in rounds for x in r[EARLY]]
    late = [x for r in rounds for x in r[LATE]]
    length = min(len(r) for r in rounds)
    return {
        "early_p50_ms": load.percentile(early, 50),
        "late_p50_ms": load.percentile(late, 50),
        "late_over_early": _ratio(load.percentile(late, 50), load.percentile(early, 50)),
        "p50_ms": load.percentile([x for r in rounds for x in r], 50),
        "by_position_p50_ms": [load.percentile([r[i] for r in rounds], 50) for i in range(length)],
    }


def _ratio(ours: float, stock: float) -> float:
    return ours / stock if stock else float("nan")


def run(log: Callable[[str], None], workdir: Path, plan: Plan) -> Dict[str, Any]:
    """Start-up, warm-up, interleaved load rounds, memory, clean stop; then the store ping."""
    stock_dir, stock_train_s = make_stock_bot(workdir, log)
    texts = {
        OURS: examples(ROOT / "tests" / "nlu" / "test_nlu.yml", IN_SCOPE),
        STOCK: examples(stock_dir / "data" / "nlu.yml", STOCK_INTENTS),
    }
    first_message = {OURS: "こんにちは", STOCK: "hello"}
    bots: Dict[str, servers.Launched] = {}
    try:
        # One at a time: two servers loading models at once on 2 cores would slow each other.
        for name, start in ((OURS, lambda: start_ours(workdir)), (STOCK, lambda: start_stock(stock_dir))):
            log(f"starting {name} bot")
            bots[name] = start()
            seconds = bots[name].wait_for_first_answer(first_message[name])
            log(f"{name} bot answered {seconds:.1f} s after launch ({bots[name].rasa_url})")
        for name, bot in bots.items():
            log(f"warming up {name} ({plan.warmup} messages)")
            load.sequential(bot.webhook, f"bench-warmup-{name}-{uuid.uuid4().hex[:6]}",
                            _messages(texts[name], plan.warmup, 0), load.Phase(name, "warmup", 0),
                            plan.conversation_length)
        phases = _load_rounds(bots, texts, plan, log)
        long_rounds = _length_rounds(bots, texts, plan, log)
        memory = {
            OURS: bots[OURS].memory_by_role(OUR_ROLES),
            STOCK: bots[STOCK].memory_by_role({"rasa_server": _is_rasa_server}),
        }
    finally:
        for name, bot in bots.items():
            log(f"stopping {name} bot")
            bot.stop()

    log(f"timing the tracker-store ping ({plan.pings}x)")
    ping = store_ping.measure(workdir, plan.pings)

    summary = {bot: {mode: load.summarize([p for p in phases if p.bot == bot and p.mode == mode])
                     for mode in ("sequential", "concurrent")} for bot in (OURS, STOCK)}
    ratios = {
        f"{mode}_{figure}": _ratio(summary[OURS][mode][key], summary[STOCK][mode][key])
        for mode in ("sequential", "concurrent")
        for figure, key in (("p50_ratio", "p50_ms"), ("throughput_ratio", "messages_per_s"))
    }
    ping["share_of_our_sequential_p50"] = ping["mean_ms"] / summary[OURS]["sequential"]["p50_ms"]
    growth = {bot: _growth(rounds) for bot, rounds in long_rounds.items()}
    ratios["long_p50_ratio"] = _ratio(growth[OURS]["p50_ms"], growth[STOCK]["p50_ms"])
    return {
        "plan": plan.__dict__,
        "startup_s": {name: bot.startup_s for name, bot in bots.items()},
        "stock_init_train_s": stock_train_s,
        "latency": summary,
        "ratios": ratios,
        "memory_bytes": memory,
        "long_conversation": growth,
        "store_ping": ping,
        "message_counts": {name: len(t) for name, t in texts.items()},
        "raw_latencies_ms": {
            f"{bot}/{mode}": [round(x * 1000, 2) for p in phases if p.bot == bot and p.mode == mode
                              for x in p.latencies_s]
            for bot in (OURS, STOCK) for mode in ("sequential", "concurrent")
        },
    }
