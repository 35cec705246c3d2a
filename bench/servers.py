"""The bots under measurement: a server process tree with the Rasa REST URL it serves.

Why a subclass of ``devtools.processes.Server``: starting, measuring and stopping are the
same as in the tests; what the benchmark adds is its start-up figure, the time from launch
to a first non-empty answer (a model that loads but cannot answer has not started).
"""
from __future__ import annotations

import time
from pathlib import Path
from typing import Mapping, Optional, Sequence

import requests

from devtools.processes import Server


class Launched(Server):
    """A deployment started by the benchmark (``scripts/run.sh serve``, or a stock bot)."""

    def __init__(self, name: str, args: Sequence[str], cwd: Path, extra_env: Optional[Mapping[str, str]],
                 rasa_port: int, log_path: Path, other_ports: Sequence[int] = ()) -> None:
        super().__init__(name, args, log_path, extra_env=extra_env, cwd=cwd,
                         ports=[rasa_port, *other_ports])
        self.rasa_url = f"http://127.0.0.1:{rasa_port}"
        self.startup_s: Optional[float] = None

    @property
    def webhook(self) -> str:
        return f"{self.rasa_url}/webhooks/rest/webhook"

    def wait_for_first_answer(self, message: str, timeout: float = 600) -> float:
        """Seconds from launch until a REST message gets a non-empty answer (the start-up time)."""
        deadline = self.started_at + timeout
        while time.perf_counter() < deadline:
            self.raise_if_exited()
            try:
                reply = requests.post(self.webhook, json={"sender": "bench-startup", "message": message},
                                      timeout=30)
                if reply.status_code == 200 and reply.json():
                    self.startup_s = time.perf_counter() - self.started_at
                    return self.startup_s
            except (requests.RequestException, ValueError):
                pass
            time.sleep(0.1)
        raise TimeoutError(f"{self.name}: no answer within {timeout:.0f} s, see {self.log_path}")
