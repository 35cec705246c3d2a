"""The determinism check's second training, from an empty cache, and its predictions.

The second training takes minutes and gives the same predictions for as long as nothing
it reads changes, so they are kept in ``build/determinism/<digest>.json``, keyed by the
digest of the training inputs, the pinned packages and the held-out set
(devtools/training.py): a run trains again only after one of them changed, or when the
file is missing (a fresh clone, `make clean`). Then the training runs in the background
from the start of the session (``BackgroundRun``), in the CPU time the other tests leave.
"""
from __future__ import annotations

import json
import shlex
from pathlib import Path
from typing import Dict, Optional, Tuple

from devtools.training import inputs_digest
from tests.helpers import HELD_OUT, RASA, ROOT, BackgroundRun

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


class SecondTraining:
    """The predictions of a model trained from an empty cache in ``work``: those kept for
    the same inputs, or those of a training started by ``start``."""

    def __init__(self, work: Path) -> None:
        self.work = work
        held_out = sorted(path.relative_to(ROOT) for path in HELD_OUT.rglob("*.yml"))
        self.kept = CACHE / f"{inputs_digest(held_out)}.json"
        self.run: Optional[BackgroundRun] = None

    def start(self) -> "SecondTraining":
        if not self.kept.exists():
            model = self.work / "models" / "again.tar.gz"
            train = [RASA, "train", "--out", str(model.parent), "--fixed-model-name", "again"]
            predict = [RASA, "test", "nlu", "--model", str(model), "--nlu", str(HELD_OUT),
                       "--out", str(self.work / "again"), "--successes", "--no-plot"]
            both = f"{shlex.join(train)} && {shlex.join(predict)}"
            self.run = BackgroundRun("second_training", ["sh", "-c", both],
                                     RASA_CACHE_DIRECTORY=str(self.work / "cache")).start()
        return self

    def predictions(self) -> Predictions:
        """Waits for the training if one runs, and keeps its predictions for the next run."""
        if self.run is None:
            kept = json.loads(self.kept.read_text(encoding="utf-8"))
            return {text: (intent, confidence) for text, (intent, confidence) in kept.items()}
        finished = self.run.finished()
        assert finished.returncode == 0, finished.output[-3000:]
        found = read_predictions(self.work / "again")
        CACHE.mkdir(parents=True, exist_ok=True)
        for stale in CACHE.glob("*.json"):  # other inputs' predictions: never read again
            stale.unlink()
        partial = self.kept.with_suffix(".tmp")
        partial.write_text(json.dumps(found, ensure_ascii=False, indent=0), encoding="utf-8")
        partial.replace(self.kept)  # whole or absent, even if this run is stopped
        return found

    def stop(self) -> None:
        if self.run is not None:
            self.run.stop()
