"""The suite stops what it starts, also when the run itself is stopped with SIGTERM."""
from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

from tests.helpers import ROOT, VENV_BIN

# A test run of its own (with this suite's conftest) whose fixture starts a process and
# whose test then waits, so that the run can be stopped in the middle.
CHILD_RUN = '''
import os, pathlib, subprocess, time
import pytest

@pytest.fixture
def child():
    process = subprocess.Popen(["sleep", "600"])
    pathlib.Path(os.environ["CHILD_PID_FILE"]).write_text(str(process.pid))
    yield process
    process.kill()
    process.wait()

def test_waits(child):
    time.sleep(600)
'''


def _running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_a_run_stopped_with_sigterm_stops_what_it_started(tmp_path: Path) -> None:
    """Found left running: PostgreSQL and Redis of a run that was killed."""
    module = tmp_path / "test_child_run.py"
    module.write_text(CHILD_RUN, encoding="utf-8")
    pid_file = tmp_path / "child.pid"
    run = subprocess.Popen(
        [str(VENV_BIN / "python"), "-m", "pytest", "-q", "-p", "tests.conftest", "-p", "no:cacheprovider",
         str(module)],
        cwd=ROOT, env={**os.environ, "CHILD_PID_FILE": str(pid_file)},
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    child = None
    try:
        for _ in range(1200):  # until the fixture has started its process (at most 2 minutes)
            if pid_file.is_file() and pid_file.read_text():
                break
            time.sleep(0.1)
        child = int(pid_file.read_text())
        run.send_signal(signal.SIGTERM)
        run.wait(timeout=120)
        assert not _running(child), "the stopped run left its fixture's process running"
    finally:
        run.kill()
        run.wait()
        if child is not None and _running(child):
            os.kill(child, signal.SIGKILL)
