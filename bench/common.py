"""Paths, the child-process environment, free ports and progress lines shared by the stages.

Why its own module: every stage starts Rasa processes the same way (quiet TensorFlow, no
telemetry, deterministic ops as `make train` uses) and prints progress in one format, so a
long run reads as one log.
"""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Dict, List, Optional, Sequence

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = ROOT / ".venv" / "bin"
RASA = str(VENV_BIN / "rasa")
PYTHON = str(VENV_BIN / "python")
MODEL = ROOT / "models" / "bot.tar.gz"
RESULTS = ROOT / "results"
OUT = RESULTS / "bench"  # per-stage artefacts, logs and plots

QUIET_ENV = {
    "TF_CPP_MIN_LOG_LEVEL": "2",
    "TF_DETERMINISTIC_OPS": "1",
    "RASA_TELEMETRY_ENABLED": "false",
    "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
    "PYTHONUNBUFFERED": "1",
}


def child_env(**extra: str) -> Dict[str, str]:
    """The caller's environment plus the quiet/deterministic settings of the Makefile."""
    return {**os.environ, **QUIET_ENV, **extra}


def free_port() -> int:
    """A port nothing listens on now; another engineer's servers may hold the defaults."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def port_is_open(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.5)
        return s.connect_ex(("127.0.0.1", port)) == 0


class Progress:
    """Prints ``[bench +mm:ss] stage: message`` lines, flushed at once (make buffers nothing)."""

    def __init__(self) -> None:
        self.started = time.monotonic()
        self.stage = "bench"

    def elapsed(self) -> float:
        return time.monotonic() - self.started

    def __call__(self, message: str) -> None:
        minutes, seconds = divmod(int(self.elapsed()), 60)
        print(f"[bench +{minutes:02d}:{seconds:02d}] {self.stage}: {message}", flush=True)
        sys.stdout.flush()


def run_logged(args: Sequence[str], log_path: Path, cwd: Path = ROOT, timeout: float = 1800,
               env: Optional[Dict[str, str]] = None) -> subprocess.CompletedProcess:
    """Runs a command with its output in ``log_path``; raises with the log's tail on failure."""
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("w") as log:
        result = subprocess.run(list(args), cwd=cwd, env=env or child_env(), stdout=log,
                                stderr=subprocess.STDOUT, timeout=timeout)
    if result.returncode != 0:
        tail = log_path.read_text(errors="replace")[-3000:]
        raise RuntimeError(f"{' '.join(args)} failed ({result.returncode}), see {log_path}:\n{tail}")
    return result


def rasa(args: Sequence[str], log_path: Path, cwd: Path = ROOT, timeout: float = 1800,
         env: Optional[Dict[str, str]] = None) -> subprocess.CompletedProcess:
    """``.venv/bin/rasa <args>`` with its output in ``log_path``."""
    return run_logged([RASA, *args], log_path, cwd=cwd, timeout=timeout, env=env)


def timed(args: List[str], log_path: Path, cwd: Path = ROOT, timeout: float = 1800,
          env: Optional[Dict[str, str]] = None) -> float:
    """Wall time in seconds of one command run to completion."""
    started = time.perf_counter()
    run_logged(args, log_path, cwd=cwd, timeout=timeout, env=env)
    return time.perf_counter() - started
