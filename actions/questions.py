"""The forms' questions (``action_ask_<slot>``), rendered from the knowledge file.

Custom ask actions rather than ``utter_ask_*`` responses keep every question next
to its buttons in one file, and let the question apologise first when the last
answer could not be used (or say why: a message too long to read).
"""
from __future__ import annotations

from abc import ABC, abstractmethod
from typing import List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.forms import FLAG_SLOT
from common.input_flags import EXPLAINED_IN_A_FORM, RESPONSES, flag_of, upset_and_unanswered
from common.knowledge import load
from common.renderer import render_question, with_empathy


class AskForSlot(Action, ABC):
    @property
    @abstractmethod
    def slot(self) -> Text:
        """The slot this question fills; subclasses set it as a class attribute."""

    def name(self) -> Text:
        return f"action_ask_{self.slot}"

    def asked_in_this_form(self, tracker: Tracker) -> bool:
        """Whether the question went out since its form started: after a question of the
        customer's own in between (forms.py) it is asked again, but what it says first
        is not (role-play: the refund rule came twice around 「何日くらい？」)."""
        text = load().questions[self.slot].text
        for event in reversed(tracker.events):
            if event.get("event") == "bot" and (event.get("text") or "").endswith(text):
                return True
            if event.get("event") == "active_loop" and event.get("name"):
                return False
        return False

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        retry = bool(tracker.get_slot(FLAG_SLOT))
        flag = flag_of(tracker.latest_message)
        if flag in EXPLAINED_IN_A_FORM:
            dispatcher.utter_message(response=RESPONSES[flag])
            retry = False
        messages = render_question(self.slot, after_unusable_answer=retry,
                                   asked_before=self.asked_in_this_form(tracker))
        if upset_and_unanswered(tracker):
            messages = with_empathy(messages)
        for message in messages:
            dispatcher.utter_message(**message)
        return []


class AskOrderStatus(AskForSlot):
    slot = "order_status"


class AskPaymentMethod(AskForSlot):
    slot = "payment_method"


class AskContactChannel(AskForSlot):
    slot = "contact_channel"


class AskSeller(AskForSlot):
    slot = "seller"
