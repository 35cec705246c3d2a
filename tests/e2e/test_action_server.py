"""The action server: only the Rasa server may call it, and its failures are never silence.

Each test runs its own action server (and Rasa server) so that stopping it harms no
other test.
"""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import uuid
from pathlib import Path
from typing import Iterator, Tuple

import pytest
import requests

from rasa_sdk_plugins.shared_secret import development_secret
from tests.helpers import RASA, ROOT, Bot, RasaServer, Server, action_server_process, free_port

APOLOGY = "ただいまシステムの一部が応答しないため"
DEV_SECRET = development_secret(ROOT / "endpoints.yml")


def start_action_server(name: str, **env: str) -> Tuple[Server, str]:
    server, url = action_server_process(name, **env)
    try:
        server.wait_until(f"{url}/health", timeout=120)
    except BaseException:
        server.stop()
        raise
    return server, url


@pytest.fixture(scope="module")
def own_bot(trained_model: str, tmp_path_factory) -> Iterator[Tuple[Server, RasaServer]]:
    actions, url = action_server_process("action_server_failures")
    rasa = RasaServer("rasa_action_failures", trained_model, url, tmp_path_factory.mktemp("af"))
    try:
        rasa.start()  # while the action server starts too
        actions.wait_until(f"{url}/health", timeout=120)
        yield actions, rasa
    finally:
        rasa.stop()
        actions.stop()


def test_action_server_down_gets_an_apology_then_the_conversation_continues(own_bot) -> None:
    actions, rasa = own_bot
    bot, sender = Bot(rasa.url), f"down-{uuid.uuid4().hex[:8]}"
    assert "ステータス" in bot.say(sender, "注文をキャンセルしたい")
    actions.stop()
    texts = [message["text"] for message in bot.send(sender, "出荷準備中です")]
    assert APOLOGY in texts[0]
    # Chat and phone are two alternatives, each a whole path in its own message.
    chat = [text for text in texts if "「今すぐチャットをはじめる」" in text]
    phone = [text for text in texts if "「Amazonから電話します」" in text]
    assert len(chat) == len(phone) == 1 and chat != phone
    assert "「今すぐ電話がほしい」" in phone[0] and "「カスタマーサービスに連絡」" in phone[0]
    actions.start()
    actions.wait_until(f"http://127.0.0.1:{actions.args[-1]}/health", timeout=120)
    reply = bot.say(sender, "出荷準備中です")
    assert "「キャンセルできない場合がある」" in reply


def test_a_hung_action_server_gets_an_apology_not_a_hang(own_bot) -> None:
    """The guard answers at its reply timeout; Bot's request timeout turns a hang into a
    failure (the time itself is measured by `make bench`)."""
    actions, rasa = own_bot
    bot, sender = Bot(rasa.url), f"slow-{uuid.uuid4().hex[:8]}"
    assert "ステータス" in bot.say(sender, "注文をキャンセルしたい")
    os.kill(actions.process.pid, signal.SIGSTOP)
    try:
        reply = bot.say(sender, "出荷準備前です")
    finally:
        os.kill(actions.process.pid, signal.SIGCONT)
    assert APOLOGY in reply
    # The late answer was still stored; the conversation goes on.
    assert "「注文をキャンセル」" in bot.say(sender, "キャンセルしたいです。出荷準備前です")


def action_call(url: str, headers: dict) -> requests.Response:
    body = {"next_action": "action_answer_cancel_penalty", "sender_id": "auth",
            "tracker": {"sender_id": "auth", "slots": {}, "latest_message": {}, "events": [],
                        "active_loop": {}}, "domain": {}, "version": "3.6.21"}
    return requests.post(f"{url}/webhook", json=body, headers=headers, timeout=30)


def test_action_server_requires_the_shared_secret(action_server: str) -> None:
    assert action_call(action_server, {}).status_code == 401
    assert action_call(action_server, {"Authorization": "Bearer wrong"}).status_code == 403
    assert requests.get(f"{action_server}/actions", timeout=10).status_code == 401
    ok = action_call(action_server, {"Authorization": f"Bearer {DEV_SECRET}"})
    assert ok.status_code == 200, ok.text
    assert "アカウント評価がマイナス" in ok.json()["responses"][0]["text"]
    assert requests.get(f"{action_server}/health", timeout=10).status_code == 200


def test_a_secret_from_the_environment_replaces_the_development_default() -> None:
    server, url = start_action_server("action_server_own_secret", ACTION_SERVER_TOKEN="s3cr3t-prod")
    try:
        assert action_call(url, {"Authorization": f"Bearer {DEV_SECRET}"}).status_code == 403
        assert action_call(url, {"Authorization": "Bearer s3cr3t-prod"}).status_code == 200
    finally:
        server.stop()


def test_action_server_listens_on_loopback_only(action_server: str) -> None:
    port = int(action_server.rsplit(":", 1)[1])
    addresses = subprocess.run(["hostname", "-I"], capture_output=True, text=True).stdout.split()
    external = [a for a in addresses if not a.startswith("127.") and ":" not in a]
    if not external:
        pytest.skip("this machine has no non-loopback IPv4 address")
    with pytest.raises(OSError):
        socket.create_connection((external[0], port), timeout=3).close()


def test_without_a_secret_or_endpoints_file_the_action_server_refuses_to_start(tmp_path: Path) -> None:
    result = subprocess.run([RASA, "run", "actions", "--actions", "actions", "--port", str(free_port())],
                            cwd=tmp_path, env={**{k: v for k, v in os.environ.items()
                                                  if k != "ACTION_SERVER_TOKEN"}, "PYTHONPATH": str(ROOT)},
                            capture_output=True, text=True, timeout=120)
    assert result.returncode != 0
    assert "ACTION_SERVER_TOKEN" in result.stdout + result.stderr
