"""A correction, a question or a request is not the end of the talk (role-play 6)."""
from __future__ import annotations

from typing import List, Optional

import pytest
from rasa.shared.nlu.training_data.loading import load_data
from rasa.shared.nlu.training_data.message import Message

from nlu_components.closing_guard import ClosingGuard
from nlu_components.option_extractor import OptionExtractor
from tests.helpers import ROOT, pipeline_settings


@pytest.fixture(scope="module")
def guard() -> ClosingGuard:
    return ClosingGuard(pipeline_settings(ClosingGuard))


@pytest.fixture(scope="module")
def extractor() -> OptionExtractor:
    """Whether a message asks is read by the option patterns, as in the pipeline."""
    regexes = load_data(str(ROOT / "data" / "nlu" / "options.yml")).regex_features
    return OptionExtractor({}, None, None, regexes)  # type: ignore[arg-type]


def asking(extractor: OptionExtractor, text: str) -> List[str]:
    return [e["entity"] for e in extractor.extract(text) if e["entity"] == "asking"]


def read(guard: ClosingGuard, text: str, ranking: List[str], entities: Optional[List[str]] = None,
         extractor: Optional[OptionExtractor] = None) -> str:
    names = (entities or []) + (asking(extractor, text) if extractor else [])
    message = Message(data={
        "text": text,
        "intent": {"name": ranking[0], "confidence": 0.9},
        "intent_ranking": [{"name": name, "confidence": 0.9 - i / 10} for i, name in enumerate(ranking)],
        "entities": [{"entity": e, "value": "x"} for e in names],
    })
    return guard.process([message])[0].get("intent")["name"]


@pytest.mark.parametrize("intent", ["nevermind", "deny", "thanks", "bot_challenge"])
def test_a_correction_naming_a_status_is_an_answer(guard: ClosingGuard, intent: str) -> None:
    assert read(guard, "あ、ちゃうわ、よう見たら出荷準備中やったわ。これでもいけるん？",
                [intent, "contact_support", "inform"], ["order_status"]) == "inform"


@pytest.mark.parametrize("text", [
    "お忙しいところ恐れ入ります。靴の返品の仕方を教えていただけますか",
    "いや承知しましたやなくて。キャンセルできるんか聞いとんねん",
    "ありがとうございます。返金はいつですか？",
])
def test_a_question_or_request_is_no_closing(guard: ClosingGuard, extractor: OptionExtractor,
                                             text: str) -> None:
    assert read(guard, text, ["thanks", "nlu_fallback", "return_item"], extractor=extractor) == "return_item"


@pytest.mark.parametrize("text, entities", [
    ("ありがとうございました", []),
    ("やっぱりいいです", []),
    ("ありがとう、チャットで聞いてみます？", ["closing"]),  # the closing patterns have the last word
])
def test_a_closing_stays_a_closing(guard: ClosingGuard, extractor: OptionExtractor, text: str,
                                   entities: List[str]) -> None:
    assert read(guard, text, ["thanks", "return_item"], entities, extractor) == "thanks"


def test_other_intents_and_the_fallback_are_left_alone(guard: ClosingGuard) -> None:
    assert read(guard, "返品したいんですか？", ["return_item", "thanks"]) == "return_item"
    assert read(guard, "いいえ、違います", ["deny", "return_item"]) == "deny"  # a plain no
    assert read(guard, "なにこれ？", ["nlu_fallback", "thanks"]) == "nlu_fallback"


def test_a_question_read_as_a_no_gets_the_next_intent(guard: ClosingGuard,
                                                      extractor: OptionExtractor) -> None:
    """Role-play 9: 「受け取り拒否したらダメなんですか？」 was read as a no and got the goodbye."""
    text = "受け取り拒否したらダメなんですか？"
    assert read(guard, text, ["deny", "cancel_penalty"], extractor=extractor) == "cancel_penalty"


def entities_after(guard: ClosingGuard, extractor: OptionExtractor, text: str,
                   entities: List[str]) -> List[str]:
    names = entities + asking(extractor, text)
    message = Message(data={"text": text, "intent": {"name": "thanks", "confidence": 0.9},
                            "intent_ranking": [{"name": "thanks", "confidence": 0.9}],
                            "entities": [{"entity": e, "value": "x"} for e in names]})
    return [e["entity"] for e in guard.process([message])[0].get("entities")]


def test_the_asides_of_a_closing_are_no_questions(guard: ClosingGuard, extractor: OptionExtractor) -> None:
    """Role-play 9: 「…こちらからかけるのではなく、…お電話をいただけるのですね。…ありがとうござい
    ました。」 got 「資料に記載がない」 for the number it mentioned."""
    text = "こちらからかけるのではなく、お電話をいただけるのですね。ありがとうございました。"
    assert entities_after(guard, extractor, text, ["uncovered_detail", "contact_channel", "closing"]) == [
        "contact_channel", "closing"]
    # Asked, or with no closing, the detail stays a question.
    asked = entities_after(guard, extractor, "ありがとう、電話番号は？", ["uncovered_detail", "closing"])
    assert "uncovered_detail" in asked
    assert "followup" in entities_after(guard, extractor, "待ち時間はどれくらい", ["followup"])
