"""Two Rasa processes share PostgreSQL (tracker store) and Redis (lock store).

Each conversation's messages go alternately to the two instances, many conversations at
once; afterwards every tracker holds every message and reply in order, and a cancel
flow started on one instance finishes on the other.
"""
from __future__ import annotations

import json
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Iterator, List, Tuple

import pytest

from tests.helpers import Bot, RasaServer, production_server

CONVERSATIONS = 16
SENDERS_AT_ONCE = 8
TURNS: List[Tuple[str, str]] = [
    ("注文をキャンセルしたい", "ステータス"),
    ("出荷準備中です", "「キャンセルできない場合がある」"),
    ("ありがとうございます", "どういたしまして"),
]


@pytest.fixture(scope="module")
def second_instance(backing_services, trained_model: str, action_server: str,
                    tmp_path_factory) -> Iterator[RasaServer]:
    """The second instance; the first is the session's production server (tests/conftest.py)."""
    with production_server("rasa_instance_1", backing_services, trained_model, action_server,
                           tmp_path_factory.mktemp("instance1")) as server:
        yield server


def converse(instances: List[RasaServer], sender: str) -> List[str]:
    """One customer; turn k goes to instance k % 2. Returns the problems found."""
    problems = []
    for k, (text, expected) in enumerate(TURNS):
        reply = Bot(instances[(k + hash(sender)) % 2].url).say(sender, text)
        if expected not in reply:
            problems.append(f"{sender} turn {k}: {expected!r} not in {reply!r}")
    return problems


def test_conversations_alternate_between_instances(backing_services, production_rasa: RasaServer,
                                                   second_instance: RasaServer) -> None:
    postgres, _ = backing_services
    two_instances = [production_rasa, second_instance]
    senders = [f"scale-{uuid.uuid4().hex[:8]}" for _ in range(CONVERSATIONS)]
    with ThreadPoolExecutor(max_workers=SENDERS_AT_ONCE) as pool:
        problems = [p for result in pool.map(lambda s: converse(two_instances, s), senders) for p in result]
    assert not problems

    for sender in senders:
        rows = postgres.query(
            "SELECT type_name, data FROM events WHERE sender_id = %s AND type_name IN ('user', 'bot') "
            "ORDER BY id", sender)
        kinds = [kind for kind, _ in rows]
        user_texts = [json.loads(data)["text"] for kind, data in rows if kind == "user"]
        assert user_texts == [text for text, _ in TURNS], sender
        # every user message is followed by at least one bot reply before the next one
        assert kinds[0] == "user" and kinds[-1] == "bot"
        assert "user,user" not in ",".join(kinds), sender
