"""「この回答で解決しましたか？」: asked after a procedure answer, never in the way of a new
question, and its answers kept in the tracker store where a report can count them."""
from __future__ import annotations

import json
import sqlite3
import uuid
from typing import List, Tuple

from tests.helpers import Bot, RasaServer

QUESTION = "この回答で解決しましたか？"


def feedback_events(db_path, sender: str) -> List[Tuple[str, str]]:
    """(kind, value) of the stored events that record the customer's feedback."""
    with sqlite3.connect(db_path) as db:
        rows = db.execute("SELECT type_name, data FROM events WHERE sender_id = ? ORDER BY id",
                          (sender,)).fetchall()
    found = []
    for type_name, data in rows:
        event = json.loads(data)
        if type_name == "user":
            found += [("user", e["value"]) for e in event["parse_data"]["entities"]
                      if e["entity"] == "feedback"]
        elif type_name == "slot" and event["name"] == "feedback":
            found.append(("slot", event["value"]))
    return found


def test_resolved_gets_thanks_and_is_stored(rasa_process: RasaServer) -> None:
    bot, sender = Bot(rasa_process.url), f"feedback-{uuid.uuid4().hex[:8]}"
    bot.say(sender, "注文をキャンセルしたい")
    answer = bot.send(sender, "出荷準備前です")
    assert answer[-1]["text"].endswith(QUESTION)
    titles = [b["title"] for b in answer[-1]["buttons"]]
    assert titles[-2:] == ["解決した", "解決しない"] and len(titles) > 2  # the answer's own stay
    resolved = next(b["payload"] for b in answer[-1]["buttons"] if b["title"] == "解決した")
    assert "解決してよかったです" in bot.say(sender, resolved)
    assert feedback_events(rasa_process.db_path, sender) == [("user", "resolved"), ("slot", "resolved")]


def test_unresolved_gets_the_contact_paths_with_the_summary(rasa_process: RasaServer) -> None:
    bot, sender = Bot(rasa_process.url), f"feedback-{uuid.uuid4().hex[:8]}"
    bot.say(sender, "返品したいです")
    answer = bot.send(sender, "Amazonから発送")
    unresolved = next(b["payload"] for b in answer[-1]["buttons"] if b["title"] == "解決しない")
    reply = bot.say(sender, unresolved)
    assert "用件：返品" in reply  # the hand-off summary
    assert "「カスタマーサービスに連絡」" in reply and "[チャットで問い合わせる]" in reply
    assert QUESTION not in reply  # the contact paths are where 「解決しない」 leads
    assert feedback_events(rasa_process.db_path, sender) == [("user", "unresolved"), ("slot", "unresolved")]


def test_the_question_never_blocks_a_new_one(rasa_process: RasaServer) -> None:
    bot, sender = Bot(rasa_process.url), f"feedback-{uuid.uuid4().hex[:8]}"
    assert QUESTION in bot.say(sender, "キャンセルのペナルティはありますか")
    assert "どこから購入しましたか" in bot.say(sender, "返品したいです")
    assert feedback_events(rasa_process.db_path, sender) == []
