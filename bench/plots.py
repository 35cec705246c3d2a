"""The latency plots: both bots' distributions per load mode, on one log-scaled axis each,
and the latency of each message by its position in one long conversation.

Why histograms on log-spaced bins: the two bots' latencies can differ by a factor, and the
tail (p95) matters as much as the middle; medians are marked so the ratio is visible.
matplotlib is imported here only, with the Agg backend (no display on the machine).
"""
from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any, Dict, List

from bench.load import percentile

COLOURS = {"ours": "#d95f02", "stock": "#1b9e77"}
LABELS = {"ours": "this bot (ja, actions in-process, SQLite)", "stock": "stock rasa init bot"}


def latency_plot(raw_ms: Dict[str, List[float]], path: Path) -> Path:
    """Writes ``path`` from ``{"<bot>/<mode>": [latency ms, ...]}``."""
    with warnings.catch_warnings():  # matplotlib's pyparsing deprecations are not ours to fix
        warnings.simplefilter("ignore")
        return _latency_plot(raw_ms, path)


def _latency_plot(raw_ms: Dict[str, List[float]], path: Path) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    modes = ["sequential", "concurrent"]
    figure, axes = plt.subplots(1, len(modes), figsize=(12, 4.5))
    for axis, mode in zip(axes, modes):
        series = {bot: raw_ms.get(f"{bot}/{mode}", []) for bot in COLOURS}
        values = [v for vs in series.values() for v in vs if v > 0]
        if not values:
            continue
        bins = np.logspace(np.log10(min(values) * 0.9), np.log10(max(values) * 1.1), 60)
        for bot, latencies in series.items():
            if not latencies:
                continue
            p50 = percentile(latencies, 50)
            axis.hist(latencies, bins=bins, alpha=0.55, color=COLOURS[bot],
                      label=f"{LABELS[bot]}: p50 {p50:.0f} ms, p95 {percentile(latencies, 95):.0f} ms")
            axis.axvline(p50, color=COLOURS[bot], linestyle="--", linewidth=1)
        axis.set_xscale("log")
        axis.set_xlabel("latency per message (ms, log scale)")
        axis.set_ylabel("messages")
        title = "1 sender, sequential" if mode == "sequential" else "8 concurrent senders"
        axis.set_title(f"REST latency: {title}")
        axis.legend(fontsize=8)
    return _save(plt, figure, path)


def _save(plt: Any, figure: Any, path: Path) -> Path:
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, dpi=110)
    plt.close(figure)
    return path


def position_plot(by_position_ms: Dict[str, List[float]], path: Path) -> Path:
    """Writes ``path`` from ``{bot: [p50 ms of message 1, 2, …]}`` (p50 over the rounds)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        figure, axis = plt.subplots(figsize=(9, 4.5))
        for bot, series in by_position_ms.items():
            axis.plot(range(1, len(series) + 1), series, color=COLOURS[bot], marker=".",
                      label=LABELS[bot])
        axis.set_xlabel("message number in the conversation")
        axis.set_ylabel("latency p50 over the rounds (ms)")
        axis.set_ylim(bottom=0)
        axis.set_title("REST latency along one conversation")
        axis.legend(fontsize=8)
        return _save(plt, figure, path)
