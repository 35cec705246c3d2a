"""Form validation keeps canonical values only and gives up after two retries."""
from __future__ import annotations

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.forms import (
    MAX_REASKS,
    ValidateCancelForm,
    ValidateContactForm,
    ValidateRefundForm,
    ValidateReturnForm,
)
from actions.questions import AskOrderStatus, AskPaymentMethod
from tests.unit.conftest import make_tracker

pytestmark = pytest.mark.anyio

FORMS = [
    (ValidateCancelForm, "order_status", "preparing"),
    (ValidateReturnForm, "seller", "marketplace"),
    (ValidateRefundForm, "payment_method", "carrier_billing"),
    (ValidateContactForm, "contact_channel", "phone"),
]


@pytest.mark.parametrize("form_class, slot, value", FORMS)
async def test_canonical_value_is_kept(domain, form_class, slot, value):
    validate = getattr(form_class(), f"validate_{slot}")
    result = await validate(value, CollectingDispatcher(), make_tracker(), domain)
    assert result == {slot: value, "unusable_answers": 0, "last_answer_unusable": False}


@pytest.mark.parametrize("form_class, slot, value", FORMS)
@pytest.mark.parametrize("bad", ["<img src=x onerror=alert(1)>", "よくわからない", "__other__", 42, None])
@pytest.mark.parametrize("intent", ["inform", "nlu_fallback"])
async def test_unknown_value_is_never_stored(domain, form_class, slot, value, bad, intent):
    validate = getattr(form_class(), f"validate_{slot}")
    result = await validate(bad, CollectingDispatcher(), make_tracker(intent=intent), domain)
    if form_class is ValidateRefundForm and intent == "inform":
        # A payment method the bot has no word for is one the document does not cover.
        assert result == {slot: "other", "unusable_answers": 0, "last_answer_unusable": False}
    else:
        assert result[slot] is None
        assert result["unusable_answers"] == 1 and result["last_answer_unusable"] is True


async def test_form_gives_up_after_max_reasks(domain):
    form = ValidateCancelForm()
    asking = await form.required_slots(["order_status"], CollectingDispatcher(),
                                       make_tracker(slots={"unusable_answers": MAX_REASKS}), domain)
    done = await form.required_slots(["order_status"], CollectingDispatcher(),
                                     make_tracker(slots={"unusable_answers": MAX_REASKS + 1}), domain)
    assert asking == ["order_status"] and done == []


async def test_cancel_button_answers_the_cancel_question(domain):
    form = ValidateCancelForm()
    tracker = make_tracker(slots={"cancel_button": "absent"})
    assert await form.required_slots(["order_status"], CollectingDispatcher(), tracker, domain) == []
    result = await form.validate_order_status(
        "キャンセルボタンがない", CollectingDispatcher(), tracker, domain
    )
    assert result == {"order_status": None, "last_answer_unusable": False}


async def test_question_has_buttons_and_apologises_on_retry(domain):
    first, retry = CollectingDispatcher(), CollectingDispatcher()
    await AskOrderStatus().run(first, make_tracker(), domain)
    await AskOrderStatus().run(retry, make_tracker(slots={"last_answer_unusable": True}), domain)
    assert "配送状況ページ" in first.messages[0]["text"]
    assert "読み取れませんでした" not in first.messages[0]["text"]
    assert retry.messages[0]["text"].startswith("すみません")
    titles = [b["title"] for b in first.messages[0]["buttons"]]
    assert titles[:3] == ["出荷準備前", "出荷準備中", "配送中"]


async def test_payment_question_never_asks_for_card_numbers(domain):
    dispatcher = CollectingDispatcher()
    await AskPaymentMethod().run(dispatcher, make_tracker(), domain)
    assert "番号" not in dispatcher.messages[0]["text"]


@pytest.mark.parametrize("form_class, slot, value", FORMS)
async def test_not_knowing_answers_the_question(domain, form_class, slot, value):
    """「届いたかどうかわからない」 names an option it does not know: the answer for not
    knowing, not the option, and never the question again (role-play)."""
    validate = getattr(form_class(), f"validate_{slot}")
    tracker = make_tracker(intent="shipping_delay",
                           entities=[{"entity": slot, "value": value, "start": 0, "end": 3},
                                     {"entity": "unsure", "value": "unknown", "start": 7, "end": 12}])
    result = await validate(value, CollectingDispatcher(), tracker, domain)
    assert result == {slot: "unknown", "unusable_answers": 0, "last_answer_unusable": False}


async def test_an_option_after_not_knowing_is_the_answer(domain):
    """「よくわからなくて…。電話がいいです」 (role-play) chose the phone."""
    tracker = make_tracker(entities=[{"entity": "unsure", "value": "unknown", "start": 16, "end": 22},
                                     {"entity": "contact_channel", "value": "phone", "start": 24, "end": 26}])
    form = ValidateContactForm()
    result = await form.validate_contact_channel("phone", CollectingDispatcher(), tracker, domain)
    assert result["contact_channel"] == "phone"


def test_a_question_of_the_customers_own_is_handed_back(domain):
    """Role-play 3: 「箱すてちゃったんですけど大丈夫ですか」 while the seller is asked."""
    form = ValidateReturnForm()
    side = make_tracker(intent="nlu_fallback", slots={"seller": "箱すてちゃったんですけど大丈夫ですか"},
                        entities=[{"entity": "uncovered_detail", "value": "packaging"}])
    assert form.asks_back(side, domain)
    answered = make_tracker(intent="inform", entities=[
        {"entity": "uncovered_detail", "value": "packaging"}, {"entity": "seller", "value": "amazon"}])
    assert not form.asks_back(answered, domain)


def test_a_question_naming_every_option_is_no_answer(domain):
    """Role-play 5: 「チャットと電話ってどっちが早くつながりますか？」 was taken as the phone."""
    form = ValidateContactForm()
    both = make_tracker(intent="followup", entities=[
        {"entity": "contact_channel", "value": "chat"}, {"entity": "contact_channel", "value": "phone"},
        {"entity": "followup", "value": "which_is_faster"}])
    assert form.asks_back(both, domain)
    one = make_tracker(intent="inform", entities=[
        {"entity": "contact_channel", "value": "chat"}, {"entity": "followup", "value": "which_is_faster"}])
    assert not form.asks_back(one, domain)


def test_another_topic_the_nlu_could_not_place_is_handed_back(domain):
    """Role-play 4: another topic in words the classifier cannot place while chat or phone
    is asked goes to the two-stage fallback (its likely topics), not the question again."""
    form = ValidateContactForm()
    other = make_tracker(intent="nlu_fallback", entities=[{"entity": "topic", "value": "return"}])
    assert form.asks_back(other, domain)
    own = make_tracker(intent="nlu_fallback", entities=[{"entity": "topic", "value": "contact"}])
    assert not form.asks_back(own, domain)
    placed = make_tracker(intent="inform", entities=[{"entity": "topic", "value": "return"}])
    assert not form.asks_back(placed, domain)


def test_a_corrected_option_with_a_question_is_an_answer(domain):
    """Role-play 7: 「ギフトカードじゃなくてドコモの携帯払いでした。それなら何日くらいですか？」 was
    taken as naming neither method; the question was asked again and then not understood."""
    form = ValidateRefundForm()
    corrected = make_tracker(intent="inform", entities=[
        {"entity": "payment_method", "value": "gift_card"}, {"entity": "correction", "value": "true"},
        {"entity": "payment_method", "value": "carrier_billing"},
        {"entity": "followup", "value": "how_long"}])
    assert not form.asks_back(corrected, domain)


def test_an_answer_then_a_never_mind_is_handed_back(domain):
    """Role-play 15 d07: 「えっとまだ準備中ってなってる。あ、でもやっぱキャンセルやめとくわ」 got the
    whole 出荷準備中 answer. A never mind after the answer calls the question off; one before
    it (「やっぱりいいです…いや、準備中でした」) is taken back by the answer."""
    form = ValidateCancelForm()
    called_off = make_tracker(intent="nevermind", entities=[
        {"entity": "order_status", "value": "preparing", "start": 3},
        {"entity": "closing", "value": "nevermind", "start": 20}])
    assert form.asks_back(called_off, domain)
    taken_back = make_tracker(intent="inform", entities=[
        {"entity": "closing", "value": "nevermind", "start": 0},
        {"entity": "order_status", "value": "preparing", "start": 12}])
    assert not form.asks_back(taken_back, domain)
    # Role-play 17 g11: 「ボタンはあるけど、うーん、やっぱりキャンセルするのやめとこうかな」.
    button = make_tracker(intent="nevermind", slots={"cancel_button": "shown"}, entities=[
        {"entity": "cancel_button", "value": "shown", "start": 0},
        {"entity": "closing", "value": "nevermind", "start": 20}])
    assert form.asks_back(button, domain)
    thanks = make_tracker(intent="inform", entities=[
        {"entity": "order_status", "value": "preparing", "start": 3},
        {"entity": "closing", "value": "thanks", "start": 20}])
    assert not form.asks_back(thanks, domain)
