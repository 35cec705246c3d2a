"""Compares NLU pipeline variants by cross-validation and writes the table.

Why: the Sudachi split mode, the feature source (normalized form or lemma), the
n-gram analyzer and the DIET size are choices to make by measurement, not taste.
Each variant is config.yml with a few overrides; each runs
``rasa test nlu --cross-validation`` on data/nlu and is scored like the held-out
gate: macro-F1 over the six in-scope intents, and the share of out-of-scope
messages that land in an in-scope intent.

Usage: .venv/bin/python scripts/nlu_experiments.py [--folds 3] [--only NAME ...]
"""
from __future__ import annotations

import argparse
import copy
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Callable, Dict, List

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from scripts.build_spacy_pipeline import build  # noqa: E402

IN_SCOPE = ["shipping_delay", "contact_support", "cancel_order", "return_item", "refund", "cancel_penalty"]
OUT = ROOT / "results" / "experiments"


def component(config: Dict[str, Any], name_suffix: str) -> Dict[str, Any]:
    return next(c for c in config["pipeline"] if c["name"].endswith(name_suffix))


def set_split_mode(mode: str) -> Callable[[Dict[str, Any]], None]:
    def apply(config: Dict[str, Any]) -> None:
        path = ROOT / "build" / f"spacy_ja_{mode}"
        if not (path / "config.cfg").exists():
            build(path, mode)
        component(config, "JapaneseSpacyNLP")["model"] = str(path)
    return apply


def set_lemma(source: str) -> Callable[[Dict[str, Any]], None]:
    def apply(config: Dict[str, Any]) -> None:
        component(config, "SudachiTokenizer")["lemma_source"] = source
    return apply


def set_char_analyzer(analyzer: str, max_ngram: int = 3) -> Callable[[Dict[str, Any]], None]:
    def apply(config: Dict[str, Any]) -> None:
        char = [c for c in config["pipeline"] if c.get("analyzer", "").startswith("char")][0]
        char["analyzer"] = analyzer
        char["max_ngram"] = max_ngram
    return apply


def set_diet(**overrides: Any) -> Callable[[Dict[str, Any]], None]:
    def apply(config: Dict[str, Any]) -> None:
        component(config, "DIETClassifier").update(overrides)
    return apply


def crf_entities(config: Dict[str, Any]) -> None:
    """DIET for intents only; sklearn-crfsuite's CRF (with Sudachi POS tags) for entities."""
    pipeline = config["pipeline"]
    diet = component(config, "DIETClassifier")
    diet["entity_recognition"] = False
    pipeline.insert(pipeline.index(diet), {"name": "CRFEntityExtractor"})


def no_fallback(config: Dict[str, Any]) -> None:
    """Raw confidences, so that fallback thresholds can be swept afterwards."""
    config["pipeline"] = [c for c in config["pipeline"] if c["name"] != "FallbackClassifier"]


VARIANTS: Dict[str, List[Callable[[Dict[str, Any]], None]]] = {
    "C-norm-charwb3-diet0": [set_split_mode("C")],
    "A-norm-charwb3-diet0": [set_split_mode("A")],
    "B-norm-charwb3-diet0": [set_split_mode("B")],
    "C-lemma-charwb3-diet0": [set_split_mode("C"), set_lemma("lemma")],
    "C-text-charwb3-diet0": [set_split_mode("C"), set_lemma("text")],
    "C-norm-char3-diet0": [set_split_mode("C"), set_char_analyzer("char")],
    "C-norm-charwb4-diet0": [set_split_mode("C"), set_char_analyzer("char_wb", 4)],
    "C-norm-charwb3-diet1x128": [
        set_split_mode("C"), set_diet(number_of_transformer_layers=1, transformer_size=128)
    ],
    "C-norm-charwb3-diet0-crf": [set_split_mode("C"), crf_entities],
    "A-norm-charwb3-diet0-crf": [set_split_mode("A"), crf_entities],
    "B-norm-charwb3-diet0-crf": [set_split_mode("B"), crf_entities],
    "C-lemma-charwb3-diet0-crf": [set_split_mode("C"), set_lemma("lemma"), crf_entities],
    "C-norm-charwb3-diet0-crf-nofallback": [set_split_mode("C"), crf_entities, no_fallback],
}


def entity_f1(out: Path) -> float:
    for name in ("CRFEntityExtractor_report.json", "DIETClassifier_report.json"):
        path = out / name
        if path.exists():
            report = json.loads(path.read_text())
            summary = report.get("micro avg") or report["weighted avg"]
            return round(summary["f1-score"], 4)
    return float("nan")


def score(report_path: Path, errors_path: Path) -> Dict[str, float]:
    report = json.loads(report_path.read_text())
    macro_f1 = sum(report[i]["f1-score"] for i in IN_SCOPE) / len(IN_SCOPE)
    oos_total = report["out_of_scope"]["support"]
    errors = json.loads(errors_path.read_text()) if errors_path.exists() else []
    leaked = sum(
        1 for e in errors
        if e["intent"] == "out_of_scope" and e["intent_prediction"]["name"] in IN_SCOPE
    )
    return {"macro_f1_in_scope": round(macro_f1, 4), "oos_leak": round(leaked / oos_total, 4)}


def run(name: str, folds: int) -> Dict[str, Any]:
    base = yaml.safe_load((ROOT / "config.yml").read_text())
    config = copy.deepcopy(base)
    config["policies"] = []
    for apply in VARIANTS[name]:
        apply(config)
    out = OUT / name
    out.mkdir(parents=True, exist_ok=True)
    config_path = out / "config.yml"
    config_path.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False))
    started = time.monotonic()
    subprocess.run(
        [str(ROOT / ".venv/bin/rasa"), "test", "nlu", "--nlu", "data/nlu", "--config", str(config_path),
         "--cross-validation", "--folds", str(folds), "--out", str(out), "--no-plot", "--successes"],
        cwd=ROOT, check=True, stdout=subprocess.DEVNULL, stderr=(out / "log.txt").open("w"),
        # A cache of its own, so experiments never read or lock the main model's cache.
        env={**os.environ, "RASA_CACHE_DIRECTORY": str(OUT / ".cache")},
    )
    result = score(out / "intent_report.json", out / "intent_errors.json")
    result.update(name=name, entity_f1=entity_f1(out), seconds=round(time.monotonic() - started))
    (out / "score.json").write_text(json.dumps(result, indent=2))
    print(json.dumps(result), flush=True)
    return result


def table() -> str:
    """The measured variants as a Markdown table, best in-scope macro-F1 first."""
    scores = [json.loads(p.read_text()) for p in sorted(OUT.glob("*/score.json"))]
    scores.sort(key=lambda s: (-s["macro_f1_in_scope"], s["oos_leak"]))
    lines = [
        "| variant | macro-F1 (6 in-scope intents) | out-of-scope leak | entity F1 (micro) | wall time |",
        "| --- | --- | --- | --- | --- |",
    ]
    lines += [
        f"| {s['name']} | {s['macro_f1_in_scope']:.4f} | {s['oos_leak']:.2%} | {s['entity_f1']:.4f} "
        f"| {s['seconds']} s |"
        for s in scores
    ]
    return "\n".join(lines)


def threshold_sweep(name: str = "C-norm-charwb3-diet0-crf-nofallback") -> str:
    """What a FallbackClassifier threshold would do to the cross-validated predictions.

    A prediction below the threshold becomes nlu_fallback: it costs a correct in-scope
    answer when the message was in scope, and saves a wrong one when it was not.
    """
    out = OUT / name
    predictions = []
    for file in ("intent_successes.json", "intent_errors.json"):
        path = out / file
        predictions += json.loads(path.read_text()) if path.exists() else []
    if not predictions:
        return ""
    lines = ["| threshold | in-scope messages answered correctly | out-of-scope leak into in-scope |",
             "| --- | --- | --- |"]
    in_scope = [p for p in predictions if p["intent"] in IN_SCOPE]
    oos = [p for p in predictions if p["intent"] == "out_of_scope"]
    for threshold in (0.0, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8):
        kept = lambda p: p["intent_prediction"]["confidence"] >= threshold  # noqa: E731
        right = sum(1 for p in in_scope if kept(p) and p["intent_prediction"]["name"] == p["intent"])
        leaked = sum(1 for p in oos if kept(p) and p["intent_prediction"]["name"] in IN_SCOPE)
        lines.append(f"| {threshold:.1f} | {right / len(in_scope):.2%} | {leaked / len(oos):.2%} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--folds", type=int, default=3)
    parser.add_argument("--only", nargs="*", default=list(VARIANTS))
    parser.add_argument("--table", action="store_true", help="only print the table of past runs")
    args = parser.parse_args()
    if not args.table:
        for name in args.only:
            run(name, args.folds)
    print(table())
    print()
    print(threshold_sweep())


if __name__ == "__main__":
    main()
