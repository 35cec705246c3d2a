"""Training time: a full ``rasa train`` from a clean cache, then a retrain after one NLU edit.

Why a scratch copy: the benchmark must not touch models/bot.tar.gz, the project's .rasa
cache or data/. The copy holds the training inputs (devtools/training.py, which the
Makefile's TRAIN_INPUTS mirror) and symlinks the local models config.yml's components
load (the spaCy pipeline build/spacy_ja), and its own cache via RASA_CACHE_DIRECTORY.
``rasa train`` runs with the scratch dir as working directory, as `make train` runs in
the project root.
"""
from __future__ import annotations

import datetime
import re
import shutil
import time
from pathlib import Path
from typing import Any, Callable, Dict, List

import yaml

from bench.common import OUT, timed
from devtools.paths import RASA, ROOT
from devtools.processes import child_env
from devtools.training import INPUT_FILES, INPUT_FOLDERS

EDITED_FILE = Path("data") / "nlu" / "cancel_order.yml"


def _local_models(config: Dict[str, Any]) -> List[str]:
    """Relative paths in the pipeline's ``model`` options that exist in the project."""
    paths = []
    for component in config.get("pipeline") or []:
        model = component.get("model")
        if isinstance(model, str) and not Path(model).is_absolute() and (ROOT / model).exists():
            paths.append(model)
    return paths


def make_scratch_project(workdir: Path) -> Path:
    """A copy of the training inputs in ``workdir/project``; local models are symlinked."""
    project = workdir / "project"
    project.mkdir(parents=True)
    for name in (*INPUT_FILES, *INPUT_FOLDERS):
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, project / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, project / name)
    config = yaml.safe_load((ROOT / "config.yml").read_text(encoding="utf-8"))
    for model in _local_models(config):
        (project / model).parent.mkdir(parents=True, exist_ok=True)
        (project / model).symlink_to(ROOT / model)
    return project


def edit_one_example(project: Path) -> str:
    """Changes the text of the first example in one NLU file; returns the new text."""
    path = project / EDITED_FILE
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    for index, line in enumerate(lines):
        match = re.match(r"^(\s+- )(.+?)(\s*)$", line)
        if match and index > 0 and "examples:" in "".join(lines[:index]):
            new_text = match.group(2) + "です"
            lines[index] = f"{match.group(1)}{new_text}{match.group(3)}"
            path.write_text("".join(lines), encoding="utf-8")
            return new_text
    raise ValueError(f"no example found in {path}")


_STAMP = re.compile(r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d) .*?(Starting to train|Finished training|Restored) "
                    r"component '([^']+)'")


def breakdown(log_path: Path, started: float, ended: float) -> Dict[str, float]:
    """Where a training's wall time went, from Rasa's log (1-second resolution).

    ``before_components``: start-up, data validation, story-conflict check, graph
    fingerprinting; each trained component's own span; ``after_components``: packaging.
    Components restored from the cache take no time and are listed with 0;
    ``between_components`` is the rest (tokenizing and featurizing the data for the next one).
    """
    spans: Dict[str, float] = {}
    first = last = None
    opened: Dict[str, float] = {}
    for line in log_path.read_text(errors="replace").splitlines():
        match = _STAMP.match(line)
        if not match:
            continue
        moment = datetime.datetime.strptime(match.group(1), "%Y-%m-%d %H:%M:%S").timestamp()
        what, component = match.group(2), match.group(3)
        first = moment if first is None else first
        last = moment
        if what == "Starting to train":
            opened[component] = moment
        elif what == "Finished training" and component in opened:
            repeat = sum(k.startswith(component) for k in spans)
            key = f"{component} #{repeat + 1}" if repeat else component
            spans[key] = moment - opened.pop(component)
        elif what == "Restored":
            spans[f"{component} (cache)"] = 0.0
    if first is None:
        return {}
    before, after = max(first - started, 0.0), max(ended - last, 0.0)
    # Between the logged spans: the untrained components' processing of the data (spaCy and
    # Sudachi tokenization, featurizing for the next component).
    between = max(ended - started - before - after - sum(spans.values()), 0.0)
    return {"before_components": before, **spans, "between_components": between, "after_components": after}


def _timed_with_breakdown(args: List[str], log_path: Path, cwd: Path, env: Dict[str, str]) -> Dict[str, Any]:
    started = time.time()
    seconds = timed(args, log_path, cwd=cwd, env=env)
    return {"seconds": seconds, "breakdown_s": breakdown(log_path, started, time.time())}


def run(log: Callable[[str], None], workdir: Path) -> Dict[str, Any]:
    """Full training from an empty cache, then the retrain with the same cache."""
    project = make_scratch_project(workdir)
    env = child_env(RASA_CACHE_DIRECTORY=str(workdir / "cache"))
    args = [RASA, "train", "--out", str(workdir / "models")]

    log(f"full rasa train from a clean cache in {project}")
    full = _timed_with_breakdown([*args, "--fixed-model-name", "full"], OUT / "logs" / "train_full.log",
                                 cwd=project, env=env)
    log(f"full training: {full['seconds']:.1f} s")

    changed = edit_one_example(project)
    log(f"retrain after editing one example in {EDITED_FILE} ({changed!r})")
    retrain = _timed_with_breakdown([*args, "--fixed-model-name", "retrain"],
                                    OUT / "logs" / "train_retrain.log", cwd=project, env=env)
    log(f"retrain: {retrain['seconds']:.1f} s")
    return {"full_s": full["seconds"], "retrain_s": retrain["seconds"],
            "full_breakdown_s": full["breakdown_s"], "retrain_breakdown_s": retrain["breakdown_s"],
            "edited_file": str(EDITED_FILE), "edited_example": changed}
