"""Phone numbers, e-mail addresses and card numbers never reach the database or the log.

A Rasa server with debug logging (which logs every user message; the session's server with
the action server, tests/conftest.py) gets a conversation with each kind, in half-width and
full-width characters; then its SQLite tracker store and its log are read directly, whole:
what other tests sent there is checked too. The order number is kept: support needs it.
"""
from __future__ import annotations

import json
import sqlite3
import uuid
from typing import Any, Iterator

import yaml

from common.knowledge import load
from tests.helpers import ROOT, Bot, RasaServer

NOT_NEEDED = "このチャットでは、電話番号・メールアドレス・カード番号は必要ありません"
# What must not be stored or logged, each as a whole number or address (half-width
# forms included, in case anything normalised the text): a fragment as short as
# 「9876」 also occurs by chance inside a stored confidence or an id.
SECRETS = {
    "電話番号は090-1234-5678です": ["090-1234-5678", "09012345678"],
    "携帯は０８０－９８７６－５４３２です。連絡ください": [
        "９８７６－５４３２", "080-9876-5432", "08098765432", "０８０９８７６５４３２"],
    "固定電話 (03) 3123-4567 にお願いします": ["3123-4567", "0331234567"],
    "メールは taro.yamada@example.co.jp です": ["taro.yamada", "example.co.jp"],
    "ｈａｎａｋｏ＠ｅｘａｍｐｌｅ．ｊｐに送ってください": ["ｈａｎａｋｏ", "hanako"],
    "カード番号は4111 1111 1111 1111です": ["4111 1111", "4111111111111111"],
    "カードは４５３２－０１５１－１２８３－０３６６で払いました": [
        "４５３２－０１５１", "１２８３－０３６６", "4532-0151-1283-0366", "4532015112830366"],
}
ORDER_NUMBERS = ["注文番号は250-2468024-1357913です", "注文番号 ２５０－１１２２３３４－５５６６７７８"]


def stored_texts(db_path) -> str:
    with sqlite3.connect(db_path) as db:
        return "\n".join(data for (data,) in db.execute("SELECT data FROM events"))


def test_personal_data_is_masked_before_storage_and_logs(remote_actions_process: RasaServer) -> None:
    debug_rasa = remote_actions_process  # with --debug
    bot, sender = Bot(debug_rasa.url), f"pii-{uuid.uuid4().hex[:8]}"
    for message in SECRETS:
        assert NOT_NEEDED in bot.say(sender, message), message
    for message in ORDER_NUMBERS:
        assert NOT_NEEDED not in bot.say(sender, message), message
    stored = json.loads(f"[{','.join(stored_texts(debug_rasa.db_path).splitlines())}]")
    user_texts = "\n".join(e["text"] for e in stored if e["event"] == "user")
    database = "\n".join(strings_in(stored))  # text fields only, never a confidence
    log = debug_rasa.log_tail(10**8)  # Rasa's structured log writes \\uXXXX escapes
    for message, fragments in SECRETS.items():
        for fragment in fragments:
            assert fragment not in database, (message, fragment)
            assert fragment not in log and escaped(fragment) not in log, (message, fragment)
    for placeholder in ("［電話番号］", "［メールアドレス］", "［カード番号］"):
        assert placeholder in user_texts
    assert "250-2468024-1357913" in user_texts and "２５０－１１２２３３４－５５６６７７８" in user_texts
    assert escaped("電話番号は［電話番号］です") in log  # the log did record the message, masked


def strings_in(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from strings_in(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings_in(item)


def escaped(text: str) -> str:
    return json.dumps(text)[1:-1]


def test_the_bot_never_asks_for_a_phone_or_card_number() -> None:
    knowledge = load()
    questions = [q.text for q in knowledge.questions.values()] + [knowledge.retry_intro]
    responses = yaml.safe_load((ROOT / "domain.yml").read_text())["responses"]
    questions += [v["text"] for variants in responses.values() for v in variants]
    for text in questions:
        for sensitive in ("電話番号", "カード番号", "メールアドレス"):
            assert sensitive not in text, text
