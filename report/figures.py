"""The report's numbers, from the stored events in one pass.

Why one pass over rows ordered by conversation: only the conversation being read is held
(its topic, its first message's day, the current ``last_answer``), so a store of any size
fits in memory; the totals are counters.

The definitions, in Rasa's terms:
- a conversation is a session: a sender's events from one ``action_session_start`` to the
  next (how Rasa's markers split a tracker), counted when it holds a user message; its day
  is the day of its first user message, in ``timezone``;
- its topic is the intent of its first user message with one of the six in-scope intents;
- a feedback answer is a ``feedback`` slot event (``resolved`` / ``unresolved``): Rasa
  stores one for each click on 「解決した」/「解決しない」, even when the value repeats;
- the answer that was not good enough is the value of ``last_answer`` when
  ``feedback=unresolved`` is set (the slot event comes right after the user's click,
  before the contact answer replaces ``last_answer``);
- fallback and out-of-scope messages are user messages with the intent ``nlu_fallback`` or
  ``out_of_scope``, among all user messages (button clicks included).
"""
from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from dataclasses import dataclass, field
from typing import Dict, Iterable, List, Optional, Tuple

from report.store import DID_YOU_MEAN_LOOP, FALLBACK_INTENT, RESET_TYPES, REVERTED_TYPE, SESSION_START, Row

TOPICS = ("shipping_delay", "cancel_order", "return_item", "refund", "contact_support", "cancel_penalty")
NO_TOPIC = "(none)"  # a conversation that never reached one of the six topics
NO_ANSWER = "(none)"  # 「解決しない」 before any answer was recorded
OUT_OF_SCOPE_INTENT = "out_of_scope"
TIMEZONE = "Asia/Tokyo"  # the customers' and the operators' day, whatever the server's clock says


def timezone(name: str = TIMEZONE) -> dt.tzinfo:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        return ZoneInfo(name)
    except ZoneInfoNotFoundError:  # no tz database on this machine; Japan has no DST
        if name == "Asia/Tokyo":
            return dt.timezone(dt.timedelta(hours=9), "JST")
        raise


@dataclass
class Figures:
    """Everything the report shows; counts, so that two stores' figures can be compared."""

    conversations: int = 0
    senders: int = 0
    per_day: Counter = field(default_factory=Counter)  # datetime.date -> conversations
    per_topic: Counter = field(default_factory=Counter)  # intent (or NO_TOPIC) -> conversations
    user_messages: int = 0
    fallback_messages: int = 0
    out_of_scope_messages: int = 0
    out_of_scope_replies: int = 0
    did_you_mean: int = 0  # 「もしかして」 or the menu: the two-stage fallback started
    resolved: int = 0
    unresolved: int = 0
    unresolved_after: Counter = field(default_factory=Counter)  # last_answer -> 「解決しない」
    fallback_texts: Counter = field(default_factory=Counter)  # stored (masked) text -> count
    first_message: Optional[float] = None
    last_message: Optional[float] = None
    events_read: int = 0
    timezone: str = TIMEZONE  # the days above are days there

    @property
    def resolution_rate(self) -> Optional[float]:
        answered = self.resolved + self.unresolved
        return self.resolved / answered if answered else None

    @property
    def fallback_rate(self) -> Optional[float]:
        return self.fallback_messages / self.user_messages if self.user_messages else None

    @property
    def out_of_scope_rate(self) -> Optional[float]:
        return self.out_of_scope_messages / self.user_messages if self.user_messages else None

    def topics(self) -> List[Tuple[str, int]]:
        """The six topics in the menu's order, then conversations without one."""
        return [(t, self.per_topic.get(t, 0)) for t in (*TOPICS, NO_TOPIC)]

    def days(self) -> List[Tuple[dt.date, int]]:
        """Every day from the first to the last conversation, quiet days as 0."""
        if not self.per_day:
            return []
        first, last = min(self.per_day), max(self.per_day)
        return [(first + dt.timedelta(days=i), self.per_day.get(first + dt.timedelta(days=i), 0))
                for i in range((last - first).days + 1)]


@dataclass
class _Conversation:
    """What is known of the session being read."""

    sender_id: str
    first_ts: Optional[float] = None
    topic: Optional[str] = None
    last_answer: Optional[str] = None
    last_message: Optional[Row] = None  # undone if Rasa reverts it (two-stage fallback)


def _value(row: Row) -> object:
    return json.loads(row.data).get("value") if row.data else None


def compute(rows: Iterable[Row], tz_name: str = TIMEZONE) -> Figures:
    """The figures of ``rows`` (``report.store.read_events``: grouped by sender, in order)."""
    tz = timezone(tz_name)
    figures = Figures(timezone=tz_name)
    current: Optional[_Conversation] = None
    sender: Optional[str] = None

    def close(conversation: Optional[_Conversation]) -> None:
        if conversation is None or conversation.first_ts is None:
            return  # a session nobody wrote in (a page opened and left) is no conversation
        figures.conversations += 1
        figures.per_day[dt.datetime.fromtimestamp(conversation.first_ts, tz).date()] += 1
        figures.per_topic[conversation.topic or NO_TOPIC] += 1

    for row in rows:
        figures.events_read += 1
        if row.sender_id != sender:
            close(current)
            sender = row.sender_id
            figures.senders += 1
            current = _Conversation(sender)
        assert current is not None
        kind = row.type_name
        if kind == "action":
            if row.action_name == SESSION_START:
                close(current)
                current = _Conversation(sender)
            elif row.action_name == "utter_out_of_scope":
                figures.out_of_scope_replies += 1
        elif kind == "active_loop" and row.action_name == DID_YOU_MEAN_LOOP:
            figures.did_you_mean += 1
        elif kind == REVERTED_TYPE and current.last_message is not None:
            _count_message(figures, current.last_message, -1)  # stored again, clarified
            current.last_message = None
        elif kind == "user":
            current.last_message = row
            _count_message(figures, row, +1)
            if row.timestamp is not None:
                if current.first_ts is None:
                    current.first_ts = row.timestamp
                figures.first_message = min(figures.first_message or row.timestamp, row.timestamp)
                figures.last_message = max(figures.last_message or row.timestamp, row.timestamp)
            if current.topic is None and row.intent_name in TOPICS:
                current.topic = row.intent_name
        elif kind == "slot":
            value = _value(row)
            if row.action_name == "last_answer":
                current.last_answer = value if isinstance(value, str) else None
            elif row.action_name == "feedback":
                if value == "resolved":
                    figures.resolved += 1
                elif value == "unresolved":
                    figures.unresolved += 1
                    figures.unresolved_after[current.last_answer or NO_ANSWER] += 1
        elif kind in RESET_TYPES:
            current.last_answer = None
    close(current)
    return figures


def _count_message(figures: Figures, row: Row, sign: int) -> None:
    figures.user_messages += sign
    if row.intent_name == FALLBACK_INTENT:
        figures.fallback_messages += sign
        text = json.loads(row.data).get("text") if row.data else None
        figures.fallback_texts[text or ""] += sign
        if figures.fallback_texts[text or ""] <= 0:
            del figures.fallback_texts[text or ""]
    elif row.intent_name == OUT_OF_SCOPE_INTENT:
        figures.out_of_scope_messages += sign


def ranked(counts: Counter, limit: Optional[int] = None) -> List[Tuple[str, int]]:
    """Most frequent first; ties in a fixed order (by name), so two runs print the same."""
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:limit]


def as_dict(figures: Figures) -> Dict[str, object]:
    """The figures as plain JSON-able values (results/report.json, tests)."""
    return {
        "conversations": figures.conversations,
        "senders": figures.senders,
        "per_day": {day.isoformat(): n for day, n in figures.days()},
        "per_topic": dict(figures.topics()),
        "user_messages": figures.user_messages,
        "fallback_messages": figures.fallback_messages,
        "out_of_scope_messages": figures.out_of_scope_messages,
        "out_of_scope_replies": figures.out_of_scope_replies,
        "did_you_mean": figures.did_you_mean,
        "resolved": figures.resolved,
        "unresolved": figures.unresolved,
        "resolution_rate": figures.resolution_rate,
        "fallback_rate": figures.fallback_rate,
        "out_of_scope_rate": figures.out_of_scope_rate,
        "unresolved_after": dict(ranked(figures.unresolved_after)),
        "top_fallback_texts": ranked(figures.fallback_texts, 30),
    }
