"""Entities the channels put on messages they did not let the NLU read (channels/guard.py).

They come with the intent ``nlu_fallback``; rules answer them outside a form, and a
form's question explains why it asks again (actions/questions.py).
"""
from __future__ import annotations

from typing import Any, Dict, Optional, Text

EMPTY = "empty_message"
TOO_LONG = "too_long_message"
RESPONSES = {EMPTY: "utter_empty_message", TOO_LONG: "utter_too_long_message"}


def flag_of(latest_message: Dict[Text, Any]) -> Optional[Text]:
    entities = latest_message.get("entities") or []
    return next((e.get("entity") for e in entities if e.get("entity") in RESPONSES), None)
