"""A long answer shown before in the conversation comes back as a short reminder."""
from __future__ import annotations

import pytest
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.answers import (
    ActionAnswerCancel,
    ActionAnswerContact,
    ActionAnswerFollowup,
    ActionAnswerShippingDelay,
    ActionShowAnswer,
)
from common.knowledge import load
from common.renderer import render, with_feedback
from tests.unit.conftest import make_tracker

pytestmark = pytest.mark.anyio


def sent(answer_id):
    """An answer as the actions send it in full: with the feedback question after it."""
    return with_feedback(render(answer_id), answer_id)


def view(messages):
    """What the customer sees: each message's text and button payloads."""
    return [(m["text"], [b["payload"] for b in m.get("buttons") or []]) for m in messages]


async def answer(action, domain, previous_question=None, **slots):
    """``previous_question``: the bot's question (a slot) in reply to the previous message."""
    dispatcher = CollectingDispatcher()
    events = [{"event": "user", "text": "…"}, {"event": "user", "text": "…"}]
    if previous_question:
        events.insert(1, {"event": "bot", "text": load().questions[previous_question].text})
    events = await action.run(dispatcher, make_tracker(slots=slots, events=events), domain)
    return dispatcher.messages, events


async def test_the_second_time_a_long_answer_is_a_reminder_with_a_button_to_show_it(domain):
    first, events = await answer(ActionAnswerCancel(), domain, order_status="not_shipped")
    assert view(first) == view(sent("cancel_allowed"))
    assert SlotSet("shown_answers", ["cancel_allowed"]) in events
    again, _ = await answer(ActionAnswerCancel(), domain, order_status="not_shipped",
                            shown_answers=["cancel_allowed"])
    assert [m["text"] for m in again] == [load().reminder.text]
    payloads = [b["payload"] for b in again[0]["buttons"]]
    assert payloads[0] == '/show_again{"answer":"cancel_allowed"}'
    assert payloads[1:] == [b["payload"] for b in render("cancel_allowed")[-1]["buttons"]]


async def test_a_short_answer_is_simply_given_again(domain):
    tracker = make_tracker(slots={"last_answer": "refund_credit_card", "shown_answers": ["refund_timing"]},
                           entities=[{"entity": "followup", "value": "how_long"}])
    dispatcher = CollectingDispatcher()
    await ActionAnswerFollowup().run(dispatcher, tracker, domain)
    assert view(dispatcher.messages) == view(sent("refund_timing"))


async def test_a_short_answer_asked_for_again_at_once_is_not_in_the_guide(domain):
    """Role-play 6: 「そっちでしらべられないの？」 and 「おなじこといわないでよ」 each got the same
    not-shipped paragraph again, four times in one conversation; role-play 7: the reminder in
    its place read as a canned reply to a new question."""
    again, _ = await answer(ActionAnswerShippingDelay(), domain, last_answer="shipping_delay",
                            shown_answers=["shipping_delay"])
    assert view(again) == view(sent("not_covered"))
    later, _ = await answer(ActionAnswerShippingDelay(), domain, last_answer="refund_timing",
                            shown_answers=["shipping_delay"])
    assert view(later) == view(sent("shipping_delay"))


async def test_a_short_answer_chosen_at_its_question_is_given_again(domain):
    """Role-play 16 e11: the chat steps, a question the guide does not answer, then 「チャット」
    chosen at the chat-or-phone question got "not in the guide": an answer to the bot's own
    question is no request for the same answer."""
    chosen, _ = await answer(ActionAnswerContact(), domain, previous_question="contact_channel",
                             contact_channel="chat", last_answer="contact_chat",
                             shown_answers=["contact_chat"])
    assert view(chosen) == view(render("contact_chat"))


async def test_the_button_shows_the_answer_in_full(domain):
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(intent="show_again", slots={"shown_answers": ["cancel_allowed"]},
                           entities=[{"entity": "answer", "value": "cancel_allowed"}])
    await ActionShowAnswer().run(dispatcher, tracker, domain)
    assert view(dispatcher.messages) == view(sent("cancel_allowed"))


async def test_a_typed_request_shows_the_last_answer_and_a_made_up_one_is_refused(domain):
    dispatcher = CollectingDispatcher()
    await ActionShowAnswer().run(dispatcher, make_tracker(slots={"last_answer": "contact_phone"}), domain)
    assert view(dispatcher.messages) == view(sent("contact_phone"))
    dispatcher = CollectingDispatcher()
    forged = make_tracker(entities=[{"entity": "answer", "value": "<script>"}])
    await ActionShowAnswer().run(dispatcher, forged, domain)
    assert view(dispatcher.messages) == view(sent("contact_choice"))


async def test_an_answer_the_customer_never_got_is_given_in_full_again(domain):
    """After the reply timeout a REST reply is lost: the channel flags the next message
    (CI: the customer who asked again after the apology got 「先ほどご案内した…」)."""
    tracker = make_tracker(slots={"order_status": "not_shipped", "shown_answers": ["cancel_allowed"]})
    tracker.latest_message["metadata"] = {"last_reply_undelivered": True}
    dispatcher = CollectingDispatcher()
    await ActionAnswerCancel().run(dispatcher, tracker, domain)
    assert view(dispatcher.messages) == view(sent("cancel_allowed"))
