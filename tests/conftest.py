"""Session fixtures: the trained model, and the real action + Rasa servers."""
from __future__ import annotations

import uuid
from typing import Iterator

import pytest
import yaml

from tests.helpers import MODEL, RASA, RESULTS, ROOT, Bot, Server, free_port


@pytest.fixture(scope="session")
def trained_model() -> str:
    assert MODEL.exists(), "run `make test` (it trains the model first)"
    return str(MODEL)


@pytest.fixture(scope="session")
def action_server(tmp_path_factory) -> Iterator[str]:
    port = free_port()
    log_dir = RESULTS / "logs"
    log_dir.mkdir(parents=True, exist_ok=True)
    server = Server(
        "action_server", [RASA, "run", "actions", "--actions", "actions", "--port", str(port)], log_dir
    ).start()
    url = f"http://127.0.0.1:{port}"
    try:
        server.wait_until(f"{url}/health", timeout=120)
        yield url
    finally:
        server.stop()


@pytest.fixture(scope="session")
def rasa_server(trained_model: str, action_server: str, tmp_path_factory) -> Iterator[str]:
    endpoints = tmp_path_factory.mktemp("rasa") / "endpoints.yml"
    config = yaml.safe_load((ROOT / "endpoints.yml").read_text())
    config["action_endpoint"]["url"] = f"{action_server}/webhook"
    endpoints.write_text(yaml.safe_dump(config))
    port = free_port()
    server = Server(
        "rasa_server",
        [RASA, "run", "--model", trained_model, "--endpoints", str(endpoints),
         "--credentials", str(ROOT / "credentials.yml"), "--port", str(port), "-i", "127.0.0.1"],
        RESULTS / "logs",
    ).start()
    url = f"http://127.0.0.1:{port}"
    try:
        server.wait_until(f"{url}/", timeout=240)
        yield url
    finally:
        server.stop()


@pytest.fixture(scope="session")
def bot(rasa_server: str) -> Bot:
    return Bot(rasa_server)


@pytest.fixture
def sender() -> str:
    return f"test-{uuid.uuid4().hex[:12]}"
