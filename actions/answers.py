"""Answer actions: each picks the knowledge answers that fit the tracker.

They share ``ProcedureAction``: choose answers, send them through the one renderer,
then clear the per-request choice (chat or phone). What the customer told about the
order (its status, the cancel button, the seller, the payment method) stays for the
questions that follow, until they speak of another order (actions/message_checks.py).
"""
from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any, ClassVar, Dict, List, Optional, Text, Tuple

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.slot_values import (
    UNKNOWN,
    cancelled_before_shipping,
    canonical_slot,
    last_request,
    topics_of_request,
)
from actions.topics import chain
from common.input_flags import last_reply_undelivered, upset_and_unanswered
from common.knowledge import load
from common.renderer import is_long, render, render_handoff, render_reminder, with_empathy, with_feedback

# When the form gave up on the question (or a value was not canonical).
GAVE_UP: List[Text] = ["contact_choice"]
LAST_ANSWER_SLOT = "last_answer"
SHOWN_SLOT = "shown_answers"
NOT_COVERED = "not_covered"
NOT_COVERED_AGAIN = "not_covered_again"


def last_topic_intent(tracker: Tracker) -> Optional[Text]:
    """The intent of the customer's last request other than reaching customer service."""
    parse = last_request(tracker, load().handoff.topics)
    return parse["intent"]["name"] if parse else None


def asks(message: Dict[Text, Any]) -> bool:
    """Whether the message asks a question (entity ``asking``, data/nlu/options.yml); a
    request (「電話で問い合わせる方法を教えて」) asks for an answer, not something new."""
    return any(e.get("entity") == "asking" and e.get("value") == "question"
               for e in message.get("entities") or [])


def question_declined(tracker: Tracker) -> bool:
    """Whether the latest message declines the topic of the question still open (role-play
    16: 「キャンセルはせんて言いよるやん！ペナルティのことだけ知りたいと」 got the penalty answer
    and the order status asked a third time): answered, it is closed."""
    declined = set(tracker.get_latest_entity_values("declined"))
    topics = load().topics
    forms = {topics[name].action for name in declined if name in topics}
    return tracker.active_loop_name is not None and tracker.active_loop_name in forms


def just_said(tracker: Tracker, answer_id: Text) -> bool:
    """Whether the bot's reply to the customer's previous message began with this answer."""
    return replied_with(tracker, render(answer_id)[0]["text"])


def just_asked(tracker: Tracker, slot: Text) -> bool:
    """Whether the bot's reply to the customer's previous message was this question."""
    return replied_with(tracker, load().questions[slot].text)


def replied_with(tracker: Tracker, text: Text) -> bool:
    """Whether a message of the bot's reply to the customer's previous message opened as
    ``text`` opens."""
    opening = text.split("\n")[0]
    users = 0
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            users += 1
            if users == 2:
                return False
        elif users == 1 and event.get("event") == "bot" and \
                (event.get("text") or "").split("\n")[0] == opening:
            return True
    return False


def followup_answer(tracker: Tracker) -> Text:
    """The answer to the first follow-up question of the latest message that the document
    answers after the last answer (role-play 4: 「どっちが早いん？待たされるのだるい」 is about
    the faster channel, not a wait the document gives no figure for); else not_covered."""
    followups = load().followups
    found = sorted((e for e in tracker.latest_message.get("entities") or []
                    if e.get("entity") == "followup" and e.get("value") in followups),
                   key=lambda e: int(e.get("start") or 0))
    asking = tracker.get_slot("requested_slot") if tracker.active_loop_name else None
    named = [*tracker.get_latest_entity_values("topic"), *tracker.get_latest_entity_values("contact_channel")]
    answers = (followups[e["value"]].answer_after(tracker.get_slot(LAST_ANSWER_SLOT), asking, named)
               for e in found)
    return next((a for a in answers if a != NOT_COVERED), NOT_COVERED)


class ProcedureAction(Action, ABC):
    action_name: ClassVar[Text]
    consumed_slots: ClassVar[Tuple[Text, ...]] = ()

    def name(self) -> Text:
        return self.action_name

    @abstractmethod
    def parts(self, tracker: Tracker, domain: DomainDict) -> List[Text]:
        """The knowledge answer ids to send, in order."""

    # Whether a short follow-up question may refer to this answer (slot last_answer).
    sets_context: ClassVar[bool] = True

    # The bot's question this answer follows (its form's slot): an answer chosen there is
    # never "asked again" (role-play 16: 「チャット」 to it got "not in the guide").
    question: ClassVar[Optional[Text]] = None

    def main_answer(self, parts: List[Text]) -> Text:
        """The answer a follow-up (「何日くらい？」) refers to; what is appended is a note."""
        return parts[0]

    # Whether a long answer shown before in the conversation becomes a short reminder, and a
    # short one asked for again at once the honest "not in the guide".
    reminds: ClassVar[bool] = True

    def before_answer(self, tracker: Tracker, domain: DomainDict) -> List[Dict[Text, Any]]:
        """Messages sent before the answer, so that its buttons stay on the last message."""
        return []

    async def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> List[EventType]:
        parts = self.parts(tracker, domain)
        shown: List[Text] = list(tracker.get_slot(SHOWN_SLOT) or [])
        missed = last_reply_undelivered(tracker.latest_message)  # the customer never saw it
        main = self.main_answer(parts)
        answered_question = self.question is not None and just_asked(tracker, self.question)
        if self.reminds and not missed and main == tracker.get_slot(LAST_ANSWER_SLOT) and \
                not is_long(main) and not answered_question:
            # Asked again at once, the short answer just given did not answer what they ask
            # (role-play 6: the same paragraph four times to 「しらべられないの？」; role-play 7: a
            # reminder to 「携帯料金から差し引かれる感じ？」): the guide has nothing more.
            parts = [NOT_COVERED]
        elif self.reminds and not missed and main in shown and is_long(main):
            # A follow-up that names the topic again (「…出荷準備中でもキャンセルできるという
            # ことでよろしいですか」, 「1回キャンセルするくらいなら問題ないですよね？」, role-play
            # 12) got the reminder of the whole answer: the part that answers it, if any.
            answer = followup_answer(tracker)
            if answer != NOT_COVERED:
                parts = [answer]
            elif asks(tracker.latest_message):
                # A new question on the topic, which the whole answer did not answer (role-play
                # 15: 「キャンセルリクエストってなに？配送中でも出せるの？」 got "the same as before"
                # twice): what the guide does not say, not the reminder.
                parts = [not_covered(tracker)]
        if not missed and NOT_COVERED in parts and just_said(tracker, NOT_COVERED):
            parts = [NOT_COVERED_AGAIN if part == NOT_COVERED else part for part in parts]
        messages = list(self.before_answer(tracker, domain))
        again = False
        for answer_id in parts:
            again = self.reminds and not missed and answer_id in shown and is_long(answer_id)
            messages += render_reminder(answer_id) if again else render(answer_id)
        following = chain(tracker)
        closed = question_declined(tracker)
        # After an answer given, after the last topic only, and not while a question of
        # the bot's is still open (a question of the customer's own in between, forms.py).
        if not (again or following or (tracker.active_loop_name and not closed)):
            messages = with_feedback(messages, parts[-1])
        if upset_and_unanswered(tracker):
            messages = with_empathy(messages)
        for message in messages:
            dispatcher.utter_message(**message)
        events: List[EventType] = [SlotSet(SHOWN_SLOT, list(dict.fromkeys(shown + parts)))]
        events += [SlotSet(slot, None) for slot in self.consumed_slots]
        # 「わかりません」 answers this question only: asked again later, it is asked again.
        events += [SlotSet(slot, None) for slot in load().questions if tracker.get_slot(slot) == UNKNOWN]
        if self.sets_context or set(parts) & set(load().not_covered_by.values()):
            # What the guide says next to a detail it lacks (the phone route, after 「電話番号を
            # 教えて」) is what a follow-up then asks about (role-play 14: 「それで電話まってたら
            # 何分くらいでかかってくんだ？」 got "not in the guide").
            events.append(SlotSet(LAST_ANSWER_SLOT, self.main_answer(parts)))
        events += [SlotSet("unusable_answers", 0), SlotSet("last_answer_unusable", False)]
        if closed:
            events += [ActiveLoop(None), SlotSet("requested_slot", None)]
        return events + following


class ActionAnswerShippingDelay(ProcedureAction):
    action_name = "action_answer_shipping_delay"
    answer: ClassVar[Text] = "shipping_delay"
    # 「発送済みなのに届かない」「配達完了なのに荷物がない」 (role-play): the not-shipped answer
    # (cancel if unshipped) does not fit, and the document says nothing of shipped orders
    # that do not arrive. The status must be said in the message itself (one told earlier
    # may be another order's).
    answer_when_shipped: ClassVar[Text] = NOT_COVERED
    shipped: ClassVar[Tuple[Text, ...]] = ("in_transit", "delivered")

    def parts(self, tracker: Tracker, domain: DomainDict) -> List[Text]:
        said = {e.get("value") for e in tracker.latest_message.get("entities", [])
                if e.get("entity") == "order_status"}
        shipped = [status for status in self.shipped if status in said]
        if shipped and "cancel" in set(tracker.get_latest_entity_values("topic")):
            # Role-play 5: 「配送中ってなってるんだよ。もうキャンセルしてえんだけど」 asks to cancel:
            # the document's answer for that status (receive it, then return it).
            return [ActionAnswerCancel.by_status[shipped[0]]]
        return [self.answer_when_shipped] if shipped else [self.answer]


class ActionAnswerCancelPenalty(ProcedureAction):
    action_name = "action_answer_cancel_penalty"
    # 「返品を何回もするとペナルティ？」: the document's penalties are not about returns.
    about_returns: ClassVar[Text] = "penalty_return"

    def parts(self, tracker: Tracker, domain: DomainDict) -> List[Text]:
        topics = topics_of_request(tracker, "penalty", "cancel_penalty")
        if "return" in topics and "cancel" not in topics:
            return [self.about_returns]
        return ["cancel_penalty"]


class ActionAnswerContact(ProcedureAction):
    action_name = "action_answer_contact"
    consumed_slots = ("contact_channel",)
    question = "contact_channel"
    # Also sent, with no channel, after repeated misunderstandings (see data/rules).
    by_channel: ClassVar[Dict[Text, Text]] = {
        "chat": "contact_chat",
        "phone": "contact_phone",
        UNKNOWN: "contact_either",
    }

    def parts(self, tracker: Tracker, domain: DomainDict) -> List[Text]:
        channel = canonical_slot(tracker, "contact_channel", domain)
        return [self.by_channel[channel]] if channel else GAVE_UP

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        """Thanks or an OK naming the channel whose steps were just given is no request for
        them again (role-play 9: 「向こうからかけてくれるのね。…サンキュー」 got the reminder;
        role-play 14: 「わかった。じゃあチャットでいくわ」 got 「お答えできません」). But the
        channel chosen at the chat-or-phone question is no OK (role-play 16: 「チャット」
        there got 「承知しました」 three times): its steps are given again."""
        message = tracker.latest_message
        intent = (message.get("intent") or {}).get("name")
        just_given = self.parts(tracker, domain) == [tracker.get_slot(LAST_ANSWER_SLOT)] and \
            not just_asked(tracker, "contact_channel")
        # Asked for again (「電話で問い合わせる方法を教えて」), the steps are a reminder.
        if just_given and intent != "contact_support" and not asks(message):
            thanks = intent == "thanks" or "thanks" in set(tracker.get_latest_entity_values("closing"))
            dispatcher.utter_message(response="utter_you_are_welcome" if thanks else "utter_nevermind")
            return [SlotSet(slot, None) for slot in self.consumed_slots]
        return await super().run(dispatcher, tracker, domain)

    def before_answer(self, tracker: Tracker, domain: DomainDict) -> List[Dict[Text, Any]]:
        """The summary for the operator: what the customer told the bot, to paste or read out."""
        values = {slot: canonical_slot(tracker, slot, domain) for slot in load().handoff.slots}
        return render_handoff(last_topic_intent(tracker), {k: v for k, v in values.items() if v})


class ActionAnswerCancel(ProcedureAction):
    action_name = "action_answer_cancel"
    question = "order_status"
    by_button: ClassVar[Dict[Text, Text]] = {
        "shown": "cancel_allowed",
        "absent": "cancel_not_possible",
    }
    by_status: ClassVar[Dict[Text, Text]] = {
        "not_shipped": "cancel_allowed",
        "preparing": "cancel_preparing",
        # Shipped or received: the status rule, without the button they never mentioned.
        "in_transit": "cancel_shipped",
        "delivered": "cancel_shipped",
        UNKNOWN: "cancel_status_unknown",
    }

    must_return: ClassVar[Tuple[Text, ...]] = ("cancel_not_possible", "cancel_shipped")

    def parts(self, tracker: Tracker, domain: DomainDict) -> List[Text]:
        # What the order screen shows (the button) outranks a remembered status.
        button = canonical_slot(tracker, "cancel_button", domain)
        status = canonical_slot(tracker, "order_status", domain)
        if button == "shown" and status == "preparing":
            # Both shown: the button decides, and the document's 出荷準備中 warning applies;
            # the button told after that warning gets the steps it allows (role-play 7).
            warned = tracker.get_slot(LAST_ANSWER_SLOT) == self.by_status[status]
            parts = [self.by_button[button] if warned else self.by_status[status]]
        elif button:
            parts = [self.by_button[button]]
        elif status:
            parts = [self.by_status[status]]
        else:
            return GAVE_UP
        if canonical_slot(tracker, "seller", domain) == "marketplace":
            # The document's marketplace rule is about returns: it fits an order that must
            # be returned; of cancelling one it says nothing.
            parts.append("return_marketplace" if parts[0] in self.must_return else "cancel_marketplace")
        return parts


class ActionAnswerReturn(ProcedureAction):
    action_name = "action_answer_return"
    question = "seller"
    by_seller: ClassVar[Dict[Text, Text]] = {
        "amazon": "return_amazon",
        "marketplace": "return_marketplace",
        UNKNOWN: "return_seller_unknown",
    }

    def parts(self, tracker: Tracker, domain: DomainDict) -> List[Text]:
        seller = canonical_slot(tracker, "seller", domain)
        return [self.by_seller[seller]] if seller else GAVE_UP


class ActionAnswerRefund(ProcedureAction):
    action_name = "action_answer_refund"
    question = "payment_method"
    by_method: ClassVar[Dict[Text, List[Text]]] = {
        "credit_card": ["refund_credit_card"],
        "carrier_billing": ["refund_carrier_billing"],
        # The document says nothing about these methods: say so, never guess.
        "gift_card": ["refund_not_covered"],
        "other": ["refund_not_covered"],
        UNKNOWN: ["refund_method_unknown"],
    }
    # The rule common to every method; the payment-method question states it first.
    common_rule: ClassVar[Text] = "refund_rule"
    after_cancel: ClassVar[Text] = "refund_after_cancel"

    def parts(self, tracker: Tracker, domain: DomainDict) -> List[Text]:
        if cancelled_before_shipping(tracker, domain):
            return [self.after_cancel]
        method = canonical_slot(tracker, "payment_method", domain)
        if not method:
            return GAVE_UP
        rule = [] if _asked_in_this_form(tracker, "refund_form", "payment_method") else [self.common_rule]
        return rule + self.by_method[method]

    def main_answer(self, parts: List[Text]) -> Text:
        return parts[-1]  # not the common rule stated before it


def _asked_in_this_form(tracker: Tracker, form: Text, slot: Text) -> bool:
    """Whether the form asked for the slot since it was last activated."""
    for event in reversed(tracker.events):
        if event.get("event") == "slot" and event.get("name") == "requested_slot" \
                and event.get("value") == slot:
            return True
        if event.get("event") == "active_loop" and event.get("name") == form:
            return False
    return False


def not_covered(tracker: Tracker) -> Text:
    """The honest answer to a detail the document does not give: what it says next to the
    detail where the knowledge file has that (「電話番号を教えて」), else not_covered."""
    by_detail = load().not_covered_by
    return next((by_detail[v] for v in tracker.get_latest_entity_values("uncovered_detail")
                 if v in by_detail), NOT_COVERED)


def not_covered_or_what_is(tracker: Tracker) -> Text:
    """``not_covered``; but once the customer has been told that, the follow-up in the same
    message that the guide answers (role-play 14: 「けっきょく調べられないのかよ。チャットと電話
    どっちがはやいの」 got the same block again)."""
    covered = followup_answer(tracker) if just_said(tracker, NOT_COVERED) else NOT_COVERED
    return not_covered(tracker) if covered == NOT_COVERED else covered


class ActionAnswerNotCovered(ProcedureAction):
    """An in-domain question the document does not answer (営業時間, 返品の送料…)."""

    action_name = "action_answer_not_covered"
    sets_context = False

    def parts(self, tracker: Tracker, domain: DomainDict) -> List[Text]:
        """With a follow-up the guide answers joined to it (role-play 16: 「解決しないです。チャット
        と電話、どっちがいいですか？あと、…送料こっち持ちですか？」), that answer first."""
        joined = next(tracker.get_latest_entity_values("second_question"), None) is not None
        covered = followup_answer(tracker) if joined else NOT_COVERED
        return ([covered] if covered != NOT_COVERED else []) + [not_covered_or_what_is(tracker)]


class ActionAnswerFollowup(ProcedureAction):
    """A short question about the answer just given (「何日くらい？」「どっちが早い？」)."""

    action_name = "action_answer_followup"
    sets_context = False  # 「何日？」 then 「確認方法は？」 both refer to the same answer

    def parts(self, tracker: Tracker, domain: DomainDict) -> List[Text]:
        uncovered = next(tracker.get_latest_entity_values("uncovered_detail"), None) is not None
        if uncovered and next(tracker.get_latest_entity_values("second_question"), None) is None:
            return [not_covered_or_what_is(tracker)]  # 「キャンセルのメールが来なかったら？」
        switched = self.another_payment_method(tracker)
        if switched:
            return switched
        covered = followup_answer(tracker)
        # With a second question the guide does not answer, both (role-play 9).
        return [covered, not_covered(tracker)] if uncovered and covered != NOT_COVERED else [covered]

    @staticmethod
    def another_payment_method(tracker: Tracker) -> List[Text]:
        """「クレジットカードの場合は何日くらい？」 right after the refund for another method
        (role-play 6): that method's refund, not a follow-up of the last one. The same
        method again is a follow-up of its answer (「何日？」 → the refund timing)."""
        by_method = ActionAnswerRefund.by_method
        last = tracker.get_slot(LAST_ANSWER_SLOT)
        # After "no rule for a cancelled order", only a refund said to be for goods sent back
        # (role-play 13: 「じゃあ返品した場合だとﾄﾞｺﾓ払いは何日くらいで戻るんですか？」 got "not covered").
        returned = last == ActionAnswerRefund.after_cancel and \
            "return" in set(tracker.get_latest_entity_values("topic"))
        if not returned and last not in {a for answers in by_method.values() for a in answers}:
            return []
        said = [v for v in tracker.get_latest_entity_values("payment_method") if v in by_method]
        return by_method[said[-1]] if said and by_method[said[-1]] != [last] else []


class ActionShowAnswer(ProcedureAction):
    """[もう一度表示する] under a reminder, or 「さっきの手順をもう一度」: the answer in full."""

    action_name = "action_show_answer"
    reminds = False

    def parts(self, tracker: Tracker, domain: DomainDict) -> List[Text]:
        answers = load().answers
        asked = [v for v in tracker.get_latest_entity_values("answer") if v in answers]
        last = tracker.get_slot(LAST_ANSWER_SLOT)
        if asked:
            return asked[-1:]
        return [last] if last in answers else GAVE_UP
