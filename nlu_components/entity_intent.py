"""Gives a message the intent that one of its entity values always means.

A question about what the bot has just said (「1日から3日というのは、携帯の請求から差し引かれる
までの日数ですか？」, 「ご親切にどうも。それで、ヘルプというのは画面のどのあたりに…」) reads to
the classifier like the topic of its words: it got the not-shipped block and
「どういたしまして」 (role-play 8). Whatever its words, such a question is a follow-up, so the
pattern that recognises it (``data/nlu/options.yml``) decides the intent. config.yml lists
the entity values that do (``intents``), and those that do only where the classifier did
not read a request (``unless_request``: 「結局できるん？」 checks the last answer, 「…返品
できるってことですか」 read as return_item asks about returns).

The classifier also reads 「まだ届いておりません」 as a delivery question in a message that asks
to cancel (role-play 9); where config.yml says so (``topic_overrules``), the one topic such
a message names decides. It decides too between the two intents the classifier could not
choose from (``nlu_fallback``), when it is one of them (``undecided``). A topic that is
part of another named with it (cancelling, in a question about the penalty for cancelling:
「きゃんせるするとぺなるてぃある？」) is not counted as a second one (``part_of``).

A request the message declines (「キャンセルはしたくないです！何日くらい待てばいいか知りたいだけ」
started the cancel question, role-play 15) is not read, and its topic is not counted
(``declined``); ``declined_means`` says what the message is instead.
"""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Set, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.constants import DEFAULT_NLU_FALLBACK_INTENT_NAME
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

Entities = List[Dict[Text, Any]]


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class EntityIntent(GraphComponent, IntentClassifier):
    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        # intents: {entity: {value: intent}}; topic_overrules: {intent read: {topic: intent}}
        # undecided: {topic: intent}, for nlu_fallback between its two best intents
        # part_of: {topic: [topics it is part of]}; unless_request: as intents, where the
        # classifier did not read one of ``requests``
        # declined: {topic: its request}; declined_means: {topics: {topic: intent},
        # with_question: intent (a follow-up or a question asked), otherwise: intent}
        return {"intents": {}, "unless_request": {}, "requests": [], "topic_overrules": {},
                "undecided": {}, "part_of": {}, "topic_entity": "topic", "declined": {},
                "declined_means": {}, "declined_entity": "declined", "followup_entity": "followup",
                "asking_entity": "asking"}

    def __init__(self, config: Dict[Text, Any]) -> None:
        self.intents: Dict[Text, Dict[Text, Text]] = config["intents"]
        self.unless_request: Dict[Text, Dict[Text, Text]] = config["unless_request"]
        self.requests: List[Text] = config["requests"]
        self.overrules: Dict[Text, Dict[Text, Text]] = config["topic_overrules"]
        self.undecided: Dict[Text, Text] = config["undecided"]
        self.part_of: Dict[Text, List[Text]] = config["part_of"]
        self.topic_entity: Text = config["topic_entity"]
        self.declined: Dict[Text, Text] = config["declined"]
        self.declined_means: Dict[Text, Any] = config["declined_means"]
        self.declined_entity: Text = config["declined_entity"]
        self.followup_entity: Text = config["followup_entity"]
        self.asking_entity: Text = config["asking_entity"]

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
        """The intent the first listed entity value means, else what a message that
        declines the request read means, else the one topic named where the intent read is
        overruled or undecided, else what an entity means where no request was read; None
        to keep the classifier's."""
        entities = message.get(ENTITIES) or []
        read = (message.get(INTENT) or {}).get(INTENT_NAME_KEY)
        name = (self.by_entity(entities, self.intents) or self.instead_of_declined(entities, read)
                or self.by_topic(message, entities, read))
        if name is None and read not in self.requests:
            name = self.by_entity(entities, self.unless_request)
        return None if name is None else self.ranked(message, name)

    @staticmethod
    def by_entity(entities: Entities, meanings: Dict[Text, Dict[Text, Text]]) -> Optional[Text]:
        """What the value of the kind listed first in ``meanings`` means, wherever it is written."""
        values = {(e.get(ENTITY_ATTRIBUTE_TYPE), e.get(ENTITY_ATTRIBUTE_VALUE)) for e in entities}
        return next((intent for kind, by_value in meanings.items() for value, intent in by_value.items()
                     if (kind, value) in values), None)

    def values_of(self, entities: Entities, kind: Text) -> Set[Text]:
        return {e.get(ENTITY_ATTRIBUTE_VALUE) for e in entities if e.get(ENTITY_ATTRIBUTE_TYPE) == kind}

    def named_topics(self, entities: Entities) -> Set[Text]:
        """The topics the message asks about: named and not declined."""
        declined = self.values_of(entities, self.declined_entity)
        return self.values_of(entities, self.topic_entity) - declined

    def instead_of_declined(self, entities: Entities, read: Optional[Text]) -> Optional[Text]:
        declined = self.values_of(entities, self.declined_entity)
        if read not in {self.declined.get(topic) for topic in declined}:
            return None
        others = self.named_topics(entities)
        if len(others) == 1 and next(iter(others)) in self.declined_means["topics"]:
            return self.declined_means["topics"][next(iter(others))]
        if self.values_of(entities, self.followup_entity) or self.values_of(entities, self.asking_entity):
            return self.declined_means["with_question"]
        return self.declined_means["otherwise"]

    def by_topic(self, message: Message, entities: Entities, read: Optional[Text]) -> Optional[Text]:
        named = self.named_topics(entities)
        topics = {t for t in named if not named.intersection(self.part_of.get(t, []))}
        if len(topics) != 1:
            return None
        topic = next(iter(topics))
        if topic in self.overrules.get(read, {}):
            return self.overrules[read][topic]
        if read == DEFAULT_NLU_FALLBACK_INTENT_NAME and topic in self.undecided:
            best_two = [r.get(INTENT_NAME_KEY) for r in message.get(INTENT_RANKING_KEY) or []
                        if r.get(INTENT_NAME_KEY) != DEFAULT_NLU_FALLBACK_INTENT_NAME][:2]
            if self.undecided[topic] in best_two:
                return self.undecided[topic]
        return None

    @staticmethod
    def ranked(message: Message, name: Text) -> Dict[Text, Any]:
        """The intent with the classifier's own confidence for it where it ranked it."""
        ranked = next((r for r in message.get(INTENT_RANKING_KEY) or []
                       if r.get(INTENT_NAME_KEY) == name), None)
        return dict(ranked or {INTENT_NAME_KEY: name, PREDICTED_CONFIDENCE_KEY: 1.0})
