"""Each answer says only what the document says for that situation (issue #14's audit).

Where the document is silent the bot says so; where it says two things about one
situation both are shown. The numbers in the test names are the audit's points.
"""
from __future__ import annotations

import re

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.answers import ActionAnswerCancel, ActionAnswerRefund
from actions.forms import ValidateRefundForm
from common.knowledge import load
from common.renderer import render, render_question
from tests.unit.conftest import make_tracker

pytestmark = pytest.mark.anyio

COMMON_REFUND_RULE = "「返送された商品がAmazonに届いてから」"


async def answer(action, domain, **slots):
    dispatcher = CollectingDispatcher()
    await action.run(dispatcher, make_tracker(slots=slots), domain)
    return dispatcher.messages


def joined(messages) -> str:
    return "\n".join(m["text"] for m in messages)


CANCELLED_BEFORE_SHIPPING = [{"order_status": "not_shipped"}, {"cancel_button": "shown"},
                             {"order_status": "preparing"}]


@pytest.mark.parametrize("order", CANCELLED_BEFORE_SHIPPING)
async def test_1_no_returned_goods_refund_rule_for_a_cancelled_order(domain, order):
    text = joined(await answer(ActionAnswerRefund(), domain, payment_method="credit_card", **order))
    assert "1日から3日" not in text and "「クレジットカードへの返金」" not in text
    assert "キャンセルした注文の返金については" in text and "記載がありません" in text
    assert "「カスタマーサービスに連絡」" in text


@pytest.mark.parametrize("order", CANCELLED_BEFORE_SHIPPING)
async def test_1_a_cancelled_order_is_not_asked_for_its_payment_method(domain, order):
    tracker = make_tracker(slots=order, intent="refund", active_loop="refund_form")
    assert await ValidateRefundForm().required_slots(
        ["payment_method"], CollectingDispatcher(), tracker, domain) == []


async def test_1_a_returned_order_still_gets_the_refund_rules(domain):
    text = joined(await answer(ActionAnswerRefund(), domain, payment_method="credit_card",
                               order_status="delivered"))
    assert "1日から3日" in text and COMMON_REFUND_RULE in text


async def test_2_marketplace_cancel_says_the_document_is_silent(domain):
    text = joined(await answer(ActionAnswerCancel(), domain, order_status="not_shipped",
                               seller="marketplace"))
    assert "販売元の了承" not in text and "返品できません" not in text
    assert "マーケットプレイスで購入した注文のキャンセルについては" in text and "記載がありません" in text


async def test_3_and_7_preparing_shows_both_rules_and_return_after_receipt(domain):
    text = joined(await answer(ActionAnswerCancel(), domain, order_status="preparing"))
    assert "「キャンセルできない場合がある」" in text
    assert "ステータスが「出荷準備前」の注文の場合のみ" in text
    assert "キャンセルボタンの表示がない場合" in text or "キャンセルボタンが表示されていない場合" in text
    received = text.index("商品を受け取ってから")
    assert received < text.index("「商品の返品」")


def test_4_the_product_page_remark_keeps_its_condition():
    text = joined(render("contact_phone"))
    assert "呼び出しているため" not in text
    assert "商品購入ページから呼び出した場合" in text


def test_5_questions_point_only_where_the_document_points():
    status = joined(render_question("order_status"))
    assert "配送状況ページ" in status and "「注文履歴」で確認" not in status
    assert "商品ページの販売元" not in joined(render_question("seller"))
    titles = [b.title for b in load().questions["order_status"].buttons]
    assert "受け取り済み" not in titles
    assert any("受け取" in title and title.endswith("た") for title in titles)


def test_6_unavailable_apology_gives_chat_and_phone_as_two_complete_alternatives():
    messages = render("reply_unavailable")
    chat = [m["text"] for m in messages if "「今すぐチャットをはじめる」" in m["text"]]
    phone = [m["text"] for m in messages if "「Amazonから電話します」" in m["text"]]
    assert len(chat) == 1 and len(phone) == 1 and chat != phone
    assert "「今すぐ電話がほしい」" in phone[0] and "「電話」のボタン" in phone[0]
    assert "手順③" not in phone[0] or "手順①" in phone[0]  # numbered on its own
    for apology in ("store_unavailable", "reply_unavailable"):
        text = joined(render(apology))
        assert "「今すぐチャットをはじめる」" in text and "「今すぐ電話がほしい」" in text


async def test_8_both_cancel_routes_in_the_document_order_each_with_the_mail(domain):
    text = joined(await answer(ActionAnswerCancel(), domain, order_status="not_shipped"))
    assert "商品情報から操作する場合" not in text
    button_route = text.index("「チェックした商品をキャンセルする」")
    history_route = text.index("「この注文の選択された商品をキャンセルします」")
    assert text.index("「商品キャンセル」") < button_route < history_route
    mails = [m.start() for m in re.finditer("お知らせメール", text)]
    assert len(mails) == 2 and button_route < mails[0] < history_route < mails[1]


def test_9_the_refund_question_gives_the_common_rule_first():
    text = joined(render_question("payment_method"))
    assert COMMON_REFUND_RULE in text
    assert text.index(COMMON_REFUND_RULE) < text.index("お支払い方法を教えてください")


async def test_9_the_rule_is_not_repeated_right_after_the_question(domain):
    asked = [{"event": "active_loop", "name": "refund_form"},
             {"event": "slot", "name": "requested_slot", "value": "payment_method"},
             {"event": "bot", "text": "ご購入時のお支払い方法を教えてください。"}]
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(slots={"payment_method": "credit_card"}, events=asked)
    await ActionAnswerRefund().run(dispatcher, tracker, domain)
    assert COMMON_REFUND_RULE not in joined(dispatcher.messages)
    assert COMMON_REFUND_RULE in joined(await answer(ActionAnswerRefund(), domain,
                                                     payment_method="credit_card"))


@pytest.mark.parametrize("answer_id", ["cancel_allowed", "cancel_preparing", "contact_phone"])
def test_long_answers_come_as_short_messages_with_the_buttons_last(answer_id):
    messages = render(answer_id)
    assert len(messages) >= 2
    assert all(len(m["text"].splitlines()) <= 8 for m in messages)
    assert all("buttons" not in m for m in messages[:-1]) and messages[-1].get("buttons")


async def test_1_a_refund_asked_for_returned_goods_gets_the_rules_after_a_cancel(domain):
    """Role-play: after 出荷準備中, 「返品になった場合の返金は？」 got the cancelled-order answer 3×."""
    asked = [{"event": "user", "text": "返品になった場合の返金はどうなりますか",
              "parse_data": {"intent": {"name": "refund"},
                             "entities": [{"entity": "topic", "value": "return"},
                                          {"entity": "topic", "value": "refund"}]}}]
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(slots={"order_status": "preparing", "payment_method": "credit_card"},
                           intent="refund", events=asked)
    await ActionAnswerRefund().run(dispatcher, tracker, domain)
    assert "1日から3日" in joined(dispatcher.messages)
    buttons = render("refund_after_cancel")[-1]["buttons"]
    button = [b for b in buttons if b["title"] == "返品した商品の返金"]
    assert button and button[0]["payload"] == '/refund{"topic":"return"}'
