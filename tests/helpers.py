"""Shared test plumbing: the project's Rasa server as a test runs it, and chat clients."""
from __future__ import annotations

import os
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Tuple
from urllib.parse import urlsplit

import psutil
import requests
import yaml

# The benchmark and `make run` start servers the same way; one definition of each.
from devtools.endpoints import write_endpoints
from devtools.paths import MODEL, RASA, RESULTS, ROOT, VENV_BIN  # noqa: F401
from devtools.processes import QUIET_ENV, Server, free_port  # noqa: F401
from devtools.processes import child_env as env
from devtools.services import PostgresServer, RedisServer

# The source document the knowledge file quotes: one setting, SEED_DOCUMENT, with the
# workplace's layout as the default (the clone next to ../shared/).
SEED = Path(os.environ.get("SEED_DOCUMENT")
            or ROOT.parent / "shared" / "seed" / "000_6b12e8a23907bd29.txt")
LOGS = RESULTS / "logs"
HELD_OUT = ROOT / "tests" / "nlu"  # the held-out set: never trained on (tests/test_nlu_heldout.py)
HELD_OUT_REPORT = RESULTS / "nlu"  # its report, the errors and the confusion matrix
STORIES_REPORT = RESULTS / "core"  # rasa test core on tests/stories


def run_rasa(args: List[str], timeout: int = 1200) -> subprocess.CompletedProcess:
    return subprocess.run(
        [RASA, *args], cwd=ROOT, env=env(), capture_output=True, text=True, timeout=timeout
    )


@dataclass(frozen=True)
class Finished:
    """How a background command ended: its exit status and its output (stdout and stderr)."""

    returncode: int
    output: str


class BackgroundRun(Server):
    """A long command (``rasa train``, ``rasa test``) started at once at the lowest CPU
    priority, and waited for where its outcome is needed.

    Why: such a command takes seconds to minutes of CPU, while the suite leaves about one
    of the two cores idle (it waits on its servers much of the time). Started when the
    session starts (``BACKGROUND`` in tests/conftest.py) at nice 19, it takes only that
    idle time, never the servers' or the tests' own, and a test that needs it waits for
    what is left. Stopped (if still running) like a server, when its fixture ends.
    """

    def __init__(self, name: str, args: Sequence[str], **extra_env: str) -> None:
        super().__init__(name, ["nice", "-n", "19", *args], LOGS / f"{name}.log", extra_env=extra_env)

    def start(self) -> "BackgroundRun":
        super().start()
        # The command leads a session of its own (Server), and with the kernel's autogroup
        # scheduling (on by default on Debian) each session is a group that gets a fair
        # share of the CPU whatever its processes' nice values: the group itself is niced.
        self._autogroup_nice(19)
        return self

    def finished(self, timeout: float = 1800) -> Finished:
        """Waits for the command, at normal priority from now on where that is allowed (it
        takes the privilege to lower a nice value): a test waits for it, and on a shared
        machine other people's work would otherwise come first."""
        assert self.process is not None, f"{self.name} was never started"
        for process in self._members():
            try:
                process.nice(0)
            except psutil.Error:
                pass
        self._autogroup_nice(0)
        return Finished(self.process.wait(timeout), self.log_tail(10**8))

    def _autogroup_nice(self, value: int) -> None:
        assert self.process is not None
        try:
            Path(f"/proc/{self.process.pid}/autogroup").write_text(str(value))
        except OSError:  # no autogroups (or not allowed): the nice value alone ranks the command
            pass


class RasaServer(Server):
    """``rasa run`` with the project's endpoints and credentials, adapted for a test.

    The tracker store goes to a SQLite file of the test's own; the actions run inside the
    server as with `make run` (``action_server=None``), or in the test's action server.
    ``restart`` keeps both, as a real restart would.
    """

    def __init__(self, name: str, model: str, action_server: Optional[str], workdir: Path,
                 credentials_override: Optional[Dict] = None,
                 production_env: Optional[Dict[str, str]] = None,
                 extra_args: Optional[List[str]] = None) -> None:
        """``production_env``: run the production profile with these variables."""
        import yaml

        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.db_path = workdir / "conversations.db"
        if production_env is not None:
            (workdir / "endpoints.yml").write_text((ROOT / "endpoints.production.yml").read_text())
            from rasa_sdk_plugins.shared_secret import development_secret

            production_env = {**production_env, "ACTION_ENDPOINT_URL": f"{action_server}/webhook",
                              "ACTION_SERVER_TOKEN": development_secret(ROOT / "endpoints.yml")}
        else:
            write_endpoints(workdir / "endpoints.yml", tracker_db=self.db_path,
                            actions_port=urlsplit(action_server).port if action_server else None)
        credentials = yaml.safe_load((ROOT / "credentials.yml").read_text())
        for channel, settings in (credentials_override or {}).items():
            credentials[channel] = {**(credentials.get(channel) or {}), **settings}
        (workdir / "credentials.yml").write_text(yaml.safe_dump(credentials))
        super().__init__(name, [
            RASA, "run", "--model", model, "-i", "127.0.0.1", "--port", str(self.port),
            "--endpoints", str(workdir / "endpoints.yml"),
            "--credentials", str(workdir / "credentials.yml"), *(extra_args or []),
        ], LOGS / f"{name}.log", extra_env=production_env, ports=[self.port])

    def start(self) -> "RasaServer":
        super().start()
        self.wait_until(f"{self.url}/", timeout=240)
        return self

    def restart(self) -> None:
        self.stop()
        self.start()


def action_server_process(name: str, **env: str) -> Tuple[Server, str]:
    """``rasa run actions`` on a free port, started (not yet answering), and its URL; the
    caller waits for its /health, after starting whatever can start meanwhile."""
    port = free_port()
    server = Server(name, [RASA, "run", "actions", "--actions", "actions", "--port", str(port)],
                    LOGS / f"{name}.log", extra_env=env).start()
    return server, f"http://127.0.0.1:{port}"


def production_server(name: str, services: Tuple[PostgresServer, RedisServer], model: str,
                      action_server: str, workdir: Path, **variables: str) -> RasaServer:
    """A Rasa server (not started) of the production profile on ``services``; ``variables``
    override theirs (a port behind a black hole, another database)."""
    postgres, redis_server = services
    return RasaServer(name, model, action_server, workdir,
                      production_env={**postgres.env(), **redis_server.env(), **variables})


def wait_until_healthy(url: str, timeout: float = 60) -> None:
    """Returns once the Rasa server at ``url`` reports its tracker and lock stores reachable."""
    deadline = time.monotonic() + timeout
    while requests.get(f"{url}/webhooks/rest/health", timeout=60).status_code != 200:
        assert time.monotonic() < deadline, "the database is back, the bot still says it is not"
        time.sleep(1)


class Bot:
    """Talks to the Rasa REST channel like a chat client would."""

    def __init__(self, base_url: str) -> None:
        self.url = f"{base_url}/webhooks/rest/webhook"

    def send(self, sender: str, message: str, timeout: float = 30) -> List[dict]:
        response = requests.post(self.url, json={"sender": sender, "message": message}, timeout=timeout)
        response.raise_for_status()
        return response.json()

    def say(self, sender: str, message: str) -> str:
        """All reply texts of one turn, joined; buttons listed as [title]."""
        parts = []
        for reply in self.send(sender, message):
            parts.append(reply.get("text", ""))
            parts.extend(f"[{b['title']}]" for b in reply.get("buttons", []))
        return "\n".join(parts)


def socket_turn(url: str, session_id: str, text: Optional[str] = None, raw: Any = None,
                settle: float = 1.5) -> str:
    """One message over the socket.io channel, as the chat page sends it (or ``raw`` data).

    The synchronous client over long-polling: python-socketio's asyncio client needs a
    newer aiohttp than Rasa 3.6 allows.
    """
    import socketio

    client = socketio.Client()
    replies: List[str] = []
    confirmed, answered = threading.Event(), threading.Event()
    client.on("session_confirm", lambda _: confirmed.set())

    def on_bot(data: dict) -> None:
        replies.append(data.get("text", ""))
        answered.set()

    client.on("bot_uttered", on_bot)
    client.connect(url, socketio_path="/socket.io", transports=["polling"])
    try:
        client.emit("session_request", {"session_id": session_id})
        assert confirmed.wait(15)
        client.emit("user_uttered", raw if text is None else {"message": text, "session_id": session_id})
        assert answered.wait(30), "no reply over socket.io"
        time.sleep(settle)  # the rest of the turn's messages
    finally:
        # Without abort, the client waits for its pending long-poll (up to 25 s).
        client.eio.disconnect(abort=True)
    return "\n".join(replies)


def pipeline_settings(component: type) -> Dict[str, Any]:
    """A custom NLU component's settings as config.yml gives them, over its defaults."""
    pipeline = yaml.safe_load((ROOT / "config.yml").read_text(encoding="utf-8"))["pipeline"]
    config = next(c for c in pipeline if c["name"].endswith(component.__name__))
    return {**component.get_default_config(), **{k: v for k, v in config.items() if k != "name"}}
