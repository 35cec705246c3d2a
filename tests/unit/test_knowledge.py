"""The knowledge file is faithful to the seed document and fully wired."""
from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest
import yaml

from actions import answers as answer_actions
from actions.message_checks import PERSONAL_DATA_ANSWER
from channels.guard import NO_REPLY_ANSWER
from channels.store_guard import UNAVAILABLE_ANSWER
from common.knowledge import KNOWLEDGE_FILE, KnowledgeError, load, parse
from common.renderer import render_text
from scripts import faithfulness
from tests.helpers import ROOT, SEED

QUOTE = re.compile(r"「([^」]+)」")
REQUIRED_LABELS = [
    "ヘルプ", "問題が解決しない場合は", "カスタマーサービスに連絡", "今すぐチャットをはじめる",
    "Amazonから電話します", "電話", "今すぐ電話がほしい", "注文履歴", "注文をキャンセル",
    "この注文の選択された商品をキャンセルします", "商品キャンセル", "チェックした商品をキャンセルする",
    "商品の返品", "出荷準備前", "出荷準備中", "配送中",
]


@pytest.fixture(scope="module")
def seed() -> str:
    if not SEED.is_file():
        pytest.fail(f"source document not found at {SEED}: put it there, or set SEED_DOCUMENT "
                    "to its path", pytrace=False)
    return SEED.read_text(encoding="utf-8")


def quoted_in_knowledge():
    knowledge = load()
    for entry in knowledge.entries.values():
        for label in QUOTE.findall(entry.all_text()):
            yield entry.id, label
    for question in knowledge.questions.values():
        for label in QUOTE.findall(question.text):
            yield f"question {question.slot}", label
    for answer in knowledge.answers.values():
        for message in answer.messages:
            for label in QUOTE.findall(message.intro or ""):
                yield f"answer {answer.id}", label


def test_every_quoted_label_appears_verbatim_in_the_seed(seed):
    missing = [(where, label) for where, label in quoted_in_knowledge()
               if f"「{label}」" not in seed.replace("」 ", "」")]
    assert not missing


def test_the_issue_labels_are_all_quoted(seed):
    labels = {label for _, label in quoted_in_knowledge()}
    assert set(REQUIRED_LABELS) <= labels


def test_every_entry_names_a_section_and_is_used_by_an_answer():
    knowledge = load()
    used = {e.id for a in knowledge.answers.values() for e in a.entries}
    assert set(knowledge.entries) == used
    assert all(e.section for e in knowledge.entries.values())


def test_bullet_items_are_verbatim(seed):
    for entry in load().entries.values():
        for item in entry.items:
            assert item in seed


def test_every_answer_is_reachable_from_an_action():
    reachable = {"contact_choice"}
    for cls in vars(answer_actions).values():
        for table in ("by_channel", "by_button", "by_status", "by_seller", "by_method"):
            mapping = getattr(cls, table, None) if isinstance(cls, type) else None
            if isinstance(mapping, dict):
                for value in mapping.values():
                    reachable.update(value if isinstance(value, list) else [value])
    reachable.update({"cancel_penalty", "cancel_marketplace",
                      answer_actions.ActionAnswerCancelPenalty.about_returns})
    reachable.update({answer_actions.ActionAnswerShippingDelay.answer,
                      answer_actions.ActionAnswerShippingDelay.answer_when_shipped})
    reachable.update({answer_actions.ActionAnswerRefund.common_rule,
                      answer_actions.ActionAnswerRefund.after_cancel})
    reachable.add(UNAVAILABLE_ANSWER)  # sent by the channels when the store is down
    reachable.add(NO_REPLY_ANSWER)  # sent by the channels when no reply came in time
    reachable.add(PERSONAL_DATA_ANSWER)  # sent after every message with masked data
    reachable.update({answer_actions.NOT_COVERED, answer_actions.NOT_COVERED_AGAIN})
    reachable.update(load().not_covered_by.values())  # answer_actions.not_covered
    for followup in load().followups.values():  # action_answer_followup
        reachable.update([*followup.after.values(), *followup.while_asking.values(),
                          *followup.with_named.values(), followup.otherwise])
    assert reachable == set(load().answers)


def test_steps_are_numbered_and_restart_after_a_note():
    answer = load().answers["contact_chat"]
    text = render_text(answer.entries)
    assert "手順③ 問い合わせ内容の大別分類" in text  # runs on across step entries
    steps, notes = load().answers["cancel_preparing"].messages[1:]
    assert "手順③ 「この注文の選択された商品をキャンセルします」" in render_text(steps.entries)
    assert "\n手順① 画面「注文履歴」から「商品の返品」" in render_text(notes.entries)  # after a note


def test_polite_style():
    for entry in load().entries.values():
        for sentence in filter(None, re.split("[。]", entry.text or "")):
            assert re.search("(ます|です|ません|しょう|ください|ようです|あり得ます)$", sentence), sentence


def test_a_broken_reference_is_refused_at_load():
    raw = yaml.safe_load(KNOWLEDGE_FILE.read_text(encoding="utf-8"))
    raw["answers"]["shipping_delay"]["entries"].append("no.such.entry")
    with pytest.raises(KnowledgeError):
        parse(raw)


def test_every_source_sentence_is_verbatim_in_the_seed(seed):
    missing = [(entry.id, sentence) for entry in load().entries.values()
               for sentence in entry.source if sentence not in seed]
    assert not missing


def test_the_faithfulness_document_is_current():
    """docs/faithfulness.md: run `python -m scripts.faithfulness` after editing the knowledge."""
    assert faithfulness.OUTPUT.read_text(encoding="utf-8") == faithfulness.generate()


def test_a_missing_source_document_fails_with_one_clear_line(tmp_path) -> None:
    missing = tmp_path / "no_such_seed.txt"
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
         f"{__file__}::test_bullet_items_are_verbatim"],
        cwd=ROOT, env={**os.environ, "SEED_DOCUMENT": str(missing)}, capture_output=True, text=True,
        timeout=120)
    assert result.returncode == 1
    assert f"source document not found at {missing}: put it there, or set SEED_DOCUMENT" in result.stdout


def test_a_not_covered_answer_of_no_answer_is_refused_at_load():
    raw = yaml.safe_load(KNOWLEDGE_FILE.read_text(encoding="utf-8"))
    raw["not_covered_by"]["number"] = "no_such_answer"
    with pytest.raises(KnowledgeError):
        parse(raw)
