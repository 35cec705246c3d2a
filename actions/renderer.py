"""The one place that turns knowledge answers into chat messages.

Every action goes through here, so all procedures look the same to the customer:
an optional intro, notes as paragraphs, bullet items, and steps numbered 手順①②…
The numbering runs on across consecutive step entries (the Help path, then the
chat or phone steps) and starts again after a note (the return steps that follow
a failed cancellation).
"""
from __future__ import annotations

from typing import Any, Dict, List, Tuple

from actions.knowledge import Answer, Button, load

CIRCLED_DIGITS = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"


def step_label(number: int) -> str:
    return f"手順{CIRCLED_DIGITS[number - 1]}"


def render_text(answer: Answer) -> str:
    lines: List[str] = [answer.intro] if answer.intro else []
    step = 0
    for entry in answer.entries:
        if entry.text:
            lines.append(entry.text)
            step = 0  # a note starts a new procedure: 手順① again
        lines.extend(f"・{item}" for item in entry.items)
        for text in entry.steps:
            step += 1
            lines.append(f"{step_label(step)} {text}")
    return "\n".join(lines)


def _message(text: str, buttons: Tuple[Button, ...]) -> Dict[str, Any]:
    """Keyword arguments for ``CollectingDispatcher.utter_message``."""
    message: Dict[str, Any] = {"text": text}
    if buttons:
        message["buttons"] = [{"title": b.title, "payload": b.payload} for b in buttons]
    return message


def render(answer_id: str) -> Dict[str, Any]:
    answer = load().answers[answer_id]
    return _message(render_text(answer), answer.buttons)


def render_question(slot: str, after_unusable_answer: bool = False) -> Dict[str, Any]:
    knowledge = load()
    question = knowledge.questions[slot]
    lines = [knowledge.retry_intro] if after_unusable_answer else []
    return _message("\n".join(lines + [question.text]), question.buttons)
