"""Training is deterministic: a second training from a clean cache predicts the same.

The second training takes minutes and gives the same predictions for as long as nothing
it reads changes, so they are kept in ``build/determinism/<digest>.json``, keyed by the
digest of the training inputs, the pinned packages and the held-out set
(devtools/training.py): a run trains again only after one of them changed, or when the
file is missing (a fresh clone, `make clean`). Either way the trained model's own
predictions are computed anew each run (the session's held-out run, tests/conftest.py)
and must equal those of the other training.
"""
from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Dict, Tuple

from devtools.training import inputs_digest, training_inputs
from tests.helpers import HELD_OUT, RASA, ROOT, env, run_rasa

CACHE = ROOT / "build" / "determinism"
Predictions = Dict[str, Tuple[str, float]]


def read_predictions(out: Path) -> Predictions:
    """Each held-out text's predicted intent and confidence, from ``rasa test nlu --successes``."""
    found: Predictions = {}
    for name in ("intent_successes.json", "intent_errors.json"):
        path = out / name
        for item in json.loads(path.read_text()) if path.exists() else []:
            found[item["text"]] = (item["intent_prediction"]["name"],
                                   round(item["intent_prediction"]["confidence"], 4))
    return found


def retrained_predictions(work: Path) -> Predictions:
    """The predictions of a model trained from an empty cache: from ``CACHE`` when its
    inputs have not changed since, else trained now (and kept for the next run)."""
    held_out = sorted(path.relative_to(ROOT) for path in HELD_OUT.rglob("*.yml"))
    kept = CACHE / f"{inputs_digest(held_out)}.json"
    if kept.exists():
        return {text: (intent, confidence)
                for text, (intent, confidence) in json.loads(kept.read_text(encoding="utf-8")).items()}
    subprocess.run(
        [RASA, "train", "--out", str(work / "models"), "--fixed-model-name", "again"],
        cwd=ROOT, env=env(RASA_CACHE_DIRECTORY=str(work / "cache")), check=True,
        capture_output=True, timeout=1200,
    )
    result = run_rasa(["test", "nlu", "--model", str(work / "models" / "again.tar.gz"),
                       "--nlu", str(HELD_OUT), "--out", str(work / "again"), "--successes", "--no-plot"])
    assert result.returncode == 0, result.stderr[-3000:]
    found = read_predictions(work / "again")
    CACHE.mkdir(parents=True, exist_ok=True)
    for stale in CACHE.glob("*.json"):  # other inputs' predictions: never read again
        stale.unlink()
    partial = kept.with_suffix(".tmp")
    partial.write_text(json.dumps(found, ensure_ascii=False, indent=0), encoding="utf-8")
    partial.replace(kept)  # whole or absent, even if this run is stopped
    return found


def test_retraining_from_scratch_gives_the_same_predictions(heldout_run: Path, tmp_path: Path) -> None:
    first = read_predictions(heldout_run)
    second = retrained_predictions(tmp_path)
    assert len(first) > 250
    assert first == second


def test_the_cache_key_covers_exactly_the_makefiles_training_inputs() -> None:
    """The Makefile's TRAIN_INPUTS (what makes `make` retrain) are the files the key reads."""
    make = subprocess.run(
        ["make", "--no-print-directory", "-s", "--eval", "print-train-inputs: ; @echo $(TRAIN_INPUTS)",
         "print-train-inputs"], cwd=ROOT, capture_output=True, text=True, check=True)
    assert sorted(make.stdout.split()) == sorted(path.as_posix() for path in training_inputs())


def test_the_cache_key_changes_with_any_training_input(tmp_path: Path) -> None:
    for name in ("config.yml", "domain.yml", "data/nlu/a.yml", "policies/p.py", "requirements.lock"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x")
    before = inputs_digest(root=tmp_path)
    (tmp_path / "README.md").write_text("not read by a training")
    assert inputs_digest(root=tmp_path) == before
    for name in ("data/nlu/a.yml", "policies/p.py", "requirements.lock"):
        (tmp_path / name).write_text("changed")
        assert inputs_digest(root=tmp_path) != before, name
        before = inputs_digest(root=tmp_path)
