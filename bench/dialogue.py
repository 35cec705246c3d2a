"""Dialogue: test-story accuracy (``rasa test core``) and the end-to-end conversations that pass.

Why both: the test stories check the policies' predictions turn by turn without servers,
the end-to-end suite checks the delivered answers through the real action and Rasa
servers. Only counts are taken here; the suites themselves decide pass or fail.
"""
from __future__ import annotations

import json
import shutil
import subprocess
import xml.etree.ElementTree as ElementTree
from pathlib import Path
from typing import Any, Callable, Dict

from bench.common import rasa
from devtools.paths import PYTHON, ROOT
from devtools.processes import child_env


def story_accuracy(core_out: Path) -> Dict[str, Any]:
    """Conversation- and action-level accuracy from ``story_report.json``."""
    report = json.loads((core_out / "story_report.json").read_text(encoding="utf-8"))
    conversations = report.get("conversation_accuracy", {})
    return {
        "stories_correct": conversations.get("correct"),
        "stories_total": conversations.get("total"),
        "story_accuracy": conversations.get("accuracy"),
        "action_accuracy": report.get("accuracy"),
        "failed_stories_file": str(core_out / "failed_test_stories.yml"),
    }


def junit_counts(xml_path: Path) -> Dict[str, int]:
    """Test cases in a pytest JUnit XML file: passed, failed, errors, skipped, total."""
    root = ElementTree.parse(xml_path).getroot()
    counts = {"passed": 0, "failed": 0, "errors": 0, "skipped": 0, "total": 0}
    for case in root.iter("testcase"):
        counts["total"] += 1
        tags = {child.tag for child in case}
        if "failure" in tags:
            counts["failed"] += 1
        elif "error" in tags:
            counts["errors"] += 1
        elif "skipped" in tags:
            counts["skipped"] += 1
        else:
            counts["passed"] += 1
    return counts


def run(log: Callable[[str], None], model: Path, out: Path) -> Dict[str, Any]:
    """Runs the test stories and the end-to-end conversation suite."""
    core_out = out / "core"
    if core_out.exists():
        shutil.rmtree(core_out)
    log("rasa test core on tests/stories/")
    rasa(["test", "core", "--stories", str(ROOT / "tests" / "stories"), "--model", str(model),
              "--out", str(core_out)], out / "logs" / "test_core.log")
    stories = story_accuracy(core_out)
    log(f"stories {stories['stories_correct']}/{stories['stories_total']} correct")

    log("end-to-end conversations: pytest tests/e2e/test_conversations.py")
    junit = out / "e2e_conversations.xml"
    junit.unlink(missing_ok=True)
    with (out / "logs" / "e2e_conversations.log").open("w") as pytest_log:
        # A failing conversation is a figure for the report, not a reason to stop the bench.
        subprocess.run([PYTHON, "-m", "pytest", "tests/e2e/test_conversations.py",
                        f"--junitxml={junit}", "-q", "-p", "no:cacheprovider"],
                       cwd=ROOT, env=child_env(), stdout=pytest_log, stderr=subprocess.STDOUT,
                       timeout=1800)
    e2e = junit_counts(junit) if junit.exists() else {"passed": 0, "total": 0}
    log(f"end-to-end {e2e['passed']}/{e2e['total']} passed")
    return {**stories, "e2e": e2e}
