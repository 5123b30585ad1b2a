"""What every bank statement parser returns: plain records, no ORM.

A parser reads bytes and returns a :class:`ParsedFile` (one or more statements, each with its
lines) or raises ``InputRejected`` naming where the file is wrong: a line number for text
formats, an XML path (``/Document/BkToCstmrStmt/Stmt[1]/Ntry[3]/Amt``) for ISO 20022.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from huikuan.core.errors import InputRejected, RowError
from huikuan.core.limits import check, validate_business_date
from huikuan.core.money import is_whole_cents
from huikuan.ledger.imports.reading import decode_text

CREDIT = "credit"
DEBIT = "debit"
# References that say "there is none".
NO_REFERENCE = {"", "NONREF", "NOTPROVIDED", "NOT PROVIDED", "NONE", "N/A", "-"}
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


@dataclass(frozen=True)
class StatementLine:
    """One booked line as the bank states it; ``amount`` is positive, ``direction`` says which way."""

    booking_date: date
    amount: Decimal
    currency: str
    direction: str
    bank_ref: str = ""
    value_date: date | None = None
    # The day the payer or card holder made the transaction, when the bank gives it beside the
    # day it booked it: OFX's DTUSER, a card statement's 交易日 (the booking date is its 记账日).
    transaction_date: date | None = None
    payer_name: str = ""
    payer_account: str = ""
    memo: str = ""
    # Where the line is in the file (``line 12`` or an XML path), for messages.
    where: str = ""
    # The bank reference is one Huikuan did not read before (a camt entry's NtryRef): an earlier
    # import may hold the line without it, known by its date, amount, payer and memo.
    ref_read_since: bool = False


@dataclass(frozen=True)
class Correction:
    """A transaction the bank corrects (OFX ``CORRECTACTION`` ``REPLACE`` or ``DELETE``): the
    statement's lines already have it applied when the corrected transaction is in the same
    file (``in_file``); the importer refuses the file when the corrected one was imported before
    or is nowhere to be found."""

    action: str
    corrected_ref: str
    in_file: bool
    line: int = 0
    where: str = ""


@dataclass
class Statement:
    account: str = ""
    statement_ref: str = ""
    currency: str = ""
    period_start: date | None = None
    period_end: date | None = None
    opening_balance: Decimal | None = None
    closing_balance: Decimal | None = None
    lines: list[StatementLine] = field(default_factory=list)
    corrections: list[Correction] = field(default_factory=list)


@dataclass
class ParsedFile:
    format: str
    statements: list[Statement]
    warnings: list[str] = field(default_factory=list)


class FileErrors:
    """Errors collected while parsing, each with where and why; raised together at the end."""

    def __init__(self, file_name: str) -> None:
        self.file_name = file_name
        self.errors: list[RowError] = []

    def add(self, line: int, where: str, value: object, reason: str) -> None:
        self.errors.append(RowError(line, where, str(value)[:200], reason))

    def raise_if_any(self) -> None:
        if self.errors:
            raise rejected(self.file_name, self.errors)


def rejected(file_name: str, errors: list[RowError]) -> InputRejected:
    return InputRejected(
        errors=errors,
        summary=_("%(file)s: %(count)s error(s); nothing was imported")
        % {"file": file_name, "count": len(errors)},
    )


def refuse_file(file_name: str, reason: str, *, line: int = 0, where: str = "") -> InputRejected:
    """The whole file is refused for one reason (not a statement of this format, unsafe XML …)."""
    place = ""
    if where:
        place = f" ({where})"
    elif line:
        place = " " + _("(line %(line)s)") % {"line": line}
    return InputRejected(
        errors=[RowError(line, where, "", reason)],
        summary=_("%(file)s: %(reason)s%(place)s; nothing was imported")
        % {"file": file_name, "reason": reason, "place": place},
    )


# Byte-order marks, and the encoding each says the file is in (UTF-16 as Windows' Notepad and
# many banks' "Unicode" exports save it; UTF-8 with a mark as Excel saves it).
BYTE_ORDER_MARKS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def marked_text(data: bytes, limit: int | None = None) -> bytes | None:
    """The text of a file that starts with a byte-order mark, as UTF-8 without the mark (only
    its first ``limit`` bytes, read leniently, to tell what it is); None without a mark."""
    for mark, encoding in BYTE_ORDER_MARKS:
        if data.startswith(mark):
            if limit is not None:
                return data[len(mark) : limit].decode(encoding, errors="ignore").encode("utf-8")
            return decode_text(data).encode("utf-8")  # a damaged file refused by the ledger's rule
    return None


# An IBAN: a country, two check digits, then letters and digits, 15 to 34 in all.
_IBAN_SHAPED = re.compile(r"[A-Za-z]{2}\d{2}[A-Za-z0-9]{11,30}")


def iban_form(account: str) -> str:
    """An account number shaped like an IBAN, however written (``de89 3704 0044 0532 0130 00``),
    in its one form: capitals without spaces (``DE89370400440532013000``); any other account
    number as it is (a Chinese account keeps its ``*`` mask)."""
    compact = "".join(account.split())
    return compact.upper() if _IBAN_SHAPED.fullmatch(compact) else account


def clean_text(value: object, limit: int = 2000) -> str:
    """Text from a bank file: control characters out, runs of white space made one."""
    text = _CONTROL.sub(" ", str(value or ""))
    return " ".join(text.split())[:limit]


def reference(value: object) -> str:
    text = clean_text(value, 200)
    return "" if text.upper() in NO_REFERENCE else text


def money_amount(text: str) -> Decimal:
    """A plain decimal amount ('1234.56', '-3.00'); ``ValueError`` with the reason otherwise."""
    try:
        amount = Decimal(str(text).strip())
    except (InvalidOperation, ValueError):
        raise ValueError(_("not an amount")) from None
    if not amount.is_finite():
        raise ValueError(_("not an amount"))
    if abs(amount) >= Decimal("1e15") or not is_whole_cents(amount):
        raise ValueError(_("an amount with more than two decimal places, or too large"))
    return amount


def business_date(value: date) -> date:
    return check(validate_business_date, value)


def currency_code(text: str) -> str:
    code = clean_text(text, 10).upper()
    if not re.fullmatch(r"[A-Z]{3}", code):
        raise ValueError(_("not a three-letter currency code"))
    if code == "XXX":  # ISO 4217's code for "no currency"
        raise ValueError(_("XXX means no currency: money without a currency cannot be applied"))
    return code
