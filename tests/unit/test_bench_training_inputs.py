"""The bench's training copy holds every first-party package the training imports.

`make bench` trains in a scratch copy of the training inputs (bench/training.py). When
nlu_components began to import server.patches, the copy lacked server/ and the training
stage failed with ModuleNotFoundError; policies/ (config.yml's policy) was missing too.
"""
from __future__ import annotations

import ast
from pathlib import Path
from typing import Set

import yaml

from bench.training import INPUTS
from tests.helpers import ROOT

FIRST_PARTY = {p.name for p in ROOT.iterdir() if (p / "__init__.py").is_file()}


def _imported_first_party(path: Path) -> Set[str]:
    names: Set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module.split(".")[0])
    return names & FIRST_PARTY


def test_every_package_the_training_imports_is_copied() -> None:
    config = yaml.safe_load((ROOT / "config.yml").read_text(encoding="utf-8"))
    named = {c["name"].split(".")[0] for c in config["pipeline"] + config["policies"] if "." in c["name"]}
    needed: Set[str] = set(named)
    todo = list(named)
    while todo:  # what those packages import, and so on
        package = todo.pop()
        for path in (ROOT / package).rglob("*.py"):
            for name in _imported_first_party(path) - needed:
                needed.add(name)
                todo.append(name)
    assert needed <= set(INPUTS), sorted(needed - set(INPUTS))
