"""Canonical slot values, read from the categorical slots of ``domain.yml``.

Users can type ``/intent{"slot": "anything"}`` by hand, so a slot value is only
trusted when it is one of the values the domain declares.
"""
from __future__ import annotations

from typing import Any, Collection, Dict, Iterator, List, Optional, Set, Text

from rasa_sdk import Tracker
from rasa_sdk.types import DomainDict

# The value of a question's slot when the customer does not know the answer
# (「わかりません」, entity ``unsure``); see domain.yml.
UNKNOWN = "unknown"
# Entities that make a message a question about a detail of the answer, not a request.
DETAIL_ENTITIES = ("followup", "uncovered_detail")


def allowed_values(domain: DomainDict, slot: Text) -> list:
    values = domain.get("slots", {}).get(slot, {}).get("values", [])
    return [v for v in values if v != "__other__"]  # Rasa's catch-all, never a real value


def last_start(entities: List[Dict[Text, Any]], names: Collection[Text],
               value: Optional[Text] = None) -> Optional[int]:
    """Where the last of these entities (with this value, if given) starts in the message:
    what is written later takes back what came before (「…準備中。…やっぱやめとくわ」)."""
    starts = [int(e.get("start") or 0) for e in entities
              if e.get("entity") in names and (value is None or e.get("value") == value)]
    return max(starts, default=None)


def canonical(value: Any, slot: Text, domain: DomainDict) -> Optional[Text]:
    if isinstance(value, list):  # two entities of one kind in a message: the last wins
        value = value[-1] if value else None
    return value if isinstance(value, str) and value in allowed_values(domain, slot) else None


def canonical_slot(tracker: Tracker, slot: Text, domain: DomainDict) -> Optional[Text]:
    return canonical(tracker.get_slot(slot), slot, domain)


def cancelled_before_shipping(tracker: Tracker, domain: DomainDict) -> bool:
    """Whether what the customer told of the order is a cancel before it shipped.

    The document's refund rules are for goods sent back (「返送された商品がAmazonに
    届いてから」); it gives none for such an order, so neither its rules nor the
    payment-method question apply.
    """
    topics = _topics_of_refund_request(tracker)
    if "return" in topics:
        return False
    if "cancel" in topics:  # 「キャンセルしたんだけど、お金は返ってくる？」, not 「キャンセルできなかった」
        return True
    return (canonical_slot(tracker, "cancel_button", domain) == "shown"
            or canonical_slot(tracker, "order_status", domain) in ("not_shipped", "preparing"))


def _this_sessions_messages(tracker: Tracker) -> Iterator[Dict[Text, Any]]:
    """The parse of each customer message of this session, latest first: the tracker's
    events run on across sessions (role-play 4: a customer back hours later got the
    earlier session's topic in the hand-off summary)."""
    for event in reversed(tracker.events):
        if event.get("event") == "session_started":
            return
        if event.get("event") == "user":
            yield event.get("parse_data") or {}


def _topics_named(parse: Dict[Text, Any]) -> Set[Text]:
    return {e.get("value") for e in parse.get("entities", []) if e.get("entity") == "topic"}


def last_request(tracker: Tracker, intents: Collection[Text]) -> Optional[Dict[Text, Any]]:
    """The parse of the latest customer message of this session whose intent is one of
    ``intents``. A form's questions and the customer's answers come after the request,
    so the request is not the latest message. A question about a detail (a follow-up, a
    detail the guide lacks) is no new request, whatever its intent, unless there is no
    other (role-play 12: 「商品がAmazonに届いたかどうかはどこで確認できますか？」 after a
    refund question made the hand-off say 「商品が発送されない・届かない」)."""
    requests = [parse for parse in _this_sessions_messages(tracker)
                if (parse.get("intent") or {}).get("name") in intents]
    return next((parse for parse in requests if not _asks_a_detail(parse)),
                requests[0] if requests else None)


def _asks_a_detail(parse: Dict[Text, Any]) -> bool:
    return any(e.get("entity") in DETAIL_ENTITIES for e in parse.get("entities", []))


def topics_of_request(tracker: Tracker, topic: Text, intent: Text) -> Set[Text]:
    """The topics named by the latest message of this session that asked about ``topic``
    (by its intent, or among several topics: 「返品したいです。あと返品を何回もすると
    ペナルティは？」 is answered after the return's question and its answer)."""
    for parse in _this_sessions_messages(tracker):
        topics = _topics_named(parse)
        if (parse.get("intent") or {}).get("name") == intent or topic in topics:
            return topics
    return set()


def _corrected_or_last_refund_request(tracker: Tracker) -> Optional[Dict[Text, Any]]:
    """The refund request, or a correction since that names what the refund is for
    (「返品じゃなくてキャンセルしたんだけど」 to the payment question, role-play 8)."""
    for parse in _this_sessions_messages(tracker):
        names = {e.get("entity") for e in parse.get("entities", [])}
        if "correction" in names and _topics_named(parse) & {"cancel", "return"}:
            return parse
        if (parse.get("intent") or {}).get("name") == "refund":
            return parse
    return None


def _topics_of_refund_request(tracker: Tracker) -> Set[Text]:
    """The topics named by the message that asked about the refund.

    「返品した場合の返金は？」 says the goods go back; 「キャンセルしたけど返金は？」 says the
    order was cancelled (so it never shipped); 「キャンセルが間に合わなかった」 says it was
    not, so the goods go back.
    """
    parse = _corrected_or_last_refund_request(tracker)
    if parse is None:
        return set()
    topics = _topics_named(parse)
    if any(e.get("entity") == "cancel_failed" for e in parse.get("entities", [])):
        topics = (topics - {"cancel"}) | {"return"}  # not cancelled: the goods go back
    return topics
