"""Invoice, order and customer numbers as payers write them in a memo.

A number is reduced to a key: letters, digits and nothing else, upper-case, split into the
alphabetic prefix and the body, the body without leading zeros (``inv-0012345`` →
``("INV", "12345")``). The ledger's numbers are keyed once per batch; a memo gives every
number it contains, with the prefix or the Chinese word (发票, 订单, 合同...) written before it,
lists (``INV-1/2/3``, ``发票123、124``) and ranges (``INV-0001~0003``, ``12345-47``)
expanded, and numbers written with slashes after their year (``INV/2024/00012``, as some
ERPs number invoices) read whole as well as in parts. Which of them are real references is
decided against the index, not here.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# Keyed as the ledger keys its invoice and order numbers (``Invoice.number_key``).
from huikuan.cash.matching.names import simplified
from huikuan.core.numbers import number_key  # noqa: F401

INVOICE = "invoice"
ORDER = "order"
CONTRACT = "contract"
CUSTOMER = "customer"

MAX_RANGE = 50
# A number of these years followed by a slash may begin a number written with slashes.
YEARS = (1990, 2099)
# A group of at most this many digits followed by a blank and more digits is one number cut up.
SPLIT_GROUP = 4


# Chinese words that say what the number after them is.
_HINT_WORDS = {
    "发票号码": INVOICE,
    "发票号": INVOICE,
    "发票": INVOICE,
    "票号": INVOICE,
    "应收单": INVOICE,
    "订单号": ORDER,
    "订单": ORDER,
    "销售订单": ORDER,
    # Payers call the order their contract too: a number after these words is looked up among
    # the contracts, the orders and the invoices (see ``engine.MatchIndex._memo_evidence``).
    "合同号": CONTRACT,
    "合同编号": CONTRACT,
    "合同": CONTRACT,
    "单号": None,
    "客户编号": CUSTOMER,
    "客户编码": CUSTOMER,
    "客户号": CUSTOMER,
}
_TOKENS = re.compile(
    r"(?P<word>[A-Z]+)|(?P<num>\d+)"
    r"|(?P<hint>" + "|".join(sorted(_HINT_WORDS, key=len, reverse=True)) + r")"
    r"|(?P<range>~|至|到|—|–|-)|(?P<list>[/、,;&+]|和|及|与)"
    r"|(?P<sep>[\s#:._()\[\]【】〔〕'\"“”]+|号|第|张)|(?P<other>.)"
)
_GENERIC_WORDS = frozenset({"NO", "NR", "NUM", "NUMBER", "REF", "INVOICE", "INVOICES"})
# Words between two numbers that make a range (``INVOICES 153 TO 156``, ``RE 12 BIS 15``) or a
# list (``153 AND 154``, ``RE 151 U. 188``, ``FT 150 E 176``): the prefix before goes on.
_RANGE_WORDS = frozenset({"TO", "THRU", "THROUGH", "TILL", "BIS", "AL", "A"})
_LIST_WORDS = frozenset({"AND", "UND", "U", "ET", "E", "Y", "PLUS"})
# An invoice numbered within its year: the year, a separator, the running number.
_YEAR_SEQUENCE = re.compile(r"(?<![0-9])(?:199[0-9]|20[0-9][0-9])[-/_. ]+0*([0-9]+)$")
# Dates and periods are no references: ``2024年7月``, ``7月份``, ``3月5日``, ``2024年度``,
# ``2024-07``, ``2024.9``, ``2024-07-15``, ``2024/07/15``, ``APR 2024`` (a year and month written
# with a slash alone, ``2024/10``, may be an invoice numbered within its year, and stays).
_PERIODS = re.compile(
    r"(?:(?:19|20)\d{2}\s*年\s*)?(?:1[0-2]|0?[1-9])\s*月份?(?:\s*(?:3[01]|[12]\d|0?[1-9])\s*[日号])?"
    r"|(?:19|20)\d{2}\s*年度?"
    r"|(?<![\w/.-])(?:19|20)\d{2}([-./])(?:1[0-2]|0?[1-9])\1(?:3[01]|[12]\d|0?[1-9])(?![\w/.-]*\d)"
    r"|(?<![\w/.-])(?:19|20)\d{2}[-.](?:1[0-2]|0?[1-9])(?![\w/.-]*\d)"
    r"|\b(?:JAN|FEB|MAR|APR|MAY|JUN|JUL|AUG|SEP|SEPT|OCT|NOV|DEC)[A-Z]*\.?\s*[-,]?\s*(?:19|20)\d{2}\b"
    # … nor are instalments, batches and quarters counted: ``第3期``, ``第二批``, ``第3季度``,
    # ``分12期``, ``Q3``.
    r"|第\s*(?:\d{1,3}|[一二两三四五六七八九十]+)\s*(?:期|次|批|季度|季|周)"
    r"|分\s*(?:\d{1,3}|[一二两三四五六七八九十]+)\s*期"
    r"|\bQ[1-4]\b"
)
_JOINERS = {"-", "–", "—"}
_RANGE_SIGNS = {"~", "至", "到", *_JOINERS}


def digits_of(number: str) -> str:
    """The digits of a number as written, leading zeros kept (``INV-0012345`` → ``0012345``)."""
    return "".join(ch for ch in number if ch.isdigit())


# A VAT invoice's number (发票号码): 8 digits on a paper invoice, 20 on a fully digital one (数电票).
VAT_NUMBER_LENGTHS = frozenset({8, 20})


@dataclass(frozen=True, slots=True)
class MemoNumber:
    """A number found in a memo: the prefix or hint before it and its digits as written."""

    prefix: str
    digits: str
    hint: str | None = None

    @property
    def body(self) -> str:
        return self.digits.lstrip("0") or "0"


def _expand_short(previous: str, short: str) -> str:
    """``12345`` then ``47`` → ``12347`` (a payer abbreviating the next number)."""
    return previous[: len(previous) - len(short)] + short


def memo_numbers(memo: str) -> list[MemoNumber]:
    """Every number in ``memo``, with lists and ranges expanded (duplicates dropped)."""
    # Read in simplified characters: 發票號碼 is 发票号码 (a memo from Hong Kong or Taiwan).
    text = _PERIODS.sub("。", simplified(unicodedata.normalize("NFKC", memo)).upper())
    found: dict[tuple[str, str, str | None], MemoNumber] = {}

    def add(prefix: str, digits: str, hint: str | None) -> None:
        item = MemoNumber(prefix, digits, hint)
        found.setdefault((prefix, digits, hint), item)

    prefix, hint = "", None
    last: str | None = None
    joiner = ""  # the range or list sign seen after ``last``
    spaced = False  # only blanks since ``last``
    path = ""  # the digits of a number written with slashes after its year (``INV/2024/00012``)
    stem = ""  # ``path`` without its last part, for a list after it (``INV/2024/0007、0008``)
    for match in _TOKENS.finditer(text):
        kind, value = match.lastgroup, match.group()
        if kind == "num" and path and joiner == "/":
            stem, path = path, path + value
            add(prefix, path, hint)
        elif kind == "num" and stem and joiner == "list" and last is not None and len(value) == len(last):
            path = stem + value
            add(prefix, path, hint)
        elif kind == "num":
            path = value if len(value) == 4 and YEARS[0] <= int(value) <= YEARS[1] else ""
            stem = ""
        elif kind not in ("list", "sep"):
            path = stem = ""
        if kind == "num" and last is not None and not joiner and spaced and len(last) <= SPLIT_GROUP:
            # ``INV 033 6765``: one number written in groups. The whole is the reference; the
            # groups alone are only numbers without prefix (the amount must bear them out).
            found.pop((prefix, last, hint), None)
            add("", last, None)
            add("", value, None)
            last, spaced = last + value, False
            add(prefix, last, hint)
            continue
        spaced = kind == "sep" and not value.strip() and last is not None
        if kind == "word":
            if last is not None and not joiner and (value in _RANGE_WORDS or value in _LIST_WORDS):
                joiner = "~" if value in _RANGE_WORDS else "list"
                continue
            if value in _GENERIC_WORDS:  # "NO.", "Invoice No", "Ref": a number follows, no prefix
                prefix, last, joiner = "", None, ""
                hint = INVOICE if value.startswith("INVOICE") else hint
                continue
            prefix, hint, last, joiner = value, None, None, ""
        elif kind == "hint":
            prefix, hint, last, joiner = "", _HINT_WORDS[value], None, ""
        elif kind == "num":
            if last is not None and joiner in _RANGE_SIGNS:
                _add_range(add, prefix, hint, last, value, joined=joiner in _JOINERS)
            elif last is not None and joiner == "list" and len(value) < len(last) and len(value) <= 3:
                add(prefix, value, hint)
                value = _expand_short(last, value)
                add(prefix, value, hint)
            else:
                add(prefix, value, hint)
            last, joiner = value, ""
        elif kind == "range":
            joiner = value if last is not None else ""
        elif kind == "list":
            joiner = ("/" if path and value == "/" else "list") if last is not None else ""
        elif kind == "sep":
            continue
        else:
            prefix, hint, last, joiner = "", None, None, ""
    return list(found.values())


def sequence_body(number: str) -> str:
    """The running number of an invoice numbered within its year, as payers write it alone
    (``INV-2026-0153`` → ``153``, ``FV/2024/00012`` → ``12``); ``""`` for other numbers."""
    match = _YEAR_SEQUENCE.search(number)
    return match.group(1) if match is not None and match.group(1) else ""


def _add_range(add, prefix: str, hint: str | None, start: str, end: str, *, joined: bool) -> None:
    """``start``~``end``: every number between when it is a plausible range; the end alone
    (and, for a hyphen, the two joined, as in ``2024-000123``) otherwise."""
    full_end = _expand_short(start, end) if len(end) < len(start) else end
    if len(end) < len(start) and int(full_end) <= int(start):  # ``0387198-00`` ends at 0387200
        full_end = str(int(full_end) + 10 ** len(end)).zfill(len(start))
    low, high = int(start), int(full_end)
    if low < high <= low + MAX_RANGE:
        width = len(start)
        for value in range(low + 1, high + 1):
            add(prefix, str(value).zfill(width), hint)
    else:
        add(prefix, end, hint)
    if joined:
        add(prefix, start + end, hint)


def may_be_vat(number: MemoNumber) -> bool:
    """Whether a memo's number may be a VAT invoice number (see ``VAT_NUMBER_LENGTHS``)."""
    return number.hint in (None, INVOICE) and len(number.digits) in VAT_NUMBER_LENGTHS


# How many invoices the memo says it pays: '等2张发票', '等两张', '共3笔'.
_STATED_COUNT = re.compile(r"(?:等|共|计)\s*([0-9]{1,2}|[一二两三四五六七八九十])\s*(?:张|笔|份)")
_CHINESE_COUNTS = dict(zip("一二两三四五六七八九十", (1, 2, 2, 3, 4, 5, 6, 7, 8, 9, 10), strict=True))


def stated_invoice_count(memo: str) -> int | None:
    """The number of invoices a Chinese memo says it pays (``付XSFP000101等2张发票``: 2), if it says."""
    found = _STATED_COUNT.search(unicodedata.normalize("NFKC", memo))
    if found is None:
        return None
    value = found.group(1)
    return int(value) if value.isdigit() else _CHINESE_COUNTS[value]
