"""Where the tracker store is, and the rows of it the report reads, streamed.

Why SQL and not Rasa's tracker-store API: ``retrieve_full_tracker`` builds a whole
``DialogueStateTracker`` per conversation (every event deserialised and replayed), which is
what makes ``rasa evaluate markers`` slow on a large store (see ``report/markers.py``). The
report needs a few columns of a few event types: one SELECT, ordered by conversation and
read row by row (a server-side cursor on PostgreSQL), keeps memory flat however large the
store is.

The database is the one the server writes: the ``tracker_store`` section of the same
endpoints file (its ``${VAR}`` expanded from the environment, as Rasa does), turned into a
URL by Rasa's own ``SQLTrackerStore.get_db_url`` — SQLite for ``make run``, PostgreSQL for
``PROFILE=production``, one code path through SQLAlchemy.
"""
from __future__ import annotations

import os
import re
import sys
import time
from pathlib import Path
from typing import Any, Dict, Iterator, List, NamedTuple, Optional, TextIO

import sqlalchemy as sa
import yaml

SESSION_START = "action_session_start"
# The rows the figures need; bot texts, featurization events and the other slots stay in
# the database. A Restarted event (type ``restart``) resets the slots like a new session.
WANTED_ACTIONS = (SESSION_START, "utter_out_of_scope")
WANTED_SLOTS = ("feedback", "last_answer")
RESET_TYPES = ("restart",)
# 「もしかして」 (or the menu): Rasa's two-stage fallback starting, an ActiveLoop event
# (actions/did_you_mean.py). Once the customer answers, Rasa reverts that answer (a
# ``rewind`` event) and stores it again as the clarified request: counted once.
DID_YOU_MEAN_LOOP = "action_two_stage_fallback"
REVERTED_TYPE = "rewind"
FALLBACK_INTENT = "nlu_fallback"

_EVENTS = sa.table(
    "events", sa.column("id"), sa.column("sender_id"), sa.column("type_name"), sa.column("timestamp"),
    sa.column("intent_name"), sa.column("action_name"), sa.column("data"),
)


class StoreError(RuntimeError):
    """The store cannot be read; the message says why in one line, for `make report`."""


class Row(NamedTuple):
    """One stored event. ``data`` (the event as JSON) only for slots and fallback messages:
    user events carry the whole NLU parse, and nothing else needs it."""

    sender_id: str
    type_name: str
    timestamp: Optional[float]
    intent_name: Optional[str]
    action_name: Optional[str]  # for slot events Rasa stores the slot's name here
    data: Optional[str]


def _expanded(value: Any, missing: List[str]) -> Any:
    """``${VAR}`` replaced from the environment, as Rasa's reader does; unset ones collected."""
    if isinstance(value, dict):
        return {key: _expanded(item, missing) for key, item in value.items()}
    if isinstance(value, list):
        return [_expanded(item, missing) for item in value]
    if isinstance(value, str):
        def lookup(match: "re.Match[str]") -> str:
            if match.group(1) not in os.environ:
                missing.append(match.group(1))
            return os.environ.get(match.group(1), "")
        return re.sub(r"\$\{([^}]+)\}", lookup, value)
    return value


def tracker_store_section(endpoints: Path) -> Dict[str, Any]:
    """The ``tracker_store`` section alone, expanded: the production file's other sections
    (action server, Redis) need variables the report has no use for, so Rasa's reader,
    which expands the whole file, would ask for them."""
    if not endpoints.is_file():
        raise StoreError(f"{endpoints}: no such endpoints file")
    section = (yaml.safe_load(endpoints.read_text(encoding="utf-8")) or {}).get("tracker_store")
    if not isinstance(section, dict):
        raise StoreError(f"{endpoints} has no tracker_store section")
    missing: List[str] = []
    section = _expanded(section, missing)
    if missing:
        raise StoreError(f"{endpoints}: set {', '.join(sorted(set(missing)))} (its tracker_store reads them)")
    return section


def database_url(endpoints: Path) -> sa.engine.URL:
    """The URL of the SQL tracker store ``endpoints`` configures, as Rasa builds it."""
    import importlib

    from rasa.core.tracker_store import SQLTrackerStore
    from rasa.utils.endpoints import EndpointConfig

    config = EndpointConfig.from_dict(tracker_store_section(endpoints))
    store_type = str(config.type or "")
    if store_type.lower() != "sql":
        module_name, _, class_name = store_type.rpartition(".")
        try:
            cls = getattr(importlib.import_module(module_name), class_name)
        except (ImportError, AttributeError, ValueError) as error:
            raise StoreError(f"{endpoints}: tracker store type {store_type!r} cannot be loaded") from error
        if not (isinstance(cls, type) and issubclass(cls, SQLTrackerStore)):
            raise StoreError(f"{endpoints}: the report reads SQL tracker stores; {store_type} is not one")
    options = config.kwargs
    dialect = options.get("dialect", "sqlite")
    db = str(options.get("db", "rasa.db"))
    if dialect == "sqlite" and not Path(db).is_file():
        raise StoreError(f"no tracker store at {db}: `make run` creates it when it starts")
    port = options.get("port")
    # The events are in ``db`` itself; ``login_db`` is only where Rasa connects to create it.
    return SQLTrackerStore.get_db_url(
        dialect, config.url, int(port) if port not in (None, "") else None, db,
        options.get("username"), options.get("password"), None, options.get("query"),
    )


def connect(url: sa.engine.URL) -> sa.engine.Engine:
    return sa.create_engine(url)


def _wanted() -> sa.sql.ColumnElement:
    c = _EVENTS.c
    return sa.or_(
        c.type_name == "user",
        sa.and_(c.type_name == "action", c.action_name.in_(WANTED_ACTIONS)),
        sa.and_(c.type_name == "slot", c.action_name.in_(WANTED_SLOTS)),
        c.type_name.in_(RESET_TYPES),
        sa.and_(c.type_name == "active_loop", c.action_name == DID_YOU_MEAN_LOOP),
        c.type_name == REVERTED_TYPE,
    )


class Progress:
    """``report: read 120,000 of 400,000 events (30%)`` on stderr, at most once a second:
    nothing on a small store, a sign of life on a large one."""

    def __init__(self, total: int, stream: TextIO = sys.stderr, every_s: float = 1.0) -> None:
        self.total = total
        self.stream = stream
        self.every_s = every_s
        self.started = self.last = time.monotonic()

    def __call__(self, done: int) -> None:
        now = time.monotonic()
        if now - self.last >= self.every_s:
            self.last = now
            share = f" ({done / self.total:.0%})" if self.total else ""
            print(f"report: read {done:,} of {self.total:,} events{share}", file=self.stream, flush=True)


def read_events(engine: sa.engine.Engine, progress: bool = True, batch: int = 5000) -> Iterator[Row]:
    """The wanted events of every conversation, sender by sender, each sender's in stored order."""
    c = _EVENTS.c
    data = sa.case((sa.or_(c.type_name == "slot", c.intent_name == FALLBACK_INTENT), c.data), else_=None)
    query = (sa.select(c.sender_id, c.type_name, c.timestamp, c.intent_name, c.action_name, data)
             .where(_wanted()).order_by(c.sender_id, c.id))
    with engine.connect() as conn:
        try:
            count = sa.select(sa.func.count()).select_from(_EVENTS).where(_wanted())
            total = conn.execute(count).scalar_one()
        except sa.exc.SQLAlchemyError as error:
            raise StoreError(f"cannot read the tracker store: {str(error).splitlines()[0]}") from error
        tick = Progress(total) if progress else None
        result = conn.execution_options(stream_results=True).execute(query)
        done = 0
        for rows in result.partitions(batch):
            for row in rows:
                yield Row(*row)
            done += len(rows)
            if tick:
                tick(done)
