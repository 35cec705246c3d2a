"""Story-based regression: every test story must be predicted exactly."""
from __future__ import annotations

from tests.helpers import RESULTS, ROOT, run_rasa


def test_stories_have_no_prediction_errors(trained_model: str) -> None:
    out = RESULTS / "core"
    result = run_rasa(["test", "core", "--model", trained_model, "--stories", str(ROOT / "tests" / "stories"),
                       "--out", str(out), "--fail-on-prediction-errors", "--no-plot"])
    failed = out / "failed_test_stories.yml"
    details = failed.read_text() if failed.exists() else result.stdout[-3000:] + result.stderr[-3000:]
    assert result.returncode == 0, details


def test_training_data_validates_without_warnings() -> None:
    result = run_rasa(["data", "validate", "--fail-on-warnings"])
    assert result.returncode == 0, (result.stdout + result.stderr)[-4000:]
