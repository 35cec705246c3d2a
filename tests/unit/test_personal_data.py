"""Masking of phone, e-mail and card numbers; order numbers, amounts and dates kept."""
from __future__ import annotations

import pytest

from actions.personal_data import mask, placeholders_in

MASKED = [
    ("電話は090-1234-5678です", "電話は［電話番号］です", {"phone"}),
    ("０９０－１２３４－５６７８", "［電話番号］", {"phone"}),
    ("090ー1234ー5678（IMEの長音）", "［電話番号］（IMEの長音）", {"phone"}),
    ("09012345678", "［電話番号］", {"phone"}),
    ("03-1234-5678", "［電話番号］", {"phone"}),
    ("0120-123-456", "［電話番号］", {"phone"}),
    ("+81 90 1234 5678", "［電話番号］", {"phone"}),
    ("＋８１－９０－１２３４－５６７８", "［電話番号］", {"phone"}),
    ("taro.yamada+shop@example.co.jp です", "［メールアドレス］ です", {"email"}),
    ("ｔａｒｏ＠ｅｘａｍｐｌｅ．ｃｏｍ", "［メールアドレス］", {"email"}),
    ("4111 1111 1111 1111", "［カード番号］", {"card"}),
    ("４１１１－１１１１－１１１１－１１１１", "［カード番号］", {"card"}),
    ("4111111111111111", "［カード番号］", {"card"}),
    ("378282246310005", "［カード番号］", {"card"}),
    ("090-1234-5678 4111 1111 1111 1111", "［電話番号］ ［カード番号］", {"phone", "card"}),
    ("250-1234567-1234567 090-1234-5678", "250-1234567-1234567 ［電話番号］", {"phone"}),
]
KEPT = [
    "注文番号は250-1234567-1234567です",
    "注文番号は２５０－１２３４５６７－１２３４５６７です",
    "デジタル注文 D01-1234567-1234567",
    "3000円を2024年11月3日に支払いました",
    "〒123-4567",
    "型番 KJ-55X9500H",
    "出荷準備中です",
]


@pytest.mark.parametrize("text, expected, kinds", MASKED)
def test_personal_numbers_are_masked(text, expected, kinds):
    masked = mask(text)
    assert masked.text == expected
    assert masked.kinds == kinds
    assert placeholders_in(masked.text) == kinds


@pytest.mark.parametrize("text", KEPT)
def test_order_numbers_amounts_and_dates_are_kept(text):
    assert mask(text).text == text
    assert not mask(text).kinds
