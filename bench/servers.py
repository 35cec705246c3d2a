"""Server processes for the serving benchmark: launch, start-up time, memory, clean stop.

Why process groups: ``scripts/run.sh serve`` starts three processes (action server, chat
page, Rasa server) behind one bash; the benchmark must measure them as one deployment and
stop all of them, leaving nothing on the ports, whatever happens in between.
"""
from __future__ import annotations

import os
import signal
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Dict, List, Optional, Sequence

import requests

from bench.common import port_is_open


@dataclass
class Launched:
    """A process group started by the benchmark, with the Rasa REST URL it serves."""

    name: str
    process: subprocess.Popen
    rasa_url: str
    ports: List[int]
    log_path: Path
    launched_at: float  # time.perf_counter() just before Popen
    startup_s: Optional[float] = None
    first_answer: List[dict] = field(default_factory=list)

    @property
    def webhook(self) -> str:
        return f"{self.rasa_url}/webhooks/rest/webhook"


def launch(name: str, args: Sequence[str], cwd: Path, env: Dict[str, str], rasa_port: int,
           log_path: Path, other_ports: Sequence[int] = ()) -> Launched:
    """Starts ``args`` in a new session (own process group) with output to ``log_path``."""
    log_path.parent.mkdir(parents=True, exist_ok=True)
    log = log_path.open("wb")
    started = time.perf_counter()
    process = subprocess.Popen(list(args), cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT,
                               start_new_session=True)
    log.close()  # the child holds its own descriptor
    return Launched(name, process, f"http://127.0.0.1:{rasa_port}", [rasa_port, *other_ports],
                    log_path, started)


def wait_for_first_answer(server: Launched, message: str, timeout: float = 600) -> float:
    """Seconds from launch until a REST message gets a non-empty answer (the start-up time)."""
    deadline = server.launched_at + timeout
    while time.perf_counter() < deadline:
        if server.process.poll() is not None:
            tail = server.log_path.read_text(errors="replace")[-3000:]
            raise RuntimeError(f"{server.name} exited ({server.process.returncode}):\n{tail}")
        try:
            reply = requests.post(server.webhook, json={"sender": "bench-startup", "message": message},
                                  timeout=30)
            if reply.status_code == 200 and reply.json():
                server.startup_s = time.perf_counter() - server.launched_at
                server.first_answer = reply.json()
                return server.startup_s
        except (requests.RequestException, ValueError):
            pass
        time.sleep(0.1)
    raise TimeoutError(f"{server.name}: no answer within {timeout:.0f} s, see {server.log_path}")


def _children() -> Dict[int, List[int]]:
    children: Dict[int, List[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            stat = Path(entry.path, "stat").read_text()
        except OSError:
            continue
        # The command name may contain spaces and parentheses; fields follow the last ')'.
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry.name))
    return children


def process_tree(pid: int) -> List[int]:
    """``pid`` and all its descendants alive now."""
    children = _children()
    found, pending = [], [pid]
    while pending:
        current = pending.pop()
        found.append(current)
        pending.extend(children.get(current, []))
    return found


def rss_bytes(pid: int) -> int:
    """VmRSS of one process (0 when it has gone or is a zombie)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def cmdline(pid: int) -> List[str]:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace").split("\0")
    except OSError:
        return []


def memory_by_role(root: int, roles: Dict[str, Callable[[List[str]], bool]]) -> Dict[str, int]:
    """Resident memory of a process tree: per role (a matching process and its subtree) and total.

    A process belongs to the first role that matches it or one of its ancestors below
    ``root``; what matches no role (the launching shell) only counts towards ``total``.
    """
    children = _children()
    result = {role: 0 for role in roles}
    result["total"] = 0

    def walk(pid: int, role: Optional[str]) -> None:
        if role is None:
            args = cmdline(pid)
            role = next((name for name, matches in roles.items() if matches(args)), None)
        rss = rss_bytes(pid)
        result["total"] += rss
        if role is not None:
            result[role] += rss
        for child in children.get(pid, []):
            walk(child, role)

    walk(root, None)
    return result


def stop(server: Launched, grace: float = 20) -> None:
    """SIGTERM to the whole group, SIGKILL after ``grace`` seconds; then checks the ports."""
    try:
        group = os.getpgid(server.process.pid)
    except ProcessLookupError:
        group = server.process.pid  # leader gone; the group id is still its pid
    for sig, wait in ((signal.SIGTERM, grace), (signal.SIGKILL, 5)):
        try:
            os.killpg(group, sig)
        except ProcessLookupError:
            break
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline and _group_alive(group):
            if server.process.poll() is None:
                try:
                    server.process.wait(timeout=0.2)
                except subprocess.TimeoutExpired:
                    pass
            else:
                time.sleep(0.2)
        if not _group_alive(group):
            break
    busy = [port for port in server.ports if port_is_open(port)]
    if busy:
        raise RuntimeError(f"{server.name}: ports still in use after stop: {busy}")


def _group_alive(group: int) -> bool:
    try:
        os.killpg(group, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # Zombies of our own children still count as members until reaped.
    return any(_pgid(pid) == group and _state(pid) != "Z" for pid in _all_pids())


def _all_pids() -> List[int]:
    return [int(e.name) for e in os.scandir("/proc") if e.name.isdigit()]


def _stat_fields(pid: int) -> List[str]:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return []


def _pgid(pid: int) -> int:
    fields = _stat_fields(pid)
    return int(fields[2]) if len(fields) > 2 else -1


def _state(pid: int) -> str:
    fields = _stat_fields(pid)
    return fields[0] if fields else "?"
