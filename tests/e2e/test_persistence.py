"""A conversation started before a restart of the Rasa server continues after it."""
from __future__ import annotations

import json
import sqlite3
import uuid
from typing import Iterator

import pytest

from tests.helpers import Bot, RasaServer


@pytest.fixture
def restartable(trained_model: str, action_server: str, tmp_path) -> Iterator[RasaServer]:
    with RasaServer("rasa_restartable", trained_model, action_server, tmp_path) as server:
        yield server


def user_texts(db_path, sender: str) -> list:
    with sqlite3.connect(db_path) as db:
        rows = db.execute(
            "SELECT data FROM events WHERE sender_id = ? AND type_name = 'user' ORDER BY id", (sender,)
        ).fetchall()
    return [json.loads(data)["text"] for (data,) in rows]


def test_form_and_history_survive_a_restart(restartable: RasaServer) -> None:
    bot = Bot(restartable.url)
    sender = f"restart-{uuid.uuid4().hex[:8]}"
    assert "ステータス" in bot.say(sender, "注文をキャンセルしたい")

    restartable.restart()

    # The open question (cancel_form, requested_slot order_status) is still there:
    # a bare status answers it.
    reply = bot.say(sender, "出荷準備中です")
    assert "「キャンセルできない場合がある」" in reply
    assert user_texts(restartable.db_path, sender) == ["注文をキャンセルしたい", "出荷準備中です"]
