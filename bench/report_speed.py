"""`make report` on a store of 10,000 conversations: how long it takes (the goal is a minute).

Why a synthetic store: serving 10,000 conversations through the bot would take far longer
than the report; ``report.synthetic.fill_store`` writes the rows Rasa's SQL store would
(its schema, its event JSON). The report then runs as `make report` runs it, in its own
process, against a copy of endpoints.yml whose SQLite file is that store: Python start-up,
imports, the SQL pass, the plots and both files are in the time.
"""
from __future__ import annotations

import time
from pathlib import Path
from typing import Any, Callable, Dict, List

from bench.common import OUT, timed
from devtools.endpoints import write_endpoints
from devtools.paths import PYTHON

CONVERSATIONS = 10_000
QUICK_CONVERSATIONS = 1_000
GOAL_S = 60.0


def run(progress: Callable[[str], None], workdir: Path, quick: bool, notes: List[str]) -> Dict[str, Any]:
    from report.synthetic import fill_store

    count = QUICK_CONVERSATIONS if quick else CONVERSATIONS
    db = workdir / "report_store.db"
    started = time.perf_counter()
    truth = fill_store(db, count)
    build_s = time.perf_counter() - started
    progress(f"wrote {count:,} synthetic conversations ({truth.user_messages:,} messages) in {build_s:.1f} s")

    path = write_endpoints(workdir / "endpoints.report.yml", tracker_db=db)
    out = workdir / "report_out"
    report_s = timed([PYTHON, "-m", "report", "--endpoints", str(path), "--out", str(out)],
                     OUT / "logs" / "report_speed.log")
    markdown = (out / "report.md").read_text(encoding="utf-8")
    conversations_row = f"| conversations (sessions with a customer message) | {truth.conversations:,} |"
    if conversations_row not in markdown:
        raise RuntimeError(f"the report does not count the {truth.conversations:,} conversations written")
    progress(f"python -m report: {report_s:.1f} s (goal < {GOAL_S:.0f} s)")
    notes.append(f"`make report` on a synthetic store of {count:,} conversations "
                 f"({truth.user_messages:,} customer messages; `python -m bench --stages report_speed`): "
                 f"{report_s:.1f} s (goal < {GOAL_S:.0f} s); building the store took {build_s:.1f} s.")
    return {"conversations": count, "user_messages": truth.user_messages, "build_s": round(build_s, 2),
            "report_s": round(report_s, 2), "goal_s": GOAL_S, "met": report_s < GOAL_S}
