"""Builds the blank spaCy ``ja`` pipeline that ``SpacyNLP`` loads from disk.

Rasa's ``SpacyNLP`` only accepts a pipeline loaded from a path, and nothing may be
downloaded at run time, so setup writes a blank (tokenizer-only) Japanese pipeline to
a local folder. The Sudachi split mode is stored in the saved config; it was chosen by
cross-validation (see docs/nlu_experiments.md).
"""
from __future__ import annotations

import argparse
from pathlib import Path

import spacy


def build(out_dir: Path, split_mode: str) -> None:
    nlp = spacy.blank("ja", config={"nlp": {"tokenizer": {"split_mode": split_mode}}})
    nlp.meta["name"] = f"blank_sudachi_{split_mode.lower()}"
    nlp.meta["description"] = "Blank Japanese pipeline (SudachiPy tokenizer) for Rasa's SpacyNLP"
    out_dir.mkdir(parents=True, exist_ok=True)
    nlp.to_disk(out_dir)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--split-mode", choices=["A", "B", "C"], default="C")
    args = parser.parse_args()
    build(args.out_dir, args.split_mode)
    print(f"spaCy ja pipeline (Sudachi mode {args.split_mode}) written to {args.out_dir}")


if __name__ == "__main__":
    main()
