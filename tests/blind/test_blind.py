"""The bot on messages and conversations written blind (see each file's header).

Who wrote these sets, and how they are kept apart from tuning, is in their headers:
helpers that never saw ``data/`` or ``tests/nlu`` wrote them from a description of the
topics and of the bot's questions only. Only the aggregate figures below are looked at
while tuning; items are never copied into training, and never edited to pass.

- ``nlu_blind.yml``: intents (macro-F1 over the six in-scope intents, out-of-scope kept out);
- ``answers_blind.yml``: answers in the customer's own words to each question the bot
  asks, sent over REST right after the question; the slot stored in the tracker store
  must hold the option meant;
- ``conversations_blind.yml``: whole conversations over REST, each turn checked against
  the outcome it names;
- ``conversations_dialogue_blind.yml`` (issue #12): 40 more, with follow-ups, several
  questions in one message, never minds and questions the document does not answer.

The gates are regression gates at the level reached (training is deterministic, so
they do not fail by chance). The targets of macro-F1 0.97, 97% kept out, 95% of answers
and 28 of 30 conversations (README, "NLU quality"; 30 of the 32 here) are met and gated;
that of 36 of the 40 dialogue conversations (issue #12) is not met yet.
"""
from __future__ import annotations

import json
import sqlite3
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Optional, Tuple

import pytest
import yaml

from common.knowledge import load
from common.renderer import render
from devtools.nlu_metrics import heldout_metrics
from tests.helpers import RESULTS, Bot, RasaServer, run_rasa

HERE = Path(__file__).parent
OUT = RESULTS / "blind"
# The question each slot is asked after, started by a button payload (no NLU).
TRIGGERS = {"order_status": "/cancel_order", "cancel_button": "/cancel_order",
            "payment_method": "/refund", "contact_channel": "/contact_support",
            "seller": "/return_item"}
# Outcome labels of conversations_blind.yml -> the knowledge answer or response that is it.
ANSWERS = {"shipping_delay": ["shipping_delay"], "cancel_steps": ["cancel_allowed"],
           "cancel_preparing": ["cancel_preparing"],
           "cancel_impossible": ["cancel_not_possible", "cancel_shipped"],
           "return_amazon": ["return_amazon"], "return_marketplace": ["return_marketplace"],
           "refund_credit_card": ["refund_credit_card"],
           "refund_carrier_billing": ["refund_carrier_billing"],
           "refund_not_covered": ["refund_not_covered"], "contact_chat": ["contact_chat"],
           "contact_phone": ["contact_phone"], "penalty": ["cancel_penalty"],
           # Labels of conversations_dialogue_blind.yml (issue #12) beyond the ones above.
           "cancel_marketplace": ["cancel_marketplace"], "refund_after_cancel": ["refund_after_cancel"],
           "not_covered": ["not_covered"], "contact_choice": ["contact_choice"],
           "refund_timing": ["refund_timing"], "cancel_confirmation": ["cancel_confirmation"],
           "penalty_count": ["penalty_count"], "chat_wait": ["chat_wait"], "phone_wait": ["phone_wait"],
           "chat_or_phone_wait": ["chat_or_phone_wait"]}
# Out of scope: told it is outside what the bot does, or (low confidence) that it could not
# understand; both say what it can help with.
RESPONSES = {"greet": ["utter_greet"], "goodbye": ["utter_goodbye"], "welcome": ["utter_you_are_welcome"],
             "bot": ["utter_iamabot"], "out_of_scope": ["utter_out_of_scope", "utter_misunderstood"],
             "nevermind": ["utter_nevermind"]}
CONCURRENCY = 4
# Reached by 2026-11-28 (0.976, 99.0%, 95.4%, 30 of 32, 35 of 40); see the module docstring.
# One conversation failure is kept on purpose: a refund asked about with a cancel gets the
# honest refund_after_cancel, not the payment-method question (docs/nlu_experiments.md).
GATES = {"macro_f1": 0.97, "kept_out": 0.97, "answers": 0.95, "conversation_failures": 2,
         "dialogue_failures": 7}


def _read(name: str):
    return yaml.safe_load((HERE / name).read_text(encoding="utf-8"))


# ---- intents ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Figures:
    """Only the aggregate figures: a failing test prints its fixtures, and the blind
    messages that were misread must stay out of sight of whoever tunes the bot."""

    macro_f1: float
    per_intent_f1: Dict[str, float]
    kept_out: float
    leaked: int


@pytest.fixture(scope="module")
def intents(trained_model: str) -> Figures:
    out = OUT / "nlu"
    result = run_rasa(["test", "nlu", "--model", trained_model,
                       "--nlu", str(HERE / "nlu_blind.yml"), "--out", str(out)])
    assert result.returncode == 0, result.stderr[-3000:]
    metrics = heldout_metrics(out)
    return Figures(metrics.macro_f1, {i: round(f1, 3) for i, f1 in metrics.per_intent_f1.items()},
                   metrics.kept_out_share, len(metrics.leaked))


def test_blind_macro_f1_over_in_scope_intents(intents: Figures) -> None:
    print(f"blind macro-F1 (in scope) = {intents.macro_f1:.4f} {intents.per_intent_f1}")
    assert intents.macro_f1 >= GATES["macro_f1"], intents.per_intent_f1


def test_blind_out_of_scope_kept_out(intents: Figures) -> None:
    print(f"blind out-of-scope kept out: {intents.kept_out:.2%}")
    assert intents.kept_out >= GATES["kept_out"], f"{intents.leaked} leaked"


# ---- answers to the bot's questions ----------------------------------------------------

def stored_slot(db_path: Path, sender: str, slot: str) -> Optional[str]:
    """The last value the conversation stored for ``slot`` (answer actions clear it later)."""
    with sqlite3.connect(db_path) as db:
        rows = db.execute("SELECT data FROM events WHERE sender_id = ? AND type_name = 'slot' "
                          "ORDER BY id", (sender,)).fetchall()
    values = [json.loads(data) for (data,) in rows]
    filled = [v["value"] for v in values if v["name"] == slot and v["value"] is not None]
    return filled[-1] if filled else None


def answer_filled(server: RasaServer, slot: str, option: str, text: str) -> bool:
    bot, sender = Bot(server.url), f"blind-{uuid.uuid4().hex[:12]}"
    bot.say(sender, TRIGGERS[slot])
    bot.say(sender, text)
    return stored_slot(server.db_path, sender, slot) == option


def test_blind_answers_fill_the_slot_meant(rasa_process: RasaServer) -> None:
    cases: List[Tuple[str, str, str]] = [
        (slot, option, text)
        for slot, options in _read("answers_blind.yml").items()
        for option, texts in options.items() for text in texts
    ]
    with ThreadPoolExecutor(CONCURRENCY) as pool:
        results = list(pool.map(lambda case: answer_filled(rasa_process, *case), cases))
    by_option: Dict[str, List[bool]] = {}
    for (slot, option, _), ok in zip(cases, results):
        by_option.setdefault(f"{slot}={option}", []).append(ok)
    share = sum(results) / len(results)
    print(f"blind answers filled: {share:.2%} of {len(results)} "
          + str({option: f"{sum(oks)}/{len(oks)}" for option, oks in by_option.items()}))
    assert share >= GATES["answers"]


# ---- whole conversations ---------------------------------------------------------------

def outcome_texts(label: str) -> List[str]:
    """Texts of which a reply must contain one for the outcome ``label`` to count as given."""
    kind, _, name = label.partition(":")
    if kind == "ask":
        return [load().questions[name].text]
    if kind == "answer":
        return ["\n".join(m["text"] for m in render(answer)) for answer in ANSWERS[name]]
    domain = yaml.safe_load((HERE.parents[1] / "domain.yml").read_text(encoding="utf-8"))
    return [domain["responses"][response][0]["text"] for response in RESPONSES[label]]


def reminded_of(label: str) -> List[str]:
    """The button under the reminder that stands for an answer shown before (issue #12)."""
    kind, _, name = label.partition(":")
    return [f'/show_again{{"answer":"{answer}"}}' for answer in ANSWERS[name]] if kind == "answer" else []


def given(label: str, reply: str, payloads: List[str]) -> bool:
    return (any(text in reply for text in outcome_texts(label))
            or any(p in payloads for p in reminded_of(label)))


def run_conversation(bot: Bot, conversation: dict) -> Optional[Tuple[str, str]]:
    """None when every turn got its outcome, else the outcome missed and what went wrong.

    ``expect``: one label, or a list of which any one is right; ``expect_all``: every one
    must be in the reply (a message asking two things).
    """
    sender = f"blind-conv-{uuid.uuid4().hex[:10]}"
    for turn in conversation["turns"]:
        messages = bot.send(sender, turn["say"])
        reply = "\n".join(m.get("text", "") for m in messages)
        payloads = [b["payload"] for m in messages for b in m.get("buttons", [])]
        if "expect_all" in turn:
            labels = list(turn["expect_all"])
            ok = all(given(label, reply, payloads) for label in labels)
        else:
            labels = turn["expect"] if isinstance(turn["expect"], list) else [turn["expect"]]
            ok = any(given(label, reply, payloads) for label in labels)
        if not ok:
            return "/".join(labels), f"{turn['say']!r}: expected {labels}, got:\n{reply[:300]}"
    return None


def failed_conversations(bot: Bot, set_name: str, title: str) -> int:
    """Runs a conversation set; prints the pass count and the outcomes missed (aggregates
    only), writes the failures to results/blind/ and returns how many failed."""
    conversations = _read(f"{set_name}.yml")
    with ThreadPoolExecutor(CONCURRENCY) as pool:
        failures = [f for f in pool.map(lambda c: run_conversation(bot, c), conversations) if f]
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / f"{set_name}_failures.txt").write_text("\n\n".join(f for _, f in failures), encoding="utf-8")
    missed = Counter(label for label, _ in failures)
    print(f"{title} passed: {len(conversations) - len(failures)}/{len(conversations)}; "
          f"outcomes missed: {dict(missed)}")
    return len(failures)


def test_blind_conversations(bot: Bot) -> None:
    failed = failed_conversations(bot, "conversations_blind", "blind conversations")
    assert failed <= GATES["conversation_failures"], f"{failed} failed; see {OUT}"


def test_blind_dialogue_conversations(bot: Bot) -> None:
    """Issue #12's set: 40 conversations written blind (target: at least 36 go well)."""
    failed = failed_conversations(bot, "conversations_dialogue_blind", "blind dialogue conversations")
    assert failed <= GATES["dialogue_failures"], f"{failed} failed; see {OUT}"


def test_no_blind_message_is_in_the_training_data() -> None:
    """The sets stay blind: none of their messages may be copied into data/."""
    from rasa.shared.nlu.training_data.loading import load_data

    train = {e.get("text") for e in load_data(str(HERE.parents[1] / "data" / "nlu")).intent_examples}
    blind = {e.get("text") for e in load_data(str(HERE / "nlu_blind.yml")).intent_examples}
    blind |= {text for options in _read("answers_blind.yml").values()
              for texts in options.values() for text in texts}
    blind |= {turn["say"] for name in ("conversations_blind.yml", "conversations_dialogue_blind.yml")
              for c in _read(name) for turn in c["turns"]}
    # A count only: pytest would print both sets (blind items) for `assert not train & blind`.
    overlap = len(train & blind)
    assert overlap == 0, f"{overlap} blind messages in data/nlu"
