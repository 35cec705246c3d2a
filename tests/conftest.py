"""Session fixtures: the trained model, and the real action + Rasa servers."""
from __future__ import annotations

import uuid
from typing import Iterator, Tuple

import pytest

from tests.helpers import MODEL, RASA, RESULTS, Bot, RasaServer, Server, free_port
from tests.services import PostgresServer, RedisServer


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
def rasa_process(trained_model: str, action_server: str, tmp_path_factory) -> Iterator[RasaServer]:
    """The shared Rasa server, for tests that also read its tracker store."""
    server = RasaServer("rasa_server", trained_model, action_server, tmp_path_factory.mktemp("rasa"))
    try:
        yield server.start()
    finally:
        server.stop()


@pytest.fixture(scope="session")
def rasa_server(rasa_process: RasaServer) -> str:
    return rasa_process.url


@pytest.fixture(scope="session")
def bot(rasa_server: str) -> Bot:
    return Bot(rasa_server)


@pytest.fixture
def sender() -> str:
    return f"test-{uuid.uuid4().hex[:12]}"


@pytest.fixture(scope="session")
def backing_services(tmp_path_factory) -> Iterator[Tuple[PostgresServer, RedisServer]]:
    workdir = tmp_path_factory.mktemp("services")
    postgres = PostgresServer().init().start()
    redis_server = RedisServer(workdir).start()
    try:
        postgres.create_database()
        yield postgres, redis_server
    finally:
        redis_server.stop()
        postgres.remove()
