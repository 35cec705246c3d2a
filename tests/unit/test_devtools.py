"""devtools: a process tree stopped whole and measured by role; endpoints.yml variants.

Small stand-ins (sh, sleep, Python's http.server) instead of the bot's servers, so that
this stays in the fast tier.
"""
from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Iterator, List

import psutil
import pytest
import yaml

from devtools.endpoints import write_endpoints
from devtools.processes import Server, free_port, port_is_open
from tests.helpers import ROOT


def _shell(tmp_path: Path, script: str, port: int = 0) -> Server:
    return Server("tree", ["sh", "-c", script], tmp_path / "tree.log", cwd=tmp_path,
                  ports=[port] if port else []).start()


@pytest.fixture
def web_tree(tmp_path: Path) -> Iterator[Server]:
    """A launching shell with two servers under it, as ``scripts/run.sh serve`` is."""
    port = free_port()
    server = _shell(tmp_path, f"sleep 600 & {sys.executable} -m http.server {port} --bind 127.0.0.1 & wait",
                    port)
    server.url = f"http://127.0.0.1:{port}/"
    try:
        server.wait_until(server.url, timeout=60)
        yield server
    finally:
        server.stop(grace=5)


def _tree(server: Server) -> List[psutil.Process]:
    root = psutil.Process(server.process.pid)
    return [root, *root.children(recursive=True)]


def test_stop_ends_the_whole_tree_and_frees_its_port(web_tree: Server) -> None:
    processes = _tree(web_tree)
    assert len(processes) == 3
    web_tree.stop()
    assert not any(p.is_running() and p.status() != psutil.STATUS_ZOMBIE for p in processes)
    assert not port_is_open(web_tree.ports[0])


def test_the_log_file_keeps_the_output(web_tree: Server) -> None:
    web_tree.stop()
    assert "GET / HTTP/1.1" in web_tree.log_tail()


def test_memory_is_reported_by_role_and_in_total(web_tree: Server) -> None:
    memory = web_tree.memory_by_role({"web": lambda args: "http.server" in args,
                                      "sleep": lambda args: args[:1] == ["sleep"]})
    assert memory["web"] > 0 and memory["sleep"] > 0
    assert memory["total"] > memory["web"] + memory["sleep"]  # the shell counts only in the total


def test_a_process_that_ignores_sigterm_is_killed(tmp_path: Path) -> None:
    server = _shell(tmp_path, "trap '' TERM; sleep 600 & echo started; wait")
    try:
        _wait_for_line(server, "started")
    finally:
        server.stop(grace=0.5)
    assert server.process.returncode == -9


def _wait_for_line(server: Server, line: str) -> None:
    """Until the process has printed ``line`` (it then has started what comes before)."""
    deadline = time.monotonic() + 60  # turns a hang into a failure; not a timing check
    while line not in server.log_tail():
        server.raise_if_exited()
        assert time.monotonic() < deadline, f"{line!r} never printed"
        time.sleep(0.05)


def test_an_orphan_left_in_the_group_is_stopped_too(tmp_path: Path) -> None:
    """The launching shell has exited; what it started still leads nothing but is in its group."""
    server = _shell(tmp_path, "sleep 600 & echo $!")
    try:
        server.process.wait(timeout=30)
        orphan = psutil.Process(int(server.log_tail().split()[0]))
        assert orphan.is_running()
    finally:
        server.stop(grace=5)
    assert not (orphan.is_running() and orphan.status() != psutil.STATUS_ZOMBIE)


def test_endpoints_with_a_database_of_their_own(tmp_path: Path) -> None:
    path = write_endpoints(tmp_path / "endpoints.yml", tracker_db=tmp_path / "own.db")
    endpoints = yaml.safe_load(path.read_text(encoding="utf-8"))
    original = yaml.safe_load((ROOT / "endpoints.yml").read_text(encoding="utf-8"))
    assert endpoints["tracker_store"] == {**original["tracker_store"], "db": str(tmp_path / "own.db")}
    assert endpoints["action_endpoint"] == original["action_endpoint"]


def test_endpoints_calling_an_action_server_on_another_port(tmp_path: Path) -> None:
    path = write_endpoints(tmp_path / "e.yml", actions_port=6123)
    endpoints = yaml.safe_load(path.read_text(encoding="utf-8"))
    original = yaml.safe_load((ROOT / "endpoints.yml").read_text(encoding="utf-8"))
    assert "actions_module" not in endpoints["action_endpoint"]
    assert endpoints["action_endpoint"]["url"] == "http://127.0.0.1:6123/webhook"
    assert endpoints["action_endpoint"]["headers"] == original["action_endpoint"]["headers"]
    assert endpoints["tracker_store"] == original["tracker_store"]


def test_production_endpoints_keep_their_variables(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Rasa expands ${...} only in plain YAML scalars: the copy must keep them plain."""
    from rasa.utils.endpoints import read_endpoint_config

    path = write_endpoints(tmp_path / "e.yml", source=ROOT / "endpoints.production.yml", actions_port=6123)
    for name in ("POSTGRES_HOST", "POSTGRES_PORT", "POSTGRES_DB", "POSTGRES_USER", "POSTGRES_PASSWORD",
                 "REDIS_HOST", "REDIS_PORT", "REDIS_PASSWORD", "REDIS_DB"):
        monkeypatch.setenv(name, "1")
    monkeypatch.setenv("ACTION_ENDPOINT_URL", "http://actions.internal:5055/webhook")
    monkeypatch.setenv("ACTION_SERVER_TOKEN", "t0ken")
    action = read_endpoint_config(str(path), "action_endpoint")
    assert action.url == "http://actions.internal:5055/webhook"
    assert action.headers == {"Authorization": "Bearer t0ken"}


class _NeverReady(Server):
    """A server whose start waits for a port nothing opens, as RasaServer.start waits for /."""

    def start(self) -> "_NeverReady":
        super().start()
        self.wait_until(f"http://127.0.0.1:{free_port()}/", timeout=1)
        return self


def test_a_server_used_in_with_is_stopped_even_when_its_start_fails(tmp_path: Path) -> None:
    """tests/e2e/test_persistence.py started its server outside its try: a start that timed
    out left the process running for the rest of the session."""
    server = _NeverReady("never_ready", ["sleep", "600"], tmp_path / "never.log")
    with pytest.raises(TimeoutError):
        with server:
            pass
    assert server.process is not None and server.process.poll() is not None
