"""DIET loaded through one prediction (server/patches.py) predicts exactly as Rasa's load.

The trained model is loaded in this process twice, Rasa's way (a training step builds the
weights) and the patched way (a prediction builds them); every message of the held-out set
must get the same intent ranking with the same confidences, bit for bit.
"""
from __future__ import annotations

import asyncio
from typing import Dict, List, Tuple

from rasa.core.agent import Agent

from devtools.nlu_metrics import IN_SCOPE, examples
from server import patches
from tests.helpers import ROOT


def _rankings(model: str, by_prediction: bool, texts: List[str]) -> Dict[str, List[Tuple[str, float]]]:
    patches.DIET_LOAD_BY_PREDICTION = by_prediction
    try:
        agent = Agent.load(model)
    finally:
        patches.DIET_LOAD_BY_PREDICTION = True

    async def parse() -> Dict[str, List[Tuple[str, float]]]:
        found = {}
        for text in texts:
            parsed = await agent.parse_message(text)
            found[text] = [(i["name"], i["confidence"]) for i in parsed["intent_ranking"]]
        return found

    return asyncio.run(parse())


def test_the_patched_load_predicts_exactly_as_rasas(trained_model: str) -> None:
    import nlu_components  # noqa: F401  (installs the patches, as loading the model does)

    texts = examples(ROOT / "tests" / "nlu" / "test_nlu.yml", IN_SCOPE)
    assert len(texts) > 100
    rasas = _rankings(trained_model, False, texts)
    patched = _rankings(trained_model, True, texts)
    assert patched == rasas
    assert {ranking[0][0] for ranking in patched.values()} >= set(IN_SCOPE)  # not all one intent
