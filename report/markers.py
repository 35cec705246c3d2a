"""The report's outcomes as Rasa markers (``markers.yml``), and Rasa's own count of them.

Why the report does not take these figures from ``rasa evaluate markers``: Rasa's command
lists every sender, then builds and replays each one's whole tracker
(``MarkerTrackerLoader`` -> ``retrieve_full_tracker``), single-threaded. Measured on a
synthetic store of 10,000 conversations (``report.synthetic.fill_store``, about 300,000
events) on this project's 2-core machine: 42.5 s with Rasa's SQL store and 49.1 s with
the store ``endpoints.yml`` configures (GuardedSQLTrackerStore, statistics on); the same
figures by SQL take about 1 s (``report.figures``). That leaves too little of the
one-minute budget for the rest of the report on a busy machine, grows with every
conversation stored, and the rest (days, topics, ``last_answer`` values, texts) cannot be
markers at all. So ``markers.yml`` stays the definition, the report counts the same
definitions by SQL, and ``python -m report --rasa-markers`` (and tests/e2e/test_report.py)
runs Rasa's command to check that both agree.
"""
from __future__ import annotations

import csv
import os
import subprocess
import tempfile
from collections import Counter
from pathlib import Path
from typing import Dict

from report.figures import Figures

ROOT = Path(__file__).resolve().parent.parent
MARKERS_FILE = ROOT / "markers.yml"
RASA = ROOT / ".venv" / "bin" / "rasa"
QUIET = {"TF_CPP_MIN_LOG_LEVEL": "2", "RASA_TELEMETRY_ENABLED": "false",
         "SQLALCHEMY_SILENCE_UBER_WARNING": "1"}


def from_figures(figures: Figures) -> Dict[str, int]:
    """What each marker of markers.yml counts, as the report computed it by SQL."""
    return {
        "fallback": figures.fallback_messages,
        "out_of_scope": figures.out_of_scope_messages,
        "resolved": figures.resolved,
        "unresolved": figures.unresolved,
    }


def from_rasa(endpoints: Path, timeout: float = 1800) -> Dict[str, int]:
    """``rasa evaluate markers all`` on the store of ``endpoints``: events per marker."""
    with tempfile.TemporaryDirectory(prefix="report-markers-") as scratch:
        output = Path(scratch) / "markers.csv"
        result = subprocess.run(
            [str(RASA), "evaluate", "markers", "all", "--config", str(MARKERS_FILE),
             "--domain", str(ROOT / "domain.yml"), "--endpoints", str(Path(endpoints).resolve()),
             "--no-stats", str(output)],
            cwd=ROOT, env={**os.environ, **QUIET}, capture_output=True, text=True, timeout=timeout,
        )
        if result.returncode != 0 or not output.is_file():
            raise RuntimeError(f"rasa evaluate markers failed ({result.returncode}):\n"
                               f"{(result.stdout + result.stderr)[-3000:]}")
        with output.open(newline="", encoding="utf-8") as f:
            counts = Counter(row["marker"] for row in csv.DictReader(f))
    return {name: counts.get(name, 0) for name in from_figures(Figures())}
