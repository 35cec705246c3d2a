"""A message that names a topic but ends the conversation or drops the request.

「なるほどね、受け取ってから返品するわ。サンクス」 and 「やっぱりいいです。…返品やめます」
(role-play 4) are read as return requests and got the seller question. The option
patterns flag them (entity ``closing``, data/nlu/options.yml); the rules send them here
(data/rules/closing_a_question.yml): the reply to thanks or to a never mind, and an open
question is closed, as 「ありがとうございました」 alone closes it. A question about the last
answer in the same message is answered first (role-play 14: 「やっぱやめとこかな。…でも何回
までならセーフとかわからんと？」 was closed unanswered), and a customer who will ask by a channel
whose steps they have not been given gets them (「じゃああまぞんのちゃっとできいてみる」 got only
「どういたしまして」).
"""
from __future__ import annotations

from typing import List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.answers import (
    NOT_COVERED,
    SHOWN_SLOT,
    ActionAnswerContact,
    followup_answer,
    not_covered_or_what_is,
)
from actions.slot_values import last_start
from common.knowledge import load
from common.renderer import render

RESPONSES = {"thanks": "utter_you_are_welcome", "goodbye": "utter_goodbye", "nevermind": "utter_nevermind"}
# A never mind anywhere in the message wins over a goodbye, and a goodbye over thanks.
PRECEDENCE = ("nevermind", "goodbye", "thanks")


class ActionCloseConversation(Action):
    def name(self) -> Text:
        return "action_close_conversation"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        said = set(tracker.get_latest_entity_values("closing"))
        closed = [ActiveLoop(None), SlotSet("requested_slot", None)] if tracker.active_loop_name else []
        if "thanks" in said and self.channel_not_explained(tracker):
            return closed + [FollowupAction(ActionAnswerContact.action_name)]
        asked = followup_answer(tracker)
        if asked == NOT_COVERED and self.asks_after_closing(tracker):
            # 「キャンセルはしないです。それより、…自動で更新されたりするんですか？」 (role-play 17)
            # drops the request and asks something else: that is answered, honestly.
            for message in render(not_covered_or_what_is(tracker)):
                dispatcher.utter_message(**message)
            return closed
        for message in render(asked) if asked != NOT_COVERED else []:
            dispatcher.utter_message(**message)
        dispatcher.utter_message(response=RESPONSES[next((v for v in PRECEDENCE if v in said), "thanks")])
        return closed

    @staticmethod
    def asks_after_closing(tracker: Tracker) -> bool:
        """Whether the message asks a question after it closes (not an aside before it)."""
        entities = tracker.latest_message.get("entities") or []
        question = last_start(entities, {"asking"}, "question")
        closing = last_start(entities, {"closing"})
        return question is not None and closing is not None and question > closing

    @staticmethod
    def channel_not_explained(tracker: Tracker) -> bool:
        """Whether the message names a channel whose steps this conversation has not shown,
        in its own answer or in another (the phone steps after 「電話番号を教えて」)."""
        answers = load().answers
        shown = {entry for answer in tracker.get_slot(SHOWN_SLOT) or [] if answer in answers
                 for entry in answers[answer].entries}
        by_channel = ActionAnswerContact.by_channel
        named = [c for c in tracker.get_latest_entity_values("contact_channel") if c in by_channel]
        return any(not set(answers[by_channel[channel]].messages[0].entries) <= shown for channel in named)
