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

from actions.answers import NOT_COVERED, SHOWN_SLOT, ActionAnswerContact, followup_answer
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
        for message in render(asked) if asked != NOT_COVERED else []:
            dispatcher.utter_message(**message)
        dispatcher.utter_message(response=RESPONSES[next((v for v in PRECEDENCE if v in said), "thanks")])
        return closed

    @staticmethod
    def channel_not_explained(tracker: Tracker) -> bool:
        """Whether the message names a channel whose steps this conversation has not shown."""
        shown = set(tracker.get_slot(SHOWN_SLOT) or [])
        by_channel = ActionAnswerContact.by_channel
        named = [c for c in tracker.get_latest_entity_values("contact_channel") if c in by_channel]
        return any(by_channel[channel] not in shown for channel in named)
