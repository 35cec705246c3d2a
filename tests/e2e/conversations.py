"""Scripted conversations: what the customer types and what must come back.

Each turn lists the exact quoted labels (or phrases) the reply must contain and,
optionally, ones it must not. The coverage test checks that together these
conversations deliver every entry of the knowledge file.
"""
from __future__ import annotations

from typing import Dict, List, NamedTuple, Tuple


class Turn(NamedTuple):
    say: str
    expect: Tuple[str, ...] = ()
    refuse: Tuple[str, ...] = ()


CONVERSATIONS: Dict[str, List[Turn]] = {
    "greeting shows the menu": [
        Turn("こんにちは", ("[注文をキャンセルしたい]", "[返金について]")),
    ],
    "not shipped: check status, cancel if unshipped, contact": [
        Turn("注文した商品がまだ発送されないんですが", ("配送状況ページ", "未発送であれば", "カスタマーセンターが窓口", "[チャットで問い合わせる]", "[電話で問い合わせる]")),
        Turn('/contact_support{"contact_channel":"phone"}', ("「Amazonから電話します」", "「今すぐ電話がほしい」", "「1分未満」", "商品購入ページから")),
    ],
    "contact: asks chat or phone, chat path": [
        Turn("カスタマーサービスに問い合わせたいです", ("チャットと電話", "[チャット]", "[電話]")),
        Turn("チャットでお願いします", ("手順① Amazonトップ画面の左方から「ヘルプ」", "「問題が解決しない場合は」", "「カスタマーサービスに連絡」", "手順② チャットで問い合わせる場合は、「今すぐチャットをはじめる」", "手順③", "待ち時間なし"), ("「今すぐ電話がほしい」",)),
    ],
    "contact: phone given in the first message, never asks for the number": [
        Turn("電話で問い合わせしたい", ("「Amazonから電話します」", "「電話」のボタン", "「今すぐ電話がほしい」"), ("チャットと電話、どちら", "番号を教えて")),
    ],
    "cancel before shipping via button": [
        Turn("注文をキャンセルしたい", ("ステータス", "[出荷準備前]", "[出荷準備中]", "[配送中]")),
        Turn('/inform{"order_status":"not_shipped"}', ("「注文履歴」から「注文をキャンセル」", "「この注文の選択された商品をキャンセルします」", "「商品キャンセル」", "「チェックした商品をキャンセルする」", "お知らせメール", "ペナルティ")),
    ],
    "cancel: status in the first message": [
        Turn("出荷準備中の注文をキャンセルしたいです", ("「出荷準備中」", "「キャンセルできない場合がある」", "「商品の返品」"), ("ステータスを教えてください",)),
    ],
    "cancel: in transit means receive and return": [
        Turn("キャンセルしたい", ("ステータス",)),
        Turn("もう配送中になってます", ("キャンセルボタンが表示されていない場合", "「出荷準備前」の注文の場合のみ", "「商品の返品」", "返品リクエスト")),
    ],
    "cancel: no cancel button, marketplace seller": [
        Turn("マーケットプレイスで買った商品なんですがキャンセルボタンがないです", ("キャンセルの手続きはできません", "販売元の了承")),
    ],
    "cancel: unusable answers twice, then the contact procedure": [
        Turn("注文を取り消したい", ("ステータス",)),
        Turn("うーん、よくわからない", ("読み取れませんでした", "[出荷準備前]")),
        Turn("ぜんぜんわかんない", ("読み取れませんでした",)),
        Turn("さあ", ("カスタマーサービスに直接問い合わせる", "「カスタマーサービスに連絡」")),
    ],
    "cancel then switch to refund mid-question": [
        Turn("注文をキャンセルしたいです", ("ステータス",)),
        Turn("やっぱり返金について教えてください", ("お支払い方法",), ("ステータスを教えてください",)),
        Turn("クレジットカードです", ("「返送された商品がAmazonに届いてから」", "「Amazonギフトカードでの返金」", "「クレジットカードへの返金」", "1日から3日")),
    ],
    "refund: carrier billing in the first message": [
        Turn("キャリア決済で払った分の返金はいつになりますか", ("携帯キャリア決済サービスの事業者経由", "1日から3日"), ("お支払い方法を教えて",)),
    ],
    "refund: uncovered method is said honestly": [
        Turn("返金はいつですか", ("お支払い方法", "[クレジットカード]")),
        Turn("コンビニ払いでした", ("ご案内できる情報がありません", "「返送された商品がAmazonに届いてから」", "「カスタマーサービスに連絡」"), ("1日から3日",)),
    ],
    "return: asks who sold it": [
        Turn("返品したいです", ("販売元", "[Amazonが販売・発送]", "[マーケットプレイスの出品者]")),
        Turn('/inform{"seller":"amazon"}', ("画面「注文履歴」から「商品の返品」", "返品リクエストを送信", "商品を送り返します")),
    ],
    "return: marketplace": [
        Turn("マーケットプレイスの出品者から買った商品を返品したい", ("販売元の了承", "時間がかかります")),
    ],
    "penalties": [
        Turn("キャンセルを何度もするとペナルティはありますか", ("大量商品のキャンセル", "頻繁にキャンセル", "キャンセルリクエスト無しの受け取り拒否", "アカウント評価がマイナス", "明確にされていません", "到着まで待つ")),
    ],
    "small talk": [
        Turn("あなたはボットですか", ("自動応答",)),
        Turn("ありがとう", ("どういたしまして",)),
        Turn("さようなら", ("ご利用ありがとうございました",)),
    ],
    "out of scope twice, then customer service": [
        Turn("Amazonポイントの有効期限を教えて", ("ご案内できます", "[返品したい]")),
        Turn("プライム会員の年会費はいくら？", ("カスタマーサービスに直接問い合わせる", "[チャットで問い合わせる]")),
    ],
}
