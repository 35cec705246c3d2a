"""Where the benchmark writes, how it runs commands, and its progress lines.

Why its own module: every stage runs Rasa commands the same way (quiet TensorFlow, no
telemetry, deterministic ops as `make train` uses; ``devtools.processes.child_env``) and
prints progress in one format, so a long run reads as one log.
"""
from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path
from typing import Dict, List, Optional, Sequence

from devtools.paths import RASA, RESULTS, ROOT
from devtools.processes import child_env

OUT = RESULTS / "bench"  # per-stage artefacts, logs and plots


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
