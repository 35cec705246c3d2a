"""Checks Rasa runs after every user message (its ``action_validate_slot_mappings``).

- A slot value that arrives outside the question a form is asking (an entity in
  「返品したい」-type requests, or a hand-typed ``/shipping_delay{"seller": "<script>"}``)
  is kept only when it is one of the domain's canonical values; anything else is
  dropped before it is stored. The slot a form is asking for is left to the form's
  own validation (actions/forms.py), which also counts unusable answers.
- When the customer speaks of another order (「別の注文」, an ``another_order`` entity,
  data/nlu/options.yml), what they told about the previous one is forgotten, except
  what this very message says.
- When the message asks about several things, the topics after its request are kept
  to be answered in turn (actions/topics.py).
- When the channel masked a phone number, an e-mail address or a card number in the
  message (common/personal_data.py), the bot first says that it does not need them.
"""
from __future__ import annotations

from typing import List, Optional, Text

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import ValidationAction
from rasa_sdk.types import DomainDict

from actions.slot_values import allowed_values, canonical
from actions.topics import (
    ENDING_INTENTS,
    PENDING_SLOT,
    after_a_detail_not_covered,
    already_taken,
    asked_with_an_answer,
    pending_after,
)
from common.knowledge import load
from common.personal_data import placeholders_in
from common.renderer import render

PERSONAL_DATA_ANSWER = "personal_data_not_needed"
ORDER_SLOTS = ("order_status", "cancel_button", "seller", "payment_method")


class ValidateSlotMappings(ValidationAction):
    async def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> List[EventType]:
        if placeholders_in(tracker.latest_message.get("text") or ""):
            for message in render(PERSONAL_DATA_ANSWER):
                dispatcher.utter_message(**message)
        return await super().run(dispatcher, tracker, domain)

    async def get_validation_events(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> List[EventType]:
        asked: Optional[Text] = tracker.get_slot("requested_slot") if tracker.active_loop_name else None
        said_now = tracker.slots_to_validate()
        events: List[EventType] = [
            SlotSet(slot, canonical(value, slot, domain))
            for slot, value in said_now.items()
            if slot != asked and allowed_values(domain, slot)
        ]
        if any(e.get("entity") == "another_order" for e in tracker.latest_message.get("entities", [])):
            events += [SlotSet(slot, None) for slot in ORDER_SLOTS
                       if slot not in said_now and tracker.get_slot(slot) is not None]
        return events + self.topics_to_come(dispatcher, tracker)

    @staticmethod
    def topics_to_come(dispatcher: CollectingDispatcher, tracker: Tracker) -> List[EventType]:
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        if intent in ENDING_INTENTS and tracker.get_slot(PENDING_SLOT):
            return [SlotSet(PENDING_SLOT, None)]
        asked = tracker.get_slot("requested_slot") if tracker.active_loop_name else None
        pending = None if already_taken(tracker) else (
            pending_after(tracker.latest_message)
            or asked_with_an_answer(tracker.latest_message, tracker.active_loop_name, asked)
            or after_a_detail_not_covered(tracker.latest_message))
        if not pending:
            return []
        dispatcher.utter_message(text=load().several_topics)
        return [SlotSet(PENDING_SLOT, pending)]
