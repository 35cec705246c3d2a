"""Masks phone numbers, e-mail addresses and card-like numbers; keeps order numbers.

The channels mask every message before Rasa sees it, so neither the tracker store nor
any log ever holds the personal data a customer volunteers. The bot never needs it:
a phone number is typed into Amazon's own screen, not into this chat.

The patterns are deliberately broad (any 10–11 digit number that starts with 0 or
+81, any 13–19 digit number) because a missed number is worse than a masked one;
a validity check such as libphonenumber's would let mistyped or unallocated numbers
through. Digits and separators are matched in both half-width and full-width forms
(「０９０－１２３４－５６７８」), as Japanese input methods produce both. Amazon order
numbers (「250-1234567-1234567」, 「D01-…」) are what support needs and are kept.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Dict, FrozenSet, List, Tuple

PLACEHOLDERS: Dict[str, str] = {
    "phone": "［電話番号］",
    "email": "［メールアドレス］",
    "card": "［カード番号］",
}

_DIGIT = "[0-9０-９]"
_ORDER_NUMBER = re.compile(
    rf"(?<![0-9０-９A-Za-zＡ-Ｚａ-ｚ])[DdＤｄ]?{_DIGIT}{{2,3}}[-－]{_DIGIT}{{7}}[-－]{_DIGIT}{{7}}(?![0-9０-９])"
)
_DIGIT_GROUP = re.compile(f"{_DIGIT}+")
# What may stand between the digit groups of one number: hyphens and dashes, the
# long-vowel mark IMEs often produce for a hyphen, dots, brackets, spaces.
_GAP = re.compile(r"[-‐‑‒–—―−－ーｰ.．()（）\s]{1,3}")
# An e-mail address is found from its 「@」: the local part is read backwards from it
# (at most 64 characters, RFC 5321) and the domain matched forwards with bounded
# repetitions, so each 「@」 costs a bounded amount of work and a long message costs
# time linear in its length (an unanchored pattern rescans the rest of the text from
# every position: 15 s for 40,000 letters).
_AT = re.compile("[@＠]")
_LOCAL_CHARS = frozenset(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._%+-"
    "ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺａｂｃｄｅｆｇｈｉｊｋｌｍｎｏｐｑｒｓｔｕｖｗｘｙｚ"
    "０１２３４５６７８９＿．－＋"
)
_MAX_LOCAL = 64
_EMAIL = re.compile(
    r"[A-Za-z0-9Ａ-Ｚａ-ｚ０-９._%+\-＿．－＋]{1,64}[@＠][A-Za-z0-9Ａ-Ｚａ-ｚ０-９\-－]{1,63}"
    r"(?:[.．][A-Za-z0-9Ａ-Ｚａ-ｚ０-９\-－]{1,63}){0,8}[.．][A-Za-zＡ-Ｚａ-ｚ]{2,24}"
)
_LONGEST_NUMBER = 19  # the longest card numbers


@dataclass(frozen=True)
class Masked:
    text: str
    kinds: FrozenSet[str]


_HALF_WIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")


def _digits(group: str) -> str:
    return group.translate(_HALF_WIDTH_DIGITS)


def _number_kind(digits: str, international: bool) -> str:
    """'phone', 'card' or '' (an amount, a date, a postcode: left alone)."""
    if international and digits.startswith("81") and 10 <= len(digits) <= 13:
        return "phone"
    if not international and digits.startswith("0") and 10 <= len(digits) <= 11:
        return "phone"
    if 13 <= len(digits) <= _LONGEST_NUMBER:
        return "card"
    return ""


def _number_spans(text: str) -> List[Tuple[int, int, str]]:
    """Personal numbers as (start, end, kind), order numbers excluded.

    Digit groups are joined while the gaps between them are separators, and the
    shortest run that reads as a phone or card number is taken, so that a phone
    number followed by a card number is masked as two numbers, not one long run.
    """
    orders = iter(m.span() for m in _ORDER_NUMBER.finditer(text))
    order = next(orders, None)
    groups = []
    for group in _DIGIT_GROUP.finditer(text):  # both in text order: one sweep
        while order is not None and order[1] <= group.start():
            order = next(orders, None)
        if order is None or group.end() <= order[0]:
            groups.append(group)
    spans: List[Tuple[int, int, str]] = []
    i = 0
    while i < len(groups):
        first = groups[i]
        international = first.start() > 0 and text[first.start() - 1] in "+＋"
        digits, found = "", False
        for j in range(i, len(groups)):
            if j > i and not _GAP.fullmatch(text, groups[j - 1].end(), groups[j].start()):
                break
            digits += _digits(groups[j].group())
            kind = _number_kind(digits, international)
            if kind:
                start = first.start() - 1 if international else first.start()
                spans.append((start, groups[j].end(), kind))
                i, found = j + 1, True
                break
            if len(digits) > _LONGEST_NUMBER:
                break
        if not found:
            i += 1
    return spans


def _email_spans(text: str) -> List[Tuple[int, int, str]]:
    spans: List[Tuple[int, int, str]] = []
    taken = 0  # the end of the last address: addresses do not overlap
    for at in _AT.finditer(text):
        position = at.start()
        if position < taken:
            continue
        start = position
        while start > max(taken, position - _MAX_LOCAL) and text[start - 1] in _LOCAL_CHARS:
            start -= 1
        match = _EMAIL.match(text, start) if start < position else None
        if match:
            spans.append((start, match.end(), "email"))
            taken = match.end()
    return spans


def _substitute(text: str, spans: List[Tuple[int, int, str]]) -> str:
    pieces: List[str] = []
    last = 0
    for start, end, kind in spans:
        pieces.append(text[last:start] + PLACEHOLDERS[kind])
        last = end
    pieces.append(text[last:])
    return "".join(pieces)


def mask(text: str) -> Masked:
    """Linear in the length of ``text``: it runs on every message, long ones included."""
    emails = _email_spans(text)
    text = _substitute(text, emails)
    numbers = _number_spans(text)
    return Masked(_substitute(text, numbers), frozenset(kind for *_, kind in emails + numbers))


def placeholders_in(text: str) -> FrozenSet[str]:
    """The kinds of personal data the channel masked in a stored message."""
    return frozenset(kind for kind, mark in PLACEHOLDERS.items() if mark in text)
