"""Server processes for the tests, the benchmark and `make run`: start, wait, measure, stop.

Why one module, on psutil: a server here is often a tree (``scripts/run.sh serve`` starts
an action server, the chat page and Rasa), and whoever starts it must stop all of it, or
the next start finds its port taken and the test suite's leak check fails. Each server
leads its own process group, so a Ctrl-C meant for its starter does not reach it half-way;
``stop`` ends the whole tree, SIGTERM first and SIGKILL after a grace.
"""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from pathlib import Path
from typing import IO, Callable, Dict, List, Mapping, Optional, Sequence

import psutil
import requests

from devtools.paths import ROOT

QUIET_ENV = {
    "TF_CPP_MIN_LOG_LEVEL": "2",
    "TF_DETERMINISTIC_OPS": "1",
    "RASA_TELEMETRY_ENABLED": "false",
    "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
    "PYTHONUNBUFFERED": "1",
}


def child_env(**extra: str) -> Dict[str, str]:
    """The caller's environment plus the quiet, deterministic settings of the Makefile."""
    return {**os.environ, **QUIET_ENV, **extra}


def free_port() -> int:
    """A port nothing listens on now; other people's servers may hold the defaults."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def port_is_open(port: int) -> bool:
    """Whether something on loopback accepts connections on ``port``."""
    with socket.socket() as s:
        s.settimeout(0.5)
        return s.connect_ex(("127.0.0.1", port)) == 0


# Which process of a tree plays which part, decided from its command line.
Roles = Mapping[str, Callable[[List[str]], bool]]


class Server:
    """One server process (and whatever it starts) in a process group of its own.

    ``log_path`` receives its output (truncated at the first start, appended to on a
    restart, so a restart's log follows the first one); None leaves it on our own output,
    as `make run` shows it. ``ports`` are those it must have freed once stopped.

    ``own_group=False`` is for the servers of `make run`: they stay in its group, so a
    terminal's hang-up reaches them even if `make run` is killed first, and they ignore
    SIGINT, as a shell's background jobs do, so that Ctrl-C reaches only `make run`,
    which stops them in order.
    """

    def __init__(self, name: str, args: Sequence[str], log_path: Optional[Path],
                 extra_env: Optional[Mapping[str, str]] = None, cwd: Path = ROOT,
                 ports: Sequence[int] = (), own_group: bool = True) -> None:
        self.name = name
        self.args = list(args)
        self.log_path = log_path
        self.extra_env = dict(extra_env or {})
        self.cwd = cwd
        self.ports = list(ports)
        self.own_group = own_group
        self.process: Optional[subprocess.Popen] = None
        # The same process as psutil sees it: it tells ours from a later one with its pid.
        self._root: Optional[psutil.Process] = None
        self.started_at = 0.0  # time.perf_counter() just before the last start
        self._starts = 0

    def start(self) -> "Server":
        log: Optional[IO[bytes]] = None
        if self.log_path is not None:
            self.log_path.parent.mkdir(parents=True, exist_ok=True)
            log = self.log_path.open("ab" if self._starts else "wb")
        self._starts += 1
        self.started_at = time.perf_counter()
        try:
            self.process = subprocess.Popen(
                self.args, cwd=self.cwd, env=child_env(**self.extra_env), stdout=log,
                stderr=subprocess.STDOUT if log else None, start_new_session=self.own_group,
                preexec_fn=None if self.own_group else _ignore_interrupt)
            self._root = psutil.Process(self.process.pid)
        finally:
            if log is not None:
                log.close()  # the child holds its own descriptor
        return self

    def __enter__(self) -> "Server":
        """Started for the ``with`` block, and stopped even if the start itself fails
        (a start that waits for readiness has launched the process before it gives up)."""
        try:
            return self.start()
        except BaseException:
            self.stop()
            raise

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def log_tail(self, chars: int = 3000) -> str:
        if self.log_path is None or not self.log_path.exists():
            return ""
        return self.log_path.read_text(errors="replace")[-chars:]

    def raise_if_exited(self) -> None:
        """A server that died while we wait for it fails at once, with its log's tail."""
        if self.process is not None and self.process.poll() is not None:
            raise RuntimeError(f"{self.name} exited ({self.process.returncode}):\n{self.log_tail()}")

    def wait_until(self, url: str, timeout: float = 180) -> None:
        """Returns once ``GET url`` answers 200."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.raise_if_exited()
            try:
                if requests.get(url, timeout=2).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.5)
        raise TimeoutError(f"{self.name} not ready at {url}:\n{self.log_tail()}")

    def stop(self, grace: float = 20) -> None:
        """SIGTERM to the whole tree at once, SIGKILL to what is left after ``grace`` seconds.

        The tree is the process's descendants and every member of its group: a child
        whose parent has already exited has left the first but not the second. It is
        looked up again before SIGKILL, for what was started meanwhile.
        """
        if self.process is None:
            return
        for sig, wait in ((signal.SIGTERM, grace), (signal.SIGKILL, 5)):
            members = self._members()
            for process in members:
                try:
                    process.send_signal(sig)
                except psutil.Error:  # gone meanwhile
                    pass
            if not self._wait_gone(members, wait):
                break
        self.process.wait()
        busy = [port for port in self.ports if port_is_open(port)]
        if busy:
            raise RuntimeError(f"{self.name}: ports still in use after stop: {busy}")

    def memory_by_role(self, roles: Roles) -> Dict[str, int]:
        """Resident memory of the tree, in bytes: per role (a matching process and its
        subtree) and ``total``. A process belongs to the first role that matches it or one
        of its ancestors; what matches none (a launching shell) counts only in the total."""
        result = {role: 0 for role in roles}
        result["total"] = 0
        assert self.process is not None, f"{self.name} was never started"

        def walk(process: psutil.Process, role: Optional[str]) -> None:
            try:
                if role is None:
                    args = process.cmdline()
                    role = next((name for name, matches in roles.items() if matches(args)), None)
                rss = process.memory_info().rss
                children = process.children()
            except psutil.Error:  # gone, or a zombie: no memory of its own
                return
            result["total"] += rss
            if role is not None:
                result[role] += rss
            for child in children:
                walk(child, role)

        if self._root.is_running():
            walk(self._root, None)
        return result

    def _members(self) -> List[psutil.Process]:
        """The process, its descendants and (when it leads one) its group, alive now.

        Once our process has been reaped its pid may serve another process (pids wrap at
        32768 here); that one can lead a group of the same number only when ours is empty.
        """
        found: Dict[int, psutil.Process] = {}
        try:
            if self._root.is_running():  # still ours: psutil compares the creation time too
                for process in [self._root, *self._root.children(recursive=True)]:
                    found[process.pid] = process
        except psutil.NoSuchProcess:
            pass
        group = self.process.pid
        if self.own_group and not (_group_of(group) == group and group not in found):
            for process in psutil.process_iter():
                if process.pid not in found and _group_of(process.pid) == group:
                    found[process.pid] = process
        return list(found.values())

    def _wait_gone(self, members: List[psutil.Process], timeout: float) -> List[psutil.Process]:
        """Those of ``members`` still alive after at most ``timeout`` seconds.

        A zombie counts as gone: whoever reaps it (we, for our own child) may not run.
        """
        deadline = time.monotonic() + timeout
        while True:
            self.process.poll()  # reaps our own child
            members = [p for p in members if _alive(p)]
            if not members or time.monotonic() > deadline:
                return members
            time.sleep(0.1)


def _ignore_interrupt() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _group_of(pid: int) -> int:
    try:
        return os.getpgid(pid)
    except OSError:
        return -1


def _alive(process: psutil.Process) -> bool:
    try:
        return process.is_running() and process.status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False

