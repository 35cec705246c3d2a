"""Each answer action picks the right knowledge answer for every slot value."""
from __future__ import annotations

import pytest
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.answers import (
    ActionAnswerCancel,
    ActionAnswerCancelPenalty,
    ActionAnswerContact,
    ActionAnswerFollowup,
    ActionAnswerNotCovered,
    ActionAnswerRefund,
    ActionAnswerReturn,
    ActionAnswerShippingDelay,
)
from common.knowledge import load
from common.renderer import render, with_feedback
from tests.unit.conftest import make_tracker

pytestmark = pytest.mark.anyio


async def run(action, domain, **slots):
    dispatcher = CollectingDispatcher()
    events = await action.run(dispatcher, make_tracker(slots=slots), domain)
    return dispatcher.messages, events


def texts(messages):
    return "\n".join(m["text"] for m in messages)


def rendered(*answers):
    """What the actions send: the answers in order, the feedback question after the last."""
    return texts(with_feedback([m for a in answers for m in render(a)], answers[-1]))


@pytest.mark.parametrize(
    "slots, answers",
    [
        ({"order_status": "not_shipped"}, ["cancel_allowed"]),
        ({"order_status": "preparing"}, ["cancel_preparing"]),
        ({"order_status": "in_transit"}, ["cancel_shipped"]),
        ({"order_status": "delivered"}, ["cancel_shipped"]),
        ({"cancel_button": "shown"}, ["cancel_allowed"]),
        ({"cancel_button": "absent"}, ["cancel_not_possible"]),
        ({"cancel_button": "absent", "order_status": "not_shipped"}, ["cancel_not_possible"]),
        # Role-play: the button shown at 出荷準備中 left out 「キャンセルできない場合がある」.
        ({"cancel_button": "shown", "order_status": "preparing"}, ["cancel_preparing"]),
        ({"order_status": "preparing", "seller": "marketplace"}, ["cancel_preparing", "cancel_marketplace"]),
        ({"cancel_button": "absent", "seller": "marketplace"}, ["cancel_not_possible", "return_marketplace"]),
        ({"order_status": "in_transit", "seller": "marketplace"}, ["cancel_shipped", "return_marketplace"]),
        ({"order_status": "<script>"}, ["contact_choice"]),
        ({}, ["contact_choice"]),
    ],
)
async def test_cancel_branches(domain, slots, answers):
    messages, events = await run(ActionAnswerCancel(), domain, **slots)
    assert texts(messages) == rendered(*answers)
    # What the customer said of the order stays for the questions that follow.
    assert not any(e["name"] in ("order_status", "cancel_button", "seller") for e in events)


@pytest.mark.parametrize(
    "method, answer",
    [("credit_card", ["refund_rule", "refund_credit_card"]),
     ("carrier_billing", ["refund_rule", "refund_carrier_billing"]),
     ("gift_card", ["refund_rule", "refund_not_covered"]), ("other", ["refund_rule", "refund_not_covered"]),
     ("paypay", ["contact_choice"])],
)
async def test_refund_branches(domain, method, answer):
    """The method was known before (no question asked): the common rule comes first."""
    messages, _ = await run(ActionAnswerRefund(), domain, payment_method=method)
    assert texts(messages) == rendered(*answer)


async def test_refund_for_uncovered_method_says_so_and_invents_nothing(domain):
    messages, _ = await run(ActionAnswerRefund(), domain, payment_method="other")
    text = texts(messages)
    assert "ご案内できる情報がありません" in text
    assert "1日から3日" not in text  # the timing is given only for card / carrier billing


@pytest.mark.parametrize(
    "channel, must_contain, must_not_contain",
    [("chat", "「今すぐチャットをはじめる」", "「今すぐ電話がほしい」"),
     ("phone", "「今すぐ電話がほしい」", "「今すぐチャットをはじめる」")],
)
async def test_contact_by_channel(domain, channel, must_contain, must_not_contain):
    messages, events = await run(ActionAnswerContact(), domain, contact_channel=channel)
    text = texts(messages)
    assert must_contain in text and must_not_contain not in text
    assert text.count("手順①") == 1
    assert SlotSet("contact_channel", None) in events


@pytest.mark.parametrize(
    "seller, label", [("amazon", "「商品の返品」"), ("marketplace", "販売元の了承")]
)
async def test_return_by_seller(domain, seller, label):
    messages, _ = await run(ActionAnswerReturn(), domain, seller=seller)
    assert label in texts(messages)


async def test_shipping_delay_offers_chat_and_phone(domain):
    messages, _ = await run(ActionAnswerShippingDelay(), domain)
    assert "配送状況ページ" in texts(messages)
    payloads = [b["payload"] for m in messages for b in m.get("buttons", [])]
    assert '/contact_support{"contact_channel":"chat"}' in payloads
    assert '/contact_support{"contact_channel":"phone"}' in payloads


async def test_penalty_lists_the_three_behaviours(domain):
    messages, _ = await run(ActionAnswerCancelPenalty(), domain)
    text = texts(messages)
    for behaviour in ["大量商品のキャンセル", "頻繁にキャンセル", "キャンセルリクエスト無しの受け取り拒否"]:
        assert f"・{behaviour}" in text
    assert "明確にされていません" in text


@pytest.mark.parametrize(
    "kind, last_answer, answer",
    [("how_long", "refund_credit_card", "refund_timing"), ("how_long", "contact_phone", "phone_wait"),
     ("how_long", "return_amazon", "not_covered"),
     ("how_to_confirm", "cancel_allowed", "cancel_confirmation"),
     ("how_many_times", None, "penalty_count"), ("which_is_faster", "shipping_delay", "chat_or_phone_wait"),
     ("which_is_faster", "refund_not_covered", "not_covered"),
     (None, "refund_credit_card", "not_covered")],
)
async def test_followup_answers_what_the_last_answer_leaves_open(domain, kind, last_answer, answer):
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(slots={"last_answer": last_answer},
                           entities=[{"entity": "followup", "value": kind}] if kind else [])
    events = await ActionAnswerFollowup().run(dispatcher, tracker, domain)
    assert texts(dispatcher.messages) == rendered(answer)
    assert not any(e["name"] == "last_answer" for e in events)  # the context stays


async def test_a_part_of_the_order_to_cancel_is_answered_after_any_answer(domain):
    """Role-play 15 d11: 「ふたつ　たのんだ　うちの　ひとつ　だけ　とりけしたいのです」 after the
    penalty answer got "not in the guide"; naming the cancel, it asks how to cancel part of an
    order. Without it (「1個だけ返品できる？」 after the return steps) the guide says nothing."""
    partial = {"entity": "followup", "value": "partial"}
    cancel = {"entity": "topic", "value": "cancel"}
    for entities, answer in (([partial, cancel], "cancel_partial"), ([partial], "not_covered")):
        dispatcher = CollectingDispatcher()
        tracker = make_tracker(slots={"last_answer": "cancel_penalty"}, entities=entities)
        await ActionAnswerFollowup().run(dispatcher, tracker, domain)
        assert texts(dispatcher.messages) == rendered(answer)


async def test_an_answer_becomes_the_context_of_follow_ups(domain):
    _, events = await run(ActionAnswerRefund(), domain, payment_method="credit_card")
    assert SlotSet("last_answer", "refund_credit_card") in events


async def test_a_procedure_answer_ends_with_the_feedback_question(domain):
    messages, _ = await run(ActionAnswerCancelPenalty(), domain)
    last = messages[-1]
    assert last["text"].endswith("この回答で解決しましたか？")
    titles = [b["title"] for b in last["buttons"]]
    assert titles == ["キャンセル方法", "チャットで問い合わせる", "解決した", "解決しない"]
    assert all("解決しましたか" not in m["text"] for m in messages[:-1])


@pytest.mark.parametrize("channel", ["chat", "phone", None])
async def test_the_contact_paths_do_not_ask_for_feedback(domain, channel):
    """They are where 「解決しない」 leads: asking again would go round in a circle."""
    messages, _ = await run(ActionAnswerContact(), domain, contact_channel=channel)
    assert all("解決しましたか" not in m["text"] for m in messages)


async def test_an_upset_customer_gets_one_apology_first(domain):
    """Role-play: an angry customer got the procedure with no word of regret."""
    upset = [{"entity": "mood", "value": "upset"}]
    apology = load().empathy
    dispatcher = CollectingDispatcher()
    await ActionAnswerCancelPenalty().run(dispatcher, make_tracker(entities=upset), domain)
    assert dispatcher.messages[0]["text"].startswith(apology + "\n")
    assert texts(dispatcher.messages).count(apology) == 1
    # Already answered (a second topic of the same message): no second apology.
    answered = make_tracker(entities=upset, events=[{"event": "user"}, {"event": "bot", "text": "…"}])
    dispatcher = CollectingDispatcher()
    await ActionAnswerCancelPenalty().run(dispatcher, answered, domain)
    assert apology not in texts(dispatcher.messages)
    # Not upset: no apology.
    calm, _ = await run(ActionAnswerCancelPenalty(), domain)
    assert apology not in texts(calm)


@pytest.mark.parametrize("status", ["in_transit", "delivered"])
async def test_a_shipped_order_that_does_not_arrive_gets_the_honest_answer(domain, status):
    """Role-play: 「発送済みなのに届かない」「配達完了なのに荷物がない」 got 「未発送であれば
    キャンセルできます」, which fits neither."""
    tracker = make_tracker(intent="shipping_delay", entities=[{"entity": "order_status", "value": status}])
    dispatcher = CollectingDispatcher()
    await ActionAnswerShippingDelay().run(dispatcher, tracker, domain)
    assert texts(dispatcher.messages) == rendered("not_covered")
    assert "未発送であれば" not in texts(dispatcher.messages)


async def test_a_follow_up_naming_another_payment_method_gets_that_methods_refund(domain):
    """Role-play 6: 「ちなみにクレジットカードの場合は何日くらいかかるんですか？」 after the gift-card
    refund (not in the guide) got 「資料に記載がない」, though the guide gives the card's days."""
    tracker = make_tracker(intent="followup", slots={"last_answer": "refund_not_covered",
                                                     "payment_method": "credit_card"},
                           entities=[{"entity": "followup", "value": "how_long", "start": 20},
                                     {"entity": "payment_method", "value": "credit_card", "start": 5}])
    dispatcher = CollectingDispatcher()
    await ActionAnswerFollowup().run(dispatcher, tracker, domain)
    assert texts(dispatcher.messages) == rendered("refund_credit_card")


async def test_the_button_told_after_the_preparing_answer_gets_the_steps(domain):
    """Role-play 7: 「きゃんせるぼたんはあります　おしたらきゃんせるできますか」 right after the
    出荷準備中 answer got 「この内容は、先ほどご案内したものと同じです」 twice; the document's
    answer to it is that a shown button means the order can be cancelled, with the steps."""
    messages, _ = await run(ActionAnswerCancel(), domain, order_status="preparing", cancel_button="shown",
                            last_answer="cancel_preparing", shown_answers=["cancel_preparing"])
    assert texts(messages) == rendered("cancel_allowed")


async def test_a_follow_up_naming_the_same_payment_method_is_a_follow_up(domain):
    tracker = make_tracker(intent="followup", slots={"last_answer": "refund_credit_card",
                                                     "payment_method": "credit_card",
                                                     "shown_answers": ["refund_credit_card"]},
                           entities=[{"entity": "followup", "value": "how_long", "start": 20},
                                     {"entity": "payment_method", "value": "credit_card", "start": 5}])
    dispatcher = CollectingDispatcher()
    await ActionAnswerFollowup().run(dispatcher, tracker, domain)
    assert "資料に記載がないため" not in texts(dispatcher.messages)
    assert texts(dispatcher.messages) == rendered("refund_timing")



async def test_a_second_question_the_guide_does_not_answer_keeps_the_first_answered(domain):
    """Role-play 9: 「3回ってやばいラインですか？あと自分のアカウントが今どういう評価なのか確認する
    方法ってある？」: the count the guide speaks of, then the honest not-covered for the rest."""
    entities = [{"entity": "followup", "value": "how_many_times", "start": 0},
                {"entity": "second_question", "value": "true", "start": 15},
                {"entity": "uncovered_detail", "value": "account_standing", "start": 20}]
    tracker = make_tracker(intent="followup", slots={"last_answer": "cancel_penalty"}, entities=entities)
    dispatcher = CollectingDispatcher()
    await ActionAnswerFollowup().run(dispatcher, tracker, domain)
    assert texts(dispatcher.messages) == rendered("penalty_count", "not_covered")
    # One question about a detail (「キャンセルのメールが来なかったら？」): the honest answer only.
    single = make_tracker(intent="followup", slots={"last_answer": "cancel_allowed"},
                          entities=[{"entity": "followup", "value": "how_to_confirm"},
                                    {"entity": "uncovered_detail", "value": "no_mail"}])
    dispatcher = CollectingDispatcher()
    await ActionAnswerFollowup().run(dispatcher, tracker=single, domain=domain)
    assert texts(dispatcher.messages) == rendered("not_covered")


async def test_a_channel_chosen_again_gets_its_steps_and_an_ok_to_steps_just_given_does_not(domain):
    """Role-play 16 e11: the chat steps given, then a question, then 「チャット」 chosen at the
    chat-or-phone question got 「承知しました」 three times. An OK right after the steps
    (role-play 14: 「わかった。じゃあチャットでいくわ」) is no request for them again."""
    steps = render("contact_chat")[0]["text"]
    question = load().questions["contact_channel"].text
    for previous_reply, steps_again in ((question, True), (steps, False)):
        events = [{"event": "user", "text": "…"}, {"event": "bot", "text": previous_reply},
                  {"event": "user", "text": "チャット"}]
        tracker = make_tracker(slots={"contact_channel": "chat", "last_answer": "contact_chat"},
                               events=events)
        dispatcher = CollectingDispatcher()
        await ActionAnswerContact().run(dispatcher, tracker, domain)
        replies = [m.get("text") or m.get("response") for m in dispatcher.messages]
        assert (steps in replies) is steps_again, replies
        assert ("utter_nevermind" in replies) is not steps_again, replies


async def test_a_question_whose_topic_is_declined_is_closed(domain):
    """Role-play 16 f10: 「キャンセルはせんて言いよるやん！ペナルティのことだけ知りたいと」 got the
    penalty answer and the order status asked a third time. The answer closes the question
    of the topic declined; another question stays open."""
    declined = [{"entity": "declined", "value": "cancel"}]
    for form, closed in (("cancel_form", True), ("refund_form", False)):
        tracker = make_tracker(intent="cancel_penalty", entities=declined, active_loop=form)
        events = await ActionAnswerCancelPenalty().run(CollectingDispatcher(), tracker, domain)
        assert any(e["event"] == "active_loop" and e["name"] is None for e in events) is closed


async def test_a_follow_up_joined_to_a_detail_the_guide_lacks_is_answered_too(domain):
    """Role-play 16 f07: 「…チャットと電話、どっちがいいですか？あと、…送料こっち持ちですか？」 got
    only "not in the guide"."""
    entities = [{"entity": "followup", "value": "which_is_faster", "start": 9},
                {"entity": "second_question", "value": "true", "start": 25},
                {"entity": "uncovered_detail", "value": "cost", "start": 40}]
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(intent="followup", entities=entities, slots={"last_answer": "return_marketplace"})
    await ActionAnswerNotCovered().run(dispatcher, tracker, domain)
    assert texts(dispatcher.messages) == rendered("chat_or_phone_wait", "not_covered")


@pytest.mark.parametrize("kind, named, last_answer, answer", [
    # Role-play 18 j04: 「チャットってすぐ繋がる？電話と比べてどっちが早いん？」 after a refund answer.
    ("which_is_faster", [("contact_channel", "phone")], "refund_not_covered", "chat_or_phone_wait"),
    # Role-play 18 i15: 「返金はカード返金とギフトカード返金どちらが早い」 after the return steps.
    ("which_is_faster", [("topic", "refund")], "return_amazon", "not_covered"),
    # Role-play 18 j09: 「キャンセルした後って確認のメールとか来るの？」 after 「承知しました」.
    ("how_to_confirm", [("topic", "cancel")], None, "cancel_confirmation"),
])
async def test_what_a_follow_up_names_says_what_it_is_about(domain, kind, named, last_answer, answer):
    entities = [{"entity": "followup", "value": kind}] + [{"entity": e, "value": v} for e, v in named]
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(slots={"last_answer": last_answer}, entities=entities)
    await ActionAnswerFollowup().run(dispatcher, tracker, domain)
    assert texts(dispatcher.messages) == rendered(answer)
