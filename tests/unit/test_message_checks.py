"""The checks after every message: canonical slot values only, and the personal-data note."""
from __future__ import annotations

import pytest
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.message_checks import ValidateSlotMappings
from tests.unit.conftest import make_tracker

pytestmark = pytest.mark.anyio


def slot_event(name, value):
    return {"event": "slot", "name": name, "value": value}


async def run(domain, events, text="", active_loop=None, requested=None):
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(events=events, text=text, active_loop=active_loop,
                           slots={"requested_slot": requested})
    result = await ValidateSlotMappings().run(dispatcher, tracker, domain)
    return dispatcher.messages, result


async def test_unknown_value_outside_a_form_is_dropped(domain):
    _, events = await run(domain, [{"event": "user", "text": "/shipping_delay"},
                                   slot_event("seller", "<script>alert(1)</script>")])
    assert events == [SlotSet("seller", None)]


async def test_canonical_value_outside_a_form_is_kept(domain):
    _, events = await run(domain, [{"event": "user"}, slot_event("payment_method", "credit_card")])
    assert events == [SlotSet("payment_method", "credit_card")]


async def test_the_slot_a_form_asks_for_is_left_to_the_form(domain):
    _, events = await run(domain, [{"event": "user"}, slot_event("order_status", "まだ届かない")],
                          active_loop="cancel_form", requested="order_status")
    assert events == []


async def test_masked_personal_data_gets_the_note_first(domain):
    messages, _ = await run(domain, [{"event": "user"}], text="電話番号は［電話番号］です")
    assert "電話番号・メールアドレス・カード番号は必要ありません" in messages[0]["text"]


async def test_no_note_without_personal_data(domain):
    messages, _ = await run(domain, [{"event": "user"}], text="注文番号は250-1234567-1234567です")
    assert messages == []


async def test_another_order_forgets_what_was_said_of_the_last_one(domain):
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(
        slots={"payment_method": "credit_card", "seller": "marketplace", "order_status": "delivered"},
        entities=[{"entity": "another_order", "value": "true"},
                  {"entity": "order_status", "value": "preparing"}],
        events=[{"event": "user"}, slot_event("order_status", "preparing")],
    )
    events = await ValidateSlotMappings().run(dispatcher, tracker, domain)
    # What this message says of the new order stays; the rest is forgotten.
    assert events == [SlotSet("order_status", "preparing"), SlotSet("seller", None),
                      SlotSet("payment_method", None)]


async def test_what_was_said_of_the_order_is_kept_otherwise(domain):
    tracker = make_tracker(slots={"payment_method": "credit_card"}, events=[{"event": "user"}])
    assert await ValidateSlotMappings().run(CollectingDispatcher(), tracker, domain) == []
