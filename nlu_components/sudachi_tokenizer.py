"""A ``SpacyTokenizer`` that gives the featurizers Sudachi's normalized form.

Customers write the same word many ways (取消し/取り消し, 問合せ/問い合わせ,
ｷｬﾝｾﾙ/キャンセル). Sudachi's normalized form folds these into one string; Rasa's
``CountVectorsFeaturizer`` reads ``Token.lemma``, so putting the normalized form
there lets every spelling share one feature without touching the text or its
character offsets (entity spans stay valid). ``lemma_source`` keeps the choice
measurable: see docs/nlu_experiments.md.
"""
from __future__ import annotations

from typing import Any, Dict, List, Text, Type

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.tokenizers.spacy_tokenizer import POS_TAG_KEY, SpacyTokenizer
from rasa.nlu.tokenizers.tokenizer import Token
from rasa.shared.nlu.training_data.message import Message

from nlu_components.japanese_spacy_nlp import JapaneseSpacyNLP

LEMMA_SOURCES = {
    "norm": lambda t: t.norm_,
    "lemma": lambda t: t.lemma_,
    "text": lambda t: t.text,
}


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=False
)
class SudachiTokenizer(SpacyTokenizer):
    """Tokens carry the original surface and offsets; the lemma is configurable."""

    @classmethod
    def required_components(cls) -> List[Type]:
        return [JapaneseSpacyNLP]

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {**SpacyTokenizer.get_default_config(), "lemma_source": "norm"}

    def tokenize(self, message: Message, attribute: Text) -> List[Token]:
        doc = self._get_doc(message, attribute)
        if not doc:
            return []
        lemma_of = LEMMA_SOURCES[self._config["lemma_source"]]
        tokens = [
            Token(
                t.text,
                t.idx,
                lemma=lemma_of(t) or t.text,
                data={POS_TAG_KEY: self._tag_of_token(t)},
            )
            for t in doc
            if t.text and t.text.strip()
        ]
        return self._apply_token_pattern(tokens)
