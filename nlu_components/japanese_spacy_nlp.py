"""A ``SpacyNLP`` that never fails on what customers actually type.

Stock ``SpacyNLP`` hands the raw text to SudachiPy, which raises on inputs longer
than 49,149 bytes and on lone surrogates (they cannot be encoded as UTF-8). One bad
message must not turn into an HTTP 500, so this loader tokenizes long texts in
chunks and replaces lone surrogates one-for-one. Both keep every character offset
of the original text, so entity spans stay valid.
"""
from __future__ import annotations

import re
from typing import Any, List, Optional, Text

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.constants import DENSE_FEATURIZABLE_ATTRIBUTES, SPACY_DOCS
from rasa.nlu.utils.spacy_utils import SpacyModel, SpacyNLP
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from spacy.language import Language
from spacy.tokens import Doc

# Sudachi's limit is 49,149 UTF-8 bytes; a Japanese character takes at most 4 bytes.
CHUNK_CHARS = 12_000
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def replace_lone_surrogates(text: Text) -> Text:
    """Same length as the input: offsets computed on the result are valid on the input."""
    return _LONE_SURROGATE.sub("\ufffd", text)


def _chunks(text: Text, size: int) -> List[Text]:
    """Cuts after a line break or space when one is near, so fewer words are split."""
    pieces: List[Text] = []
    start = 0
    while start < len(text):
        end = min(start + size, len(text))
        if end < len(text):
            cut = max(text.rfind("\n", start, end), text.rfind(" ", start, end))
            if cut > start + size // 2:
                end = cut + 1
        pieces.append(text[start:end])
        start = end
    return pieces


@DefaultV1Recipe.register(
    [
        DefaultV1Recipe.ComponentType.MODEL_LOADER,
        DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER,
    ],
    is_trainable=False,
    model_from="JapaneseSpacyNLP",
)
class JapaneseSpacyNLP(SpacyNLP):
    """Loads the local blank ``ja`` pipeline and makes docs that cover any input."""

    def _doc_for_text(self, model: Language, text: Optional[Text]) -> Doc:
        text = replace_lone_surrogates(self._preprocess_text(text))
        if len(text) <= CHUNK_CHARS:
            return model(text)
        docs = [model(piece) for piece in _chunks(text, CHUNK_CHARS)]
        return Doc.from_docs(docs, ensure_whitespace=False)

    def process_training_data(
        self, training_data: TrainingData, model: SpacyModel
    ) -> TrainingData:
        """Goes through ``_doc_for_text`` so training data gets the same safety."""
        for example in training_data.training_examples:
            self._set_docs(example, model.model)
        return training_data

    def process(self, messages: List[Message], model: SpacyModel) -> List[Message]:
        for message in messages:
            self._set_docs(message, model.model)
        return messages

    def _set_docs(self, message: Message, model: Language) -> None:
        for attribute in DENSE_FEATURIZABLE_ATTRIBUTES:
            value: Any = message.get(attribute)
            if value:
                message.set(SPACY_DOCS[attribute], self._doc_for_text(model, value))
