"""`make report`'s reading of a store (report/): no model, no server.

The synthetic store (report/synthetic.py) counts what it writes as it writes it; the report
must read back exactly those figures. The hand-written rows pin the definitions where they
are easy to get wrong: sessions, and the answer that 「解決しない」 judged.
"""
from __future__ import annotations

import base64
import datetime as dt
import io
import json
from pathlib import Path
from typing import Any, List

import pytest
import sqlalchemy as sa

from devtools.endpoints import write_endpoints
from report import figures, render, store
from report.store import Row
from report.synthetic import fill_store
from tests.helpers import ROOT


def sqlite_engine(path: Path) -> sa.engine.Engine:
    return sa.create_engine(sa.engine.URL.create("sqlite", database=str(path)))


def test_the_report_reads_back_what_the_store_holds(tmp_path: Path) -> None:
    truth = fill_store(tmp_path / "store.db", conversations=400, seed=3)
    found = figures.compute(store.read_events(sqlite_engine(tmp_path / "store.db"), progress=False))
    assert figures.as_dict(found) == figures.as_dict(truth)
    # The paths the definitions are about were all taken.
    assert found.senders < found.conversations == 400  # second sessions of one sender
    assert found.resolved and found.unresolved and found.fallback_messages and found.out_of_scope_messages
    assert found.per_topic[figures.NO_TOPIC] and len(found.unresolved_after) > 3


def user(sender: str, ts: float, intent: str, text: str = "…") -> Row:
    data = json.dumps({"event": "user", "text": text}) if intent == "nlu_fallback" else None
    return Row(sender, "user", ts, intent, None, data)


def slot(sender: str, name: str, value: Any) -> Row:
    return Row(sender, "slot", None, None, name, json.dumps({"event": "slot", "name": name, "value": value}))


def action(sender: str, name: str) -> Row:
    return Row(sender, "action", None, None, name, None)


TOKYO_NOON = dt.datetime(2026, 5, 1, 12, tzinfo=dt.timezone(dt.timedelta(hours=9))).timestamp()


def test_sessions_topics_and_the_answer_judged() -> None:
    a, b = "customer-a", "customer-b"
    rows: List[Row] = [
        action(a, "action_session_start"),
        user(a, TOKYO_NOON, "nlu_fallback", "ほげ"), action(a, "action_two_stage_fallback"),
        Row(a, "active_loop", None, None, "action_two_stage_fallback", None),
        # The customer's choice, reverted by Rasa and stored again as the clarified request.
        user(a, TOKYO_NOON + 2, "cancel_penalty"), Row(a, "rewind", None, None, None, None),
        user(a, TOKYO_NOON + 5, "cancel_penalty"), slot(a, "last_answer", "cancel_penalty"),
        user(a, TOKYO_NOON + 9, "contact_support"), slot(a, "feedback", "unresolved"),
        slot(a, "last_answer", "contact_choice"),
        # The next day: a new session, whose slots start empty.
        action(a, "action_session_start"),
        user(a, TOKYO_NOON + 86400, "contact_support"), slot(a, "feedback", "unresolved"),
        user(a, TOKYO_NOON + 86410, "thanks"), slot(a, "feedback", "resolved"),
        # A session nobody wrote in is no conversation.
        action(a, "action_session_start"),
        action(b, "action_session_start"),
        # Midnight in Tokyo: the next day.
        user(b, TOKYO_NOON + 12 * 3600, "out_of_scope"), action(b, "utter_out_of_scope"),
    ]
    found = figures.compute(rows, "Asia/Tokyo")
    assert (found.conversations, found.senders, found.user_messages) == (3, 2, 6)
    assert dict(found.per_day) == {dt.date(2026, 5, 1): 1, dt.date(2026, 5, 2): 2}
    assert dict(found.per_topic) == {"cancel_penalty": 1, "contact_support": 1, figures.NO_TOPIC: 1}
    assert (found.resolved, found.unresolved, found.resolution_rate) == (1, 2, 1 / 3)
    assert dict(found.unresolved_after) == {"cancel_penalty": 1, figures.NO_ANSWER: 1}
    assert (found.fallback_messages, found.did_you_mean) == (1, 1)
    assert dict(found.fallback_texts) == {"ほげ": 1}
    assert (found.out_of_scope_messages, found.out_of_scope_rate) == (1, 1 / 6)
    assert [d for d, _ in found.days()] == [dt.date(2026, 5, 1), dt.date(2026, 5, 2)]


def test_progress_goes_to_stderr_at_most_once_a_period() -> None:
    out = io.StringIO()
    tick = store.Progress(400_000, out, every_s=0)
    tick(120_000)
    assert out.getvalue() == "report: read 120,000 of 400,000 events (30%)\n"
    quiet = io.StringIO()
    store.Progress(400_000, quiet, every_s=3600)(120_000)
    assert quiet.getvalue() == ""


def test_the_store_of_each_profile(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "conversations.db"
    endpoints = write_endpoints(tmp_path / "endpoints.yml", tracker_db=db)
    with pytest.raises(store.StoreError, match="make run"):
        store.database_url(endpoints)
    db.touch()
    assert store.database_url(endpoints).render_as_string() == f"sqlite:///{db}"

    production = ROOT / "endpoints.production.yml"
    for name, value in {"POSTGRES_HOST": "db.internal", "POSTGRES_PORT": "6543", "POSTGRES_DB": "bot",
                        "POSTGRES_USER": "rasa", "POSTGRES_PASSWORD": "s3cret"}.items():
        monkeypatch.setenv(name, value)
    url = store.database_url(production)
    assert url.render_as_string(hide_password=True) == "postgresql://rasa:***@db.internal:6543/bot?connect_timeout=3"
    monkeypatch.delenv("POSTGRES_PASSWORD")
    with pytest.raises(store.StoreError, match="set POSTGRES_PASSWORD "):
        store.database_url(production)


def test_both_files_and_their_plots(tmp_path: Path) -> None:
    truth = fill_store(tmp_path / "store.db", conversations=60, seed=5)
    md_path, html_path = render.write(truth, tmp_path / "results", "sqlite:///store.db")
    plots = sorted(p.name for p in (tmp_path / "results" / "report").iterdir())
    assert plots == ["outcomes.png", "per_day.png", "per_topic.png", "unresolved_answers.png"]
    markdown, page = md_path.read_text(encoding="utf-8"), html_path.read_text(encoding="utf-8")
    assert f"| conversations (sessions with a customer message) | {truth.conversations} |  |" in markdown
    assert markdown.count("](report/") == 4
    embedded = page.split('src="data:image/png;base64,')[1:]
    assert len(embedded) == 4
    assert all(base64.b64decode(part.split('"')[0]).startswith(b"\x89PNG") for part in embedded)

    empty_md, _ = render.write(figures.Figures(), tmp_path / "empty", "sqlite:///empty.db")  # a fresh store
    assert "| conversations (sessions with a customer message) | 0 |  |" in empty_md.read_text("utf-8")
