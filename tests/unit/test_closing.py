"""A closing that names a channel gets its steps only where they were not shown."""
from __future__ import annotations

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.closing import ActionCloseConversation
from common.renderer import render
from tests.unit.conftest import make_tracker


@pytest.mark.parametrize("shown, unexplained", [
    ([], True),
    (["not_covered"], True),  # the help path only: the phone steps are still to come
    (["contact_phone"], False),
    # Role-play 16 e04: the steps came with "no number to call"; 「…孫に手伝ってもらってやって
    # みます。ありがとうございました。」 got them all again with the operator summary.
    (["not_covered_number"], False),
])
def test_a_channel_is_explained_once_its_steps_were_shown(shown, unexplained):
    tracker = make_tracker(slots={"shown_answers": shown},
                           entities=[{"entity": "contact_channel", "value": "phone"}])
    assert ActionCloseConversation.channel_not_explained(tracker) is unexplained


@pytest.mark.anyio
async def test_a_question_after_the_closing_is_answered(domain):
    """Role-play 17 g13: 「キャンセルはしないです。それより、予定日を過ぎたらお届け日って自動で更新
    されたりするんですか？」 got only 「承知しました」. A question after the never mind is
    answered (here: what the guide does not say); one before it is an aside."""
    def said(entities):
        return [{"entity": e, "value": v, "start": start} for e, v, start in entities]

    asked_after = said([("closing", "nevermind", 0), ("asking", "question", 40)])
    asked_before = said([("asking", "question", 0), ("closing", "nevermind", 40)])
    for entities, answered in ((asked_after, True), (asked_before, False)):
        dispatcher = CollectingDispatcher()
        await ActionCloseConversation().run(dispatcher, make_tracker(intent="cancel_order",
                                                                   entities=entities), domain)
        texts = [m.get("text") for m in dispatcher.messages]
        responses = [m.get("response") for m in dispatcher.messages]
        assert (render("not_covered")[0]["text"] in texts) is answered, texts
        assert ("utter_nevermind" in responses) is not answered, responses
