"""`make report` against conversations the bot really served, counted by what was sent.

A Rasa server of this module's own (its own SQLite tracker store, actions inside it as
`make run` starts it) serves nine customers through the REST channel; the report is then
run on that store as `make report` runs it, and every figure checked against what the
customers sent and got back. Topics and feedback come from the menu's and the answers'
buttons (their payloads fix the intent); for the typed messages, Rasa's own HTTP API (its
tracker endpoint, not the report's SQL) first confirms the model still reads them as this
test assumes.
"""
from __future__ import annotations

import datetime as dt
import subprocess
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, Iterator, List, Optional, Tuple

import pytest
import requests
import yaml

from report import figures, markers, store
from report.synthetic import fill_store
from tests.helpers import ROOT, VENV_BIN, Bot, RasaServer, env

TOKEN = "report-test-api-token"
# The first stage of the two-stage fallback: 「もしかして」, or the menu with no likely topic.
FIRST_STAGE = ("もしかして", "うまく理解できませんでした")
GIBBERISH = "asdfghjkl"  # nlu_fallback
GIBBERISH_2 = "ほげほげ"  # nlu_fallback
EMPTY = "\u3000"  # an ideographic space: the channel flags it nlu_fallback (channels/guard.py)
OUT_OF_SCOPE = "ねこ"


def tokyo_today() -> dt.date:
    return dt.datetime.now(figures.timezone("Asia/Tokyo")).date()


@dataclass
class Sent:
    """What the customers did and saw: the expected figures."""

    messages: int = 0
    did_you_mean: int = 0
    # The day in Tokyo before and after each conversation's first message (one, but for midnight).
    first_message_days: List[Tuple[dt.date, dt.date]] = field(default_factory=list)
    # (sender, index of the message among its own, text, the intent assumed)
    assumed: List[Tuple[str, int, str, str]] = field(default_factory=list)


class Customer:
    """One conversation over the REST channel, counted into ``sent``."""

    def __init__(self, bot: Bot, sent: Sent) -> None:
        self.bot, self.sent = bot, sent
        self.sender = f"report-{uuid.uuid4().hex[:10]}"
        self.replies: List[dict] = []
        self.count = 0

    def say(self, text: str) -> "Customer":
        before = tokyo_today()
        self.replies = self.bot.send(self.sender, text)
        if self.count == 0:
            self.sent.first_message_days.append((before, tokyo_today()))
        self.sent.messages += 1
        self.count += 1
        self.sent.did_you_mean += sum(any(words in r.get("text", "") for words in FIRST_STAGE)
                                      for r in self.replies)
        return self

    def type(self, text: str, intent: str) -> "Customer":
        """A typed message the test assumes the model reads as ``intent`` (checked later)."""
        self.sent.assumed.append((self.sender, self.count, text, intent))
        return self.say(text)

    def press(self, title: str) -> "Customer":
        buttons = {b["title"]: b["payload"] for r in self.replies for b in r.get("buttons", [])}
        assert title in buttons, f"no button {title!r} in {self.replies}"
        return self.say(buttons[title])


def converse(bot: Bot) -> Sent:
    sent = Sent()

    def customer() -> Customer:
        return Customer(bot, sent)

    customer().say("/cancel_penalty").press("解決した")
    customer().say("/shipping_delay").press("解決しない")
    customer().say("/cancel_penalty").press("解決しない")
    customer().type(GIBBERISH, "nlu_fallback").say("/return_item").press("Amazonから発送").press("解決した")
    # The second misunderstanding in a row gets the contact paths.
    customer().type(GIBBERISH, "nlu_fallback").type(GIBBERISH_2, "nlu_fallback")
    customer().say(EMPTY).say("/refund")
    customer().type(OUT_OF_SCOPE, "out_of_scope")
    customer().say("/contact_support")
    customer().say("/cancel_order")
    return sent


EXPECTED_TOPICS = {"shipping_delay": 1, "cancel_order": 1, "return_item": 1, "refund": 1,
                   "contact_support": 1, "cancel_penalty": 2, figures.NO_TOPIC: 2}
EXPECTED_FALLBACKS = {GIBBERISH: 2, GIBBERISH_2: 1, "(empty message)": 1}


def intents_read(url: str, sender: str) -> List[str]:
    """The intent of each of the sender's messages, from Rasa's own tracker endpoint."""
    response = requests.get(f"{url}/conversations/{sender}/tracker", params={"token": TOKEN}, timeout=30)
    response.raise_for_status()
    return [e["parse_data"]["intent"]["name"] for e in response.json()["events"] if e["event"] == "user"]


def confirm_assumptions(url: str, sent: Sent) -> None:
    """A retrained model may read a typed message otherwise: then the test, not the report, is wrong."""
    for sender, nth, text, intent in sent.assumed:
        read = intents_read(url, sender)[nth]
        if read != intent:
            pytest.fail(f"the model no longer reads {text!r} as {intent} but as {read}: "
                        "choose another message for this test")


@pytest.fixture(scope="module")
def served(trained_model: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Tuple[RasaServer, Sent]]:
    server = RasaServer("rasa_report", trained_model, None, tmp_path_factory.mktemp("report_rasa"),
                        extra_args=["--enable-api", "--auth-token", TOKEN])
    try:
        server.start()
        sent = converse(Bot(server.url))
        confirm_assumptions(server.url, sent)
        yield server, sent
    finally:
        server.stop()


def run_report(endpoints: Path, out: Path, variables: Optional[Dict[str, str]] = None) -> Tuple[str, str]:
    """``python -m report`` as `make report` runs it; the Markdown and the HTML."""
    command = [str(VENV_BIN / "python"), "-m", "report", "--endpoints", str(endpoints), "--out", str(out)]
    result = subprocess.run(command, cwd=ROOT, env=env(**(variables or {})), capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    return (out / "report.md").read_text(encoding="utf-8"), (out / "report.html").read_text(encoding="utf-8")


def tables(markdown: str) -> Dict[str, List[List[str]]]:
    """Each section's table rows, its header and rule left out."""
    found: Dict[str, List[List[str]]] = {}
    title, previous = "", ""
    for line in markdown.splitlines():
        if line.startswith("## "):
            title = line[3:]
            found[title] = []
        elif line.startswith("|") and previous.startswith("|") and not set(line) <= set("|- "):
            found[title].append([cell.strip().replace("\\|", "|") for cell in line[1:-1].split(" | ")])
        previous = line
    return found


def number(cell: str) -> int:
    return int(cell.replace(",", ""))


@pytest.fixture(scope="module")
def report(served: Tuple[RasaServer, Sent],
           tmp_path_factory: pytest.TempPathFactory) -> Tuple[Dict[str, List[List[str]]], str, str]:
    server, _ = served
    markdown, page = run_report(server.db_path.parent / "endpoints.yml", tmp_path_factory.mktemp("report"))
    return tables(markdown), markdown, page


def test_conversations_per_topic_and_per_day(served, report) -> None:
    _, sent = served
    found, _, _ = report
    assert {row[0]: number(row[2]) for row in found["Conversations per topic"]} == EXPECTED_TOPICS
    per_day = {row[0]: number(row[1]) for row in found["Conversations per day"]}
    if all(before == after for before, after in sent.first_message_days):  # no midnight meanwhile
        assert per_day == dict(Counter(before.isoformat() for before, _ in sent.first_message_days))
    assert sum(per_day.values()) == len(sent.first_message_days) == 9
    summary = {row[0]: row[1:] for row in found["Summary"]}
    assert summary["conversations (sessions with a customer message)"] == ["9", ""]
    assert summary["customers (sender ids)"] == ["9", ""]
    assert summary["customer messages (button clicks included)"] == [str(sent.messages), ""]


def test_feedback_and_the_answers_it_judged(report) -> None:
    found, _, _ = report
    assert {row[0]: number(row[1]) for row in found["Feedback"]} == {
        "resolved (解決した)": 2, "unresolved (解決しない)": 2}
    summary = {row[0]: row[1:] for row in found["Summary"]}
    rate = "resolution rate: 「解決した」 / answers to 「この回答で解決しましたか？」"
    assert summary[rate] == ["50.0%", "2 of 4"]
    assert {row[0]: number(row[1]) for row in found["Answers most often followed by 「解決しない」"]} == {
        "shipping_delay": 1, "cancel_penalty": 1}


def test_messages_not_understood_as_stored(served, report) -> None:
    _, sent = served
    found, markdown, page = report
    texts = {row[1]: number(row[2]) for row in found["The 30 messages most often not understood"]}
    assert texts == EXPECTED_FALLBACKS
    summary = {row[0]: row[1:] for row in found["Summary"]}
    assert summary["fallback rate: messages with intent nlu_fallback"] == [
        f"{4 / sent.messages:.1%}", f"4 of {sent.messages}"]
    assert summary["out-of-scope rate: messages with intent out_of_scope"] == [
        f"{1 / sent.messages:.1%}", f"1 of {sent.messages}"]
    assert sent.did_you_mean >= 1
    assert summary["did-you-mean rate: 「もしかして」 (or the menu) after a message not understood"] == [
        f"{sent.did_you_mean / sent.messages:.1%}", f"{sent.did_you_mean} of {sent.messages}"]
    assert page.count("<td>(empty message)</td>") == 1


def test_rasa_markers_count_what_the_report_counts(served) -> None:
    """markers.yml is the definition; `rasa evaluate markers` on this store must agree."""
    server, sent = served
    endpoints = server.db_path.parent / "endpoints.yml"
    engine = store.connect(store.database_url(endpoints))
    ours = markers.from_figures(figures.compute(store.read_events(engine, progress=False)))
    assert ours == {"fallback": 4, "out_of_scope": 1, "resolved": 2, "unresolved": 2}
    assert markers.from_rasa(endpoints) == ours


def test_the_production_profile_reads_postgresql(backing_services, tmp_path: Path) -> None:
    """The same code path on PostgreSQL, through endpoints.production.yml and its variables."""
    postgres, _ = backing_services
    database = f"report_{uuid.uuid4().hex[:8]}"  # not the database other tests' servers write
    postgres.create_database(database)
    variables = {**postgres.env(), "POSTGRES_DB": database}
    production = yaml.safe_load((ROOT / "endpoints.production.yml").read_text(encoding="utf-8"))
    assert production["tracker_store"]["dialect"] == "postgresql"
    truth = fill_store(_postgres_url(variables), conversations=300, seed=11)
    markdown, _ = run_report(ROOT / "endpoints.production.yml", tmp_path / "results", variables)
    found = tables(markdown)
    assert {row[0]: number(row[2]) for row in found["Conversations per topic"]} == dict(truth.topics())
    assert {row[0]: number(row[1]) for row in found["Feedback"]} == {
        "resolved (解決した)": truth.resolved, "unresolved (解決しない)": truth.unresolved}
    assert {row[1]: number(row[2]) for row in found["The 30 messages most often not understood"]} == dict(
        figures.ranked(truth.fallback_texts, 30))
    assert f"postgresql://{variables['POSTGRES_USER']}:***@" in markdown
    assert variables["POSTGRES_PASSWORD"] not in markdown


def _postgres_url(variables: Dict[str, str]):
    import sqlalchemy as sa

    return sa.engine.URL.create("postgresql", variables["POSTGRES_USER"], variables["POSTGRES_PASSWORD"],
                                variables["POSTGRES_HOST"], int(variables["POSTGRES_PORT"]),
                                variables["POSTGRES_DB"])
