"""`make bench`: accuracy, latency, throughput, footprint and training time, side by side
with a stock `rasa init` bot on the same machine in the same run (issue #7).

Run as ``.venv/bin/python -m bench`` from the project root. Each stage lives in its own
module (understanding, dialogue, serving, hostile, faults, training, and ``soak`` when
asked for with ``--stages soak``); ``production`` starts the production profile;
``report`` turns their figures into ``results/bench.json``, ``results/bench.md`` and the
plots. This package is imported by ``tests/test_nlu_heldout.py`` (for the one definition
of the held-out metrics), so importing it must stay cheap: no Rasa, TensorFlow or
matplotlib at module level here.
"""
