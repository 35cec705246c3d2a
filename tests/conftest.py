"""Session fixtures: the trained model, the real action + Rasa servers, long commands in the background."""
from __future__ import annotations

import os
import shutil
import signal
import uuid
from pathlib import Path
from typing import Iterator, List, Tuple

import pytest

from devtools.services import PostgresServer, RedisServer
from tests.determinism import SecondTraining
from tests.helpers import (
    HELD_OUT,
    HELD_OUT_REPORT,
    MODEL,
    RASA,
    ROOT,
    STORIES_REPORT,
    BackgroundRun,
    Bot,
    RasaServer,
    action_server_process,
    production_server,
    wait_until_healthy,
)

# Every process the suite starts inherits this mark, so that one left running at the end
# is found (and the run fails): a test must stop what it starts, even when it fails.
SESSION_MARK = "AMAZON_BOT_TEST_SESSION"


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


def pytest_configure(config: pytest.Config) -> None:
    os.environ[SESSION_MARK] = uuid.uuid4().hex
    # A run stopped with SIGTERM (a CI timeout, `kill`) tears its fixtures down like Ctrl-C,
    # so the servers it started stop too: a killed run had left PostgreSQL and Redis behind.
    signal.signal(signal.SIGTERM, _interrupt)


def marked_processes() -> List[Tuple[int, str]]:
    mark = f"{SESSION_MARK}={os.environ[SESSION_MARK]}".encode()
    found = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit() or int(proc.name) == os.getpid():
            continue
        try:
            if mark in (proc / "environ").read_bytes().split(b"\0"):
                found.append((int(proc.name), (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode()))
        except OSError:  # gone meanwhile, or not ours to read
            continue
    return found


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    left = marked_processes()
    if not left:
        return
    for pid, _ in left:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    print("\nservers started by the tests were still running at the end (now killed):")
    print("\n".join(f"  {pid}: {cmd[:200]}" for pid, cmd in left))
    session.exitstatus = pytest.ExitCode.TESTS_FAILED


@pytest.fixture(scope="session")
def trained_model() -> str:
    assert MODEL.exists(), "run `make test` (it trains the model first)"
    return str(MODEL)


# Session fixtures that start a long command in the background (BackgroundRun): started
# when the session starts, if a collected test uses them, so that they run in the CPU time
# the tests leave idle; the tests that need their outcome wait for it.
BACKGROUND = ("heldout_run", "second_training", "stories_run", "validate_run")


@pytest.fixture(scope="session", autouse=True)
def _background_work(request: pytest.FixtureRequest) -> None:
    """Requests the ``BACKGROUND`` fixtures that a collected test uses, before the first test."""
    used = {name for item in request.session.items for name in getattr(item, "fixturenames", ())}
    for name in BACKGROUND:
        if name in used:
            try:
                request.getfixturevalue(name)
            except Exception:  # pytest keeps the error for the tests that use the fixture
                pass


@pytest.fixture(scope="session")
def heldout_run(trained_model: str) -> Iterator[BackgroundRun]:
    """``rasa test nlu`` of the trained model on the held-out set, once per session: the NLU
    gate reads its report, the determinism check its prediction for each message
    (``--successes``). The folder is emptied first, so no file of an earlier run is read."""
    shutil.rmtree(HELD_OUT_REPORT, ignore_errors=True)
    yield from _in_background("heldout_nlu", [
        RASA, "test", "nlu", "--model", trained_model, "--nlu", str(HELD_OUT), "--out", str(HELD_OUT_REPORT),
        "--successes"])


@pytest.fixture(scope="session")
def heldout_report(heldout_run: BackgroundRun) -> Path:
    """The folder of the held-out run's reports, once it has succeeded."""
    finished = heldout_run.finished()
    assert finished.returncode == 0, finished.output[-3000:]
    return HELD_OUT_REPORT


@pytest.fixture(scope="session")
def second_training(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SecondTraining]:
    training = SecondTraining(tmp_path_factory.mktemp("second_training")).start()
    try:
        yield training
    finally:
        training.stop()


@pytest.fixture(scope="session")
def stories_run(trained_model: str) -> Iterator[BackgroundRun]:
    """``rasa test core`` on tests/stories (tests/test_dialogue_stories.py)."""
    yield from _in_background("test_stories", [
        RASA, "test", "core", "--model", trained_model, "--stories", str(ROOT / "tests" / "stories"),
        "--out", str(STORIES_REPORT), "--fail-on-prediction-errors", "--no-plot"])


@pytest.fixture(scope="session")
def validate_run() -> Iterator[BackgroundRun]:
    """``rasa data validate --fail-on-warnings`` (tests/test_dialogue_stories.py)."""
    yield from _in_background("data_validate", [RASA, "data", "validate", "--fail-on-warnings"])


def _in_background(name: str, args: List[str]) -> Iterator[BackgroundRun]:
    """A fixture's body: the command started in the background, stopped when the fixture ends."""
    run = BackgroundRun(name, args).start()
    try:
        yield run
    finally:
        run.stop()


@pytest.fixture(scope="session")
def action_server() -> Iterator[str]:
    server, url = action_server_process("action_server")
    try:
        server.wait_until(f"{url}/health", timeout=120)
        yield url
    finally:
        server.stop()


@pytest.fixture(scope="session")
def rasa_process(trained_model: str, tmp_path_factory) -> Iterator[RasaServer]:
    """The shared Rasa server, actions inside it as `make run` starts it; for tests that
    also read its tracker store."""
    server = RasaServer("rasa_server", trained_model, None, tmp_path_factory.mktemp("rasa"))
    try:
        yield server.start()
    finally:
        server.stop()


@pytest.fixture(scope="session")
def remote_actions_process(trained_model: str, action_server: str, tmp_path_factory) -> Iterator[RasaServer]:
    """The shared Rasa server that calls the action server, as production runs it.

    With debug logging (every user message logged), so that tests/e2e/test_personal_data.py
    can read its log and its tracker store for personal data; the other tests that use it
    only talk to it, each with senders of its own.
    """
    server = RasaServer("rasa_remote_actions", trained_model, action_server,
                        tmp_path_factory.mktemp("rasa_remote"), extra_args=["--debug"])
    try:
        yield server.start()
    finally:
        server.stop()


@pytest.fixture(scope="session")
def rasa_with_action_server(remote_actions_process: RasaServer) -> str:
    return remote_actions_process.url


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
def shared_production_rasa(backing_services: Tuple[PostgresServer, RedisServer], trained_model: str,
                           action_server: str, tmp_path_factory) -> Iterator[RasaServer]:
    with production_server("rasa_production", backing_services, trained_model, action_server,
                           tmp_path_factory.mktemp("production")) as server:
        yield server


@pytest.fixture
def production_rasa(shared_production_rasa: RasaServer) -> RasaServer:
    """A Rasa server of the production profile on the session's PostgreSQL and Redis, healthy.

    Shared by the outage tests and the scale-out test (its first instance); each uses
    senders of its own, and a test that stops or freezes a service brings it back before
    it ends. Another test may have restarted PostgreSQL while this server was idle; its
    pooled connections are then dead, and the first message would get the apology (as in
    production, until a health check). So each test gets it once its health check passes:
    the failed check drops the dead connections (SQLAlchemy empties the pool on a
    disconnect).
    """
    wait_until_healthy(shared_production_rasa.url)
    return shared_production_rasa


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
