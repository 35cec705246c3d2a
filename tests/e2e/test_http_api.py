"""Rasa's HTTP API: off in `make run`; with API=on, nothing without the token.

Both start scripts/run.sh serve exactly as `make run` does, on ports of their own.
"""
from __future__ import annotations

import os
import signal
import subprocess
import time
import uuid
from typing import Iterator

import pytest
import requests

from tests.helpers import RESULTS, ROOT, env, free_port

TOKEN = "test-api-token-7f3a"


def start_bot(log_name: str, **extra: str) -> tuple:
    port = free_port()
    log = (RESULTS / "logs" / f"{log_name}.log").open("wb")
    process = subprocess.Popen(
        ["scripts/run.sh", "serve"], cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
        start_new_session=True,
        env=env(RASA_PORT=str(port), ACTIONS_PORT=str(free_port()), WEB_PORT=str(free_port()), **extra),
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:
        assert process.poll() is None, f"run.sh exited: see {log.name}"
        try:
            requests.get(f"{url}/webhooks/rest/", timeout=2)
            return process, url
        except requests.ConnectionError:
            time.sleep(1)
    raise TimeoutError("the bot did not start")


def group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def stop(process: subprocess.Popen) -> None:
    """run.sh leads its own process group; the group is gone only when every server is.

    (Waiting for run.sh alone left a Rasa server still shutting down at the end of the
    session, which the leak check counted: a failure by chance.)
    """
    if group_alive(process.pid):
        os.killpg(process.pid, signal.SIGTERM)
    deadline = time.monotonic() + 60
    while process.poll() is None or group_alive(process.pid):  # poll() reaps run.sh itself
        if time.monotonic() > deadline:
            break
        time.sleep(0.5)
    if group_alive(process.pid):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()


@pytest.fixture(scope="module")
def api_bot(trained_model: str) -> Iterator[str]:
    process, url = start_bot("run_api_on", API="on", RASA_API_TOKEN=TOKEN)
    try:
        yield url
    finally:
        stop(process)


def test_make_run_keeps_the_http_api_off(trained_model: str) -> None:
    process, url = start_bot("run_default")
    try:
        assert requests.get(f"{url}/status", timeout=10).status_code == 404
        loading = requests.put(f"{url}/model", json={"model_file": "/tmp/x.tar.gz"}, timeout=10)
        assert loading.status_code in (404, 405)
        sender = f"api-off-{uuid.uuid4().hex[:8]}"
        reply = requests.post(f"{url}/webhooks/rest/webhook",
                              json={"sender": sender, "message": "返品したい"}, timeout=30)
        assert "どこから購入しましたか" in reply.json()[0]["text"]
    finally:
        stop(process)


@pytest.mark.parametrize("method, path, body", [
    ("GET", "/status", None),
    ("PUT", "/model", {"model_file": "/tmp/evil.tar.gz"}),
    ("GET", "/conversations/someone/tracker", None),
    ("POST", "/model/parse", {"text": "返品したい"}),
])
def test_with_the_api_on_nothing_answers_without_the_token(api_bot: str, method, path, body) -> None:
    assert requests.request(method, f"{api_bot}{path}", json=body, timeout=10).status_code == 401
    wrong = requests.request(method, f"{api_bot}{path}", json=body, params={"token": "nope"}, timeout=10)
    assert wrong.status_code in (401, 403)


def test_with_the_token_the_api_answers(api_bot: str) -> None:
    status = requests.get(f"{api_bot}/status", params={"token": TOKEN}, timeout=10)
    assert status.status_code == 200
    assert status.json()["model_file"].endswith("bot.tar.gz")


def test_api_on_without_a_token_refuses_to_start() -> None:
    result = subprocess.run(["scripts/run.sh", "serve"], cwd=ROOT, capture_output=True, text=True,
                            timeout=60, env=env(API="on", RASA_API_TOKEN="", RASA_JWT_SECRET=""))
    assert result.returncode == 2 and "RASA_API_TOKEN" in result.stderr
