"""A tracker store of made-up conversations, for the speed bench and the tests.

Why made up rather than recorded: the report must be timed on 10,000 conversations, and
serving that many through the bot takes far longer than the report itself. Why Rasa's own
event classes and table: the rows must be what ``SQLTrackerStore.save`` writes (the same
``as_dict`` JSON, the same ``type_name``/``intent_name``/``action_name`` columns, the same
schema), so the report, ``rasa evaluate markers`` and anything else read them as they read
a real store. The conversations follow the bot's paths: a topic answered directly or after
its form's question, the feedback question answered (or not), misunderstood and
out-of-scope messages, a second misunderstanding handed to the contact answer, now and then
a second session.

``fill_store`` returns the figures it made, counted as it made them: the tests compare the
report's reading of the store with them.
"""
from __future__ import annotations

import datetime as dt
import json
import random
import time
from pathlib import Path
from typing import Any, Dict, List, Optional, Union

import sqlalchemy as sa

from report.figures import NO_TOPIC, Figures, timezone

TOPIC_MESSAGES: Dict[str, List[str]] = {
    "shipping_delay": ["注文した商品がまだ届きません", "発送予定日を過ぎても発送されない", "/shipping_delay"],
    "cancel_order": ["注文をキャンセルしたい", "さっきの注文を取り消したいです", "/cancel_order"],
    "return_item": ["返品したいです", "届いた商品を返品できますか", "/return_item"],
    "refund": ["返金はいつになりますか", "返金されていないのですが", "/refund"],
    "contact_support": ["カスタマーサービスに問い合わせたい", "オペレーターと話したい", "/contact_support"],
    "cancel_penalty": ["キャンセルのペナルティはありますか", "何度もキャンセルすると問題ありますか",
                       "/cancel_penalty"],
}
# topic -> (form, requested slot, its answers: (slot value, answer id, the customer's words))
FORMS: Dict[str, Any] = {
    "cancel_order": ("cancel_form", "order_status", [
        ("not_shipped", "cancel_allowed", "まだ発送されていません"),
        ("preparing", "cancel_preparing", "出荷準備中です"),
        ("in_transit", "cancel_shipped", "もう発送済みです")]),
    "return_item": ("return_form", "seller", [
        ("amazon", "return_amazon", "Amazonから発送"), ("marketplace", "return_marketplace", "出品者です")]),
    "refund": ("refund_form", "payment_method", [
        ("credit_card", "refund_credit_card", "クレジットカードです"),
        ("carrier_billing", "refund_carrier_billing", "携帯決済です")]),
    "contact_support": ("contact_form", "contact_channel", [
        ("chat", "contact_chat", "チャットで"), ("phone", "contact_phone", "電話がいいです")]),
}
DIRECT_ANSWERS = {"shipping_delay": "shipping_delay", "cancel_penalty": "cancel_penalty"}
ANSWER_ACTIONS = {
    "shipping_delay": "action_answer_shipping_delay", "cancel_order": "action_answer_cancel",
    "return_item": "action_answer_return", "refund": "action_answer_refund",
    "contact_support": "action_answer_contact", "cancel_penalty": "action_answer_cancel_penalty",
}
# As the channels store them: personal data already masked (channels/guard.py).
FALLBACK_TEXTS = [
    "ポイントの使い方がわからない", "プライム会員を解約したい", "領収書を発行したい", "ギフト券の残高は？",
    "あのー", "ｗｗｗ", "配達員の態度が悪い", "［電話番号］に折り返しお願いします", "置き配の場所を変えたい",
    "kindleが読めない", "住所を間違えた", "同じ商品が２つ届いた", "パスワードを忘れた", "？？？",
    "［メールアドレス］に連絡ください", "定期おトク便の変更", "クーポンが使えない", "音楽が止まった",
    "アカウントが乗っ取られたかも", "請求が二重になっている", "これって本物ですか", "商品の色が違う",
    "配送業者はどこ？", "コンビニ受け取りにしたい", "注文履歴が消えた", "レビューを消したい",
    "お急ぎ便にしたのに", "支払い方法を変えたい", "在庫はいつ入りますか", "ほげほげ", "test",
    "保証書がない", "開封済みでも大丈夫？", "プレゼント用に包装したい", "海外から注文できる？",
    "Alexaがつながらない", "［カード番号］で払った", "ヤマトに電話したい", "明細の見方", "えっと",
]
OUT_OF_SCOPE_TEXTS = ["Amazonポイントの有効期限を教えて", "おすすめの本を教えて", "天気はどう？",
                      "Prime Videoが見られない"]
_FEEDBACK = {"resolved": ("/thanks{\"feedback\":\"resolved\"}", "thanks"),
             "unresolved": ("/contact_support{\"feedback\":\"unresolved\"}", "contact_support")}
_META = {"model_id": "synthetic", "assistant_id": "amazon_jp_support"}


class _Writer:
    """Builds one sender's events as Rasa stores them, and counts what it builds."""

    def __init__(self, rng: random.Random, truth: Figures, tz: dt.tzinfo) -> None:
        from rasa.shared.core import events

        self.ev = events
        self.rng = rng
        self.truth = truth
        self.tz = tz
        self.rows: List[Dict[str, Any]] = []
        self.sender = ""
        self.clock = 0.0
        self.first_ts: Optional[float] = None
        self.topic: Optional[str] = None
        self.last_answer: Optional[str] = None

    def _add(self, event: Any) -> None:
        self.clock += 0.001
        event.timestamp = self.clock
        event.metadata = dict(_META)
        data = event.as_dict()
        self.rows.append({
            "sender_id": self.sender, "type_name": event.type_name, "timestamp": data.get("timestamp"),
            "intent_name": (data.get("parse_data") or {}).get("intent", {}).get("name"),
            "action_name": data.get("name"), "data": json.dumps(data),
        })

    def session(self, sender: str, start: float) -> None:
        self.end_session()
        self.sender, self.clock = sender, start
        self.first_ts, self.topic, self.last_answer = None, None, None
        self.action("action_session_start")
        self._add(self.ev.SessionStarted())
        self.action("action_listen")

    def end_session(self) -> None:
        if self.first_ts is not None:
            self.truth.conversations += 1
            self.truth.per_day[dt.datetime.fromtimestamp(self.first_ts, self.tz).date()] += 1
            self.truth.per_topic[self.topic or NO_TOPIC] += 1
        self.first_ts = None

    def action(self, name: str) -> None:
        self._add(self.ev.ActionExecuted(name, policy="EntitySubsetRulePolicy", confidence=1.0))

    def user(self, text: str, intent: str, entities: Optional[Dict[str, str]] = None) -> None:
        self.clock += self.rng.uniform(3, 40)  # the customer reads and types
        ents = [{"entity": k, "value": v, "start": 0, "end": len(text), "extractor": "RegexMessageHandler"}
                for k, v in (entities or {}).items()]
        parse = {"text": text, "intent": {"name": intent, "confidence": 1.0}, "entities": ents,
                 "intent_ranking": [{"name": intent, "confidence": 1.0}]}
        self._add(self.ev.UserUttered(text, parse["intent"], ents, parse_data=parse))
        self.truth.user_messages += 1
        if self.first_ts is None:
            self.first_ts = self.clock
        self.truth.first_message = min(self.truth.first_message or self.clock, self.clock)
        self.truth.last_message = max(self.truth.last_message or self.clock, self.clock)
        if self.topic is None and intent in TOPIC_MESSAGES:
            self.topic = intent
        if intent == "nlu_fallback":
            self.truth.fallback_messages += 1
            self.truth.fallback_texts[text] += 1
        elif intent == "out_of_scope":
            self.truth.out_of_scope_messages += 1
        for name, value in (entities or {}).items():
            if name in ("feedback", "order_status", "seller", "payment_method", "contact_channel"):
                self.slot(name, value)
        self._add(self.ev.DefinePrevUserUtteredFeaturization(False))

    def slot(self, name: str, value: Any) -> None:
        self._add(self.ev.SlotSet(name, value))
        if name == "last_answer":
            self.last_answer = value
        elif name == "feedback" and value == "resolved":
            self.truth.resolved += 1
        elif name == "feedback" and value == "unresolved":
            self.truth.unresolved += 1
            self.truth.unresolved_after[self.last_answer or "(none)"] += 1

    def reply(self, action: str, text: str = "…") -> None:
        self.action(action)
        if action == "utter_out_of_scope":
            self.truth.out_of_scope_replies += 1
        self._add(self.ev.BotUttered(text, {"buttons": None}))

    def answer(self, action: str, answer_id: str) -> None:
        self.reply(action, f"（{answer_id} の手順）")
        self.slot("shown_answers", [answer_id])
        if action == "action_answer_contact":  # it forgets the channel, as actions/answers.py does
            self.slot("contact_channel", None)
        self.slot("last_answer", answer_id)
        self.action("action_listen")

    def topic_turn(self, topic: str) -> None:
        self.user(self.rng.choice(TOPIC_MESSAGES[topic]), topic)
        action = ANSWER_ACTIONS[topic]
        if topic in DIRECT_ANSWERS:
            self.answer(action, DIRECT_ANSWERS[topic])
            return
        form, slot, options = FORMS[topic]
        self.action(form)
        self._add(self.ev.ActiveLoop(form))
        self.slot("requested_slot", slot)
        self.reply(f"action_ask_{slot}", "（質問）")
        self.action("action_listen")
        value, answer_id, words = self.rng.choice(options)
        self.user(words, "inform", {slot: value})
        self.action(form)
        self.slot("requested_slot", None)
        self._add(self.ev.ActiveLoop(None))
        self.answer(action, answer_id)

    def feedback(self, value: str) -> None:
        text, intent = _FEEDBACK[value]
        self.user(text, intent, {"feedback": value})
        if value == "resolved":
            self.reply("utter_feedback_thanks", "解決してよかったです。")
            self.action("action_listen")
        else:
            self.contact_answer()

    def contact_answer(self) -> None:
        """The contact paths, chat or phone to choose (「解決しない」, a second misunderstanding)."""
        self.answer("action_answer_contact", "contact_choice")

    def fallback(self, second: bool = False) -> None:
        """Rasa's two-stage fallback (actions/did_you_mean.py): 「もしかして」, and a second
        message not understood in a row ends it with the contact paths."""
        self.user(self.fallback_text(), "nlu_fallback")
        if second:
            self.action("action_two_stage_fallback")
            self._add(self.ev.ActiveLoop(None))
            self.contact_answer()
        else:
            self.action("action_two_stage_fallback")
            self._add(self.ev.ActiveLoop("action_two_stage_fallback"))
            self.truth.did_you_mean += 1
            self._add(self.ev.BotUttered("もしかして…", {"buttons": None}))
            self.action("action_listen")

    def fallback_text(self) -> str:
        # Zipf-like: a few messages come back often, as in a real store.
        return FALLBACK_TEXTS[min(int(self.rng.paretovariate(0.6)) - 1, len(FALLBACK_TEXTS) - 1)]

    def conversation(self) -> None:
        rng = self.rng
        if rng.random() < 0.3:
            self.user("こんにちは", "greet")
            self.reply("utter_greet", "こんにちは。")
            self.action("action_listen")
        if rng.random() < 0.15:
            self.fallback()
            if rng.random() < 0.3:
                self.fallback(second=True)
        if rng.random() < 0.07:
            self.user(rng.choice(OUT_OF_SCOPE_TEXTS), "out_of_scope")
            self.reply("utter_out_of_scope", "お手伝いできない内容です。")
            self.action("action_listen")
            if rng.random() < 0.5:
                return
        for _ in range(1 if rng.random() < 0.8 else 2):
            self.topic_turn(rng.choices(list(TOPIC_MESSAGES), weights=[30, 20, 18, 15, 10, 7])[0])
            roll = rng.random()
            if roll < 0.45:
                self.feedback("resolved")
            elif roll < 0.65:
                self.feedback("unresolved")
            elif roll < 0.75:
                self.fallback()
        if rng.random() < 0.3:
            self.user("ありがとうございました", "goodbye")
            self.reply("utter_goodbye", "ご利用ありがとうございました。")
            self.action("action_listen")


def fill_store(target: Union[Path, sa.engine.URL], conversations: int = 10_000, seed: int = 7,
               days: int = 28, end: Optional[float] = None, batch: int = 20_000) -> Figures:
    """Writes ``conversations`` sessions (about one in ten a sender's second) into the
    SQLite file ``target`` (or the database at that URL; Rasa's table is created if
    missing) and returns their figures."""
    from rasa.core.tracker_store import SQLTrackerStore

    rng = random.Random(seed)
    tz = timezone()
    truth = Figures()
    end = end if end is not None else time.time()
    url = sa.engine.URL.create("sqlite", database=str(target)) if isinstance(target, Path) else target
    engine = sa.create_engine(url)
    SQLTrackerStore.Base.metadata.create_all(engine)
    table = SQLTrackerStore.SQLEvent.__table__
    writer = _Writer(rng, truth, tz)
    made = 0
    with engine.begin() as conn:
        while made < conversations:
            sender = f"synthetic-{rng.getrandbits(48):012x}"
            truth.senders += 1
            start = end - rng.uniform(3600, days * 86400)  # each over by ``end``
            writer.session(sender, start)
            writer.conversation()
            made += 1
            later = writer.clock + rng.uniform(3600, 2 * 86400)  # back after the session expired
            if made < conversations and rng.random() < 0.1 and later < end - 3600:
                writer.session(sender, later)
                writer.conversation()
                made += 1
            writer.end_session()
            if len(writer.rows) >= batch:
                conn.execute(table.insert(), writer.rows)
                writer.rows.clear()
        if writer.rows:
            conn.execute(table.insert(), writer.rows)
    engine.dispose()
    return truth
