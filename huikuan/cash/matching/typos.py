"""A Chinese payer name that is one customer's name with one character mistyped in a common
word of it: its place (上海 → 上东) or its trade (信息技术 → 信息技昌, 实业 → 实立).

A company's registered name is its place, its trade name (字号), its trade and its legal
form, each made of real words. Another company's name therefore differs from a customer's in
real words: another trade name (华东 → 华南, 鑫源 → 鑫明) or another trade (电子 → 电气). A
name whose place or trade is no word at all is nobody's registered name: it is a customer's
name mistyped by whoever keyed the transfer. Such a name says who paid as surely as a name
written right, when exactly one customer's name is that one character away.

A character of the trade name is never read so: trade names are any characters, so a
mistyped one is as likely another company's. The words are those of the dictionary of the
``jieba`` segmenter (some 350,000 Chinese words, places and trades among them).
"""

from __future__ import annotations

import importlib.util
from functools import cache
from pathlib import Path

# The trade name is at least this many characters after the place: a word that starts inside
# it (华东 in 上海华东电子) is read as the trade name, not as a common word.
TRADE_NAME_MIN = 2
# Words longer than this are not looked for in a name.
WORD_MAX = 6


@cache
def _words() -> frozenset[str]:
    """The dictionary's words of two characters or more, read on first use from the package's
    data (without importing the segmenter, whose models take a third of a second to load)."""
    spec = importlib.util.find_spec("jieba")
    if spec is None or not spec.submodule_search_locations:
        raise ImportError("jieba is not installed")
    text = (Path(spec.submodule_search_locations[0]) / "dict.txt").read_text(encoding="utf-8")
    return frozenset(
        word for word in (line.split(" ", 1)[0] for line in text.splitlines()) if 2 <= len(word) <= WORD_MAX
    )


def is_word(text: str) -> bool:
    return text in _words()


def one_substitution(a: str, b: str) -> int | None:
    """The position of the one character in which ``a`` and ``b`` (of equal length) differ."""
    if len(a) != len(b):
        return None
    found = None
    for position, (x, y) in enumerate(zip(a, b, strict=True)):
        if x != y:
            if found is not None:
                return None
            found = position
    return found


def mistyped_word(payer_core: str, customer_core: str, place: str) -> str | None:
    """The customer's word that the payer's name mistypes into no word, when the two names
    (without legal form) differ in one character only and it lies in the customer's place
    (``place``: the place its name begins with, or "") or in a word after its trade name."""
    position = one_substitution(payer_core, customer_core)
    if position is None:
        return None
    if place and position < len(place):
        variant = payer_core[: len(place)]
        return place if not is_word(variant) else None
    start = len(place) + TRADE_NAME_MIN
    covering = [
        (begin, end)
        for begin in range(max(start, position - WORD_MAX + 1), position + 1)
        for end in range(max(begin + 2, position + 1), min(len(customer_core), begin + WORD_MAX) + 1)
        if is_word(customer_core[begin:end])
    ]
    # Every word the character is in must be mistyped into no word (电子商务 → 电气商务 is
    # another trade, 电气 being a word).
    if not covering or any(is_word(payer_core[begin:end]) for begin, end in covering):
        return None
    begin, end = max(covering, key=lambda span: span[1] - span[0])
    return customer_core[begin:end]
