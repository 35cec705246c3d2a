"""Gives a message the intent that one of its entity values always means.

A question about what the bot has just said (「1日から3日というのは、携帯の請求から差し引かれる
までの日数ですか？」, 「ご親切にどうも。それで、ヘルプというのは画面のどのあたりに…」) reads to
the classifier like the topic of its words: it got the not-shipped block and
「どういたしまして」 (role-play 8). Whatever its words, such a question is a follow-up, so the
pattern that recognises it (``data/nlu/options.yml``) decides the intent. config.yml lists
the entity values that do.
"""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.constants import (
    ENTITIES,
    ENTITY_ATTRIBUTE_TYPE,
    ENTITY_ATTRIBUTE_VALUE,
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
)
from rasa.shared.nlu.training_data.message import Message


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class EntityIntent(GraphComponent, IntentClassifier):
    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        # {entity: {value: intent}}
        return {"intents": {}}

    def __init__(self, config: Dict[Text, Any]) -> None:
        self.intents: Dict[Text, Dict[Text, Text]] = config["intents"]

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "EntityIntent":
        return cls(config)

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            intent = self.meant(message)
            if intent is not None:
                message.set(INTENT, intent, add_to_output=True)
        return messages

    def meant(self, message: Message) -> Optional[Dict[Text, Any]]:
        """The intent the first listed entity value means, with the classifier's own
        confidence for it where it ranked it; None when no listed value is present."""
        for entity in message.get(ENTITIES) or []:
            by_value = self.intents.get(entity.get(ENTITY_ATTRIBUTE_TYPE), {})
            name = by_value.get(entity.get(ENTITY_ATTRIBUTE_VALUE))
            if name is None:
                continue
            ranked = next((r for r in message.get(INTENT_RANKING_KEY) or []
                           if r.get(INTENT_NAME_KEY) == name), None)
            return dict(ranked or {INTENT_NAME_KEY: name, PREDICTED_CONFIDENCE_KEY: 1.0})
        return None
