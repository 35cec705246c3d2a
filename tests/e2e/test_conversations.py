"""Whole conversations over the REST channel against the real servers."""
from __future__ import annotations

import uuid
from pathlib import Path
from typing import Dict, List

import pytest
import yaml

from actions.knowledge import load
from tests.helpers import Bot

CONVERSATIONS: Dict[str, List[dict]] = yaml.safe_load(
    (Path(__file__).parent / "conversations.yml").read_text(encoding="utf-8")
)

TRANSCRIPTS: Dict[str, List[str]] = {}


@pytest.mark.parametrize("name", list(CONVERSATIONS))
def test_conversation(bot: Bot, name: str) -> None:
    sender = f"e2e-{uuid.uuid4().hex[:10]}"
    replies = TRANSCRIPTS.setdefault(name, [])
    for turn in CONVERSATIONS[name]:
        reply = bot.say(sender, turn["say"])
        replies.append(reply)
        for expected in turn.get("expect", []):
            assert expected in reply, f"{turn['say']!r} -> missing {expected!r} in:\n{reply}"
        for refused in turn.get("refuse", []):
            assert refused not in reply, f"{turn['say']!r} -> unexpected {refused!r} in:\n{reply}"


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
