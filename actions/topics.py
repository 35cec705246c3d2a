"""Messages that ask about several things: 「返品の方法と、返金までの日数を教えてください」.

The NLU reads one request (the intent); the option patterns (data/nlu/options.yml)
name every topic the message mentions and flag a message that joins several
(``multi_topic``: 「…と、…」「あと…」). The topics other than the request are kept in
the slot ``pending_topics`` (actions/message_checks.py) and, once the request is
answered, taken one by one: a line says what comes next and the topic's own form or
answer action runs (``FollowupAction``), so each gets the same questions and answer as
if it had been asked alone. Wording and the topic → action table live in the
knowledge file (``topics:``).
"""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from common.knowledge import load

PENDING_SLOT = "pending_topics"
NEXT_TOPIC_ACTION = "action_next_topic"
# A customer who ends the conversation or drops the request drops the rest too.
ENDING_INTENTS = ("goodbye", "nevermind")
FOLLOWUP_INTENT = "followup"


def named_topics(message: Dict[Text, Any]) -> List[Text]:
    """The topics of the knowledge file a message names, once each, in the order written."""
    topics = load().topics
    return list(dict.fromkeys(e.get("value") for e in message.get("entities", [])
                              if e.get("entity") == "topic" and e.get("value") in topics))


def pending_after(message: Dict[Text, Any]) -> Optional[List[Text]]:
    """The topics to answer after this message's request, or None if it asks one thing or,
    asking nothing, ends the conversation (「届いたら返品して、送料のことはそのとき問い合わせます。
    助かりました！」, role-play 16)."""
    names = {e.get("entity") for e in message.get("entities", [])}
    if "multi_topic" not in names or ("closing" in names and "asking" not in names):
        return None
    topics = load().topics
    intent = (message.get("intent") or {}).get("name")
    requested = [name for name, topic in topics.items() if topic.intent == intent]
    if not requested:  # not a request the bot answers (thanks, out of scope…)
        return None
    return [t for t in named_topics(message) if t not in requested]


def asked_with_an_answer(message: Dict[Text, Any], form: Optional[Text],
                         asked: Optional[Text]) -> Optional[List[Text]]:
    """The topic a message asks about while it answers the open question of another
    topic's form (role-play 8: 「Amazonから発送です。で、ギフトカードの返金は？」 to the seller
    question got the return steps only): it comes after the answer."""
    if not form or not asked:
        return None
    if not any(e.get("entity") in (asked, f"{asked}_answer") for e in message.get("entities", [])):
        return None
    intent = (message.get("intent") or {}).get("name")
    named = named_topics(message)
    # Named as well as read (role-play 9: 「見てみたら出荷準備中って書いてあるわ」 was read as a
    # contact request and got the chat-or-phone question after the answer).
    other = [name for name, topic in load().topics.items()
             if topic.intent == intent and topic.action != form and name in named]
    return other or None


def after_a_detail_not_covered(message: Dict[Text, Any]) -> Optional[List[Text]]:
    """The request of a message that joins it to a detail the guide lacks (role-play 9:
    「注文のキャンセルについて聞きたいのと、あとカスタマーサービスの受付時間も知りたいです」 got only
    the honest "not in the guide"): it comes after that answer."""
    entities = message.get("entities", [])
    if not {"uncovered_detail", "second_question"} <= {e.get("entity") for e in entities}:
        return None
    # Both questions are details the guide lacks (role-play 13: 「送料ってこっち持ちですか？
    # あと期限ってありますか？」 got the same "not in the guide" block twice): one answer says so.
    if len({e.get("value") for e in entities if e.get("entity") == "uncovered_detail"}) > 1:
        return None
    topics = load().topics
    intent = (message.get("intent") or {}).get("name")
    if intent == FOLLOWUP_INTENT:
        # The follow-up's answer gives both (actions/answers.py); role-play 17: 「何回までなら
        # セーフとかないん？あと自分のアカが今どういう評価か見れる？」 got the count twice.
        return None
    # The topics it names; the detail is often the other question's (受付時間 of contact).
    return named_topics(message) or [name for name, t in topics.items() if t.intent == intent] or None


def already_taken(tracker: Tracker) -> bool:
    """Whether this message's topics were already taken: Rasa runs the slot checks again
    when a form starts, on the same message, and the topic would come back for ever."""
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            return False
        if event.get("name") in (PENDING_SLOT, NEXT_TOPIC_ACTION):
            return True
    return False


def chain(tracker: Tracker) -> List[EventType]:
    """After an answer: go on with the next topic, if the message asked about more."""
    return [FollowupAction(NEXT_TOPIC_ACTION)] if tracker.get_slot(PENDING_SLOT) else []


class ActionNextTopic(Action):
    def name(self) -> Text:
        return NEXT_TOPIC_ACTION

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        topics = load().topics
        pending = [t for t in tracker.get_slot(PENDING_SLOT) or [] if t in topics]
        if not pending:
            return [SlotSet(PENDING_SLOT, None)]
        topic = topics[pending[0]]
        dispatcher.utter_message(text=topic.next)
        return [SlotSet(PENDING_SLOT, pending[1:] or None), FollowupAction(topic.action)]
