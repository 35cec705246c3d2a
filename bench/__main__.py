"""``python -m bench``: runs the stages in order, prints progress, writes the report.

Why one process orchestrating subprocesses: every measured thing (rasa test, the servers,
rasa train) runs as its own process exactly as a user would run it; this process only
times, loads and collects. A stage that fails is recorded in the report and the others
still run; the exit status is 1 when any stage failed (a missed target is a figure in the
report, not a failure of the benchmark).

Quick mode (``BENCH_QUICK=1`` or ``--quick``): 1 round of 20 sequential and 40 concurrent
messages, 5 warm-up messages, 200 pings, no training, a 30-second soak — for developing the
benchmark itself.

``faults`` and ``soak`` run the production profile (PostgreSQL + Redis, started from
devtools/services.py); ``soak`` (5 minutes of load) only runs when named: ``--stages soak``.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
import traceback
from pathlib import Path
from typing import Any, Callable, Dict, List

from bench import (
    dialogue,
    faults,
    hostile,
    machine,
    plots,
    report,
    report_speed,
    serving,
    soak,
    training,
    understanding,
)
from bench.common import OUT, Progress
from devtools.paths import MODEL, RESULTS, ROOT
from devtools.processes import QUIET_ENV

STAGES = ("understanding", "dialogue", "serving", "hostile", "faults", "training", "report_speed")
# Selectable with --stages, not part of the default run: see docs/benchmarks.md (Soak).
OPTIONAL_STAGES = ("soak",)
QUICK_PLAN = serving.Plan(rounds=1, sequential=20, concurrent=40, warmup=5, pings=200)


def _arguments(argv: List[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true",
                        default=os.environ.get("BENCH_QUICK", "") not in ("", "0"),
                        help="smoke run: little load, no training (also BENCH_QUICK=1)")
    parser.add_argument("--stages", default=",".join(STAGES),
                        help=f"comma-separated subset of {', '.join(STAGES + OPTIONAL_STAGES)} "
                             f"(default: {','.join(STAGES)})")
    parser.add_argument("--keep-workdir", action="store_true",
                        help="keep the temporary directory (stock bot, scratch training copy)")
    return parser.parse_args(argv)


def main(argv: List[str]) -> int:
    args = _arguments(argv)
    os.environ.update(QUIET_ENV)  # in-process Rasa imports (the store ping) as quiet as the children
    stages = [s for s in args.stages.split(",") if s]
    unknown = set(stages) - set(STAGES + OPTIONAL_STAGES)
    if unknown:
        print(f"error: unknown stage(s) {sorted(unknown)}; choose from {STAGES + OPTIONAL_STAGES}",
              file=sys.stderr)
        return 2
    if args.quick and "training" in stages:
        stages.remove("training")
    if not MODEL.exists():
        print(f"error: {MODEL.relative_to(ROOT)} is missing; run `make bench` (it trains first)",
              file=sys.stderr)
        return 2

    progress = Progress()
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "logs").mkdir(exist_ok=True)
    workdir = Path(tempfile.mkdtemp(prefix="bench-"))
    results: Dict[str, Any] = {"mode": "quick" if args.quick else "full", "machine": machine.info(),
                               "stages": stages, "errors": {}, "notes": [], "stage_seconds": {}}
    plan = QUICK_PLAN if args.quick else serving.Plan()
    progress(f"{results['mode']} run, stages {', '.join(stages)}; scratch dir {workdir}")

    runners: Dict[str, Callable[[], Dict[str, Any]]] = {
        "understanding": lambda: {
            **understanding.run(progress, MODEL, ROOT / "tests" / "nlu", OUT / "nlu"),
            "blind": understanding.run(progress, MODEL, ROOT / "tests" / "blind" / "nlu_blind.yml",
                                       OUT / "nlu_blind"),
        },
        "dialogue": lambda: dialogue.run(progress, MODEL, OUT),
        "serving": lambda: serving.run(progress, workdir, plan),
        "hostile": lambda: hostile.run(progress, workdir),
        "faults": lambda: faults.run(progress, workdir),
        "soak": lambda: soak.run(progress, workdir, args.quick),
        "training": lambda: training.run(progress, workdir),
        "report_speed": lambda: report_speed.run(progress, workdir, args.quick, results["notes"]),
    }
    try:
        for stage in stages:
            progress.stage = stage
            started = time.monotonic()
            progress("start")
            try:
                results[stage] = runners[stage]()
            except Exception as error:  # recorded, reported, and the run goes on
                results["errors"][stage] = f"{type(error).__name__}: {error}"
                progress(f"FAILED: {type(error).__name__}: {str(error)[:2000]}")
                traceback.print_exc()
            results["stage_seconds"][stage] = round(time.monotonic() - started, 1)
            progress(f"done in {results['stage_seconds'][stage]:.0f} s")
    finally:
        if args.keep_workdir:
            print(f"scratch dir kept: {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)

    progress.stage = "report"
    if "serving" in results:
        raw = results["serving"].pop("raw_latencies_ms")
        (OUT / "latencies.json").write_text(json.dumps(raw) + "\n")
        plots.latency_plot(raw, OUT / "latency.png")
        plots.position_plot({bot: g["by_position_p50_ms"]
                             for bot, g in results["serving"]["long_conversation"].items()},
                            OUT / "latency_by_position.png")
        results["notes"].append(
            "This bot was started by `scripts/run.sh serve` (actions inside the Rasa server, as `make run`) "
            "with RASA_PORT/WEB_PORT set to free ports and ENDPOINTS set to a copy of endpoints.yml whose "
            "SQLite file is temporary (the load stays out of var/conversations.db).")
    results["duration_s"] = round(progress.elapsed(), 1)
    results["targets"] = report.judge(results)
    report.write_json(results, RESULTS / "bench.json")
    report.write_markdown(results, RESULTS / "bench.md")
    for verdict in results["targets"].values():
        progress(f"{verdict['status']:>12}: {verdict['label']}: {verdict['shown']} "
                 f"(goal {verdict['target']})")
    progress(f"wrote results/bench.json, results/bench.md, results/bench/ "
             f"in {results['duration_s'] / 60:.1f} min")
    if results["errors"]:
        progress(f"stages failed: {', '.join(results['errors'])}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
