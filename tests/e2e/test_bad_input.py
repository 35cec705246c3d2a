"""Bad input over both channels: never a 5xx, always a reply, server stays up."""
from __future__ import annotations

import uuid

import pytest
import requests

from channels.socketio import MALFORMED_REPLY
from tests.helpers import Bot, socket_turn

EMPTY_PROMPT = "メッセージが空のようです"
TOO_LONG = "メッセージが長すぎるため"
NOT_JAPANESE = "日本語でのご案内のみ"

NASTY = {
    "empty": "",
    "whitespace": " \t\n",
    "ideographic space": "\u3000\u3000",
    "zero-width only": "\u200b\ufeff\u200d",
    "20k characters": "キャンセル" * 4000,
    "40k ascii": "a" * 40000,
    "a megabyte of letters and digits": "a1" * 500_000,
    "a million Japanese characters": "返品" * 500_000,
    "control characters and NUL": "注文\x00を\x01キャンセル\x1b[31m",
    "lone surrogates": "返品\ud800したい\udfff",
    "emoji only": "📦😭🙏",
    "zero width and combining": "キャ\u200bンセル\u0301した\ufeffい",
    "half-width kana and full-width digits": "ﾁｭｳﾓﾝ１２３をｷｬﾝｾﾙしたい",
    "html and js": "<img src=x onerror=alert(1)><script>alert('x')</script>",
    "template injection": "{{7*7}} ${7*7} {% raw %}{{ config }}{% endraw %} {0.__class__}",
    "sql injection": "'; DROP TABLE events; -- \" OR 1=1 --",
    "intent payload with unknown intent": "/no_such_intent{\"seller\": \"x\"}",
    "broken intent payload": "/cancel_order{\"order_status\": ",
    "an English sentence": "Hi, can I talk to a human? My package never arrived.",
}
EXPECTED = {"empty": EMPTY_PROMPT, "whitespace": EMPTY_PROMPT, "ideographic space": EMPTY_PROMPT,
            "zero-width only": EMPTY_PROMPT, "20k characters": TOO_LONG, "40k ascii": TOO_LONG,
            "a megabyte of letters and digits": TOO_LONG, "a million Japanese characters": TOO_LONG,
            "an English sentence": NOT_JAPANESE}


@pytest.mark.parametrize("name", list(NASTY))
def test_bad_message_over_rest_gets_a_reply(bot: Bot, sender: str, name: str) -> None:
    # The timeout only turns a hang into a failure; reply times are in `make bench`.
    reply = requests.post(bot.url, json={"sender": sender, "message": NASTY[name]}, timeout=120)
    assert reply.status_code == 200, reply.text
    texts = "\n".join(m.get("text", "") for m in reply.json())
    assert texts, "no reply"
    assert EXPECTED.get(name, "") in texts
    assert "<script>" not in texts and "49" not in texts


# engine.io refused packets over 1 MB before Rasa saw them (the connection dropped and the
# customer was told nothing); credentials.yml's max_packet_bytes lets the guard answer.
@pytest.mark.parametrize("name", list(NASTY))
def test_bad_message_over_socketio_gets_a_reply(rasa_server: str, name: str) -> None:
    reply = socket_turn(rasa_server, uuid.uuid4().hex, NASTY[name], settle=0.5)
    assert reply and EXPECTED.get(name, "") in reply
    assert "<script>" not in reply and "49" not in reply


MALFORMED_EVENTS = {
    "string": lambda session: "just a string",
    "list": lambda session: ["a", "list"],
    "numeric message": lambda session: {"message": 42, "session_id": session},
    "no session id": lambda session: {"message": "hi"},  # the page always sends one
    "metadata not json": lambda session: {"message": "hi", "session_id": session, "metadata": "{not"},
    "metadata a list": lambda session: {"message": "hi", "session_id": session, "metadata": [1]},
}


@pytest.mark.parametrize("name", list(MALFORMED_EVENTS))
def test_malformed_socketio_event_gets_a_clear_reply(rasa_server: str, name: str) -> None:
    session = uuid.uuid4().hex
    reply = socket_turn(rasa_server, session, raw=MALFORMED_EVENTS[name](session), settle=0.2)
    assert MALFORMED_REPLY in reply


def test_server_still_answers_after_the_bad_input(bot: Bot, sender: str) -> None:
    assert "ステータス" in bot.say(sender, "注文をキャンセルしたい")


def test_a_too_long_answer_to_a_question_asks_for_a_shorter_one(bot: Bot, sender: str) -> None:
    bot.say(sender, "注文をキャンセルしたい")
    reply = bot.say(sender, "出荷準備前" * 500)
    assert TOO_LONG in reply and "ステータス" in reply
    assert "「注文をキャンセル」" in bot.say(sender, "出荷準備前です")


def test_english_while_a_question_is_asked_gets_the_notice_and_the_question(bot: Bot, sender: str) -> None:
    """Role-play 6: 「Hi, can I talk to a human?」 got 「別の言い方で入力していただけますか」 only."""
    bot.say(sender, "注文をキャンセルしたい")
    reply = bot.say(sender, "I don't know the status of my order")
    assert NOT_JAPANESE in reply and "ステータス" in reply
    assert "「注文をキャンセル」" in bot.say(sender, "出荷準備前です")


MALFORMED = {
    "not json": b"this is not json",
    "json array": b'["sender", "message"]',
    "json string": b'"hello"',
    "missing sender": b'{"message": "hi"}',
    "numeric sender": b'{"sender": 42, "message": "hi"}',
    "empty sender": b'{"sender": "  ", "message": "hi"}',
    "sender with control characters": b'{"sender": "a\\u0000b", "message": "hi"}',
    "sender too long": b'{"sender": "' + b"x" * 300 + b'", "message": "hi"}',
    "numeric message": b'{"sender": "a", "message": 42}',
    "object message": b'{"sender": "a", "message": {"text": "hi"}}',
}


@pytest.mark.parametrize("name", list(MALFORMED))
def test_malformed_body_is_a_clear_400_not_a_500(bot: Bot, name: str) -> None:
    reply = requests.post(bot.url, data=MALFORMED[name], headers={"Content-Type": "application/json"},
                          timeout=30)
    assert reply.status_code == 400, reply.text
    assert reply.json()["error"] == "リクエストの形式が正しくありません。"
