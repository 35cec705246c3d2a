"""A question about what the bot just said is a follow-up, whatever its words (role-play 8)."""
from __future__ import annotations

from typing import List, Tuple

import pytest
from rasa.shared.nlu.training_data.message import Message

from nlu_components.entity_intent import EntityIntent
from tests.helpers import pipeline_settings


@pytest.fixture(scope="module")
def component() -> EntityIntent:
    return EntityIntent(pipeline_settings(EntityIntent))


def intent_of(component: EntityIntent, entities: List[Tuple[str, str]], ranking: List[str]) -> dict:
    message = Message(data={
        "text": "x",
        "intent": {"name": ranking[0], "confidence": 0.9},
        "intent_ranking": [{"name": name, "confidence": 0.9 - i / 10} for i, name in enumerate(ranking)],
        "entities": [{"entity": e, "value": v} for e, v in entities],
    })
    return component.process([message])[0].get("intent")


@pytest.mark.parametrize("value", ["meaning", "where_help"])
def test_a_question_about_the_answer_is_a_followup(component: EntityIntent, value: str) -> None:
    intent = intent_of(component, [("topic", "refund"), ("followup", value)], ["shipping_delay", "followup"])
    assert intent == {"name": "followup", "confidence": pytest.approx(0.8)}  # its own rank kept


def test_a_followup_the_classifier_did_not_rank_gets_full_confidence(component: EntityIntent) -> None:
    assert intent_of(component, [("followup", "meaning")], ["thanks"])["name"] == "followup"


@pytest.mark.parametrize("entities", [[("followup", "how_long")], [("topic", "refund")], []])
def test_other_entities_keep_the_classifiers_intent(component: EntityIntent,
                                                    entities: List[Tuple[str, str]]) -> None:
    assert intent_of(component, entities, ["refund", "followup"])["name"] == "refund"


def test_a_delivery_complaint_that_asks_one_other_topic_is_that_topic(component: EntityIntent) -> None:
    """Role-play 9: 「…取り消したいのですが…まだ届いておりません」 got the not-shipped block."""
    cancel = intent_of(component, [("topic", "cancel")], ["shipping_delay", "cancel_order"])
    assert cancel["name"] == "cancel_order"
    assert intent_of(component, [("topic", "penalty")], ["shipping_delay"])["name"] == "cancel_penalty"
    # Two topics, a topic not listed, or another intent read: the classifier's intent stays.
    two = [("topic", "cancel"), ("topic", "return")]
    assert intent_of(component, two, ["shipping_delay"])["name"] == "shipping_delay"
    assert intent_of(component, [("topic", "refund")], ["shipping_delay"])["name"] == "shipping_delay"
    assert intent_of(component, [("topic", "cancel")], ["refund"])["name"] == "refund"
    # Role-play 16 f08: 「キャンセルしたいんだけど、もう配送中ってなってるわ」 read as a return.
    assert intent_of(component, [("topic", "cancel")], ["return_item"])["name"] == "cancel_order"
    assert intent_of(component, two, ["return_item"])["name"] == "return_item"


def test_an_undecided_message_goes_to_the_topic_it_names(component: EntityIntent) -> None:
    """Role-play 9: the classifier fell back between cancel_order and shipping_delay."""
    ranking = ["nlu_fallback", "shipping_delay", "cancel_order", "greet"]
    assert intent_of(component, [("topic", "cancel")], ranking)["name"] == "cancel_order"
    # A topic not among the two it hesitated between: still undecided.
    assert intent_of(component, [("topic", "refund")], ranking)["name"] == "nlu_fallback"


def test_cancelling_named_in_a_penalty_question_is_part_of_it(component: EntityIntent) -> None:
    """「きゃんせるするとぺなるてぃある？」 fell back between the two: a penalty is always
    one for cancelling, so the cancel it names is no second topic."""
    both = [("topic", "cancel"), ("topic", "penalty")]
    ranking = ["nlu_fallback", "cancel_order", "cancel_penalty"]
    assert intent_of(component, both, ranking)["name"] == "cancel_penalty"
    assert intent_of(component, both, ["shipping_delay"])["name"] == "cancel_penalty"


def test_a_yes_or_no_check_is_a_followup_unless_a_request_is_read(component: EntityIntent) -> None:
    """Role-play 12: 「で、結局できるん？できへんの？」 was read as out of scope; role-play 13:
    「じゃあボタンがあればキャンセルできるってことですよね？」 fell back. A check read as a request
    (「…返品できるってことですか」 as return_item) stays the classifier's."""
    assert intent_of(component, [("followup", "confirm")], ["out_of_scope"])["name"] == "followup"
    named = [("topic", "cancel"), ("followup", "confirm")]
    assert intent_of(component, named, ["nlu_fallback", "inform", "greet"])["name"] == "followup"
    # Undecided between the topic's request and another: the request (its answer action
    # answers the check where the answer would only be repeated).
    assert intent_of(component, named, ["nlu_fallback", "cancel_order"])["name"] == "cancel_order"
    named = [("topic", "return"), ("followup", "confirm")]
    assert intent_of(component, named, ["return_item"])["name"] == "return_item"


def test_a_declined_request_is_not_the_request(component: EntityIntent) -> None:
    """Role-play 15 c13: 「キャンセルはしたくないです！何日くらい待てばいいか知りたいだけ」
    started the cancel question. Declined, the request is not read: a question with it is a
    follow-up, a decline alone the end of that request."""
    declined = [("declined", "cancel"), ("followup", "how_long")]
    assert intent_of(component, declined, ["cancel_order", "nevermind"])["name"] == "followup"
    assert intent_of(component, [("declined", "cancel")], ["cancel_order"])["name"] == "nevermind"
    # Role-play 18 i01: 「キャンセルはしたくないのです。週末までに届くように急いでもらうことはできますか」.
    asked = [("declined", "cancel"), ("asking", "question")]
    assert intent_of(component, asked, ["cancel_order"])["name"] == "followup"
    # Another request read: unchanged; one other topic named: that topic.
    assert intent_of(component, declined, ["shipping_delay"])["name"] == "shipping_delay"
    named = [("declined", "cancel"), ("topic", "cancel"), ("topic", "refund")]
    assert intent_of(component, named, ["cancel_order", "refund"])["name"] == "refund"
    # A decline overrules no topic: the delivery question stays one.
    named = [("declined", "cancel"), ("topic", "cancel")]
    assert intent_of(component, named, ["shipping_delay"])["name"] == "shipping_delay"


def test_the_entity_listed_first_decides_whatever_the_order_written(component: EntityIntent) -> None:
    """Role-play 16 f07: 「解決しないです。チャットと電話、どっちがいいですか？…」 was read as the
    request for customer service (feedback unresolved, written first), and the chat-or-phone
    question came with "not understood": the follow-up question, listed first, decides."""
    entities = [("feedback", "unresolved"), ("followup", "which_is_faster")]
    assert intent_of(component, entities, ["contact_support"])["name"] == "followup"
    assert intent_of(component, [("feedback", "unresolved")], ["thanks"])["name"] == "contact_support"

