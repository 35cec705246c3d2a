"""What a training reads, as the Makefile lists it, and one digest of it.

Why: the determinism check (tests/test_determinism.py) trains a second model from scratch
and compares its predictions with the trained model's. That training takes minutes, and
its outcome only changes when something it reads changes; so its predictions are kept
under build/ keyed by this digest, and it trains again only then. The Makefile's
``TRAIN_INPUTS`` decides when `make` retrains models/bot.tar.gz; ``training_inputs`` must
list the same files (tests/test_determinism.py compares the two). `make bench` trains in a
scratch copy of exactly these inputs (bench/training.py).
"""
from __future__ import annotations

import hashlib
import sys
from pathlib import Path
from typing import Iterable, List

from devtools.paths import ROOT

# The Makefile's TRAIN_INPUTS: these files, and every *.yml and *.py under these folders:
# the training data, config.yml's components and policy, and what they import (server/:
# the Rasa patches nlu_components installs). tests/unit/test_training_inputs.py keeps it whole.
INPUT_FILES = ("config.yml", "domain.yml")
INPUT_FOLDERS = ("data", "nlu_components", "policies", "server")
INPUT_SUFFIXES = (".yml", ".py")
# Also decide what a training gives: the pinned packages and the spaCy pipeline's config
# (the model's other prerequisites in the Makefile).
ENVIRONMENT_FILES = ("requirements.lock", "build/spacy_ja/config.cfg")


def training_inputs(root: Path = ROOT) -> List[Path]:
    """The files of the Makefile's ``TRAIN_INPUTS``, relative to ``root``, sorted."""
    found = [Path(name) for name in INPUT_FILES]
    for folder in INPUT_FOLDERS:
        found += sorted(path.relative_to(root) for path in (root / folder).rglob("*")
                        if path.is_file() and path.suffix in INPUT_SUFFIXES)
    return found


def inputs_digest(extra: Iterable[Path] = (), root: Path = ROOT) -> str:
    """sha256 over the name and content of every training input, of ``ENVIRONMENT_FILES``
    (those present) and of ``extra`` (relative to ``root``), and the Python version."""
    digest = hashlib.sha256(sys.version.encode())
    names = [*training_inputs(root), *map(Path, ENVIRONMENT_FILES), *extra]
    for name in names:
        path = root / name
        if path.is_file():
            digest.update(f"\0{name.as_posix()}\0".encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()
