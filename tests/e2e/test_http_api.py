"""Rasa's HTTP API: off in `make run`; with API=on, nothing without the token.

Both start scripts/run.sh serve exactly as `make run` does, on ports of their own.
"""
from __future__ import annotations

import subprocess
import uuid
from typing import Iterator, Tuple

import pytest
import requests

from tests.helpers import LOGS, ROOT, Server, env, free_port

TOKEN = "test-api-token-7f3a"


def start_bot(log_name: str, **extra: str) -> Tuple[Server, str]:
    """``scripts/run.sh serve`` on free ports, once its Rasa server answers; the caller stops it."""
    port = free_port()
    bot = Server(log_name, ["scripts/run.sh", "serve"], LOGS / f"{log_name}.log", ports=[port], extra_env={
        "RASA_PORT": str(port), "ACTIONS_PORT": str(free_port()), "WEB_PORT": str(free_port()), **extra,
    }).start()
    url = f"http://127.0.0.1:{port}"
    try:
        bot.wait_until(f"{url}/webhooks/rest/", timeout=240)
    except BaseException:
        bot.stop()
        raise
    return bot, url


@pytest.fixture(scope="module")
def api_bot(trained_model: str) -> Iterator[str]:
    bot, url = start_bot("run_api_on", API="on", RASA_API_TOKEN=TOKEN)
    try:
        yield url
    finally:
        bot.stop()


def test_make_run_keeps_the_http_api_off(trained_model: str) -> None:
    bot, url = start_bot("run_default")
    try:
        assert requests.get(f"{url}/status", timeout=10).status_code == 404
        loading = requests.put(f"{url}/model", json={"model_file": "/tmp/x.tar.gz"}, timeout=10)
        assert loading.status_code in (404, 405)
        sender = f"api-off-{uuid.uuid4().hex[:8]}"
        reply = requests.post(f"{url}/webhooks/rest/webhook",
                              json={"sender": sender, "message": "返品したい"}, timeout=30)
        assert "どこから購入しましたか" in reply.json()[0]["text"]
    finally:
        bot.stop()


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
