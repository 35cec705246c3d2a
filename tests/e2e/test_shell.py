"""`make shell` in a real pseudo-terminal answers with a Japanese procedure.

It runs scripts/run.sh shell (as `make shell` does): its own action server, the Rasa
server with the project's channels, and Rasa's console client.
"""
from __future__ import annotations

import pexpect

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
