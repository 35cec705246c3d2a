"""Actions for tests/unit/test_in_process_actions.py: one that answers, one that rejects
(as a form does when it cannot run), one that fails."""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.interfaces import ActionExecutionRejection


class AnswersAction(Action):
    def name(self) -> Text:
        return "action_test_answers"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        dispatcher.utter_message(text=f"こんにちは、{tracker.latest_message.get('text')}")
        return [SlotSet("seller", "amazon")]


class RejectsAction(Action):
    def name(self) -> Text:
        return "action_test_rejects"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        raise ActionExecutionRejection(self.name(), "not now")


class FailsAction(Action):
    def name(self) -> Text:
        return "action_test_fails"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        raise RuntimeError("broken action")
