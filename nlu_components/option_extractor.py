"""Reads the options of the bot's questions from the customer's own words.

Customers answer 「その商品はどこから購入しましたか」 with 「販売元はAmazonになってます」,
and the status question with 「昨日もう受け取りました」 or 「ボタンはないです」. A
statistical extractor learns such answers only from annotated examples of the same
shape; these words are better written down once. They live in the NLU training data
(``data/nlu/options.yml``) as Rasa ``regex`` entries named ``"<entity>: <value>"``;
this component matches them and emits the entity with its canonical value, so no
synonym table is needed and the slot mappings and form validations work unchanged.

Matching runs on a copy of the message folded to NFKC, lower case and hiragana
(ｱﾏｿﾞﾝ, アマゾン, あまぞん → あまぞん; ＡＭＡＺＯＮ → amazon), with every folded character
mapped back to its place in the original, so the reported offsets are those of the
text the customer typed. Patterns are folded the same way (case aside: they are
compiled case-insensitive, as lower-casing ``\\S`` would change its meaning). A customer
who writes word by word (「しょうひんは　もう　とどいて　います」, role-play 15) has the spaces
between the Japanese words taken out; one or two gaps are kept, as they may part sentences
(「返品したい あと返金は？」).

Where the same entity is named twice, overlapping matches keep the longest; separate
mentions are all reported in text order, and Rasa's slot mapping takes the last one
(「クレカじゃなくてPayPayでした」 → the correction).
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any, Dict, List, Pattern, Set, Text, Tuple

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from rasa.shared.utils.io import dump_obj_as_json_to_file, read_json_file

_NAME = re.compile(r"^(?P<entity>[a-z_]+): (?P<value>[a-z_]+)$")
_KATAKANA = {code: code - 0x60 for code in range(ord("ァ"), ord("ヶ") + 1)}
_FILE = "options.json"
# Characters that fold into the one before them (half-width dakuten, combining marks).
_JOINING = {"\uff9e", "\uff9f", "\u3099", "\u309a"}
_JAPANESE = "\u3040-\u30ff\u3400-\u9fff\uff10-\uff19\uff66-\uff9f"
_WORD_GAP = re.compile(f"(?<=[{_JAPANESE}])\\s+(?=[{_JAPANESE}])")
WORD_BY_WORD_GAPS = 3  # gaps between Japanese words from which a message is written word by word


@dataclass(frozen=True)
class Option:
    entity: Text
    value: Text
    pattern: Pattern[Text]


def _fold(piece: Text) -> Text:
    return unicodedata.normalize("NFKC", piece).translate(_KATAKANA)


def _gaps_between_words(text: Text) -> Set[int]:
    """The indices of the spaces of a message written word by word; none otherwise."""
    gaps = [match.span() for match in _WORD_GAP.finditer(text)]
    if len(gaps) < WORD_BY_WORD_GAPS:
        return set()
    return {index for start, end in gaps for index in range(start, end)}


def fold(text: Text) -> Tuple[Text, List[int]]:
    """``text`` folded for matching, and for each folded character its original index."""
    folded: List[Text] = []
    origin: List[int] = []
    dropped = _gaps_between_words(text)
    start = 0
    while start < len(text):
        if start in dropped:
            start += 1
            continue
        end = start + 1
        while end < len(text) and (text[end] in _JOINING or unicodedata.combining(text[end])):
            end += 1
        piece = _fold(text[start:end]).lower()
        folded.append(piece)
        origin.extend([start] * len(piece))
        start = end
    origin.append(len(text))
    return "".join(folded), origin


def _options(regexes: List[Dict[Text, Text]]) -> List[Option]:
    options = []
    for regex in regexes:
        name = _NAME.match(regex["name"])
        if name:  # other regex entries are not options
            pattern = re.compile(_fold(regex["pattern"]), re.IGNORECASE)
            options.append(Option(name["entity"], name["value"], pattern))
    return options


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=True)
class OptionExtractor(GraphComponent, EntityExtractorMixin):
    def __init__(self, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
                 regexes: List[Dict[Text, Text]]) -> None:
        self._config = config
        self._storage = model_storage
        self._resource = resource
        self._options = _options(regexes)

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {}

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "OptionExtractor":
        return cls(config, model_storage, resource, [])

    @classmethod
    def load(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
             execution_context: ExecutionContext, **kwargs: Any) -> "OptionExtractor":
        with model_storage.read_from(resource) as directory:
            return cls(config, model_storage, resource, read_json_file(directory / _FILE))

    def train(self, training_data: TrainingData) -> Resource:
        """Keeps the option regexes of the training data in the model (nothing is learnt)."""
        regexes = [r for r in training_data.regex_features if _NAME.match(r["name"])]
        _options(regexes)  # a pattern that does not compile fails training, not serving
        with self._storage.write_to(self._resource) as directory:
            dump_obj_as_json_to_file(directory / _FILE, regexes)
        return self._resource

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            found = self.extract(message.get(TEXT) or "")
            message.set(ENTITIES, message.get(ENTITIES, []) + found, add_to_output=True)
        return messages

    def extract(self, text: Text) -> List[Dict[Text, Any]]:
        folded, origin = fold(text)
        matches = [
            (m.start(), m.end(), option)
            for option in self._options for m in option.pattern.finditer(folded) if m.end() > m.start()
        ]
        # Longest first; a match overlapping a longer one of the same entity is dropped.
        matches.sort(key=lambda m: (m[0] - m[1], m[0]))
        kept: List[Tuple[int, int, Option]] = []
        for start, end, option in matches:
            if not any(o.entity == option.entity and s < end and start < e for s, e, o in kept):
                kept.append((start, end, option))
        kept.sort(key=lambda m: m[0])
        return self.add_extractor_name([
            {"entity": option.entity, "value": option.value, "start": origin[start],
             "end": origin[end], "confidence_entity": 1.0}
            for start, end, option in kept
        ])
