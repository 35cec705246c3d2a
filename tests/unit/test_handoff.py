"""The operator's summary after the contact procedure (issue #18): knowledge words only."""
from __future__ import annotations

from actions.renderer import render_handoff


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
