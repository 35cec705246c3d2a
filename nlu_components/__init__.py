"""Custom Rasa NLU components for Japanese text (SudachiPy through spaCy)."""
