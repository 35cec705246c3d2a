"""Loads the knowledge file once and checks its cross-references up front.

A typo in an answer's entry list should stop the action server at start-up, not
surface as a broken reply in the middle of a customer's conversation.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Dict, Iterable, Optional, Tuple

import yaml

KNOWLEDGE_FILE = Path(__file__).resolve().parent.parent / "knowledge" / "procedures.yml"


@dataclass(frozen=True)
class Entry:
    id: str
    section: str
    source: Tuple[str, ...] = ()  # the document sentences it restates, verbatim
    text: Optional[str] = None
    steps: Tuple[str, ...] = ()
    items: Tuple[str, ...] = ()

    def all_text(self) -> str:
        return "\n".join([self.text or "", *self.steps, *self.items])


@dataclass(frozen=True)
class Button:
    title: str
    payload: str


@dataclass(frozen=True)
class Message:
    """One chat bubble: on a phone, a situation, a procedure and its notes read best apart."""

    entries: Tuple[Entry, ...]
    intro: Optional[str] = None


@dataclass(frozen=True)
class Answer:
    id: str
    messages: Tuple[Message, ...]
    buttons: Tuple[Button, ...] = ()  # on the last message: what comes next
    # Why it says what it says where the document is silent or says two things.
    note: Optional[str] = None

    @property
    def entries(self) -> Tuple[Entry, ...]:
        return tuple(entry for message in self.messages for entry in message.entries)


@dataclass(frozen=True)
class Question:
    slot: str
    text: str
    buttons: Tuple[Button, ...]
    before: Tuple[Entry, ...] = ()  # what the document says that the customer needs first
    note: Optional[str] = None  # as for answers


@dataclass(frozen=True)
class Followup:
    """A short question after an answer: what to send, by the answer just given."""

    kind: str
    after: Dict[str, str]
    otherwise: str
    while_asking: Dict[str, str] = field(default_factory=dict)
    with_named: Dict[str, str] = field(default_factory=dict)

    def answer_after(self, last_answer: Optional[str], asking: Optional[str] = None,
                     named: Iterable[str] = ()) -> str:
        """``asking``: the slot of a question still open, which the follow-up is about;
        ``named``: the topics and channels the message names, which say what it is about
        whatever the answer before (「電話と比べてどっちが早い？」 after a refund answer)."""
        if asking in self.while_asking:
            return self.while_asking[asking]
        by_name = next((self.with_named[n] for n in named if n in self.with_named), None)
        return by_name or self.after.get(last_answer or "", self.otherwise)


@dataclass(frozen=True)
class Topic:
    """One of several things a message asks about: how it is announced and handled."""

    name: str
    intent: str
    action: str
    next: str


@dataclass(frozen=True)
class Reminder:
    """What replaces a long answer shown before in the same conversation."""

    text: str = ""
    button: str = ""
    long_lines: int = 0


@dataclass(frozen=True)
class Handoff:
    """The summary the customer can paste into Amazon's chat, sent before the contact procedure."""

    intro: str = ""
    topic_label: str = ""
    topics: Dict[str, str] = field(default_factory=dict)
    # slot -> (label, canonical value -> words), in the order shown
    slots: Dict[str, Tuple[str, Dict[str, str]]] = field(default_factory=dict)


@dataclass(frozen=True)
class Feedback:
    """「この回答で解決しましたか？」 at the end of a procedure answer."""

    question: str = ""
    buttons: Tuple[Button, ...] = ()
    not_after: Tuple[str, ...] = ()  # answers that are the customer-service paths


@dataclass(frozen=True)
class DidYouMean:
    """「もしかして：」 when the NLU is unsure: the likely topics as buttons, and a way out."""

    intro: str = ""
    topics: Dict[str, Button] = field(default_factory=dict)  # intent -> its button
    none: Optional[Button] = None  # 「どれでもない」
    top: int = 3  # how many of the NLU's ranking are looked at
    floor: float = 0.2  # the confidence a topic needs to be offered


@dataclass(frozen=True)
class Knowledge:
    entries: Dict[str, Entry] = field(default_factory=dict)
    answers: Dict[str, Answer] = field(default_factory=dict)
    questions: Dict[str, Question] = field(default_factory=dict)
    followups: Dict[str, Followup] = field(default_factory=dict)
    retry_intro: str = ""
    topics: Dict[str, Topic] = field(default_factory=dict)
    # uncovered detail -> the answer that says what the document says next to it
    not_covered_by: Dict[str, str] = field(default_factory=dict)
    several_topics: str = ""
    reminder: Reminder = field(default_factory=Reminder)
    handoff: Handoff = field(default_factory=Handoff)
    feedback: Feedback = field(default_factory=Feedback)
    empathy: str = ""
    did_you_mean: DidYouMean = field(default_factory=DidYouMean)


class KnowledgeError(ValueError):
    """The knowledge file is malformed or refers to something it does not define."""


def parse(raw: dict) -> Knowledge:
    entries: Dict[str, Entry] = {}
    for entry_id, spec in raw["entries"].items():
        if not spec.get("section") or not spec.get("source"):
            raise KnowledgeError(f"entry {entry_id!r} names no document section or source")
        if not (spec.get("text") or spec.get("steps") or spec.get("items")):
            raise KnowledgeError(f"entry {entry_id!r} has no text, steps or items")
        entries[entry_id] = Entry(
            id=entry_id,
            section=spec["section"],
            source=tuple(spec["source"]),
            text=spec.get("text"),
            steps=tuple(spec.get("steps", ())),
            items=tuple(spec.get("items", ())),
        )
    buttons = {
        button_id: Button(title=spec["title"], payload=spec["payload"])
        for button_id, spec in raw.get("buttons", {}).items()
    }
    answers: Dict[str, Answer] = {}
    for answer_id, spec in raw["answers"].items():
        # `entries` (with `intro`) is a one-message answer; `messages` lists several.
        raw_messages = spec.get("messages") or [{"intro": spec.get("intro"),
                                                  "entries": spec.get("entries", [])}]
        missing = [e for m in raw_messages for e in m["entries"] if e not in entries]
        missing += [b for b in spec.get("buttons", []) if b not in buttons]
        if missing:
            raise KnowledgeError(f"answer {answer_id!r} refers to undefined {missing}")
        answers[answer_id] = Answer(
            id=answer_id,
            messages=tuple(Message(entries=tuple(entries[e] for e in m["entries"]),
                                   intro=m.get("intro")) for m in raw_messages),
            buttons=tuple(buttons[b] for b in spec.get("buttons", [])),
            note=spec.get("note"),
        )
    raw_questions = dict(raw["questions"])
    retry_intro = raw_questions.pop("retry_intro")
    questions: Dict[str, Question] = {}
    for slot, spec in raw_questions.items():
        missing = [b for b in spec["buttons"] if b not in buttons]
        missing += [e for e in spec.get("before", []) if e not in entries]
        if missing:
            raise KnowledgeError(f"question {slot!r} refers to undefined {missing}")
        questions[slot] = Question(
            slot=slot, text=spec["text"], buttons=tuple(buttons[b] for b in spec["buttons"]),
            before=tuple(entries[e] for e in spec.get("before", [])),
            note=spec.get("note"),
        )
    followups: Dict[str, Followup] = {}
    for kind, spec in raw.get("followups", {}).items():
        while_asking = dict(spec.get("while_asking", {}))
        with_named = dict(spec.get("with_named", {}))
        named = [*spec["after"], *spec["after"].values(), spec["otherwise"], *while_asking.values(),
                 *with_named.values()]
        missing = [a for a in named if a not in answers]
        missing += [q for q in while_asking if q not in questions]
        if missing:
            raise KnowledgeError(f"follow-up {kind!r} refers to undefined {missing}")
        followups[kind] = Followup(kind=kind, after=dict(spec["after"]), otherwise=spec["otherwise"],
                                   while_asking=while_asking, with_named=with_named)
    not_covered_by = dict(raw.get("not_covered_by", {}))
    if any(a not in answers for a in not_covered_by.values()):
        raise KnowledgeError(f"not_covered_by refers to undefined {sorted(not_covered_by.values())}")
    raw_topics = raw.get("topics", {})
    topics = {name: Topic(name=name, intent=spec["intent"], action=spec["action"], next=spec["next"])
              for name, spec in raw_topics.get("by_topic", {}).items()}
    return Knowledge(entries=entries, answers=answers, questions=questions,
                     followups=followups, retry_intro=retry_intro, topics=topics,
                     not_covered_by=not_covered_by,
                     several_topics=raw_topics.get("several", ""),
                     reminder=Reminder(**raw.get("reminder", {})),
                     handoff=_handoff(raw.get("handoff", {})),
                     feedback=_feedback(raw.get("feedback", {}), buttons, answers),
                     empathy=raw.get("empathy", ""),
                     did_you_mean=_did_you_mean(raw.get("did_you_mean", {}), buttons))


def _did_you_mean(raw: dict, buttons: Dict[str, Button]) -> DidYouMean:
    named = [*raw.get("topics", {}).values(), *([raw["none"]] if "none" in raw else [])]
    missing = [b for b in named if b not in buttons]
    if missing:
        raise KnowledgeError(f"did_you_mean refers to undefined {missing}")
    return DidYouMean(intro=raw.get("intro", ""),
                      topics={intent: buttons[b] for intent, b in raw.get("topics", {}).items()},
                      none=buttons[raw["none"]] if "none" in raw else None,
                      top=int(raw.get("top", 3)), floor=float(raw.get("floor", 0.2)))


def _feedback(raw: dict, buttons: Dict[str, Button], answers: Dict[str, Answer]) -> Feedback:
    missing = [b for b in raw.get("buttons", []) if b not in buttons]
    missing += [a for a in raw.get("not_after", []) if a not in answers]
    if missing:
        raise KnowledgeError(f"feedback refers to undefined {missing}")
    return Feedback(question=raw.get("question", ""),
                    buttons=tuple(buttons[b] for b in raw.get("buttons", [])),
                    not_after=tuple(raw.get("not_after", ())))


def _handoff(raw: dict) -> Handoff:
    return Handoff(intro=raw.get("intro", ""), topic_label=raw.get("topic_label", ""),
                   topics=dict(raw.get("topics", {})),
                   slots={slot: (spec["label"], dict(spec["values"]))
                          for slot, spec in raw.get("slots", {}).items()})


@lru_cache(maxsize=None)
def load(path: Path = KNOWLEDGE_FILE) -> Knowledge:
    with open(path, encoding="utf-8") as handle:
        return parse(yaml.safe_load(handle))

