"""The production profile for the benchmark: PostgreSQL, Redis and the bot in front of them.

Why one helper for the fault and soak stages: both must measure the deployment that
``make run PROFILE=production`` starts, not a look-alike. The bot is therefore started by
``scripts/run.sh serve`` with ``ENDPOINTS=endpoints.production.yml`` (action server, chat
page, Rasa server, as in ``serving.start_ours``), and PostgreSQL and Redis are those the
test suite runs too (devtools/services.py: loopback, free ports, temporary data, PostgreSQL
run as the postgres user when we are root), so a figure here and a fault test there
describe the same set-up. Only the ports and a per-run action-server secret differ.
"""
from __future__ import annotations

import glob
import secrets
import shutil
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Dict, Iterator, Optional, Tuple

import requests

from bench import servers
from bench.common import OUT
from devtools.paths import ROOT
from devtools.processes import free_port

# devtools.services is the one definition of how a throw-away PostgreSQL/Redis is run.
from devtools.services import PostgresServer, RedisServer

PRODUCTION_ENDPOINTS = ROOT / "endpoints.production.yml"


@contextmanager
def backing_services(workdir: Path) -> Iterator[Tuple[PostgresServer, RedisServer]]:
    """A fresh PostgreSQL (database created) and Redis, both stopped and removed on exit."""
    if not glob.glob("/usr/lib/postgresql/*/bin/pg_ctl") or not shutil.which("redis-server"):
        raise RuntimeError("PostgreSQL and Redis are not installed: run `make services` "
                           "(scripts/ensure_debian_packages.sh services)")
    postgres = PostgresServer()
    redis_server = RedisServer(workdir)
    try:
        postgres.init().start()
        postgres.create_database()
        redis_server.start()
        yield postgres, redis_server
    finally:
        redis_server.stop()
        postgres.remove()


def start_bot(name: str, service_env: Dict[str, str]) -> servers.Launched:
    """``scripts/run.sh serve`` on the production profile, on free ports.

    ``service_env`` holds the POSTGRES_* and REDIS_* variables (from ``PostgresServer.env()``
    and ``RedisServer.env()``, a port possibly replaced by a BlackHole's). The caller stops
    the returned process tree with its ``stop``.
    """
    rasa_port, actions_port, web_port = free_port(), free_port(), free_port()
    env = dict(
        RASA_PORT=str(rasa_port), ACTIONS_PORT=str(actions_port), WEB_PORT=str(web_port),
        ENDPOINTS=str(PRODUCTION_ENDPOINTS), ACTIONS="server",  # as `make run PROFILE=production`
        ACTION_ENDPOINT_URL=f"http://127.0.0.1:{actions_port}/webhook",
        ACTION_SERVER_TOKEN=secrets.token_hex(16),  # production sets its own; so does each run
        **service_env,
    )
    return servers.Launched(name, [str(ROOT / "scripts" / "run.sh"), "serve"], ROOT, env, rasa_port,
                            OUT / "logs" / f"{name}_serve.log", other_ports=(actions_port, web_port)).start()


def health(server: servers.Launched, timeout: float = 60) -> Tuple[Optional[int], float]:
    """``GET /webhooks/rest/health``: its status (None when it did not answer) and seconds."""
    started = time.perf_counter()
    try:
        status: Optional[int] = requests.get(f"{server.rasa_url}/webhooks/rest/health",
                                             timeout=timeout).status_code
    except requests.RequestException:
        status = None
    return status, time.perf_counter() - started


def reply_text(replies: list) -> str:
    """All texts of one turn's replies, joined, buttons as ``[title]`` lines (as tests.helpers.Bot.say)."""
    parts = []
    for reply in replies:
        parts.append(str(reply.get("text", "")))
        parts.extend(f"[{button.get('title', '')}]" for button in reply.get("buttons") or [])
    return "\n".join(parts)
