"""Where the project's files and tools are, for the processes that drive it from outside."""
from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = ROOT / ".venv" / "bin"
RASA = str(VENV_BIN / "rasa")
PYTHON = str(VENV_BIN / "python")
MODEL = ROOT / "models" / "bot.tar.gz"
RESULTS = ROOT / "results"
