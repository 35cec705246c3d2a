"""What both channels say when the tracker store cannot be reached."""
from __future__ import annotations

import logging
from typing import Any, Dict, List, Text

from common.renderer import render
from stores import guarded_sql

logger = logging.getLogger(__name__)
UNAVAILABLE_ANSWER = "store_unavailable"


async def store_reachable(sender_id: Any) -> bool:
    """Pings the store (off the event loop, bounded) before a message is handed to Rasa."""
    if await guarded_sql.check():
        return True
    logger.error("message from %s not processed: tracker store unavailable", sender_id)
    return False


def save_failed(sender_id: Text) -> bool:
    """Whether this message's conversation could not be saved (reported once)."""
    return guarded_sql.HEALTH.save_failed(sender_id)


def unavailable_messages() -> List[Dict[str, Any]]:
    """The apology with the customer-service procedure (knowledge answer)."""
    return render(UNAVAILABLE_ANSWER)
