"""The trained model on the held-out set it never saw: the quality gate.

Fails below macro-F1 0.97 over the six in-scope intents, or when more than 5% of
the out-of-scope test messages land in an in-scope intent. The intent report,
the errors and the confusion matrix stay under results/nlu/. Both figures are
computed by ``devtools.nlu_metrics.heldout_metrics``, which `make bench` reports too.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from devtools.nlu_metrics import HeldOutMetrics, heldout_metrics
from tests.helpers import HELD_OUT, ROOT


@pytest.fixture(scope="module")
def report(heldout_report: Path) -> HeldOutMetrics:
    """The figures of the session's one ``rasa test nlu`` run on the held-out set (conftest)."""
    return heldout_metrics(heldout_report)


def test_macro_f1_over_in_scope_intents(report: HeldOutMetrics) -> None:
    macro_f1 = report.macro_f1
    per_intent = {i: round(f1, 3) for i, f1 in report.per_intent_f1.items()}
    print(f"macro-F1 (in scope) = {macro_f1:.4f} {per_intent}")
    assert macro_f1 >= 0.97, per_intent


def test_out_of_scope_stays_out(report: HeldOutMetrics) -> None:
    leaked = report.leaked
    share = report.leak_share
    print(f"out-of-scope leaked into in-scope intents: {share:.2%} {leaked}")
    assert share <= 0.05, leaked


def test_confusion_matrix_is_saved(heldout_report: Path) -> None:
    assert (heldout_report / "intent_confusion_matrix.png").stat().st_size > 0


def test_held_out_set_shares_no_example_with_training() -> None:
    from rasa.shared.nlu.training_data.loading import load_data

    train = {e.get("text") for e in load_data(str(ROOT / "data" / "nlu")).intent_examples}
    test = {e.get("text") for e in load_data(str(HELD_OUT)).intent_examples}
    assert not train & test
