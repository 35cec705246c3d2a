"""The one place that turns knowledge answers into chat messages.

Every action and channel goes through here, so all procedures look the same to the
customer: an answer is one or more messages (a situation, a procedure, its notes; the
buttons come with the last), each with an optional intro, notes as paragraphs, bullet
items, and steps numbered 手順①②… The numbering runs on across consecutive step
entries of a message (the Help path, then the chat or phone steps) and starts again
after a note (the return steps that follow a failed cancellation) and in each message.
"""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Sequence, Tuple

from common.knowledge import Button, Entry, load

CIRCLED_DIGITS = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"


def step_label(number: int) -> str:
    return f"手順{CIRCLED_DIGITS[number - 1]}"


def render_text(entries: Sequence[Entry], intro: Optional[str] = None) -> str:
    lines: List[str] = [intro] if intro else []
    step = 0
    for entry in entries:
        if entry.text:
            lines.append(entry.text)
            step = 0  # a note starts a new procedure: 手順① again
        lines.extend(f"・{item}" for item in entry.items)
        for text in entry.steps:
            step += 1
            lines.append(f"{step_label(step)} {text}")
    return "\n".join(lines)


def _buttons(buttons: Sequence[Button]) -> List[Dict[str, str]]:
    return [{"title": b.title, "payload": b.payload} for b in buttons]


def _message(text: str, buttons: Tuple[Button, ...] = ()) -> Dict[str, Any]:
    """Keyword arguments for ``CollectingDispatcher.utter_message``."""
    message: Dict[str, Any] = {"text": text}
    if buttons:
        message["buttons"] = _buttons(buttons)
    return message


def render(answer_id: str) -> List[Dict[str, Any]]:
    answer = load().answers[answer_id]
    last = len(answer.messages) - 1
    return [_message(render_text(m.entries, m.intro), answer.buttons if i == last else ())
            for i, m in enumerate(answer.messages)]


def is_long(answer_id: str) -> bool:
    """Whether showing the answer again would repeat a block: several messages or many lines."""
    messages = render(answer_id)
    lines = sum(len(m["text"].splitlines()) for m in messages)
    return len(messages) > 1 or lines > load().reminder.long_lines


def render_reminder(answer_id: str) -> List[Dict[str, Any]]:
    """A short note instead of a long answer shown before, with a button to show it again."""
    knowledge = load()
    again = Button(title=knowledge.reminder.button, payload=f'/show_again{{"answer":"{answer_id}"}}')
    return [_message(knowledge.reminder.text, (again, *knowledge.answers[answer_id].buttons))]


def with_feedback(messages: List[Dict[str, Any]], answer_id: str) -> List[Dict[str, Any]]:
    """The answer with 「この回答で解決しましたか？」 and its two buttons on its last message,
    after the answer's own buttons (the chat page shows the buttons of the last message);
    unchanged after the customer-service paths, which are where 「解決しない」 leads."""
    feedback = load().feedback
    if not messages or not feedback.question or answer_id in feedback.not_after:
        return messages
    last = messages[-1]
    buttons = [*last.get("buttons", []), *_buttons(feedback.buttons)]
    return [*messages[:-1], {**last, "text": f"{last['text']}\n\n{feedback.question}", "buttons": buttons}]


def render_did_you_mean(ranking: Sequence[Tuple[str, float]]) -> List[Dict[str, Any]]:
    """「もしかして：」 with the topics the NLU found likely (its ranking, best first, without
    nlu_fallback), and 「どれでもない」; nothing when no topic is likely enough."""
    did_you_mean = load().did_you_mean
    offered = [did_you_mean.topics[intent] for intent, confidence in ranking[:did_you_mean.top]
               if intent in did_you_mean.topics and confidence >= did_you_mean.floor]
    if not offered:
        return []
    way_out = (did_you_mean.none,) if did_you_mean.none else ()
    return [_message(did_you_mean.intro, (*offered, *way_out))]


def with_empathy(messages: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
    """The reply opening with the knowledge file's apology to an upset customer."""
    empathy = load().empathy
    if not messages or not empathy:
        return messages
    first = messages[0]
    return [{**first, "text": f"{empathy}\n{first['text']}"}, *messages[1:]]


def render_question(
    slot: str, after_unusable_answer: bool = False, asked_before: bool = False
) -> List[Dict[str, Any]]:
    """The question; first what the customer needs to know, unless it is asked again."""
    knowledge = load()
    question = knowledge.questions[slot]
    first_time = not (after_unusable_answer or asked_before)
    before = [_message(render_text(question.before))] if question.before and first_time else []
    lines = [knowledge.retry_intro] if after_unusable_answer else []
    return before + [_message("\n".join(lines + [question.text]), question.buttons)]


def render_handoff(topic_intent: Optional[str], values: Dict[str, str]) -> List[Dict[str, Any]]:
    """What the customer told the bot, in words an operator reads at a glance.

    ``values`` are canonical slot values; anything without words in the knowledge file is
    left out, and with nothing to say there is no message.
    """
    handoff = load().handoff
    lines = []
    if topic_intent in handoff.topics:
        lines.append(f"{handoff.topic_label}：{handoff.topics[topic_intent]}")
    for slot, (label, words) in handoff.slots.items():
        if values.get(slot) in words:
            lines.append(f"{label}：{words[values[slot]]}")
    return [_message("\n".join([handoff.intro, *lines]))] if lines else []
