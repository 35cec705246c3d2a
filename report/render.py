"""``results/report.md`` and ``results/report.html``, with their plots.

Why both: the Markdown reads in a terminal, a merge request or a wiki and links its plots
(``results/report/*.png``); the HTML is one self-contained file (the same plots embedded as
base64) that can be mailed to whoever runs customer service. Both come from the same rows
of the same tables, so they cannot disagree.

The plots' labels are ASCII (intent and answer ids, English axes): a machine without a
Japanese font would draw Japanese labels as boxes. The tables carry the Japanese.
"""
from __future__ import annotations

import base64
import datetime as dt
import html
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, List, Optional, Sequence, Tuple

import matplotlib

matplotlib.use("Agg")  # files only, never a window; before pyplot is imported

import matplotlib.dates as mdates  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.ticker import MaxNLocator  # noqa: E402

from report.figures import NO_TOPIC, Figures, ranked, timezone  # noqa: E402

# The menu's words for each topic (domain.yml utter_greet's buttons).
TOPIC_LABELS = {
    "shipping_delay": "商品が発送されない", "cancel_order": "注文をキャンセルしたい",
    "return_item": "返品したい", "refund": "返金について",
    "contact_support": "カスタマーサービスに問い合わせたい", "cancel_penalty": "キャンセルのペナルティ",
    NO_TOPIC: "（6つの話題のどれにも至らなかった会話）",
}
TOP_FALLBACKS = 30
TOP_UNRESOLVED = 15
SHOWN_CHARACTERS = 200  # a message longer than this (up to the channel's 1,000) is cut in the tables


@dataclass
class Section:
    """A heading, a sentence, an optional plot and a table: one part of both files."""

    title: str
    text: str
    header: List[str]
    rows: List[List[str]]
    plot: Optional[str] = None  # file name under the plot folder


def _n(value: int) -> str:
    return f"{value:,}"


def _share(part: int, whole: int) -> str:
    return f"{part / whole:.1%}" if whole else "—"


def _shown(text: str) -> str:
    """A stored message as a table cell: as stored, only cut, and blank ones named."""
    if not text.strip():
        return "(empty message)"
    flat = " ".join(text.split())
    return flat if len(flat) <= SHOWN_CHARACTERS else f"{flat[:SHOWN_CHARACTERS]}… ({len(text):,} characters)"


def sections(figures: Figures) -> List[Section]:
    f = figures
    answered = f.resolved + f.unresolved
    summary = [
        ["conversations (sessions with a customer message)", _n(f.conversations), ""],
        ["customers (sender ids)", _n(f.senders), ""],
        ["customer messages (button clicks included)", _n(f.user_messages), ""],
        ["resolution rate: 「解決した」 / answers to 「この回答で解決しましたか？」",
         _share(f.resolved, answered), f"{_n(f.resolved)} of {_n(answered)}"],
        ["fallback rate: messages with intent nlu_fallback", _share(f.fallback_messages, f.user_messages),
         f"{_n(f.fallback_messages)} of {_n(f.user_messages)}"],
        ["out-of-scope rate: messages with intent out_of_scope",
         _share(f.out_of_scope_messages, f.user_messages),
         f"{_n(f.out_of_scope_messages)} of {_n(f.user_messages)}"],
        ["did-you-mean rate: 「もしかして」 (or the menu) after a message not understood",
         _share(f.did_you_mean, f.user_messages), f"{_n(f.did_you_mean)} of {_n(f.user_messages)}"],
    ]
    return [
        Section("Summary", "", ["figure", "value", "count"], summary, "outcomes.png"),
        Section("Conversations per day",
                f"A conversation is counted on the day ({f.timezone}) of its first customer message.",
                ["day", "conversations"], [[day.isoformat(), _n(n)] for day, n in f.days()], "per_day.png"),
        Section("Conversations per topic",
                "The topic is the first of the six in-scope intents the conversation reached.",
                ["topic", "menu label", "conversations", "share"],
                [[t, TOPIC_LABELS[t], _n(n), _share(n, f.conversations)] for t, n in f.topics()],
                "per_topic.png"),
        Section("Feedback", "The answers to 「この回答で解決しましたか？」 (the slot feedback).",
                ["answer", "count"],
                [["resolved (解決した)", _n(f.resolved)], ["unresolved (解決しない)", _n(f.unresolved)]]),
        Section("Answers most often followed by 「解決しない」",
                "The answer shown last (slot last_answer, knowledge/procedures.yml answers:) "
                "when the customer pressed 「解決しない」.",
                ["answer (last_answer)", "解決しない"],
                [[name, _n(n)] for name, n in ranked(f.unresolved_after, TOP_UNRESOLVED)],
                "unresolved_answers.png"),
        Section(f"The {TOP_FALLBACKS} messages most often not understood",
                "Messages with intent nlu_fallback, as stored: the channels mask personal data "
                "before anything is stored.",
                ["#", "message", "times"],
                [[str(i), _shown(text), _n(n)]
                 for i, (text, n) in enumerate(ranked(f.fallback_texts, TOP_FALLBACKS), 1)]),
    ]


# ---- plots -------------------------------------------------------------------------------

def _empty(ax: plt.Axes) -> None:
    ax.text(0.5, 0.5, "no data yet", ha="center", va="center", transform=ax.transAxes, color="grey")
    ax.set_xticks([])
    ax.set_yticks([])


def _barh(ax: plt.Axes, items: Sequence[Tuple[str, int]], color: str) -> None:
    if not any(n for _, n in items):
        _empty(ax)
        return
    labels = [name for name, _ in items][::-1]
    values = [n for _, n in items][::-1]
    bars = ax.barh(labels, values, color=color)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.bar_label(bars, labels=[f"{v:,}" for v in values], padding=3, fontsize=8)
    ax.set_xlim(0, max(values) * 1.15)


def _per_day(figures: Figures, ax: plt.Axes) -> None:
    days = figures.days()
    if not days:
        _empty(ax)
        return
    ax.bar([dt.datetime.combine(d, dt.time()) for d, _ in days], [n for _, n in days], width=0.8,
           color="#4c72b0")
    # Whole days only (AutoDateLocator would show hours for a single day), at most ~12 labels.
    ax.xaxis.set_major_locator(mdates.DayLocator(interval=max(1, len(days) // 12)))
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%m-%d"))
    ax.set_xlim(dt.datetime.combine(days[0][0], dt.time()) - dt.timedelta(days=1),
                dt.datetime.combine(days[-1][0], dt.time()) + dt.timedelta(days=1))
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_ylabel("conversations")
    ax.set_title(f"Conversations per day ({figures.timezone})")
    ax.figure.autofmt_xdate()


def _per_topic(figures: Figures, ax: plt.Axes) -> None:
    _barh(ax, figures.topics(), "#55a868")
    ax.set_title("Conversations per topic (first in-scope intent)")


def _outcomes(figures: Figures, ax: plt.Axes) -> None:
    rates = [("resolution rate", figures.resolution_rate), ("fallback rate", figures.fallback_rate),
             ("out-of-scope rate", figures.out_of_scope_rate)]
    if all(value is None for _, value in rates):
        _empty(ax)
        return
    values = [100 * (value or 0) for _, value in rates]
    bars = ax.bar([name for name, _ in rates], values, color=["#55a868", "#c44e52", "#dd8452"])
    ax.bar_label(bars, labels=["—" if v is None else f"{100 * v:.1f}%" for _, v in rates])
    ax.set_ylim(0, 110)
    ax.set_ylabel("%")
    ax.set_title("Resolution (of feedback answers), fallback and out-of-scope (of messages)")


def _unresolved(figures: Figures, ax: plt.Axes) -> None:
    _barh(ax, ranked(figures.unresolved_after, TOP_UNRESOLVED), "#c44e52")
    ax.set_title("Answers followed by 'not resolved' (last_answer)")


PLOTS: List[Tuple[str, Callable[[Figures, plt.Axes], None], Tuple[float, float]]] = [
    ("outcomes.png", _outcomes, (7.5, 3.8)),
    ("per_day.png", _per_day, (9, 3.8)),
    ("per_topic.png", _per_topic, (7.5, 3.6)),
    ("unresolved_answers.png", _unresolved, (7.5, 4.5)),
]


def write_plots(figures: Figures, folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, draw, size in PLOTS:
        fig, ax = plt.subplots(figsize=size)
        try:
            draw(figures, ax)
            fig.tight_layout()
            fig.savefig(folder / name, dpi=100)
        finally:
            plt.close(fig)


# ---- files -------------------------------------------------------------------------------

def _md_cell(value: str) -> str:
    return value.replace("\\", "\\\\").replace("|", "\\|")


def markdown(figures: Figures, source: str, plot_folder: str) -> str:
    lines = ["# Conversations report", "", _intro(figures, source), ""]
    for section in sections(figures):
        lines += [f"## {section.title}", ""]
        if section.text:
            lines += [section.text, ""]
        if section.plot:
            lines += [f"![{section.title}]({plot_folder}/{section.plot})", ""]
        if section.rows:
            lines.append("| " + " | ".join(section.header) + " |")
            lines.append("|" + " --- |" * len(section.header))
            lines += ["| " + " | ".join(_md_cell(c) for c in row) + " |" for row in section.rows]
        else:
            lines.append("(none)")
        lines.append("")
    return "\n".join(lines)


def html_page(figures: Figures, source: str, plot_dir: Path) -> str:
    e = html.escape
    parts = ["<!doctype html>", '<html lang="en"><head><meta charset="utf-8">',
             "<title>Conversations report</title>", "<style>",
             "body{font-family:sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}",
             "table{border-collapse:collapse;margin:.5rem 0 1.5rem}td,th{border:1px solid #ccc;"
             "padding:.25rem .6rem;text-align:left}td:last-child{text-align:right}img{max-width:100%}",
             "</style></head><body>", "<h1>Conversations report</h1>", f"<p>{e(_intro(figures, source))}</p>"]
    for section in sections(figures):
        parts.append(f"<h2>{e(section.title)}</h2>")
        if section.text:
            parts.append(f"<p>{e(section.text)}</p>")
        if section.plot:
            data = base64.b64encode((plot_dir / section.plot).read_bytes()).decode("ascii")
            parts.append(f'<img alt="{e(section.title)}" src="data:image/png;base64,{data}">')
        if section.rows:
            parts.append("<table><tr>" + "".join(f"<th>{e(h)}</th>" for h in section.header) + "</tr>")
            parts += ["<tr>" + "".join(f"<td>{e(c)}</td>" for c in row) + "</tr>" for row in section.rows]
            parts.append("</table>")
        else:
            parts.append("<p>(none)</p>")
    parts.append("</body></html>")
    return "\n".join(parts)


def _intro(figures: Figures, source: str) -> str:
    tz = timezone(figures.timezone)
    now = dt.datetime.now(tz).strftime("%Y-%m-%d %H:%M")
    span = ""
    if figures.first_message is not None and figures.last_message is not None:
        first = dt.datetime.fromtimestamp(figures.first_message, tz).strftime("%Y-%m-%d %H:%M")
        last = dt.datetime.fromtimestamp(figures.last_message, tz).strftime("%Y-%m-%d %H:%M")
        span = f" Customer messages from {first} to {last}."
    return f"Read from the tracker store {source} on {now} ({figures.timezone}).{span}"


def write(figures: Figures, out_dir: Path, source: str) -> Tuple[Path, Path]:
    """Writes ``report.md``, ``report.html`` and the plots under ``report/`` in ``out_dir``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    plot_dir = out_dir / "report"
    write_plots(figures, plot_dir)
    md_path, html_path = out_dir / "report.md", out_dir / "report.html"
    md_path.write_text(markdown(figures, source, plot_dir.name), encoding="utf-8")
    html_path.write_text(html_page(figures, source, plot_dir), encoding="utf-8")
    return md_path, html_path
