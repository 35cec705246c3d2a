"""Story-based regression: every test story must be predicted exactly.

Both commands run in the background from the start of the session (tests/conftest.py).
"""
from __future__ import annotations

from tests.helpers import STORIES_REPORT, BackgroundRun


def test_stories_have_no_prediction_errors(stories_run: BackgroundRun) -> None:
    result = stories_run.finished()
    failed = STORIES_REPORT / "failed_test_stories.yml"
    details = failed.read_text() if failed.exists() else result.output[-6000:]
    assert result.returncode == 0, details


def test_training_data_validates_without_warnings(validate_run: BackgroundRun) -> None:
    result = validate_run.finished()
    assert result.returncode == 0, result.output[-4000:]
