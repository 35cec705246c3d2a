"""Answer actions: each picks the knowledge answers that fit the tracker.

They share ``ProcedureAction``: choose answers, send them through the one renderer,
then clear the slots they consumed so that the next request about another order
starts fresh.
"""
from __future__ import annotations

from abc import ABC, abstractmethod
from typing import ClassVar, Dict, List, Text, Tuple

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.renderer import render
from actions.slot_values import canonical_slot

# When the form gave up on the question (or a value was not canonical).
GAVE_UP: List[Text] = ["contact_choice"]


class ProcedureAction(Action, ABC):
    action_name: ClassVar[Text]
    consumed_slots: ClassVar[Tuple[Text, ...]] = ()

    def name(self) -> Text:
        return self.action_name

    @abstractmethod
    def parts(self, tracker: Tracker, domain: DomainDict) -> List[Text]:
        """The knowledge answer ids to send, in order."""

    async def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> List[EventType]:
        for answer_id in self.parts(tracker, domain):
            dispatcher.utter_message(**render(answer_id))
        resets = [SlotSet(slot, None) for slot in self.consumed_slots]
        return resets + [SlotSet("unusable_answers", 0), SlotSet("last_answer_unusable", False)]


class ActionAnswerShippingDelay(ProcedureAction):
    action_name = "action_answer_shipping_delay"

    def parts(self, tracker: Tracker, domain: DomainDict) -> List[Text]:
        return ["shipping_delay"]


class ActionAnswerCancelPenalty(ProcedureAction):
    action_name = "action_answer_cancel_penalty"

    def parts(self, tracker: Tracker, domain: DomainDict) -> List[Text]:
        return ["cancel_penalty"]


class ActionAnswerContact(ProcedureAction):
    action_name = "action_answer_contact"
    consumed_slots = ("contact_channel",)
    # Also sent, with no channel, after repeated misunderstandings (see data/rules).
    by_channel: ClassVar[Dict[Text, Text]] = {"chat": "contact_chat", "phone": "contact_phone"}

    def parts(self, tracker: Tracker, domain: DomainDict) -> List[Text]:
        channel = canonical_slot(tracker, "contact_channel", domain)
        return [self.by_channel[channel]] if channel else GAVE_UP


class ActionAnswerCancel(ProcedureAction):
    action_name = "action_answer_cancel"
    consumed_slots = ("order_status", "cancel_button", "seller")
    by_button: ClassVar[Dict[Text, Text]] = {
        "shown": "cancel_allowed",
        "absent": "cancel_not_possible",
    }
    by_status: ClassVar[Dict[Text, Text]] = {
        "not_shipped": "cancel_allowed",
        "preparing": "cancel_preparing",
        "in_transit": "cancel_not_possible",
        "delivered": "cancel_not_possible",
    }

    def parts(self, tracker: Tracker, domain: DomainDict) -> List[Text]:
        # What the order screen shows (the button) outranks a remembered status.
        button = canonical_slot(tracker, "cancel_button", domain)
        status = canonical_slot(tracker, "order_status", domain)
        if button:
            parts = [self.by_button[button]]
        elif status:
            parts = [self.by_status[status]]
        else:
            return GAVE_UP
        if canonical_slot(tracker, "seller", domain) == "marketplace":
            parts.append("cancel_marketplace")
        return parts


class ActionAnswerReturn(ProcedureAction):
    action_name = "action_answer_return"
    consumed_slots = ("seller",)
    by_seller: ClassVar[Dict[Text, Text]] = {
        "amazon": "return_amazon",
        "marketplace": "return_marketplace",
    }

    def parts(self, tracker: Tracker, domain: DomainDict) -> List[Text]:
        seller = canonical_slot(tracker, "seller", domain)
        return [self.by_seller[seller]] if seller else GAVE_UP


class ActionAnswerRefund(ProcedureAction):
    action_name = "action_answer_refund"
    consumed_slots = ("payment_method",)
    by_method: ClassVar[Dict[Text, List[Text]]] = {
        "credit_card": ["refund_credit_card"],
        "carrier_billing": ["refund_carrier_billing"],
        # The document says nothing about these methods: say so, never guess.
        "gift_card": ["refund_not_covered"],
        "other": ["refund_not_covered"],
    }

    def parts(self, tracker: Tracker, domain: DomainDict) -> List[Text]:
        method = canonical_slot(tracker, "payment_method", domain)
        return self.by_method[method] if method else GAVE_UP
