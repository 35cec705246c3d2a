"""Training is deterministic: a second training from a clean cache predicts the same."""
from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Dict, Tuple

from tests.helpers import RASA, ROOT, env, run_rasa

HELD_OUT = str(ROOT / "tests" / "nlu")


def predictions(model: str, out: Path) -> Dict[str, Tuple[str, float]]:
    result = run_rasa(["test", "nlu", "--model", model, "--nlu", HELD_OUT, "--out", str(out),
                       "--successes", "--no-plot"])
    assert result.returncode == 0, result.stderr[-3000:]
    found: Dict[str, Tuple[str, float]] = {}
    for name in ("intent_successes.json", "intent_errors.json"):
        path = out / name
        for item in json.loads(path.read_text()) if path.exists() else []:
            found[item["text"]] = (item["intent_prediction"]["name"],
                                   round(item["intent_prediction"]["confidence"], 4))
    return found


def test_retraining_from_scratch_gives_the_same_predictions(trained_model: str, tmp_path: Path) -> None:
    subprocess.run(
        [RASA, "train", "--out", str(tmp_path / "models"), "--fixed-model-name", "again"],
        cwd=ROOT, env=env(RASA_CACHE_DIRECTORY=str(tmp_path / "cache")), check=True,
        capture_output=True, timeout=1200,
    )
    first = predictions(trained_model, tmp_path / "first")
    second = predictions(str(tmp_path / "models" / "again.tar.gz"), tmp_path / "second")
    assert len(first) > 250
    assert first == second
