"""Whole conversations over the REST channel against the real servers."""
from __future__ import annotations

import uuid
from pathlib import Path
from typing import Dict, List

import pytest
import yaml

from common.knowledge import load
from tests.helpers import Bot

CONVERSATIONS: Dict[str, List[dict]] = yaml.safe_load(
    (Path(__file__).parent / "conversations.yml").read_text(encoding="utf-8")
)

TRANSCRIPTS: Dict[str, List[str]] = {}


def talk(bot: Bot, sender: str, name: str) -> List[str]:
    """Plays one scripted conversation; every turn's reply must contain what it expects."""
    replies = []
    for turn in CONVERSATIONS[name]:
        reply = bot.say(sender, turn["say"])
        replies.append(reply)
        for expected in turn.get("expect", []):
            assert expected in reply, f"{turn['say']!r} -> missing {expected!r} in:\n{reply}"
        for refused in turn.get("refuse", []):
            assert refused not in reply, f"{turn['say']!r} -> unexpected {refused!r} in:\n{reply}"
    return replies


@pytest.mark.parametrize("name", list(CONVERSATIONS))
def test_conversation(bot: Bot, name: str) -> None:
    """Actions inside the Rasa server, as `make run` starts it."""
    TRANSCRIPTS[name] = talk(bot, f"e2e-{uuid.uuid4().hex[:10]}", name)


@pytest.mark.parametrize("name", list(CONVERSATIONS))
def test_conversation_with_the_action_server(rasa_with_action_server: str, name: str) -> None:
    """The same conversations with the actions in their own server, as production runs them."""
    talk(Bot(rasa_with_action_server), f"e2e-remote-{uuid.uuid4().hex[:10]}", name)


def test_every_knowledge_entry_is_delivered_by_some_conversation(bot: Bot) -> None:
    if len(TRANSCRIPTS) < len(CONVERSATIONS):
        for name in CONVERSATIONS:
            if name not in TRANSCRIPTS:
                test_conversation(bot, name)
    delivered = "\n".join(reply for replies in TRANSCRIPTS.values() for reply in replies)
    missing = []
    for entry in load().entries.values():
        pieces = [entry.text] if entry.text else []
        pieces += list(entry.steps) + list(entry.items)
        if not all(piece in delivered for piece in pieces):
            missing.append(entry.id)
    assert not missing, f"entries never delivered: {missing}"
