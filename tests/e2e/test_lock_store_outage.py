"""Redis (the production profile's lock store) stopped or black-holed mid-conversation.

Each customer gets the answer or the apology with the contact paths, never a hang or a
500, and the other customers are not held up. (Before: Rasa's Redis lock store called
Redis synchronously on the event loop, 10 s per call against a black hole, so eight
customers' messages took longer than any client waits.)
"""
from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Iterator

import pytest
import requests

from devtools.services import BlackHole
from tests.helpers import Bot, RasaServer, production_server

APOLOGY = "お答えを用意できませんでした"
ANSWER = "「キャンセルできない場合がある」"


# One proxy and one server for both faults: each test restores Redis (or the proxy) before it
# ends and checks that the health endpoint says so, and each uses senders of its own.
@pytest.fixture(scope="module")
def redis_hole(backing_services) -> Iterator[BlackHole]:
    _, redis_server = backing_services
    with BlackHole(redis_server.port) as hole:
        yield hole


@pytest.fixture(scope="module")
def rasa_behind_hole(backing_services, redis_hole: BlackHole, trained_model: str,
                     action_server: str, tmp_path_factory) -> Iterator[RasaServer]:
    with production_server("rasa_redis_hole", backing_services, trained_model, action_server,
                           tmp_path_factory.mktemp("redis_hole"), REDIS_PORT=str(redis_hole.port)) as server:
        yield server


def eight_customers_at_once(bot: Bot, senders: list) -> list:
    """Bot.say raises on a 500 and on a hang (its request timeout)."""
    with ThreadPoolExecutor(len(senders)) as pool:
        return list(pool.map(lambda sender: bot.say(sender, "出荷準備中です"), senders))


@pytest.mark.parametrize("fault", ["black hole", "stopped"])
def test_a_lock_store_fault_gets_an_apology_never_a_hang(
    fault: str, backing_services, redis_hole: BlackHole, rasa_behind_hole: RasaServer
) -> None:
    _, redis_server = backing_services
    bot = Bot(rasa_behind_hole.url)
    senders = [f"lock-{i}-{uuid.uuid4().hex[:6]}" for i in range(8)]
    for sender in senders:
        assert "ステータス" in bot.say(sender, "注文をキャンセルしたい")
    if fault == "black hole":
        redis_hole.black_hole()
    else:
        redis_server.stop()
    try:
        for text in eight_customers_at_once(bot, senders):
            assert APOLOGY in text or ANSWER in text, text
            if APOLOGY in text:
                assert "「今すぐチャットをはじめる」" in text
        health = requests.get(f"{rasa_behind_hole.url}/webhooks/rest/health", timeout=30)
        assert health.status_code == 503 and health.json()["lock_store"] == "unavailable"
    finally:
        if fault == "black hole":
            redis_hole.restore()
        else:
            redis_server.start()
    health = requests.get(f"{rasa_behind_hole.url}/webhooks/rest/health", timeout=30)
    assert health.status_code == 200 and health.json()["lock_store"] == "ok"
    assert "ステータス" in bot.say(f"after-{uuid.uuid4().hex[:6]}", "注文をキャンセルしたい")
