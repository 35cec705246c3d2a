"""Several questions in one message: each topic after the request is answered in turn."""
from __future__ import annotations

import pytest
from rasa_sdk.events import FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.answers import ActionAnswerReturn
from actions.message_checks import ValidateSlotMappings
from actions.topics import ActionNextTopic, after_a_detail_not_covered, pending_after
from common.knowledge import load
from tests.unit.conftest import make_tracker

pytestmark = pytest.mark.anyio


def message(intent, *topics, multi=True):
    entities = [{"entity": "topic", "value": t} for t in topics]
    if multi:
        entities.append({"entity": "multi_topic", "value": "true"})
    return {"intent": {"name": intent}, "entities": entities}


def test_the_topics_after_the_request_in_the_order_written():
    assert pending_after(message("refund", "return", "refund")) == ["return"]
    several = message("cancel_order", "cancel", "refund", "penalty", "refund")
    assert pending_after(several) == ["refund", "penalty"]


def test_one_question_is_not_split():
    """「返品した商品の返金はいつ？」 names two topics but asks one thing."""
    assert pending_after(message("refund", "return", "refund", multi=False)) is None
    assert pending_after(message("thanks", "return", "refund")) is None
    # Role-play 16 e10: 「届いたら返品して、送料のことはそのとき問い合わせます。助かりました！」 ends
    # the talk: no 「ご質問が複数ありますので」 before the goodbye. Asking as well, it is split.
    closing = message("return_item", "return", "contact")
    closing["entities"].append({"entity": "closing", "value": "thanks"})
    assert pending_after(closing) is None
    closing["entities"].append({"entity": "asking", "value": "question"})
    assert pending_after(closing) == ["contact"]


async def test_the_message_check_keeps_them_and_says_it_will_take_them_in_turn(domain):
    tracker = make_tracker(intent="refund", entities=message("refund", "return", "refund")["entities"])
    dispatcher = CollectingDispatcher()
    events = await ValidateSlotMappings().get_validation_events(dispatcher, tracker, domain)
    assert SlotSet("pending_topics", ["return"]) in events
    assert [m["text"] for m in dispatcher.messages] == [load().several_topics]


async def test_never_mind_drops_the_rest(domain):
    tracker = make_tracker(intent="nevermind", slots={"pending_topics": ["return"]})
    events = await ValidateSlotMappings().get_validation_events(CollectingDispatcher(), tracker, domain)
    assert SlotSet("pending_topics", None) in events


async def test_an_answer_goes_on_with_the_next_topic(domain):
    tracker = make_tracker(slots={"seller": "amazon", "pending_topics": ["refund"]})
    events = await ActionAnswerReturn().run(CollectingDispatcher(), tracker, domain)
    assert events[-1] == FollowupAction("action_next_topic")
    alone = make_tracker(slots={"seller": "amazon"})
    events = await ActionAnswerReturn().run(CollectingDispatcher(), alone, domain)
    assert not any(e.get("event") == "followup" for e in events)


async def test_the_next_topic_is_announced_and_handled_by_its_own_flow(domain):
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(slots={"pending_topics": ["refund", "penalty"]})
    events = await ActionNextTopic().run(dispatcher, tracker, domain)
    assert [m["text"] for m in dispatcher.messages] == [load().topics["refund"].next]
    assert events == [SlotSet("pending_topics", ["penalty"]), FollowupAction("refund_form")]


def test_every_topic_names_a_domain_intent_and_action(domain):
    actions = set(domain["actions"]) | set(domain.get("forms", {}))
    for topic in load().topics.values():
        assert topic.intent in domain["intents"] and topic.action in actions, topic


async def test_the_topics_are_taken_from_a_message_once(domain):
    """Role-play: a form started for the next topic ran the slot checks on the same message
    again, put the topic back, and the bot looped on 「続いて、キャンセルについて」."""
    entities = message("refund", "cancel", "refund")["entities"]
    taken = [{"event": "user", "text": "キャンセルの仕方と、返金がいつか教えて"},
             {"event": "slot", "name": "pending_topics", "value": ["cancel"]},
             {"event": "action", "name": "action_next_topic"},
             {"event": "slot", "name": "pending_topics", "value": None}]
    tracker = make_tracker(intent="refund", entities=entities, events=taken)
    dispatcher = CollectingDispatcher()
    events = await ValidateSlotMappings().get_validation_events(dispatcher, tracker, domain)
    assert not any(e.get("name") == "pending_topics" for e in events) and not dispatcher.messages


async def test_an_answer_that_asks_another_topic_keeps_that_topic_for_after(domain):
    """Role-play 8: 「Amazonから発送です。で、ギフトカードの返金は？」 to the seller question got
    the return steps only; the refund comes after them."""
    entities = [{"entity": "seller", "value": "amazon"}, {"entity": "payment_method", "value": "gift_card"},
                {"entity": "topic", "value": "refund"}]
    tracker = make_tracker(intent="refund", entities=entities, active_loop="return_form",
                           slots={"requested_slot": "seller"})
    events = await ValidateSlotMappings().get_validation_events(CollectingDispatcher(), tracker, domain)
    assert SlotSet("pending_topics", ["refund"]) in events
    # Not an answer: the form's own topic switch handles it, nothing is kept.
    other = make_tracker(intent="refund", entities=entities[1:], active_loop="return_form",
                         slots={"requested_slot": "seller"})
    events = await ValidateSlotMappings().get_validation_events(CollectingDispatcher(), other, domain)
    assert not any(e.get("name") == "pending_topics" for e in events)
    # Read as another topic but not naming it (「…って書いてあるわ」 read as contact): one answer.
    status = [{"entity": "order_status", "value": "preparing"}]
    unnamed = make_tracker(intent="contact_support", entities=status, active_loop="cancel_form",
                           slots={"requested_slot": "order_status"})
    events = await ValidateSlotMappings().get_validation_events(CollectingDispatcher(), unnamed, domain)
    assert not any(e.get("name") == "pending_topics" for e in events)
    # An answer with the form's own topic asks nothing more.
    same = make_tracker(intent="return_item", entities=entities[:1], active_loop="return_form",
                        slots={"requested_slot": "seller"})
    events = await ValidateSlotMappings().get_validation_events(CollectingDispatcher(), same, domain)
    assert not any(e.get("name") == "pending_topics" for e in events)


async def test_a_request_asked_with_a_detail_the_guide_lacks_comes_after_the_honest_answer(domain):
    """Role-play 9: 「注文のキャンセルについて聞きたいのと、あとカスタマーサービスの受付時間も
    知りたいです」 got only 「資料に記載がない」; the cancel question comes after it."""
    entities = [{"entity": "topic", "value": "cancel"}, {"entity": "second_question", "value": "true"},
                {"entity": "uncovered_detail", "value": "hours"}]
    tracker = make_tracker(intent="cancel_order", entities=entities)
    events = await ValidateSlotMappings().get_validation_events(CollectingDispatcher(), tracker, domain)
    assert SlotSet("pending_topics", ["cancel"]) in events
    # A detail of the request itself (「キャンセル料はかかる？」): no second question.
    alone = make_tracker(intent="cancel_order", entities=[entities[0], entities[2]])
    events = await ValidateSlotMappings().get_validation_events(CollectingDispatcher(), alone, domain)
    assert not any(e.get("name") == "pending_topics" for e in events)


def test_a_follow_up_with_a_detail_the_guide_lacks_is_answered_whole_by_the_follow_up():
    """Role-play 17 g06: 「何回までならセーフとかないん？あと自分のアカが今どういう評価か見れる？」
    got the count, "not in the guide", then the penalty topic with the count again."""
    entities = [{"entity": "followup", "value": "how_many_times"}, {"entity": "topic", "value": "penalty"},
                {"entity": "second_question", "value": "true"},
                {"entity": "uncovered_detail", "value": "account_standing"}]
    assert after_a_detail_not_covered({"intent": {"name": "followup"}, "entities": entities}) is None
    assert after_a_detail_not_covered({"intent": {"name": "cancel_penalty"}, "entities": entities}) == [
        "penalty"]
