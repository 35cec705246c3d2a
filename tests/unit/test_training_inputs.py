"""The training inputs hold every first-party package a training imports.

devtools/training.py lists what a training reads: the Makefile retrains on it, the
determinism check keys its cache on it, and `make bench` trains in a scratch copy of it.
When nlu_components began to import server.patches, server/ was not in that list: the
bench's copy failed with ModuleNotFoundError, and a change of the patches did not retrain.
"""
from __future__ import annotations

import ast
from pathlib import Path
from typing import Set

import yaml

from devtools.training import INPUT_FOLDERS
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


def test_every_package_a_training_imports_is_an_input() -> None:
    config = yaml.safe_load((ROOT / "config.yml").read_text(encoding="utf-8"))
    named = {c["name"].split(".")[0] for c in config["pipeline"] + config["policies"] if "." in c["name"]}
    needed: Set[str] = set(named)
    todo = list(named)
    while todo:  # what those packages import, and so on
        for path in (ROOT / todo.pop()).rglob("*.py"):
            for name in _imported_first_party(path) - needed:
                needed.add(name)
                todo.append(name)
    assert {"nlu_components", "policies"} <= needed
    assert needed <= set(INPUT_FOLDERS), sorted(needed - set(INPUT_FOLDERS))
