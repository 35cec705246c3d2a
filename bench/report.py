"""The report: targets with met/missed, results/bench.json and results/bench.md.

Why the targets live here and nowhere else: the markdown, the JSON and the exit status of
`make bench` must judge the figures the same way. A stage that did not run (quick mode
skips training) is reported as "not measured", never as met.
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional

MIB = 2**20
STEP_LABELS = {
    "before_components": "start-up, data validation, story-conflict check, fingerprinting",
    "between_components": "tokenizing/featurizing the data between trained components",
    "after_components": "packaging the model",
}


@dataclass(frozen=True)
class Target:
    key: str
    label: str
    comparison: str  # ">=" or "<="
    threshold: float
    measured: Callable[[Dict[str, Any]], Optional[float]]
    shown: Callable[[float], str]

    def judge(self, results: Dict[str, Any]) -> Dict[str, Any]:
        try:
            value = self.measured(results)
        except (KeyError, TypeError):
            value = None
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return {"label": self.label, "target": self.target_text(), "value": None,
                    "shown": "—", "status": "not measured"}
        met = value >= self.threshold if self.comparison == ">=" else value <= self.threshold
        return {"label": self.label, "target": self.target_text(), "value": value,
                "shown": self.shown(value), "status": "met" if met else "missed"}

    def target_text(self) -> str:
        return f"{'≥' if self.comparison == '>=' else '≤'} {self.shown(self.threshold)}"


def _ratio(value: float) -> str:
    return f"{value:.2f}"


def _seconds(value: float) -> str:
    return f"{value:.1f} s"


def _seconds_2(value: float) -> str:
    """Hundredths: a fault bound of 3 s missed by 0.1 s must not print as "3.0 s, missed"."""
    return f"{value:.2f} s"


TARGETS: List[Target] = [
    Target("macro_f1", "NLU macro-F1, six in-scope intents (held-out)", ">=", 0.97,
           lambda r: r["understanding"]["macro_f1_in_scope"], lambda v: f"{v:.3f}"),
    Target("out_of_scope_kept_out", "out-of-scope messages kept out of in-scope intents", ">=", 0.97,
           lambda r: r["understanding"]["out_of_scope_kept_out"], lambda v: f"{v:.1%}"),
    Target("blind_macro_f1", "NLU macro-F1, six in-scope intents (blind set)", ">=", 0.97,
           lambda r: r["understanding"]["blind"]["macro_f1_in_scope"], lambda v: f"{v:.3f}"),
    Target("blind_out_of_scope_kept_out", "out-of-scope kept out (blind set)", ">=", 0.97,
           lambda r: r["understanding"]["blind"]["out_of_scope_kept_out"], lambda v: f"{v:.1%}"),
    # Issue #16's targets.
    Target("latency_p50_ratio", "latency p50, this bot / stock (1 sender, 5-message conversations)",
           "<=", 0.5, lambda r: r["serving"]["ratios"]["sequential_p50_ratio"], _ratio),
    Target("long_latency_p50_ratio", "latency p50, this bot / stock (one 60-message conversation)",
           "<=", 0.5, lambda r: r["serving"]["ratios"]["long_p50_ratio"], _ratio),
    Target("latency_growth", "p50 of its last 5 messages / of messages 2-6 (this bot, 60 messages)",
           "<=", 1.3, lambda r: r["serving"]["long_conversation"]["ours"]["late_over_early"], _ratio),
    Target("throughput_ratio", "throughput, this bot / stock (8 concurrent senders)", ">=", 2.0,
           lambda r: r["serving"]["ratios"]["concurrent_throughput_ratio"], _ratio),
    Target("startup", "start-up to first answer (this bot, run.sh serve)", "<=", 10.0,
           lambda r: r["serving"]["startup_s"]["ours"], _seconds),
    Target("rasa_memory", "Rasa server resident memory after the load (this bot)", "<=", 800.0,
           lambda r: r["serving"]["memory_bytes"]["ours"]["rasa_server"] / MIB, lambda v: f"{v:.0f} MiB"),
    *[target
      for fault, label in (("postgres_black_hole", "PostgreSQL black-holed"),
                           ("redis_black_hole", "Redis black-holed"),
                           ("postgres_sigstop", "PostgreSQL frozen (SIGSTOP)"))
      for target in (
          Target(f"fault_reply_{fault}", f"slowest of 8 replies (answer or apology), {label}", "<=", 3.0,
                 lambda r, f=fault: r["faults"]["faults"][f]["max_reply_s"], _seconds_2),
          Target(f"fault_health_{fault}", f"GET /webhooks/rest/health, {label}", "<=", 2.0,
                 lambda r, f=fault: r["faults"]["faults"][f]["worst_health_s"], _seconds_2),
      )],
    Target("soak_memory_growth", "Rasa resident memory growth over the soak (worse instance)", "<=", 10.0,
           lambda r: r["soak"]["worst_rasa_growth_pct"], lambda v: f"{v:.1f}%"),
    Target("full_training", "full rasa train from a clean cache", "<=", 180.0,
           lambda r: r["training"]["full_s"], _seconds),
    Target("retrain", "retrain after one NLU example changed", "<=", 60.0,
           lambda r: r["training"]["retrain_s"], _seconds),
]


def judge(results: Dict[str, Any]) -> Dict[str, Dict[str, Any]]:
    return {target.key: target.judge(results) for target in TARGETS}


def write_json(results: Dict[str, Any], path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(results, ensure_ascii=False, indent=2, default=str) + "\n", encoding="utf-8")
    return path


def _table(header: List[str], rows: List[List[Any]]) -> List[str]:
    lines = [f"| {' | '.join(header)} |", f"| {' | '.join('---' for _ in header)} |"]
    lines += [f"| {' | '.join(str(cell) for cell in row)} |" for row in rows]
    return lines


def _f(value: Optional[float], spec: str = ".3f") -> str:
    return "—" if value is None else format(value, spec)


def _understanding(u: Dict[str, Any], title: str = "held-out set `tests/nlu/`",
                   show_items: bool = True) -> List[str]:
    """``show_items`` False for the blind set: its messages stay out of sight while tuning."""
    def row(intent: str) -> List[Any]:
        r = u["intents"].get(intent, {})
        return [f"**{intent}**" if intent in u["in_scope"] else intent, _f(r.get("precision")),
                _f(r.get("recall")), _f(r.get("f1")), r.get("support", 0)]

    rows = [row(i) for i in u["in_scope"]] + [row(i) for i in sorted(set(u["intents"]) - set(u["in_scope"]))]
    leaked = u["out_of_scope_leaked"]
    lines = [f"## Understanding ({title})", ""]
    lines += _table(["intent (in scope in bold)", "precision", "recall", "F1", "test messages"], rows)
    lines += ["", f"- macro-F1 over the six in-scope intents: **{u['macro_f1_in_scope']:.3f}**",
              "- out-of-scope messages kept out of the in-scope intents: "
              f"**{u['out_of_scope_kept_out']:.1%}** "
              f"({u['out_of_scope_total'] - len(leaked)} of {u['out_of_scope_total']})"
              + (f"; leaked: {', '.join(f'「{t}」' for t in leaked)}" if leaked and show_items else ""),
              f"- intent accuracy, all intents: {_f(u['intent_accuracy'])}", ""]
    if u["entities"]:
        lines += ["Entities (CRFEntityExtractor + synonyms):", ""]
        lines += _table(["entity", "precision", "recall", "F1", "annotations"],
                        [[e, _f(r["precision"]), _f(r["recall"]), _f(r["f1"]), r["support"]]
                         for e, r in u["entities"].items()])
        lines += ["", f"Entity micro-F1: **{_f(u['entity_micro_f1'])}**", ""]
    if u.get("confusion_matrix_png"):
        lines += [f"![intent confusion matrix]({u['confusion_matrix_png']})", ""]
    return lines


def _dialogue(d: Dict[str, Any]) -> List[str]:
    e2e = d["e2e"]
    return [
        "## Dialogue", "",
        f"- test stories (`rasa test core`, `tests/stories/`): **{d['stories_correct']} of "
        f"{d['stories_total']}** correct (story accuracy {_f(d['story_accuracy'])}; "
        f"action accuracy {_f(d['action_accuracy'])})",
        f"- end-to-end conversations (`tests/e2e/test_conversations.py`): **{e2e['passed']} of "
        f"{e2e['total']}** test cases pass"
        + (f" ({e2e.get('failed', 0)} failed, {e2e.get('errors', 0)} errors, {e2e.get('skipped', 0)} skipped)"
           if e2e["passed"] != e2e["total"] else ""),
        "",
    ]


def _hostile(h: Dict[str, Any]) -> List[str]:
    lines = ["## Hostile input (a megabyte message, and another customer meanwhile)", "",
             f"A normal reply took {h['normal_reply_s']:.2f} s.", ""]
    lines += _table(["shape (1,000,000 characters)", "attacker's reply", "another customer's reply"],
                    [[name, f"{r['attacker_s']:.2f} s", f"{r['other_customer_s']:.2f} s"]
                     for name, r in h["shapes"].items()])
    return lines + [""]


def _serving(s: Dict[str, Any]) -> List[str]:
    plan, r, ping = s["plan"], s["ratios"], s["store_ping"]
    ours, stock, n = s["latency"]["ours"], s["latency"]["stock"], plan["senders"]
    rows = []
    for label, figures in (("this bot", ours), ("stock `rasa init`", stock)):
        for mode, mode_label in (("sequential", "1 sender"), ("concurrent", f"{n} senders")):
            m = figures[mode]
            rows.append([label, mode_label, m["messages"], _f(m["p50_ms"], ".1f"), _f(m["p95_ms"], ".1f"),
                         _f(m["mean_ms"], ".1f"), _f(m["messages_per_s"], ".1f"),
                         f"{m['errors']} / {m['empty_answers']}"])
    lines = [
        "## Serving (REST channel)", "",
        f"{plan['rounds']} interleaved round(s) after {plan['warmup']} warm-up messages per bot; each round "
        f"{plan['sequential']} sequential messages and {plan['concurrent']} messages from "
        f"{n} concurrent senders per bot, in conversations of {plan['conversation_length']} messages "
        f"(a new sender id every {plan['conversation_length']}), "
        f"the order alternating between rounds. This bot gets the in-scope "
        f"Japanese questions of `tests/nlu/test_nlu.yml` ({s['message_counts']['ours']} texts), the stock "
        f"bot the examples of its own `data/nlu.yml` ({s['message_counts']['stock']} texts).", "",
    ]
    header = ["bot", "load", "messages", "p50 ms", "p95 ms", "mean ms", "msg/s", "errors / empty"]
    lines += _table(header, rows)
    lines += [
        "",
        f"- ratios this bot / stock: latency p50 {_f(r['sequential_p50_ratio'], '.2f')} (1 sender), "
        f"{_f(r['concurrent_p50_ratio'], '.2f')} ({n} senders); throughput "
        f"{_f(r['sequential_throughput_ratio'], '.2f')} (1 sender), "
        f"{_f(r['concurrent_throughput_ratio'], '.2f')} ({n} senders)",
        f"- per-round throughput with {n} senders (msg/s): this bot "
        f"{ours['concurrent']['per_round_messages_per_s']}, "
        f"stock {stock['concurrent']['per_round_messages_per_s']}",
        f"- start-up to the first answer: this bot **{_f(s['startup_s']['ours'], '.1f')} s** "
        f"(`scripts/run.sh serve`: Rasa with the actions inside), "
        f"stock {_f(s['startup_s']['stock'], '.1f')} s",
        f"- tracker-store ping run before every message ({ping['store']}, {ping['pool']}, "
        f"{ping['count']}×): mean **{ping['mean_ms']:.3f} ms**, p95 {ping['p95_ms']:.3f} ms, i.e. "
        f"{ping['share_of_our_sequential_p50']:.1%} of this bot's sequential p50 "
        f"({ours['sequential']['p50_ms']:.1f} ms)",
        "", "Resident memory after the load (VmRSS summed over each process tree):", "",
    ]
    memory = s["memory_bytes"]
    lines += _table(["process", "RSS MiB"], [
        ["this bot: Rasa server", f"{memory['ours']['rasa_server'] / MIB:.0f}"],
        ["this bot: action server", f"{memory['ours']['action_server'] / MIB:.0f}"],
        ["this bot: chat page server", f"{memory['ours']['web_page'] / MIB:.0f}"],
        ["this bot: total (incl. run.sh, i.e. devtools/run.py)", f"{memory['ours']['total'] / MIB:.0f}"],
        ["stock bot: Rasa server", f"{memory['stock']['total'] / MIB:.0f}"],
    ])
    long = s["long_conversation"]
    lines += ["", f"One conversation of {plan['long_conversation']} messages per bot per round "
              "(p50 over the rounds; message 1 starts the session, so the early window is 2–6):", ""]
    lines += _table(["bot", "messages 2–6 p50 ms", "last 5 p50 ms", "last / early", "all p50 ms"], [
        [label, _f(long[bot]["early_p50_ms"], ".1f"), _f(long[bot]["late_p50_ms"], ".1f"),
         _f(long[bot]["late_over_early"], ".2f"), _f(long[bot]["p50_ms"], ".1f")]
        for bot, label in (("ours", "this bot"), ("stock", "stock `rasa init`"))])
    return lines + ["", "![latency distributions](bench/latency.png)", "",
                    "![latency by position in one conversation](bench/latency_by_position.png)", ""]


def _faults(f: Dict[str, Any]) -> List[str]:
    def health(probe: Dict[str, Any]) -> str:
        return f"{_f(probe['s'], '.2f')} s ({probe['status'] or 'no answer'})"

    def after(value: Optional[float]) -> str:
        return "not within 120 s" if value is None else f"{value:.1f} s"

    lines = ["## Faults (production profile: PostgreSQL + Redis)", "",
             f"A fresh bot per fault; {f['customers']} customers who had one turn "
             "(「注文をキャンセルしたい」) send 「出荷準備中です」 at the same moment while the fault "
             "lasts. `/health` is probed 0.2 s later (during) and once all have replied (after). "
             "Then the fault is lifted.", ""]
    rows = []
    for r in f["faults"].values():
        rows.append([r["label"], f"{r['max_reply_s']:.2f} s", f"{r['median_reply_s']:.2f} s",
                     f"{r['apologies']} / {r['answers']} / {r['failures']}",
                     health(r["health_during"]), health(r["health_after"]),
                     after(r["back_to_200_s"]), after(r["answering_again_s"]),
                     len(r["acknowledged_not_stored"])])
    lines += _table(["fault", "slowest reply", "median reply", "apologies / answers / failures",
                     "health during", "health after", "health 200 again", "answering again",
                     "answered, not stored"], rows)
    return lines + ["", "Targets: every reply (the apology included) within 3 s, `/health` within 2 s. "
                    "“Again” times count from the moment the fault was lifted.", ""]


def _soak(s: Dict[str, Any]) -> List[str]:
    store = s["store"]
    lines = [
        "## Soak (two instances, one PostgreSQL + Redis)", "",
        f"{s['senders']} concurrent senders for {s['duration_s']:.0f} s (after {s['warmup_s']:.0f} s of "
        f"warm-up), conversations {', '.join(s['conversations'])} one after the other, each turn "
        "sent to the other instance than the turn before.", "",
    ]
    lines += _table(["messages", "conversations", "msg/s", "p50 ms", "p95 ms", "max ms",
                     "errors (HTTP / timeout / wrong reply)", "answered, not stored"],
                    [[s["messages"], s["conversations_held"], f"{s['messages_per_s']:.1f}",
                      f"{s['p50_ms']:.0f}", f"{s['p95_ms']:.0f}", f"{s['max_ms']:.0f}",
                      f"{s['errors']} ({s['http_errors']} / {s['timeouts']} / {s['unexpected_replies']})",
                      store["lost_acknowledged"]]])
    lines += ["", f"PostgreSQL holds {store['stored_user_events']} user messages of {store['senders']} "
              f"soak conversations; not stored and not answered: {store['missing_unacknowledged']}, "
              f"stored twice or out of order: {store['extra_stored']} / "
              f"{len(store['out_of_order_senders'])} conversations.", "",
              "Resident memory (VmRSS of each Rasa process and its children):", ""]
    start, end = s["memory_start_bytes"], s["memory_end_bytes"]
    lines += _table(["instance", "after warm-up MiB", "at the end MiB", "growth"],
                    [[name, f"{start[name]['rasa_server'] / MIB:.0f}",
                      f"{end[name]['rasa_server'] / MIB:.0f}", f"{s['rasa_growth_pct'][name]:+.1f}%"]
                     for name in start])
    if s.get("error_examples"):
        lines += ["", "First errors:", ""] + [f"- {e}" for e in s["error_examples"]]
    return lines + [""]


def _training(t: Optional[Dict[str, Any]], stock_s: Optional[float]) -> List[str]:
    lines = ["## Training", ""]
    if not t:
        return lines + ["Not run this time (quick mode or `--stages`).", ""]
    lines += [f"- full `rasa train` from an empty cache: **{t['full_s']:.1f} s**",
              f"- retrain after changing one example (`{t['edited_file']}` → 「{t['edited_example']}」), "
              f"same cache: **{t['retrain_s']:.1f} s**"]
    if stock_s:
        lines.append(f"- for reference, `rasa init` (trains the stock bot, default config): {stock_s:.1f} s")
    full, retrain = t.get("full_breakdown_s") or {}, t.get("retrain_breakdown_s") or {}
    if full or retrain:
        lines += ["", "Where the time goes (from Rasa's log, 1-second resolution):", ""]
        steps = dict.fromkeys([*full, *retrain])
        rows = [[STEP_LABELS.get(k, k), _f(full.get(k), ".0f"), _f(retrain.get(k), ".0f")] for k in steps]
        lines += _table(["step", "full s", "retrain s"], rows)
    return lines + [""]


def markdown(results: Dict[str, Any]) -> str:
    m = results["machine"]
    verdicts = results["targets"]
    lines = [
        "# Benchmarks (`make bench`)", "",
        f"{m['date']} · {m['cpu_model']}, {m['cores']} cores, {m['ram_gib']} GiB RAM · {m['os']}, "
        f"Python {m['python']} · commit `{m['git_commit'][:12]}`"
        f"{' (uncommitted changes)' if m['git_dirty'] else ''}"
        f" · {results['mode']} run, {results['duration_s'] / 60:.1f} min · load average at start "
        f"{', '.join(f'{x:.2f}' for x in m['load_average_at_start'])}", "",
        "## Targets", "",
    ]
    lines += _table(["target", "goal", "measured", "status"],
                    [[v["label"], v["target"], v["shown"],
                      {"met": "✅ met", "missed": "❌ missed"}.get(v["status"], v["status"])]
                     for v in verdicts.values()])
    lines.append("")
    if results.get("understanding"):
        lines += _understanding(results["understanding"])
        if results["understanding"].get("blind"):
            lines += _understanding(results["understanding"]["blind"],
                                    "blind set `tests/blind/nlu_blind.yml`", show_items=False)
    if results.get("dialogue"):
        lines += _dialogue(results["dialogue"])
    if results.get("serving"):
        lines += _serving(results["serving"])
    if results.get("hostile"):
        lines += _hostile(results["hostile"])
    if results.get("faults"):
        lines += _faults(results["faults"])
    if results.get("soak"):
        lines += _soak(results["soak"])
    stock_s = (results.get("serving") or {}).get("stock_init_train_s")
    lines += _training(results.get("training"), stock_s)
    if results.get("notes"):
        lines += ["## Notes", ""] + [f"- {note}" for note in results["notes"]] + [""]
    return "\n".join(lines)


def write_markdown(results: Dict[str, Any], path: Path) -> Path:
    path.write_text(markdown(results), encoding="utf-8")
    return path
