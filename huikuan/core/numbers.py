"""Invoice, order and customer numbers reduced to a key, as payers write them.

A number is reduced to letters and digits, upper-case, split into the alphabetic prefix and
the body, the body without leading zeros (``inv-0012345`` → ``("INV", "12345")``). The
ledger keeps each invoice's body (``Invoice.number_key``, ``Invoice.order_key``) so that the
cash matcher finds the invoices a bank memo names without reading the others; the matcher
keys the numbers in a memo with the same function.
"""

from __future__ import annotations

import re
import unicodedata

_NOT_ALNUM = re.compile(r"[^0-9A-Z]+")
_PREFIX = re.compile(r"([A-Z]*)(.*)")
_DIGITS = "0123456789"
_SEPARATORS = "-_ /.#"


def number_key(number: str) -> tuple[str, str]:
    """``("INV", "12345")`` for ``inv-0012345``, ``INV 12345``, ``INV0012345``..."""
    head = number.rstrip(_DIGITS)  # the common shape in plain string operations (1,000,000 a batch)
    if len(head) < len(number) and head.isascii():
        prefix = head.rstrip(_SEPARATORS)
        if not prefix or prefix.isalpha():
            return prefix.upper(), number[len(head) :].lstrip("0") or "0"
    text = number.upper() if number.isascii() else unicodedata.normalize("NFKC", number).upper()
    prefix, rest = _PREFIX.fullmatch(_NOT_ALNUM.sub("", text)).groups()
    if rest.isdigit():
        rest = rest.lstrip("0") or "0"
    return prefix, rest


def number_body(number: str) -> str:
    """The body of a number's key, as stored to look the number up by (``""`` for none)."""
    return number_key(number)[1] if number else ""
