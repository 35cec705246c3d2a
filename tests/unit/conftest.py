"""Trackers and the real domain for action unit tests (rasa-sdk's own classes)."""
from __future__ import annotations

from typing import Any, Dict, List, Optional

import pytest
from rasa.shared.core.domain import Domain
from rasa_sdk import Tracker

from tests.helpers import ROOT


@pytest.fixture(scope="session")
def domain() -> Dict[str, Any]:
    """The domain as Rasa sends it to the action server."""
    return Domain.load(str(ROOT / "domain.yml")).as_dict()


def make_tracker(
    slots: Optional[Dict[str, Any]] = None,
    intent: str = "inform",
    entities: Optional[List[Dict[str, Any]]] = None,
    text: str = "",
    events: Optional[List[Dict[str, Any]]] = None,
    active_loop: Optional[str] = None,
) -> Tracker:
    base_slots = {
        "order_status": None, "cancel_button": None, "payment_method": None,
        "contact_channel": None, "seller": None, "unusable_answers": 0,
        "last_answer_unusable": False, "requested_slot": None,
    }
    return Tracker(
        sender_id="unit",
        slots={**base_slots, **(slots or {})},
        latest_message={"intent": {"name": intent, "confidence": 1.0},
                        "entities": entities or [], "text": text},
        events=events or [],
        paused=False,
        followup_action=None,
        active_loop={"name": active_loop} if active_loop else {},
        latest_action_name="action_listen",
    )


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"
