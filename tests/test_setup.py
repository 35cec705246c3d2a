"""The set-up itself: Python discovery, pinned and consistent dependencies."""
from __future__ import annotations

import subprocess

from tests.helpers import ROOT, VENV_BIN


def test_find_python_explains_itself_when_no_310_exists(tmp_path) -> None:
    result = subprocess.run(
        ["bash", str(ROOT / "scripts" / "find_python.sh")],
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}, capture_output=True, text=True,
    )
    if result.returncode == 0:  # the machine has a system python3.10: then it must really be 3.10
        out = subprocess.run([result.stdout.strip(), "--version"], capture_output=True, text=True)
        assert "3.10" in out.stdout
    else:
        assert "Rasa 3.6 needs Python 3.8-3.10" in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1


def test_venv_runs_python_310() -> None:
    out = subprocess.run([str(VENV_BIN / "python"), "--version"], capture_output=True, text=True)
    assert out.stdout.startswith("Python 3.10")


def test_pip_check_is_clean() -> None:
    result = subprocess.run([str(VENV_BIN / "python"), "-m", "pip", "check"], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout


def test_every_installed_package_is_pinned_in_the_lock() -> None:
    frozen = subprocess.run([str(VENV_BIN / "python"), "-m", "pip", "freeze", "--all"],
                            capture_output=True, text=True).stdout.split()
    locked = {line.strip().lower() for line in (ROOT / "requirements.lock").read_text().splitlines()
              if "==" in line}
    unpinned = [p for p in frozen
                if "==" in p and not p.lower().startswith("pip==") and p.lower() not in locked]
    assert not unpinned
    assert "rasa==3.6.21" in locked


def test_the_yaml_files_rasa_reads_have_no_backslash_escapes() -> None:
    """Rasa decodes credentials, endpoints, domain and config as raw_unicode_escape: a
    ``\\u`` in a comment made `make run` and `make shell` fail to start (fresh-clone CI)."""
    for name in ("credentials.yml", "endpoints.yml", "endpoints.production.yml", "domain.yml", "config.yml"):
        text = (ROOT / name).read_text(encoding="utf-8")
        text.encode("utf-8").decode("raw_unicode_escape")  # raises as Rasa would
        assert "\\u" not in text and "\\U" not in text and "\\N" not in text, name
