"""`rasa shell` in a real pseudo-terminal answers with a Japanese procedure."""
from __future__ import annotations

import pexpect
import yaml

from tests.helpers import RASA, ROOT, env, free_port


def test_rasa_shell_gives_the_cancel_procedure(trained_model: str, action_server: str, tmp_path) -> None:
    endpoints = tmp_path / "endpoints.yml"
    endpoints.write_text(yaml.safe_dump({"action_endpoint": {"url": f"{action_server}/webhook"}}))
    shell = pexpect.spawn(
        RASA, ["shell", "--model", trained_model, "--endpoints", str(endpoints), "--port", str(free_port())],
        cwd=str(ROOT), env=env(), encoding="utf-8", timeout=240, dimensions=(50, 200),
    )
    try:
        shell.expect("Your input ->")
        shell.sendline("出荷準備中の注文をキャンセルしたいです")
        shell.expect("キャンセルできない場合がある", timeout=60)
        shell.expect("注文履歴", timeout=30)
    finally:
        shell.terminate(force=True)
