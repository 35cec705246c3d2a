"""What the channels tell the actions about a message (channels/guard.py).

Entities on messages they did not let the NLU read: they come with the intent
``nlu_fallback``; rules answer them outside a form, and a form's question explains why
it asks again (actions/questions.py). And a metadata flag on the message after a reply
that never reached the customer, so that it is not called "shown before"
(actions/answers.py).
"""
from __future__ import annotations

from typing import Any, Dict, Optional, Text

EMPTY = "empty_message"
TOO_LONG = "too_long_message"
NOT_JAPANESE = "not_japanese_message"
RESPONSES = {EMPTY: "utter_empty_message", TOO_LONG: "utter_too_long_message",
             NOT_JAPANESE: "utter_not_japanese_message"}
# Said before the question again when a form's question gets such a message.
EXPLAINED_IN_A_FORM = (TOO_LONG, NOT_JAPANESE)
LAST_REPLY_UNDELIVERED = "last_reply_undelivered"


def flag_of(latest_message: Dict[Text, Any]) -> Optional[Text]:
    entities = latest_message.get("entities") or []
    return next((e.get("entity") for e in entities if e.get("entity") in RESPONSES), None)


def last_reply_undelivered(latest_message: Dict[Text, Any]) -> bool:
    return bool((latest_message.get("metadata") or {}).get(LAST_REPLY_UNDELIVERED))


def upset_and_unanswered(tracker: Any) -> bool:
    """Whether the latest message shows the customer upset (entity ``mood``,
    data/nlu/options.yml) and nothing has answered it yet: one apology per message, also
    when it asks about several topics."""
    if not any(e.get("entity") == "mood" for e in tracker.latest_message.get("entities") or []):
        return False
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            return True
        if event.get("event") == "bot":
            return False
    return True
