"""Which messages get the notice that the chat answers in Japanese (channels/guard.py)."""
from __future__ import annotations

import pytest

from channels.guard import not_japanese


@pytest.mark.parametrize("text", [
    "Hi, can I talk to a human? My package never arrived.",
    "I want to cancel my order",
    "Where is my refund??",
])
def test_a_sentence_in_another_language_is_flagged(text: str) -> None:
    assert not_japanese(text)


@pytest.mark.parametrize("text", [
    "hi", "Hello!", "Hey there",          # greetings the NLU knows
    "Amazonで買った商品を返品したい",        # Latin words inside Japanese
    "ｷｬﾝｾﾙ please do it now",              # half-width kana
    "250-1234567-8901234",                 # an order number alone
    "📦😭🙏",
    '/contact_support{"contact_channel":"phone"}',  # a button's payload
])
def test_japanese_and_short_greetings_are_not(text: str) -> None:
    assert not not_japanese(text)
