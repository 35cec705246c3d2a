"""Understanding on the held-out set (tests/nlu/): intents, out-of-scope leak, entities.

Why here: ``heldout_metrics`` is the one definition of the two headline NLU figures
(macro-F1 over the six in-scope intents, and the out-of-scope messages that land in one of
them). The quality gate ``tests/test_nlu_heldout.py`` imports it, so the gate and the
benchmark cannot drift apart. This module imports nothing heavy at module level.
"""
from __future__ import annotations

import json
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Dict, List, Tuple

from bench.common import rasa

IN_SCOPE: Tuple[str, ...] = (
    "shipping_delay", "contact_support", "cancel_order", "return_item", "refund", "cancel_penalty",
)
OUT_OF_SCOPE = "out_of_scope"


@dataclass(frozen=True)
class HeldOutMetrics:
    """The gate's figures, computed from the files ``rasa test nlu`` writes."""

    per_intent_f1: Dict[str, float]
    out_of_scope_total: int
    leaked: List[str] = field(default_factory=list)  # out-of-scope texts taken for in-scope

    @property
    def macro_f1(self) -> float:
        return sum(self.per_intent_f1.values()) / len(self.per_intent_f1)

    @property
    def leak_share(self) -> float:
        return len(self.leaked) / self.out_of_scope_total if self.out_of_scope_total else 0.0

    @property
    def kept_out_share(self) -> float:
        return 1.0 - self.leak_share


def _read_json(path: Path, default: Any) -> Any:
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else default


def heldout_metrics(report_dir: Path) -> HeldOutMetrics:
    """Macro-F1 over ``IN_SCOPE`` and the out-of-scope leak, from a ``rasa test nlu --out`` dir.

    An in-scope intent absent from the report (never predicted, no test message) counts
    as F1 0, so a broken model cannot pass by omission.
    """
    report = json.loads((report_dir / "intent_report.json").read_text(encoding="utf-8"))
    errors = _read_json(report_dir / "intent_errors.json", [])
    leaked = [e["text"] for e in errors
              if e["intent"] == OUT_OF_SCOPE and e["intent_prediction"]["name"] in IN_SCOPE]
    return HeldOutMetrics(
        per_intent_f1={i: float(report.get(i, {}).get("f1-score", 0.0)) for i in IN_SCOPE},
        out_of_scope_total=int(report.get(OUT_OF_SCOPE, {}).get("support", 0)),
        leaked=leaked,
    )


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
    intents = _read_json(out / "intent_report.json", {})
    entities = _read_json(out / "CRFEntityExtractor_report.json", {})
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
