"""Bad input never crashes NLU, actions or the server."""
from __future__ import annotations

import pytest
import requests

from tests.helpers import Bot

NASTY = {
    "empty": "",
    "whitespace": " \t\n",
    "ideographic space": "\u3000\u3000",
    "20k characters": "キャンセル" * 4000,
    "40k ascii": "a" * 40000,
    "control characters": "注文\x00を\x01キャンセル\x1b[31m",
    "emoji only": "📦😭🙏",
    "zero width and combining": "キャ\u200bンセル\u0301した\ufeffい",
    "half-width and full-width digits": "ﾁｭｳﾓﾝ１２３をｷｬﾝｾﾙしたい",
    "html": "<img src=x onerror=alert(1)>",
}


@pytest.mark.parametrize("name", list(NASTY))
def test_bad_message_gets_a_normal_response(bot: Bot, sender: str, name: str) -> None:
    replies = bot.send(sender, NASTY[name])
    assert isinstance(replies, list)


def test_server_still_answers_after_the_bad_input(bot: Bot, sender: str) -> None:
    assert "ステータス" in bot.say(sender, "注文をキャンセルしたい")


MALFORMED = {
    "not json": b"this is not json",
    "json array": b'["sender", "message"]',
    "json string": b'"hello"',
    "missing sender": b'{"message": "hi"}',
    "numeric sender": b'{"sender": 42, "message": "hi"}',
    "empty sender": b'{"sender": "  ", "message": "hi"}',
    "numeric message": b'{"sender": "a", "message": 42}',
    "object message": b'{"sender": "a", "message": {"text": "hi"}}',
}


@pytest.mark.parametrize("name", list(MALFORMED))
def test_malformed_body_is_a_clear_400_not_a_500(bot: Bot, name: str) -> None:
    reply = requests.post(bot.url, data=MALFORMED[name], headers={"Content-Type": "application/json"},
                          timeout=30)
    assert reply.status_code == 400, reply.text
    assert reply.json()["error"] == "リクエストの形式が正しくありません。"
