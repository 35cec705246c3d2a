"""Understanding on the held-out set (tests/nlu/): intents, out-of-scope leak, entities.

The two headline figures (macro-F1 over the six in-scope intents, and the out-of-scope
messages that land in one of them) come from ``devtools.nlu_metrics``, the definition the
quality gates use, so the gate and the benchmark cannot drift apart.
"""
from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any, Callable, Dict

from bench.common import rasa
from devtools.nlu_metrics import IN_SCOPE, heldout_metrics, read_json


def _per_label(report: Dict[str, Any]) -> Dict[str, Dict[str, float]]:
    """Per-label rows of a sklearn-style report, without the average and accuracy rows."""
    return {
        label: {"precision": row["precision"], "recall": row["recall"],
                "f1": row["f1-score"], "support": row["support"]}
        for label, row in report.items()
        if isinstance(row, dict) and "f1-score" in row and not label.endswith(" avg")
    }


def run(log: Callable[[str], None], model: Path, heldout: Path, out: Path) -> Dict[str, Any]:
    """Runs ``rasa test nlu`` on the held-out set and collects the figures and the PNG."""
    log(f"rasa test nlu on {heldout.name}/ -> {out}")
    if out.exists():
        shutil.rmtree(out)
    rasa(["test", "nlu", "--model", str(model), "--nlu", str(heldout), "--out", str(out)],
         out.parent / "logs" / "test_nlu.log")
    metrics = heldout_metrics(out)
    intents = read_json(out / "intent_report.json", {})
    entities = read_json(out / "CRFEntityExtractor_report.json", {})
    matrix = out / "intent_confusion_matrix.png"
    copied = out.parent / "intent_confusion_matrix.png"
    if matrix.exists():
        shutil.copyfile(matrix, copied)
    log(f"macro-F1 {metrics.macro_f1:.3f}, out-of-scope kept out {metrics.kept_out_share:.1%}")
    return {
        "intents": _per_label(intents),
        "in_scope": list(IN_SCOPE),
        "macro_f1_in_scope": metrics.macro_f1,
        "out_of_scope_total": metrics.out_of_scope_total,
        "out_of_scope_leaked": metrics.leaked,
        "out_of_scope_kept_out": metrics.kept_out_share,
        "intent_accuracy": intents.get("accuracy"),
        "entities": _per_label(entities),
        "entity_micro_f1": entities.get("micro avg", {}).get("f1-score"),
        "confusion_matrix_png": str(copied.relative_to(out.parent.parent)) if copied.exists() else None,
    }
