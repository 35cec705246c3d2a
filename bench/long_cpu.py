"""``python -m bench.long_cpu [MESSAGES] [--profile-from N]``: CPU time per message along one
long conversation, in this process.

Why CPU time in one process: on a shared 2-core machine the wall-clock latency of the
serving stage moves by ±50% with other jobs, which hides how the cost grows with the
conversation; the process's CPU time per message (the tracker store's threads included)
moves far less. The bot is the trained model with the actions in-process and the
project's SQLite tracker store (a temporary file), as `make run` serves it, minus HTTP.
The messages are the serving stage's long conversation (same texts, same seed).
``--profile-from N`` prints a cProfile of messages N+1 onwards (the main thread only).
"""
from __future__ import annotations

import argparse
import asyncio
import cProfile
import logging
import os
import pstats
import statistics
import tempfile
import time
from pathlib import Path

from bench import serving
from devtools.nlu_metrics import IN_SCOPE, examples
from devtools.paths import MODEL, ROOT
from devtools.processes import QUIET_ENV


async def _run(messages: int, profile_from: int) -> None:
    from rasa.core.agent import Agent
    from rasa.utils.endpoints import EndpointConfig

    import nlu_components  # noqa: F401  (installs server/patches.py, as loading the model does)
    from stores.guarded_sql import GuardedSQLTrackerStore

    agent = Agent.load(str(MODEL), action_endpoint=EndpointConfig(
        url="http://127.0.0.1:9/webhook", actions_module="actions"))
    with tempfile.TemporaryDirectory() as scratch:
        store = GuardedSQLTrackerStore(domain=agent.domain, dialect="sqlite",
                                       db=str(Path(scratch) / "conversations.db"))
        agent.tracker_store = agent.processor.tracker_store = store
        await store.reachable()
        texts = serving._messages(examples(ROOT / "tests" / "nlu" / "test_nlu.yml", IN_SCOPE),
                                  messages, 201)
        for text in texts[:10]:
            await agent.handle_text(text, sender_id="warm-up")
        profile, cpu_ms = cProfile.Profile(), []
        for index, text in enumerate(texts):
            if profile_from and index == profile_from:
                profile.enable()
            started = time.process_time()
            await agent.handle_text(text, sender_id="long")
            cpu_ms.append((time.process_time() - started) * 1000)
        profile.disable()
    for start in range(0, messages, 10):
        block = cpu_ms[start:start + 10]
        print(f"messages {start + 1:3}-{start + len(block):3}: CPU median {statistics.median(block):6.1f} ms")
    early, late = statistics.median(cpu_ms[1:6]), statistics.median(cpu_ms[-5:])
    print(f"messages 2-6: {early:.1f} ms, last 5: {late:.1f} ms, ratio {late / early:.2f}")
    if profile_from:
        pstats.Stats(profile).sort_stats("cumulative").print_stats(45)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.long_cpu", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("messages", type=int, nargs="?", default=100)
    parser.add_argument("--profile-from", type=int, default=0)
    args = parser.parse_args()
    os.environ.update(QUIET_ENV)
    logging.disable(logging.WARNING)
    asyncio.run(_run(args.messages, args.profile_from))


if __name__ == "__main__":
    main()
