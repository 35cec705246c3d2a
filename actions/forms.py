"""Form validation: keep canonical values only, and stop asking after two retries.

A value that is not one of the domain's categorical values (free text the NLU
could not map, a hand-typed ``/inform{"order_status": "<script>"}``) is never
stored. The question is asked again with its options at most ``MAX_REASKS``
times; after that the form ends and the answer action offers the customer-service
procedure instead.
"""
from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any, Dict, List, Optional, Text, Tuple

from rasa_sdk import Tracker
from rasa_sdk.events import ActionExecutionRejected, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction
from rasa_sdk.types import DomainDict

from actions.slot_values import UNKNOWN, cancelled_before_shipping, canonical, canonical_slot, last_start
from common.knowledge import load

MAX_REASKS = 1  # a question is asked at most twice
# What a message that is not an answer names (data/nlu/options.yml): a question of the
# customer's own, or the end of the conversation (「…返品やめます」).
SIDE_QUESTION_ENTITIES = ("uncovered_detail", "followup", "closing")
COUNTER_SLOT = "unusable_answers"
FLAG_SLOT = "last_answer_unusable"  # read by the ask actions to apologise first


class CanonicalSlotValidation(FormValidationAction, ABC):
    @property
    @abstractmethod
    def form(self) -> Text:
        """The form validated; subclasses set it as a class attribute."""

    @property
    @abstractmethod
    def slot(self) -> Text:
        """The form's one question slot."""

    def name(self) -> Text:
        return f"validate_{self.form}"

    @staticmethod
    def unusable_so_far(tracker: Tracker) -> int:
        return int(tracker.get_slot(COUNTER_SLOT) or 0)

    def __init_subclass__(cls, **kwargs: Any) -> None:
        """rasa-sdk calls ``validate_<slot>``; every form validates its slot the same way."""
        super().__init_subclass__(**kwargs)
        if isinstance(cls.__dict__.get("slot"), str):
            setattr(cls, f"validate_{cls.slot}", cls.validate_canonical)

    # The value of a plain answer (intent ``inform``) that names none of the options,
    # where the question's options are "these, or anything else" (see ValidateRefundForm).
    any_other_answer: Optional[Text] = None

    def answered_otherwise(self, tracker: Tracker, domain: DomainDict) -> bool:
        """Whether another slot already tells the answer action what it needs."""
        return False

    async def required_slots(
        self,
        domain_slots: List[Text],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> List[Text]:
        if self.unusable_so_far(tracker) > MAX_REASKS or self.answered_otherwise(
            tracker, domain
        ):
            return []
        return [self.slot]  # the form's other slots are answers to this same question

    def not_known(self, entities: List[Dict[str, Any]]) -> bool:
        """「わからない」 answers the question unless an option of it comes after:
        「届いたかどうかわからない」 does not know the status, but 「よくわからなくて…。電話が
        いいです」 (role-play) chose the phone."""
        unsure = last_start(entities, {"unsure"})
        if unsure is None:
            return False
        option = last_start(entities, {self.slot, f"{self.slot}_answer"})
        return option is None or option <= unsure

    def other_topic_unclear(self, tracker: Tracker) -> bool:
        """A message the NLU could not place that names another topic than this form's
        (role-play 4: 「いえ、問い合わせというよりも、返品の仕方を教えていただきたいのです」
        while chat or phone is asked): Rasa's two-stage fallback offers the likely topics."""
        message = tracker.latest_message
        if (message.get("intent") or {}).get("name") != "nlu_fallback":
            return False
        own = {name for name, topic in load().topics.items() if topic.action == self.form}
        named = {e.get("value") for e in message.get("entities", []) if e.get("entity") == "topic"}
        return bool(named - own)

    # Other slots whose options answer the question too (the cancel button, for the status).
    answered_by: Tuple[Text, ...] = ()

    def calls_off(self, entities: List[Dict[str, Any]]) -> bool:
        """An answer taken back by a never mind after it (role-play 15: 「まだ準備中ってなってる。
        あ、でもやっぱキャンセルやめとくわ」 got the whole 出荷準備中 answer)."""
        slots = (self.slot, *self.answered_by)
        answer = last_start(entities, {*slots, *(f"{slot}_answer" for slot in slots)})
        never_mind = last_start(entities, {"closing"}, "nevermind")
        return answer is not None and never_mind is not None and never_mind > answer

    def asks_back(self, tracker: Tracker, domain: DomainDict) -> bool:
        """A question of the customer's own instead of an answer (「箱を捨ててしまったんですが」
        while the seller is asked, role-play), another topic (it names no option and no
        「わからない」), or an answer called off."""
        entities = tracker.latest_message.get("entities", [])
        if self.calls_off(entities):
            return True
        names = {e.get("entity") for e in entities}
        options = {e.get("value") for e in entities if e.get("entity") in (self.slot, f"{self.slot}_answer")}
        if any(e.get("entity") == "uncovered_detail" and e.get("value") == "term" for e in entities):
            return True  # 「まーけっとぷれいすってなんですか？」 asks what an option is (role-play 6)
        if "followup" in names and len(options) > 1 and "correction" not in names:
            return True  # 「チャットと電話ってどっちが早くつながりますか？」 (role-play 5) chooses neither
        return (
            (bool(names & set(SIDE_QUESTION_ENTITIES)) or self.other_topic_unclear(tracker))
            and not names & {self.slot, f"{self.slot}_answer", "unsure"}
            and canonical(tracker.get_slot(self.slot), self.slot, domain) is None
            and not self.answered_otherwise(tracker, domain)
        )

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        """Rejected, the form lets the rules answer a question of the customer's own
        (data/rules/direct_answers.yml); then it asks its own again, without the
        "could not read" line (rasa's forms take a rejection from their validation)."""
        events = await super().run(dispatcher, tracker, domain)
        # Only for the message itself, not when the form comes back after the answer.
        answers = (self.slot, *self.answered_by)
        said_now = set(tracker.slots_to_validate())
        validated_now = any(e.get("event") == "slot" and e.get("name") in answers for e in events) or \
            bool(said_now & set(answers))
        if validated_now and self.calls_off(tracker.latest_message.get("entities", [])):
            # 「ボタンはあるけど…やっぱりキャンセルするのやめとこうかな」 (role-play 17): no answer kept.
            events += [SlotSet(slot, None) for slot in answers]
        if validated_now and self.asks_back(tracker, domain):
            events.append(ActionExecutionRejected(self.form))
        return events

    async def validate_canonical(
        self,
        value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> Dict[Text, Any]:
        if self.asks_back(tracker, domain):
            return {self.slot: None, FLAG_SLOT: False}
        value = canonical(value, self.slot, domain)
        entities = tracker.latest_message.get("entities", [])
        if self.not_known(entities):
            value = UNKNOWN
        elif value is None and tracker.latest_message.get("intent", {}).get("name") == "inform":
            value = self.any_other_answer
        if value is not None:
            return {self.slot: value, COUNTER_SLOT: 0, FLAG_SLOT: False}
        if self.answered_otherwise(tracker, domain):
            return {self.slot: None, FLAG_SLOT: False}
        return {
            self.slot: None,
            COUNTER_SLOT: self.unusable_so_far(tracker) + 1,
            FLAG_SLOT: True,
        }


class ValidateCancelForm(CanonicalSlotValidation):
    form = "cancel_form"
    slot = "order_status"
    answered_by = ("cancel_button",)

    def answered_otherwise(self, tracker: Tracker, domain: DomainDict) -> bool:
        return canonical_slot(tracker, "cancel_button", domain) is not None


class ValidateReturnForm(CanonicalSlotValidation):
    form = "return_form"
    slot = "seller"


class ValidateRefundForm(CanonicalSlotValidation):
    form = "refund_form"
    slot = "payment_method"
    # A method the bot has no word for (「ビットコインで」) is still a method the document
    # does not cover: the honest "not covered" answer, never the question again.
    any_other_answer = "other"

    def answered_otherwise(self, tracker: Tracker, domain: DomainDict) -> bool:
        return cancelled_before_shipping(tracker, domain)


class ValidateContactForm(CanonicalSlotValidation):
    form = "contact_form"
    slot = "contact_channel"
