"""Character n-grams of how a message is read aloud, not of how it is spelt.

Customers write the same word in kanji, hiragana or (half-width) katakana: 返品, へんぴん,
ﾍﾝﾋﾟﾝ. The other featurizers see three unrelated strings, and the training data is
written mostly in kanji, so kana-only messages were misread (issue #11). Sudachi gives
every token its reading in katakana (``SudachiTokenizer`` keeps it in the token's data);
n-grams of the readings make the three spellings one feature. Everything else is Rasa's
``CountVectorsFeaturizer``: only the strings it counts change.
"""
from __future__ import annotations

from typing import List, Text

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.constants import TOKENS_NAMES
from rasa.nlu.featurizers.sparse_featurizer.count_vectors_featurizer import CountVectorsFeaturizer
from rasa.shared.nlu.training_data.message import Message

from nlu_components.sudachi_tokenizer import READING_KEY


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=True)
class ReadingFeaturizer(CountVectorsFeaturizer):
    """A ``CountVectorsFeaturizer`` over token readings (the text where there is none)."""

    def _get_message_tokens_by_attribute(self, message: Message, attribute: Text) -> List[Text]:
        # Tokens without a reading (intent names, symbols) count as their text.
        return [t.get(READING_KEY) or t.text for t in message.get(TOKENS_NAMES[attribute]) or []]
