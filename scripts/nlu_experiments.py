"""Compares NLU pipeline variants on the two held-out sets and writes the table.

Why: the feature source, the n-gram analyzer, the entity extractors and the DIET size
are choices to make by measurement, not taste. Each variant is config.yml with a few
overrides; each is trained on data/nlu (`rasa train nlu`) and tested with
``rasa test nlu`` on the project's held-out set (tests/nlu) and on the blind set
(tests/blind/nlu_blind.yml, written by someone who never saw data/). Both are scored by
``devtools.nlu_metrics``, the definition the quality gates use. Only
these aggregate figures are read while tuning; the blind items are never looked at.

Usage: .venv/bin/python scripts/nlu_experiments.py [--only NAME ...] [--table]
"""
from __future__ import annotations

import argparse
import copy
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Callable, Dict, List

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from devtools.nlu_metrics import IN_SCOPE, OUT_OF_SCOPE, heldout_metrics, is_leak, read_json  # noqa: E402
from devtools.paths import RASA, RESULTS, ROOT  # noqa: E402

OUT = RESULTS / "experiments"
HELDOUT = {"project": ROOT / "tests" / "nlu", "blind": ROOT / "tests" / "blind" / "nlu_blind.yml"}


def component(config: Dict[str, Any], name_suffix: str) -> Dict[str, Any]:
    return next(c for c in config["pipeline"] if c["name"].endswith(name_suffix))


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


def with_crf(config: Dict[str, Any]) -> None:
    """The CRF entity extractor the OptionExtractor replaced, before it (as it was)."""
    pipeline = config["pipeline"]
    pipeline.insert(pipeline.index(component(config, "OptionExtractor")), {"name": "CRFEntityExtractor"})


def with_regex_features(config: Dict[str, Any]) -> None:
    """The option patterns (data/nlu/options.yml) also as features for DIET."""
    pipeline = config["pipeline"]
    pipeline.insert(pipeline.index(component(config, "DIETClassifier")), {"name": "RegexFeaturizer"})


def no_fallback(config: Dict[str, Any]) -> None:
    """Raw confidences, so that fallback thresholds can be swept afterwards."""
    config["pipeline"] = [c for c in config["pipeline"] if c["name"] != "FallbackClassifier"]


VARIANTS: Dict[str, List[Callable[[Dict[str, Any]], None]]] = {
    "current": [],
    "with-crf": [with_crf],
    "lemma": [set_lemma("lemma")],
    "char1-4": [set_char_analyzer("char", 4)],
    "charwb1-4": [set_char_analyzer("char_wb", 4)],
    "charwb1-5": [set_char_analyzer("char_wb", 5)],
    "diet1x128": [set_diet(number_of_transformer_layers=1, transformer_size=128)],
    "diet-100-epochs": [set_diet(epochs=100)],
    "regex-features": [with_regex_features],
    "no-fallback": [no_fallback],
}


def run(name: str) -> Dict[str, Any]:
    config = copy.deepcopy(yaml.safe_load((ROOT / "config.yml").read_text()))
    config["policies"] = []
    for apply in VARIANTS[name]:
        apply(config)
    out = OUT / name
    out.mkdir(parents=True, exist_ok=True)
    config_path = out / "config.yml"
    config_path.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False))
    # A cache of its own, so experiments never read or lock the main model's cache.
    env = {**os.environ, "RASA_CACHE_DIRECTORY": str(OUT / ".cache")}
    log = (out / "log.txt").open("w")
    started = time.monotonic()
    subprocess.run([RASA, "train", "nlu", "--config", str(config_path), "--nlu", str(OUT / "data"),
                    "--out", str(out), "--fixed-model-name", "nlu"],
                   cwd=ROOT, check=True, stdout=subprocess.DEVNULL, stderr=log, env=env)
    result: Dict[str, Any] = {"name": name, "train_seconds": round(time.monotonic() - started)}
    for set_name, path in HELDOUT.items():
        report = out / set_name
        started = time.monotonic()
        subprocess.run([RASA, "test", "nlu", "--model", str(out / "nlu.tar.gz"), "--nlu", str(path),
                        "--out", str(report), "--no-plot", "--successes"],
                       cwd=ROOT, check=True, stdout=subprocess.DEVNULL, stderr=log, env=env)
        metrics = heldout_metrics(report)
        result[set_name] = {"macro_f1": round(metrics.macro_f1, 4),
                            "kept_out": round(metrics.kept_out_share, 4),
                            "seconds": round(time.monotonic() - started)}
    (out / "score.json").write_text(json.dumps(result, indent=2))
    print(json.dumps(result), flush=True)
    return result


def table() -> str:
    """The measured variants as a Markdown table, best blind macro-F1 first."""
    scores = [json.loads(p.read_text()) for p in sorted(OUT.glob("*/score.json"))]
    scores.sort(key=lambda s: (-s["blind"]["macro_f1"], -s["blind"]["kept_out"]))
    lines = [
        "| variant | blind macro-F1 | blind out-of-scope kept out | tests/nlu macro-F1 "
        "| tests/nlu kept out | training | testing the blind set |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    lines += [
        f"| {s['name']} | {s['blind']['macro_f1']:.4f} | {s['blind']['kept_out']:.2%} "
        f"| {s['project']['macro_f1']:.4f} | {s['project']['kept_out']:.2%} "
        f"| {s['train_seconds']} s | {s['blind']['seconds']} s |"
        for s in scores
    ]
    return "\n".join(lines)


def threshold_sweep(name: str = "no-fallback") -> str:
    """What a FallbackClassifier threshold would do on the blind set.

    A prediction below the threshold becomes nlu_fallback: it costs a correct in-scope
    answer when the message was in scope, and saves a wrong one when it was not.
    """
    out = OUT / name / "blind"
    predictions = [p for file in ("intent_successes.json", "intent_errors.json")
                   for p in read_json(out / file, [])]
    if not predictions:
        return ""
    lines = ["| threshold | in-scope messages answered correctly | out-of-scope kept out |",
             "| --- | --- | --- |"]
    in_scope = [p for p in predictions if p["intent"] in IN_SCOPE]
    oos = [p for p in predictions if p["intent"] == OUT_OF_SCOPE]
    for threshold in (0.0, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8):
        kept = lambda p: p["intent_prediction"]["confidence"] >= threshold  # noqa: E731
        right = sum(1 for p in in_scope if kept(p) and p["intent_prediction"]["name"] == p["intent"])
        leaked = sum(1 for p in oos if kept(p) and is_leak(p))
        lines.append(f"| {threshold:.1f} | {right / len(in_scope):.2%} | {1 - leaked / len(oos):.2%} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--only", nargs="*", default=list(VARIANTS))
    parser.add_argument("--table", action="store_true", help="only print the table of past runs")
    args = parser.parse_args()
    if not args.table:
        # One snapshot of the training data for every variant of this run.
        shutil.rmtree(OUT / "data", ignore_errors=True)
        shutil.copytree(ROOT / "data" / "nlu", OUT / "data")
        for name in args.only:
            run(name)
    print(table())
    print()
    print(threshold_sweep())


if __name__ == "__main__":
    main()
