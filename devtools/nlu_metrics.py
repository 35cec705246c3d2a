"""The held-out NLU figures: macro-F1 over the in-scope intents, and the out-of-scope leak.

Why here: the quality gates (tests/test_nlu_heldout.py, tests/blind/), the benchmark
(bench/understanding.py) and the pipeline experiments (scripts/nlu_experiments.py) all
report these two figures; one definition keeps them from drifting apart. Read from the
files ``rasa test nlu --out`` writes; nothing heavy is imported. The held-out texts
themselves, for the benchmarks and the DIET-load check, are read here too.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, Iterable, List, Tuple

import yaml

IN_SCOPE: Tuple[str, ...] = (
    "shipping_delay", "contact_support", "cancel_order", "return_item", "refund", "cancel_penalty",
)
OUT_OF_SCOPE = "out_of_scope"


@dataclass(frozen=True)
class HeldOutMetrics:
    """The gates' figures, computed from the files ``rasa test nlu`` writes."""

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


def read_json(path: Path, default: Any) -> Any:
    """A report file of ``rasa test nlu``, or ``default`` when it wrote none (no errors)."""
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else default


def is_leak(prediction: Dict[str, Any]) -> bool:
    """An out-of-scope message (an entry of intent_errors/successes.json) taken for in-scope."""
    return prediction["intent"] == OUT_OF_SCOPE and prediction["intent_prediction"]["name"] in IN_SCOPE


def heldout_metrics(report_dir: Path) -> HeldOutMetrics:
    """Macro-F1 over ``IN_SCOPE`` and the out-of-scope leak, from a ``rasa test nlu --out`` dir.

    An in-scope intent absent from the report (never predicted, no test message) counts
    as F1 0, so a broken model cannot pass by omission.
    """
    report = json.loads((report_dir / "intent_report.json").read_text(encoding="utf-8"))
    errors = read_json(report_dir / "intent_errors.json", [])
    return HeldOutMetrics(
        per_intent_f1={i: float(report.get(i, {}).get("f1-score", 0.0)) for i in IN_SCOPE},
        out_of_scope_total=int(report.get(OUT_OF_SCOPE, {}).get("support", 0)),
        leaked=[e["text"] for e in errors if is_leak(e)],
    )


_ANNOTATION = re.compile(r"\[([^\]]+)\](?:\{[^}]*\}|\([^)]*\))")


def examples(nlu_file: Path, intents: Iterable[str]) -> List[str]:
    """Plain texts of the given intents' examples (entity annotations removed)."""
    wanted = set(intents)
    data = yaml.safe_load(nlu_file.read_text(encoding="utf-8"))
    texts: List[str] = []
    for block in data.get("nlu", []):
        if block.get("intent") in wanted:
            for line in str(block.get("examples", "")).splitlines():
                line = line.strip()
                if line.startswith("- "):
                    texts.append(_ANNOTATION.sub(r"\1", line[2:].strip()))
    return texts
