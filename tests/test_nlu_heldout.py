"""The trained model on the held-out set it never saw: the quality gate.

Fails below macro-F1 0.95 over the six in-scope intents, or when more than 5% of
the out-of-scope test messages land in an in-scope intent. The intent report,
the errors and the confusion matrix stay under results/nlu/.
"""
from __future__ import annotations

import json

import pytest

from tests.helpers import RESULTS, ROOT, run_rasa

IN_SCOPE = ["shipping_delay", "contact_support", "cancel_order", "return_item", "refund", "cancel_penalty"]
OUT = RESULTS / "nlu"


@pytest.fixture(scope="module")
def report(trained_model: str) -> dict:
    result = run_rasa(["test", "nlu", "--model", trained_model,
                       "--nlu", str(ROOT / "tests" / "nlu"), "--out", str(OUT)])
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads((OUT / "intent_report.json").read_text())


def test_macro_f1_over_in_scope_intents(report: dict) -> None:
    macro_f1 = sum(report[i]["f1-score"] for i in IN_SCOPE) / len(IN_SCOPE)
    per_intent = {i: round(report[i]["f1-score"], 3) for i in IN_SCOPE}
    print(f"macro-F1 (in scope) = {macro_f1:.4f} {per_intent}")
    assert macro_f1 >= 0.95, per_intent


def test_out_of_scope_stays_out(report: dict) -> None:
    errors_path = OUT / "intent_errors.json"
    errors = json.loads(errors_path.read_text()) if errors_path.exists() else []
    leaked = [e["text"] for e in errors
              if e["intent"] == "out_of_scope" and e["intent_prediction"]["name"] in IN_SCOPE]
    share = len(leaked) / report["out_of_scope"]["support"]
    print(f"out-of-scope leaked into in-scope intents: {share:.2%} {leaked}")
    assert share <= 0.05, leaked


def test_confusion_matrix_is_saved(report: dict) -> None:
    assert (OUT / "intent_confusion_matrix.png").stat().st_size > 0


def test_held_out_set_shares_no_example_with_training() -> None:
    from rasa.shared.nlu.training_data.loading import load_data

    train = {e.get("text") for e in load_data(str(ROOT / "data" / "nlu")).intent_examples}
    test = {e.get("text") for e in load_data(str(ROOT / "tests" / "nlu")).intent_examples}
    assert not train & test
