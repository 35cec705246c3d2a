"""Throw-away PostgreSQL and Redis servers: loopback, own ports, temporary data.

Why in devtools: the test suite (tests/conftest.py, the outage tests) and the benchmark's
production stages (bench/production.py, faults, soak) run the same services the same
way, and the benchmark must not import the tests. Installed by
scripts/ensure_debian_packages.sh (Debian packages); started and stopped here, so nothing
outside the caller's temporary folder is touched. ``BlackHole`` stands between a client
and a server to play a dead network link.
"""
from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from pathlib import Path
from typing import Dict, List

import psycopg2
import redis

from devtools.processes import Server, free_port

PASSWORD = "test-password-not-secret"


def _as_postgres_user(args: List[str]) -> List[str]:
    """PostgreSQL refuses to run as root; as root, run it as Debian's postgres user."""
    return ["runuser", "-u", "postgres", "--", *args] if os.geteuid() == 0 else args


class PostgresServer:
    def __init__(self) -> None:
        self.bin = Path(sorted(glob.glob("/usr/lib/postgresql/*/bin"))[-1])
        # Not under pytest's tmp_path: as root that is private to root, and the server
        # runs as the postgres user.
        self.home = Path(tempfile.mkdtemp(prefix="support-bot-pg-"))
        self.dir = self.home / "pgdata"
        self.port = free_port()
        self.user = "rasa"
        self.db = "rasa"

    def env(self) -> Dict[str, str]:
        """The production profile's variables for this server."""
        return {"POSTGRES_HOST": "127.0.0.1", "POSTGRES_PORT": str(self.port),
                "POSTGRES_DB": self.db, "POSTGRES_USER": self.user, "POSTGRES_PASSWORD": PASSWORD}

    def init(self) -> "PostgresServer":
        self.dir.mkdir(parents=True)
        password_file = self.home / "pgpass.txt"
        password_file.write_text(PASSWORD)
        if os.geteuid() == 0:
            for path in (self.home, self.dir, password_file):
                shutil.chown(path, "postgres", "postgres")
        subprocess.run(_as_postgres_user([
            str(self.bin / "initdb"), "-D", str(self.dir), "-U", self.user, "-A", "scram-sha-256",
            f"--pwfile={password_file}", "--no-sync", "-E", "UTF8", "--locale=C"]),
            check=True, capture_output=True)
        return self

    def start(self) -> "PostgresServer":
        subprocess.run(_as_postgres_user([
            str(self.bin / "pg_ctl"), "-D", str(self.dir), "-w", "-l", str(self.dir / "server.log"),
            "-o", f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off",
            "start"]), check=True, capture_output=True)
        return self

    def stop(self) -> None:
        subprocess.run(_as_postgres_user([str(self.bin / "pg_ctl"), "-D", str(self.dir), "-m", "fast",
                                          "-w", "stop"]), capture_output=True)

    def processes(self) -> List[int]:
        """The postmaster and its children (backends, writers), for SIGSTOP/SIGCONT."""
        postmaster = int((self.dir / "postmaster.pid").read_text().split()[0])
        children = subprocess.run(["pgrep", "-P", str(postmaster)], capture_output=True, text=True)
        return [postmaster, *map(int, children.stdout.split())]

    def remove(self) -> None:
        self.stop()
        shutil.rmtree(self.home, ignore_errors=True)

    def create_database(self, name: str = "") -> None:
        connection = psycopg2.connect(host="127.0.0.1", port=self.port, user=self.user,
                                      password=PASSWORD, dbname="postgres")
        connection.autocommit = True  # CREATE DATABASE cannot run in a transaction
        try:
            connection.cursor().execute(f"CREATE DATABASE {name or self.db}")
        finally:
            connection.close()

    def query(self, sql: str, *params) -> list:
        connection = psycopg2.connect(host="127.0.0.1", port=self.port, user=self.user,
                                      password=PASSWORD, dbname=self.db)
        try:
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
                return cursor.fetchall()
        finally:
            connection.close()


class RedisServer:
    def __init__(self, workdir: Path) -> None:
        self.dir = workdir / "redis"
        self.port = free_port()
        self.server = Server("redis", [
            "redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--dir", str(self.dir),
            "--save", "", "--appendonly", "no", "--requirepass", PASSWORD, "--daemonize", "no",
        ], self.dir / "redis.log", ports=[self.port])

    def env(self) -> Dict[str, str]:
        return {"REDIS_HOST": "127.0.0.1", "REDIS_PORT": str(self.port),
                "REDIS_PASSWORD": PASSWORD, "REDIS_DB": "0"}

    def start(self) -> "RedisServer":
        self.server.start()
        client = redis.Redis(host="127.0.0.1", port=self.port, password=PASSWORD)
        deadline = time.monotonic() + 20
        while True:
            try:
                client.ping()
                return self
            except redis.ConnectionError:
                self.server.raise_if_exited()
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)

    def stop(self) -> None:
        self.server.stop()


class BlackHole:
    """A loopback TCP proxy in front of a server that can turn into a black hole.

    Forwarding, it passes bytes both ways. Black-holed, it is what a database behind a dead
    network link or a hung host looks like: connections are accepted and every byte sent
    is taken and never answered, on the connections already open and on new ones.
    ``restore`` drops the connections that saw the hole (as the network would, in the end)
    and forwards again.
    """

    def __init__(self, target_port: int) -> None:
        self.target_port = target_port
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.holed = threading.Event()
        self.closed = False
        self.sockets: List[socket.socket] = []  # every socket of the current era
        self.lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    def black_hole(self) -> None:
        self.holed.set()

    def restore(self) -> None:
        with self.lock:
            stale, self.sockets = self.sockets, []
            self.holed.clear()
        for sock in stale:
            _close(sock)

    def close(self) -> None:
        self.closed = True
        _close(self.listener)
        self.restore()

    def __enter__(self) -> "BlackHole":
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def _accept(self) -> None:
        while not self.closed:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            with self.lock:
                self.sockets.append(client)
            if self.holed.is_set():
                continue  # accepted, never answered
            try:
                upstream = socket.create_connection(("127.0.0.1", self.target_port), timeout=5)
                upstream.settimeout(None)
            except OSError:
                _close(client)
                continue
            with self.lock:
                self.sockets.append(upstream)
            for source, target in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(source, target), daemon=True).start()

    def _pump(self, source: socket.socket, target: socket.socket) -> None:
        try:
            while True:
                data = source.recv(65536)
                if not data or self.holed.is_set():
                    break  # closed, or swallowed: the peer waits until restore drops it
                target.sendall(data)
        except OSError:
            pass
        if not self.holed.is_set():
            _close(source)
            _close(target)


def _close(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    sock.close()
