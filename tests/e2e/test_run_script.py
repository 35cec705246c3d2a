"""`make run` stops every server it started when its main process gets SIGTERM or SIGINT.

That is what systemd, a container runtime or a process supervisor sends: only the
script's own process, not its whole group (Ctrl-C in a terminal reaches the group).
"""
from __future__ import annotations

import os
import signal
import time

import pytest
import requests

from tests.e2e.test_http_api import start_bot

# Generous: the servers stop within a few seconds; this only turns a hang into a failure.
STOP_BOUND_SECONDS = 60


def group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_to_the_main_process_stops_every_server(trained_model: str, sig: int) -> None:
    bot, url = start_bot(f"run_{sig.name.lower()}")
    pgid = bot.process.pid  # its own session: the script leads its own group
    try:
        assert requests.post(f"{url}/webhooks/rest/webhook", json={"sender": "sig", "message": "こんにちは"},
                             timeout=60).status_code == 200
        os.kill(bot.process.pid, sig)
        bot.process.wait(timeout=STOP_BOUND_SECONDS)
        deadline = time.monotonic() + STOP_BOUND_SECONDS
        while group_alive(pgid) and time.monotonic() < deadline:
            time.sleep(0.5)
        assert not group_alive(pgid), "a server started by run.sh is still running"
    finally:
        bot.stop()
