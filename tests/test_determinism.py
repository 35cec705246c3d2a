"""Training is deterministic: a second training from a clean cache predicts the same.

The trained model's own predictions are computed anew each run (the session's held-out
run, tests/conftest.py); the second training's are kept while its inputs do not change,
else it trains again in the background (tests/determinism.py).
"""
from __future__ import annotations

import subprocess
from pathlib import Path

from devtools.training import inputs_digest, training_inputs
from tests.determinism import SecondTraining, read_predictions
from tests.helpers import ROOT


def test_retraining_from_scratch_gives_the_same_predictions(heldout_report: Path,
                                                            second_training: SecondTraining) -> None:
    first = read_predictions(heldout_report)
    second = second_training.predictions()
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
