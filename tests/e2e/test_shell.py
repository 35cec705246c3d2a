"""`make shell` in a real pseudo-terminal answers with a Japanese procedure.

It runs scripts/run.sh shell (as `make shell` does): its own action server, the Rasa
server with the project's channels, and Rasa's console client.
"""
from __future__ import annotations

import os
import signal
import subprocess
import time

import pexpect
import pytest

from tests.e2e.test_run_script import STOP_BOUND_SECONDS, group_alive
from tests.helpers import ROOT, env, free_port


def test_shell_gives_the_cancel_procedure_and_masks_personal_data(trained_model: str) -> None:
    shell = pexpect.spawn(
        "scripts/run.sh", ["shell"], cwd=str(ROOT), encoding="utf-8", timeout=240, dimensions=(50, 200),
        env=env(RASA_PORT=str(free_port()), ACTIONS_PORT=str(free_port())),
    )
    try:
        shell.expect("Your input ->")
        shell.sendline("出荷準備中の注文をキャンセルしたいです。電話番号は090-1234-5678です")
        shell.expect("電話番号・メールアドレス・カード番号は必要ありません", timeout=60)
        shell.expect("キャンセルできない場合がある", timeout=60)
        shell.expect("注文履歴", timeout=30)
    finally:
        shell.terminate(force=True)


def group_members(pgid: int) -> set[int]:
    found = subprocess.run(["pgrep", "-g", str(pgid)], capture_output=True, text=True, check=False)
    return {int(pid) for pid in found.stdout.split()}


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_to_the_shell_script_stops_the_servers_and_the_console(trained_model: str, sig: int) -> None:
    """Only the script's own process gets the signal, as from a supervisor or `kill`.

    The script runs under a terminal session that outlives it, as under `make shell`
    in a terminal: had the script led the session, the terminal's hang-up would stop
    whatever the script forgot to.
    """
    terminal = pexpect.spawn(
        "bash", ["-c", 'scripts/run.sh shell; echo "run.sh exited: $?"; sleep 600'],
        cwd=str(ROOT), encoding="utf-8", timeout=240, dimensions=(50, 200),
        env=env(RASA_PORT=str(free_port()), ACTIONS_PORT=str(free_port())),
    )
    pgid = terminal.pid  # the session's shell leads the group; run.sh and its servers are in it
    try:
        terminal.expect("Your input ->")
        # The shell's one child: run.sh, which became ``python -m devtools.run`` (exec).
        script = int(subprocess.check_output(["pgrep", "-P", str(terminal.pid)]).split()[0])
        os.kill(script, sig)
        terminal.expect("run.sh exited: ", timeout=STOP_BOUND_SECONDS)
        deadline = time.monotonic() + STOP_BOUND_SECONDS
        while group_members(pgid) - {terminal.pid} and time.monotonic() < deadline:
            time.sleep(0.5)
        assert group_members(pgid) == {terminal.pid}, "run.sh left a process running"
    finally:
        if group_alive(pgid):
            os.killpg(pgid, signal.SIGKILL)
        terminal.terminate(force=True)
