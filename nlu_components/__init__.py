"""Custom Rasa NLU components for Japanese text (SudachiPy through spaCy)."""

# Every process that loads the model imports this package: the place to install the
# Rasa patches the server needs (server/patches.py).
from server import patches  # noqa: E402

patches.install()
