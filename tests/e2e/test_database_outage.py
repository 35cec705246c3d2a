"""PostgreSQL stops in the middle of a conversation and comes back.

While it is down the bot says so (with the customer-service procedure), the health
endpoint reports it, and nothing is acknowledged that is not stored; afterwards the
conversation goes on from where the database left it.
"""
from __future__ import annotations

import json
import os
import signal
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Iterator

import pytest
import requests

from devtools.services import BlackHole
from tests.helpers import Bot, RasaServer, production_server, socket_turn, wait_until_healthy

APOLOGY = "この会話を続けることができません"


def test_outage_is_loud_and_loses_nothing(backing_services, production_rasa: RasaServer) -> None:
    postgres, _ = backing_services
    bot = Bot(production_rasa.url)
    health = f"{production_rasa.url}/webhooks/rest/health"
    sender = f"outage-{uuid.uuid4().hex[:8]}"

    assert "ステータス" in bot.say(sender, "注文をキャンセルしたい")
    assert requests.get(health, timeout=10).status_code == 200

    postgres.stop()
    try:
        reply = bot.say(sender, "出荷準備中です")
        assert APOLOGY in reply and "「カスタマーサービスに連絡」" in reply
        down = requests.get(health, timeout=10)
        assert down.status_code == 503 and down.json()["tracker_store"] == "unavailable"
    finally:
        postgres.start()

    assert requests.get(health, timeout=10).status_code == 200
    # The open question survived: the answer to it continues the cancel flow.
    assert "「キャンセルできない場合がある」" in bot.say(sender, "出荷準備中です")
    rows = postgres.query(
        "SELECT data FROM events WHERE sender_id = %s AND type_name = 'user' ORDER BY id", sender)
    assert [json.loads(data)["text"] for (data,) in rows] == ["注文をキャンセルしたい", "出荷準備中です"]


def test_a_frozen_database_never_stalls_the_bot(backing_services, production_rasa: RasaServer) -> None:
    """PostgreSQL stopped with SIGSTOP (it accepts connections and never answers) while 8
    customers write at once: each gets an answer or the apology, the health endpoint answers,
    and once the database is back every acknowledged message is stored. (Before: the ping and
    Rasa's own SQL calls ran on the event loop, and every customer hung with the database.)
    The request timeouts only turn a hang into a failure; times are for `make bench`."""
    postgres, _ = backing_services
    bot = Bot(production_rasa.url)
    health = f"{production_rasa.url}/webhooks/rest/health"
    senders = [f"frozen-{i}-{uuid.uuid4().hex[:6]}" for i in range(8)]
    for sender in senders:
        assert "ステータス" in bot.say(sender, "注文をキャンセルしたい")
    frozen = postgres.processes()
    for pid in frozen:
        os.kill(pid, signal.SIGSTOP)
    try:
        with ThreadPoolExecutor(len(senders)) as pool:
            replies = list(pool.map(lambda sender: bot.say(sender, "出荷準備中です"), senders))
        for reply in replies:
            assert APOLOGY in reply or "「キャンセルできない場合がある」" in reply, reply
        down = requests.get(health, timeout=60)
        assert down.status_code == 503
    finally:
        for pid in frozen:
            os.kill(pid, signal.SIGCONT)
    wait_until_healthy(production_rasa.url)
    for sender, reply in zip(senders, replies):
        rows = postgres.query(
            "SELECT data FROM events WHERE sender_id = %s AND type_name = 'user' ORDER BY id", sender)
        stored = [json.loads(data)["text"] for (data,) in rows]
        if APOLOGY not in reply:  # acknowledged: it must be stored
            assert stored == ["注文をキャンセルしたい", "出荷準備中です"], (sender, stored)


@pytest.fixture
def black_hole(backing_services) -> Iterator[BlackHole]:
    postgres, _ = backing_services
    with BlackHole(postgres.port) as hole:
        yield hole


def test_a_black_holed_database_never_stalls_the_bot(
    backing_services, black_hole: BlackHole, trained_model: str, action_server: str, tmp_path
) -> None:
    """The database's address accepts connections and never answers (a dead link, a hung
    host): 8 customers writing at once each get an answer or the apology, the health
    endpoint answers, and afterwards every acknowledged message is stored."""
    postgres, _ = backing_services
    with production_server("rasa_black_hole", backing_services, trained_model, action_server, tmp_path,
                           POSTGRES_PORT=str(black_hole.port)) as server:
        bot = Bot(server.url)
        senders = [f"holed-{i}-{uuid.uuid4().hex[:6]}" for i in range(8)]
        for sender in senders:
            assert "ステータス" in bot.say(sender, "注文をキャンセルしたい")
        black_hole.black_hole()
        try:
            with ThreadPoolExecutor(len(senders)) as pool:
                replies = list(pool.map(lambda sender: bot.say(sender, "出荷準備中です"), senders))
            for reply in replies:
                assert APOLOGY in reply or "「キャンセルできない場合がある」" in reply, reply
            assert requests.get(f"{server.url}/webhooks/rest/health", timeout=60).status_code == 503
        finally:
            black_hole.restore()
        wait_until_healthy(server.url)
        assert "「キャンセルできない場合がある」" in bot.say(senders[0], "出荷準備中です")
        for sender, reply in zip(senders, replies):
            rows = postgres.query(
                "SELECT data FROM events WHERE sender_id = %s AND type_name = 'user' ORDER BY id",
                sender)
            stored = [json.loads(data)["text"] for (data,) in rows]
            assert stored[0] == "注文をキャンセルしたい", (sender, stored)
            if APOLOGY not in reply:  # acknowledged: it must be stored
                assert stored[1] == "出荷準備中です", (sender, stored)


def test_rasa_starts_behind_a_black_holed_database(
    backing_services, black_hole: BlackHole, trained_model: str, action_server: str, tmp_path
) -> None:
    """Rasa's SQL store connects in its constructor; without a connect timeout the server
    never came up while the database did not answer."""
    postgres, _ = backing_services
    postgres.create_database("started_behind_hole")
    black_hole.black_hole()
    with production_server("rasa_behind_hole", backing_services, trained_model, action_server, tmp_path,
                           POSTGRES_PORT=str(black_hole.port), POSTGRES_DB="started_behind_hole") as server:
        sender = f"behind-{uuid.uuid4().hex[:8]}"
        assert APOLOGY in Bot(server.url).say(sender, "注文をキャンセルしたい")
        black_hole.restore()
        wait_until_healthy(server.url)
        assert "ステータス" in Bot(server.url).say(sender, "注文をキャンセルしたい")


def test_outage_is_loud_on_the_chat_page_channel(backing_services, production_rasa: RasaServer) -> None:
    postgres, _ = backing_services
    session = uuid.uuid4().hex
    assert "ステータス" in socket_turn(production_rasa.url, session, "注文をキャンセルしたい")
    postgres.stop()
    try:
        reply = socket_turn(production_rasa.url, session, "出荷準備中です")
        assert APOLOGY in reply and "「カスタマーサービスに連絡」" in reply
    finally:
        postgres.start()
    reply = socket_turn(production_rasa.url, session, "出荷準備中です")
    assert "「キャンセルできない場合がある」" in reply


def test_rasa_started_while_the_database_was_down_creates_its_tables(
    backing_services, trained_model: str, action_server: str, tmp_path
) -> None:
    """Rasa only logs that it could not create its tables; the store creates them later."""
    postgres, _ = backing_services
    postgres.create_database("started_while_down")
    postgres.stop()
    server = production_server("rasa_started_while_down", backing_services, trained_model, action_server,
                               tmp_path, POSTGRES_DB="started_while_down")
    try:
        try:
            server.start()
        finally:
            postgres.start()
        assert "ステータス" in Bot(server.url).say(f"late-{uuid.uuid4().hex[:8]}", "注文をキャンセルしたい")
    finally:
        server.stop()
