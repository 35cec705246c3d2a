"""endpoints.yml with another tracker database or another action server, written to a file.

Why one helper: tests, the benchmark and `make run ACTIONS=server` each run the bot with
the project's endpoints but a store or action port of their own; written once, those
copies cannot drift from endpoints.yml (its headers and timeouts come along).
"""
from __future__ import annotations

from pathlib import Path
from typing import Optional
from urllib.parse import urlsplit, urlunsplit

import yaml

from devtools.paths import ROOT

DEVELOPMENT = ROOT / "endpoints.yml"


def write_endpoints(path: Path, source: Path = DEVELOPMENT, tracker_db: Optional[Path] = None,
                    actions_port: Optional[int] = None) -> Path:
    """Writes ``source`` to ``path`` with these changes, and returns ``path``.

    ``tracker_db``: the SQLite file of the tracker store. ``actions_port``: Rasa calls an
    action server on this port instead of running the actions itself (``actions_module``
    goes); an action URL taken from a variable, as in endpoints.production.yml, is left
    to that variable.
    """
    endpoints = yaml.safe_load(source.read_text(encoding="utf-8"))
    if tracker_db is not None:
        endpoints["tracker_store"]["db"] = str(tracker_db)
    if actions_port is not None:
        action = endpoints["action_endpoint"]
        action.pop("actions_module", None)
        url = urlsplit(action["url"])
        if url.hostname:
            action["url"] = urlunsplit(url._replace(netloc=f"{url.hostname}:{actions_port}"))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(endpoints, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path
