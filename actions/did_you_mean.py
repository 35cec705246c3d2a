"""Rasa's two-stage fallback with the bot's own words (issue #18, did-you-mean).

A message the NLU is unsure of (``nlu_fallback``) starts ``action_two_stage_fallback``
(data/rules/misunderstanding.yml). Its first stage, ``action_default_ask_affirmation``,
is replaced here: instead of "Did you mean <one intent>?", the likely topics as buttons
(knowledge/procedures.yml ``did_you_mean``), or the menu when none is likely. A button
or any message the NLU reads ends the loop, and Rasa replays it as the customer's
request. A second message it cannot read gives up: ``action_default_fallback``, replaced
here by the customer-service paths (Rasa's own would drop the customer's message).
"""
from __future__ import annotations

from typing import List, Text, Tuple

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.answers import ActionAnswerContact
from common.renderer import render_did_you_mean

FALLBACK_INTENT = "nlu_fallback"


def ranking_of(tracker: Tracker) -> List[Tuple[str, float]]:
    """The classifier's intents for the latest message, best first, without the fallback."""
    return [(str(r.get("name")), float(r.get("confidence") or 0.0))
            for r in tracker.latest_message.get("intent_ranking") or []
            if r.get("name") != FALLBACK_INTENT]


class ActionAskWhichTopic(Action):
    def name(self) -> Text:
        return "action_default_ask_affirmation"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        messages = render_did_you_mean(ranking_of(tracker))
        if not messages:
            dispatcher.utter_message(response="utter_misunderstood")
        for message in messages:
            dispatcher.utter_message(**message)
        return []


class ActionGiveUp(ActionAnswerContact):
    """Two messages in a row not understood: the customer-service paths (and the summary)."""

    action_name = "action_default_fallback"
