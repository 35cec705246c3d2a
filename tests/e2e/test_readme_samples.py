"""The README's sample conversations are what the bot really says (scripts/readme_samples.py)."""
from __future__ import annotations

from scripts import readme_samples
from tests.helpers import Bot


def test_the_readme_shows_the_real_replies(bot: Bot) -> None:
    shown = readme_samples.readme_block(readme_samples.README.read_text(encoding="utf-8"))
    real = readme_samples.transcript(bot.send)
    assert shown == real, "stale: run `python -m scripts.readme_samples` against `make run`"
