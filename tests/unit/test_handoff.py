"""The operator's summary after the contact procedure (issue #18): knowledge words only."""
from __future__ import annotations

from common.renderer import render_handoff


def test_the_summary_names_the_topic_and_each_option_told_in_the_knowledge_files_words() -> None:
    [message] = render_handoff("refund", {"payment_method": "carrier_billing", "seller": "amazon"})
    assert message["text"].splitlines()[1:] == [
        "用件：返金", "購入先：Amazonから発送される商品", "支払い方法：携帯キャリア決済"]


def test_words_the_customer_typed_never_reach_the_summary() -> None:
    [message] = render_handoff("cancel_order", {"order_status": "電話番号は090-1234-5678です"})
    assert message["text"].splitlines()[1:] == ["用件：注文のキャンセル"]


def test_with_nothing_told_there_is_no_summary() -> None:
    assert render_handoff(None, {}) == []
    assert render_handoff("contact_support", {"seller": "somewhere"}) == []


def test_a_request_of_an_earlier_session_is_not_this_conversations_topic() -> None:
    """Role-play 4: a customer back hours later (a new session, slots reset) asked for the
    phone and got 「用件：注文のキャンセル」 from the earlier session."""
    from rasa_sdk import Tracker

    from actions.answers import last_topic_intent

    def said(intent: str) -> dict:
        return {"event": "user", "text": intent, "parse_data": {"intent": {"name": intent}}}

    events = [said("cancel_order"), {"event": "action", "name": "cancel_form"},
              {"event": "session_started"}, {"event": "action", "name": "action_listen"},
              said("contact_support")]
    tracker = Tracker("s", {}, events[-1]["parse_data"], events, False, None, {}, "action_listen")
    assert last_topic_intent(tracker) is None
    assert last_topic_intent(Tracker("s", {}, {}, events[:2], False, None, {}, "")) == "cancel_order"


def test_a_payment_method_outside_the_three_says_what_it_is_not() -> None:
    """Role-play 11: cash on delivery reached the operator as a bare 「その他」, which reads
    like a method the customer never named."""
    [message] = render_handoff("refund", {"payment_method": "other"})
    assert message["text"].splitlines()[-1] == (
        "支払い方法：クレジットカード・携帯キャリア決済・Amazonギフトカード以外")


def test_a_question_about_a_detail_is_no_new_request() -> None:
    """Role-play 12: 「商品がAmazonに届いたかどうかはどこで確認できますか？」 after a refund
    question (read as shipping_delay with a follow-up) became the summary's topic."""
    from rasa_sdk import Tracker

    from actions.answers import last_topic_intent

    def said(intent: str, *entities: str) -> dict:
        return {"event": "user", "text": intent, "parse_data": {
            "intent": {"name": intent}, "entities": [{"entity": e, "value": "x"} for e in entities]}}

    events = [said("refund"), said("shipping_delay", "followup")]
    assert last_topic_intent(Tracker("s", {}, {}, events, False, None, {}, "")) == "refund"
    # With no other request, the detail's own topic.
    assert last_topic_intent(Tracker("s", {}, {}, events[1:], False, None, {}, "")) == "shipping_delay"
