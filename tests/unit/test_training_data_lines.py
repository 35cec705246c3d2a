"""Every line of the NLU data is read as what it looks like.

Inside an ``examples: |`` block every line is an example: a ``# comment`` written there
is no YAML comment but an example without its ``-``, which Rasa skips with a warning.
Forty such warnings buried each training log, where a real problem would not be seen.
"""
from __future__ import annotations

import warnings

import pytest
from rasa.shared.nlu.training_data.loading import load_data

from tests.helpers import ROOT


@pytest.mark.parametrize("folder", ["data/nlu", "tests/nlu"])
def test_no_line_of_the_nlu_data_is_skipped(folder: str) -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        load_data(str(ROOT / folder))
    skipped = [str(w.message) for w in caught if "doesn't start with a '-'" in str(w.message)]
    assert not skipped, "\n".join(skipped)
