"""`make run` and `make shell` (through scripts/run.sh): the bot's servers, started in
order and stopped together.

serve: the action server when ACTIONS=server (once it answers), the chat page and the
Rasa server; when one of them ends, all end. shell: the Rasa server (its log in
var/shell-rasa.log) and Rasa's console client on the project's REST channel: unlike
`rasa shell`, whose built-in channel skips channels/guard.py, messages are masked and
guarded.

Settings, from the environment: RASA_PORT (5005), ACTIONS_PORT (5055), WEB_PORT (8080),
ENDPOINTS (endpoints.yml), ACTIONS (in-process: the actions run inside the Rasa server;
server: a separate action server, as production runs it), API (off; on serves Rasa's
HTTP API behind RASA_JWT_SECRET or RASA_API_TOKEN, and refuses to start without one).

Why Python and devtools.processes: the tests and the benchmark start and stop servers
with the same code. SIGTERM, SIGHUP or Ctrl-C to this process stops every server first.
"""
from __future__ import annotations

import os
import signal
import sys
import time
from typing import List, Mapping, NoReturn

from devtools.endpoints import write_endpoints
from devtools.paths import PYTHON, RASA, ROOT
from devtools.processes import Server


class Refused(Exception):
    """A setting that cannot work; exits with status 2 before anything starts."""


def api_args(env: Mapping[str, str]) -> List[str]:
    """Rasa's HTTP API flags: none unless API=on, which needs a secret."""
    api = env.get("API", "off")
    if api == "off":
        return []
    if api != "on":
        raise Refused("API must be on or off")
    if env.get("RASA_JWT_SECRET"):
        return ["--enable-api", "--jwt-secret", env["RASA_JWT_SECRET"], "--jwt-method", "HS256"]
    if env.get("RASA_API_TOKEN"):
        return ["--enable-api", "--auth-token", env["RASA_API_TOKEN"]]
    raise Refused("API=on needs RASA_API_TOKEN or RASA_JWT_SECRET")


def endpoints(env: Mapping[str, str], actions_port: int) -> str:
    """ENDPOINTS as given, or for ACTIONS=server a copy that calls the action server."""
    given = env.get("ENDPOINTS", "endpoints.yml")
    actions = env.get("ACTIONS", "in-process")
    if actions == "in-process":
        return given
    if actions != "server":
        raise Refused("ACTIONS must be in-process or server")
    return str(write_endpoints(ROOT / "var" / f"endpoints-server-{actions_port}.yml", source=ROOT / given,
                               actions_port=actions_port))


def _stop_on(signum: int, frame: object) -> NoReturn:
    raise SystemExit(128 + signum)


def _status(server: Server) -> int:
    code = server.process.returncode if server.process else 0
    return 128 - code if code < 0 else code  # killed by signal N: 128 + N, as a shell says


def main(argv: List[str]) -> int:
    mode = argv[0] if argv else "serve"
    if mode not in ("serve", "shell"):
        print("usage: scripts/run.sh serve|shell", file=sys.stderr)
        return 2
    env = os.environ
    rasa_port, actions_port, web_port = (int(env.get(name, default)) for name, default in
                                         (("RASA_PORT", 5005), ("ACTIONS_PORT", 5055), ("WEB_PORT", 8080)))
    try:
        rasa_args = ["run", "--model", "models/bot.tar.gz", "--endpoints", endpoints(env, actions_port),
                     "--credentials", "credentials.yml", "--port", str(rasa_port), *api_args(env)]
    except Refused as refusal:
        print(f"error: {refusal}", file=sys.stderr)
        return 2
    (ROOT / "var").mkdir(exist_ok=True)  # the SQLite tracker store of endpoints.yml lives here
    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, _stop_on)
    started: List[Server] = []

    def start(name: str, args: List[str], log: str = "") -> Server:
        server = Server(name, args, ROOT / log if log else None, own_group=False).start()
        started.append(server)
        return server

    try:
        if env.get("ACTIONS") == "server":
            # It checks the shared secret and listens on loopback (rasa_sdk_plugins/shared_secret.py).
            actions = start("action server", [RASA, "run", "actions", "--actions", "actions",
                                              "--port", str(actions_port)])
            actions.wait_until(f"http://127.0.0.1:{actions_port}/health", timeout=240)
        if mode == "serve":
            start("chat page", [PYTHON, "scripts/serve_web.py", "--port", str(web_port),
                                "--rasa-url", f"http://localhost:{rasa_port}"])
            print(f"Chat page: http://localhost:{web_port}/  (Rasa REST: POST http://localhost:{rasa_port}"
                  f"/webhooks/rest/webhook, actions: {env.get('ACTIONS', 'in-process')})", flush=True)
            start("rasa", [RASA, *rasa_args])
            while all(server.running for server in started):
                time.sleep(0.5)
            return next(_status(server) for server in started if not server.running)
        print("Starting the bot (log: var/shell-rasa.log)…", flush=True)
        start("rasa", [RASA, *rasa_args], log="var/shell-rasa.log").wait_until(
            f"http://127.0.0.1:{rasa_port}/webhooks/rest/", timeout=240)
        console = start("console", [PYTHON, "scripts/console.py", "--url", f"http://127.0.0.1:{rasa_port}"])
        console.process.wait()
        return _status(console)
    except KeyboardInterrupt:
        return 128 + signal.SIGINT
    finally:
        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(sig, signal.SIG_IGN)  # a second Ctrl-C must not cut the stopping short
        for server in reversed(started):
            server.stop()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
