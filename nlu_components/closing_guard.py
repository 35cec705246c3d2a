"""Keeps a correction, a question or a request from being read as the end of the talk.

The classifier learns thanks, goodbye and "never mind" mostly from their opening words, so
「あ、ちゃうわ、よう見たら出荷準備中やったわ。これでもいけるん？」 and 「お忙しいところ恐れ入ります。
…返品の仕方を教えていただけますか」 were answered 「承知しました」 or 「どういたしまして」 and the
customer had to start again (role-play 6). A message that answers one of the bot's
questions (an option entity) is an answer (``inform``), even when it opens with 「いや」; a
message that asks something (entity ``asking``: a question mark, a question's ending,
「教えて」「知りたい」) gets the next intent of the classifier's own ranking. The closing
patterns of ``data/nlu/options.yml`` have the last word (「ありがとう。返品はやめます」).

It runs after the FallbackClassifier and leaves ``nlu_fallback`` alone: a message the
classifier could not place stays with the did-you-mean.
"""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.constants import DEFAULT_NLU_FALLBACK_INTENT_NAME
from rasa.shared.nlu.constants import (
    ENTITIES,
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
)
from rasa.shared.nlu.training_data.message import Message


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class ClosingGuard(GraphComponent, IntentClassifier):
    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {
            # Read as the end of the talk; a question is none of them.
            # 「受け取り拒否したらダメなんですか？」 (role-play 9) is no plain no.
            "closing_intents": ["thanks", "goodbye", "nevermind", "deny"],
            # Read as the end of the talk, a plain no or 「ボットなの？」; a message naming an option
            # is an answer (「え、わかんないの？ドコモ払いにしてたんだけど」, role-play 6).
            "answered_intents": ["thanks", "goodbye", "nevermind", "deny", "bot_challenge"],
            "answer_intent": "inform",
            # Entities that name an option; set in config.yml.
            "content_entities": [],
            "closing_entity": "closing",
            # Asides of a message that ends the talk, not questions (role-play 9: 「…こちらから
            # かけるのではなく、…いただけるのですね。…ありがとうございました。」 got 「資料に記載がない」).
            "aside_entities": ["uncovered_detail", "followup"],
            # Set on a message that asks something (data/nlu/options.yml).
            "asking_entity": "asking",
        }

    def __init__(self, config: Dict[Text, Any]) -> None:
        self.closing_intents = set(config["closing_intents"])
        self.answered_intents = set(config["answered_intents"])
        self.answer_intent = config["answer_intent"]
        self.content_entities = set(config["content_entities"])
        self.closing_entity = config["closing_entity"]
        self.aside_entities = set(config["aside_entities"])
        self.asking_entity = config["asking_entity"]

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "ClosingGuard":
        return cls(config)

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            intent = self.reread(message)
            if intent is not None:
                message.set(INTENT, intent, add_to_output=True)
            self.drop_asides(message)
        return messages

    def drop_asides(self, message: Message) -> None:
        """A message that ends the talk and asks nothing has no question to answer."""
        entities = message.get(ENTITIES) or []
        names = {e.get("entity") for e in entities}
        if self.closing_entity not in names or self.asking_entity in names:
            return
        kept = [e for e in entities if e.get("entity") not in self.aside_entities]
        if len(kept) < len(entities):
            message.set(ENTITIES, kept, add_to_output=True)

    def reread(self, message: Message) -> Optional[Dict[Text, Any]]:
        """The intent a closing-looking answer or question really has, or None to keep it."""
        intent = (message.get(INTENT) or {}).get(INTENT_NAME_KEY)
        names = {entity.get("entity") for entity in message.get(ENTITIES) or []}
        if intent not in self.answered_intents or self.closing_entity in names:
            return None
        ranking = message.get(INTENT_RANKING_KEY) or []
        if names & self.content_entities:
            answer = next((r for r in ranking if r.get(INTENT_NAME_KEY) == self.answer_intent), None)
            return dict(answer or {INTENT_NAME_KEY: self.answer_intent, PREDICTED_CONFIDENCE_KEY: 0.0})
        if intent in self.closing_intents and self.asking_entity in names:
            skipped = self.answered_intents | {DEFAULT_NLU_FALLBACK_INTENT_NAME}
            following = next((r for r in ranking if r.get(INTENT_NAME_KEY) not in skipped), None)
            return dict(following) if following else None
        return None
