"""BAI2 cash-management files through the ``bai2`` library.

Amounts are whole minor units (``1234`` = 12.34; in yen and other currencies without
minor units, ``1234`` = 1234). One account record (``03``) is one
statement; its ``16`` records are the lines, credit or debit by their type code. The booking
date is the group's as-of date (a ``16`` record has no date of its own), the value date the
availability date when given. Payer: the ``BO:`` (by order of) account and ``BO1:`` name a
continuation ``88`` record carries, as Citi and other banks write them.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from bai2 import bai2
from bai2.constants import TypeCodes
from django.utils.translation import gettext as _

from huikuan.cash.parsers.base import (
    CREDIT,
    DEBIT,
    ParsedFile,
    Statement,
    StatementLine,
    business_date,
    clean_text,
    reference,
    refuse_file,
)

# The next keyword of a continuation's text (``OBI:``, ``ORIG ID:``, ``BNF=``): where a value ends.
_KEYS = (
    "OBI|BBI|BO|BO1|BO2|BO3|BNF|BENEFICIARY|ORG|ORIG ID|ORIG CO NAME|ORIG BK|ORIGINATOR|B/O|DESC DATE|"
    "CO ENTRY DESCR|ENTRY DESCR|CO ID|SEC|IND ID|IND NAME|TRACE|TRN|REF|RFB|IMAD|OMAD|SND BNK|RCV BNK|"
    "EFF DATE|PAYMENT ID|ADDR|INFO|TEXT|DBNM|DACT|DABA|DBIC|CRNM|CACT|CABA|CBIC|EREF|CREF|REMI|IDNM|CHKN"
)
_NEXT_KEY = r"(?=\s+(?:" + _KEYS + r")\s?[:=]|$)"
_BY_ORDER_NAME = re.compile(r"\bBO1:\s*(.+?)" + _NEXT_KEY)
_BY_ORDER = re.compile(r"\bBO:\s*(.+?)" + _NEXT_KEY)
# ACH credits (``ORIG CO NAME:ACME CORP ORIG ID:…``) and wires (``B/O: ACME``, ``ORIGINATOR: …``,
# ``ORG=/12345 ACME``), as US banks write them.
_ORIGINATOR = re.compile(r"\b(?:ORIG CO NAME|B/O|ORIGINATOR|ORG)\s?[:=]\s*(?:/\S+\s+)?(.+?)" + _NEXT_KEY)
# Goldman Sachs: one continuation record a field, the debtor's name and account as ``DBNM:``, ``DACT:``.
_DEBTOR_NAME = re.compile(r"\bDBNM:\s*(.+?)" + _NEXT_KEY)
_DEBTOR_ACCOUNT = re.compile(r"\bDACT:\s*(\S+)")
_ACCOUNT_LIKE = re.compile(r"\d[\d-]{3,}")
_OPENING, _CLOSING = "010", "015"


# Currencies without minor units (ISO 4217 exponent 0): a BAI2 amount of ``1000`` in yen is 1000.
WHOLE_UNIT_CURRENCIES = {"BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG", "RWF", "UGX", "VND",
                         "VUV", "XAF", "XOF", "XPF"}  # fmt: skip


def _cents(value: int | None, currency: str = "") -> Decimal | None:
    if value is None:
        return None
    return Decimal(int(value)).scaleb(0 if currency.upper() in WHOLE_UNIT_CURRENCIES else -2)


def _is_yymmdd(value: str) -> bool:
    if not re.fullmatch(r"\d{6}", value):
        return False
    try:
        date(2000 + int(value[:2]), int(value[2:4]), int(value[4:]))
    except ValueError:
        return False
    return True


def _first_bad_record(text: str) -> tuple[int, str]:
    """Where the library's error lies, as far as a simple check of each record can tell."""
    in_account = 0
    total: int | None = 0
    for number, raw in enumerate(text.splitlines(), start=1):
        record = raw.strip().rstrip("/")
        if not record:
            continue
        fields = record.split(",")
        code = fields[0]
        in_account = 1 if code == "03" else in_account + 1 if in_account else 0
        if code == "49" and len(fields) > 2 and fields[2].strip().isdigit() and int(fields[2]) != in_account:
            reason = _("the account trailer (49) counts %(said)s records, but the account has %(found)s")
            return number, reason % {"said": int(fields[2]), "found": in_account}
        # The control total, where every item is a plain one (a funds type S, V or D adds fields).
        if code == "03":
            items = [fields[i : i + 4] for i in range(3, len(fields), 4)]
            simple = all(len(item) < 4 or item[3].strip() in ("", "0", "1", "2", "Z") for item in items)
            total = (
                sum(int(a) for a in fields[4::4] if re.fullmatch(r"[+-]?\d+", a.strip())) if simple else None
            )
        elif code == "16" and total is not None:
            simple = len(fields) > 3 and fields[3].strip() in ("", "0", "1", "2", "Z")
            amount = fields[2].strip() or "0"
            total = total + int(amount) if simple and amount.isdigit() else None
        said = fields[1].strip() if code == "49" and len(fields) > 1 else ""
        if total is not None and re.fullmatch(r"[+-]?\d+", said) and int(said) != total:
            reason = _(
                "the account trailer (49) states a control total of %(said)s, but the account's"
                " amounts add up to %(found)s"
            )
            return number, reason % {"said": int(said), "found": total}
        if code not in {"01", "02", "03", "16", "49", "88", "98", "99"}:
            return number, _("unknown record code %(code)r") % {"code": code}
        if code in _TIME_FIELDS:
            position = _TIME_FIELDS[code]
            day = fields[position - 1].strip() if len(fields) > position - 1 else ""
            time = fields[position].strip() if len(fields) > position else ""
            if day and not _is_yymmdd(day):
                return number, _("%(value)r is not a date (YYMMDD)") % {"value": day}
            if time and not (_HHMM.fullmatch(time) or _HHMMSS.fullmatch(time)):
                return number, _("%(value)r is not a time of day (HHMM)") % {"value": time}
        if code == "16" and (len(fields) < 3 or not re.fullmatch(r"\d*", fields[2])):
            return number, _("the amount of a 16 record is not a whole number of minor units")
        if code == "03":
            amounts = fields[4::4]
            if any(not re.fullmatch(r"[+-]?\d*", a) for a in amounts):
                return number, _("a summary amount is not a whole number of minor units")
    return 0, ""


def _payer(details: str) -> tuple[str, str]:
    """(name, account) of whoever paid: Citi's ``BO:`` account and ``BO1:`` name, a ``BO:``
    that holds a name, an ACH originator or a wire's by-order-of party; Goldman Sachs's
    ``DBNM:`` and ``DACT:``."""
    debtor = _DEBTOR_NAME.search(details)
    debtor_account = _DEBTOR_ACCOUNT.search(details)
    if debtor or debtor_account:
        name = clean_text(debtor.group(1)) if debtor else ""
        return name, debtor_account.group(1) if debtor_account else ""
    name = _BY_ORDER_NAME.search(details)
    by_order = _BY_ORDER.search(details)
    account = ""
    if by_order:
        value = by_order.group(1).strip()
        first = value.split()[0] if value else ""
        if _ACCOUNT_LIKE.fullmatch(first):
            account = first
        elif not name:
            name = by_order
    if not name:
        name = _ORIGINATOR.search(details)
    return (clean_text(name.group(1)) if name else ""), account


# The file header's version field (the ninth): 2 for BAI2, 3 for its successor BTRS (X9.121),
# whose records read the same way.
_VERSION_3 = re.compile(r"\A(\s*01(?:,[^,/\n]*){7}),3(?=\s*(?:/|,|$))", re.M)


def _as_version_2(text: str) -> str:
    """A BTRS version 3 file as the library reads it: the library knows version 2 only."""
    return _VERSION_3.sub(r"\1,2", text, count=1)


# Where the file header (01) and the group header (02) state a time of day (HHMM).
_TIME_FIELDS = {"01": 4, "02": 5}
_HHMM = re.compile(r"(?:[01]\d|2[0-3])[0-5]\d|2400|9999")
_HHMMSS = re.compile(r"(?:(?:[01]\d|2[0-3])[0-5]\d|2400|9999)[0-5]\d")


def _times_as_hhmm(text: str) -> str:
    """A creation or as-of time written with its seconds (``120000``, as some banks' and
    validators' files have it) as the HHMM the specification gives it: the seconds say nothing
    the import uses (the library refused such a file)."""
    rows = text.split("\n")
    for index, row in enumerate(rows):
        fields = row.split(",")
        position = _TIME_FIELDS.get(fields[0].strip())
        if position is None or len(fields) <= position:
            continue
        if _HHMMSS.fullmatch(fields[position].strip()):
            fields[position] = fields[position].strip()[:4]
            rows[index] = ",".join(fields)
    return "\n".join(rows)


def _availability_filled(row: str) -> str:
    """A transaction (16) whose distributed availability (funds type ``S``) leaves an amount
    out (``16,115,500000,S,,200000,300000,…``, as in the specification): none available then."""
    fields = row.split(",")
    if fields[0] == "16" and len(fields) > 7 and fields[3].strip() == "S":
        fields[4:7] = [value if value.strip() else "0" for value in fields[4:7]]
    return ",".join(fields)


def _summaries_unsplit(text: str) -> str:
    """An account record (03) whose summary item runs on in the next continuation (88), as the
    BAI2 specification's own example has it (``…,400,2000000,,,190/`` then ``88,500000,,,…``):
    the item's start moved to the continuation, since the library would glue ``190`` and
    ``500000`` into one field. Each record keeps its line, so the record counts still hold."""
    rows = [_availability_filled(row) for row in text.split("\n")]
    in_account = False
    for index in range(len(rows) - 1):
        row = rows[index]  # as the record before may have changed it
        code = row[:3]
        in_account = code == "03," or (in_account and code == "88,")
        if not in_account or not rows[index + 1].startswith("88,"):
            continue
        core = row[3:].rstrip()
        if not core.endswith("/"):
            continue
        core = core[:-1]
        separators = core.count(",") - (2 if code == "03," else 0)
        if core and not core.endswith(",") and separators % 4 == 0:
            head, _comma, start = core.rpartition(",")
            rows[index] = f"{code}{head}/"
            rows[index + 1] = f"88,{start},{rows[index + 1][3:]}"
    return "\n".join(rows)


def _bank_text(transaction) -> str:
    """A transaction's text as the bank wrote it, over its continuation records: where a record
    ends with ``/`` and the next ``88`` goes on with the text, the two are parted by a space (the
    library parts them by a comma, which read ``BLVD , FOSTER CITY`` and glued ``ACME CORP,ENTRY
    DESCR:``); a comma the bank wrote in the text is kept."""
    text = transaction.text or ""
    rows = [row for _code, row in transaction.rows if row]
    if not text or len(rows) < 2:
        return text
    # The records joined as the library joins them, with a mark where it puts a comma for a '/'.
    marked = "".join(row[:-1] + "\x1f" if row.endswith("/") else row + " " for row in rows)[:-1]
    parts = re.split("([,\x1f])", marked)
    before = (len(parts) + 1) // 2 - (text.count(",") + 1)  # the fields before the text
    own = "".join(parts[2 * before :]) if before >= 0 else ""
    if own.replace("\x1f", ",") != text:
        return text  # not as expected: the library's text rather than a guess
    return own.replace("\x1f", " ")


# Type codes of transactions the BAI2 specification leaves to each bank (920–959 credits, 960–999
# debits; 900–919 statuses), read as its miscellaneous credit or debit; 890 and the statuses
# carry information, not money.
_BANK_CREDIT, _BANK_DEBIT, _INFORMATION = "399", "699", "890"


def _bank_codes(text: str) -> tuple[str, list[tuple[int, str]]]:
    """The text with each transaction (16) of a type code the library does not know given the
    one it stands for (see above), and, for every 16 record in order, its line and own code."""
    rows = text.split("\n")
    codes = []
    for number, row in enumerate(rows, start=1):
        fields = row.lstrip().split(",")
        if fields[0] != "16" or len(fields) < 2:
            continue
        code = fields[1].strip()
        codes.append((number, code))
        if code in TypeCodes or not re.fullmatch(r"\d{3}", code):
            continue
        value = int(code)
        fields[1] = _BANK_CREDIT if 920 <= value <= 959 else _BANK_DEBIT if value >= 960 else _INFORMATION
        rows[number - 1] = ",".join(fields)
    return "\n".join(rows), codes


def parse_bai2(data: bytes, file_name: str) -> ParsedFile:
    text = data.decode("utf-8-sig", errors="replace")
    if not text.lstrip().startswith("01,"):
        raise refuse_file(file_name, _("not a BAI2 file (it must begin with a 01 record)"))
    readable, codes = _bank_codes(_summaries_unsplit(_times_as_hhmm(_as_version_2(text))))
    try:
        parsed = bai2.parse_from_string(readable, check_integrity=True)
    except Exception as error:  # the library's errors are the file's: say where
        line, reason = _first_bad_record(text)
        raise refuse_file(
            file_name, _("not a readable BAI2 file: %(reason)s") % {"reason": reason or error}, line=line
        ) from None
    statements = []
    warnings = []
    records = iter(codes)
    for group in parsed.children:
        as_of = group.header.as_of_date
        for account in group.children:
            header = account.header
            currency = header.currency or group.header.currency or ""
            summary = {  # an empty summary item (Goldman Sachs: '03,acct,USD,,,,,060,…') has no type
                item.type_code.code: _cents(item.amount, currency)
                for item in header.summary_items
                if item.type_code is not None
            }
            statement = Statement(
                account=clean_text(header.customer_account_number).replace(" ", ""),
                currency=currency,
                statement_ref=f"{parsed.header.file_id}/{as_of.isoformat() if as_of else ''}",
                period_start=as_of,
                period_end=as_of,
                opening_balance=summary.get(_OPENING),
                closing_balance=summary.get(_CLOSING),
            )
            for transaction in account.children:
                line, code = next(records, (0, transaction.type_code.code))
                amount = _cents(transaction.amount, currency)
                if not amount:
                    continue
                kind = getattr(transaction.type_code.transaction, "value", None)
                if kind not in ("credit", "debit"):
                    warnings.append(
                        _("line %(line)s: type code %(code)s is information, not money moved: left out")
                        % {"line": line, "code": code}
                    )
                    continue
                direction = CREDIT if kind == "credit" else DEBIT
                details = clean_text(_bank_text(transaction)).lstrip(", ")
                name, account_number = _payer(details) if direction == CREDIT else ("", "")
                bank_ref = reference(transaction.bank_reference)
                own_ref = reference(transaction.customer_reference)
                if bank_ref and own_ref and own_ref not in details:
                    # The customer reference (often the payer's invoice number) is read with the text.
                    details = f"{details} {own_ref}".strip()
                availability = (transaction.availability or {}).get("date")
                statement.lines.append(
                    StatementLine(
                        booking_date=business_date(as_of or availability),
                        value_date=availability,
                        amount=amount,
                        currency=currency,
                        direction=direction,
                        bank_ref=bank_ref or own_ref,
                        payer_name=name,
                        payer_account=account_number,
                        memo=details,
                        where=_("line %(line)s") % {"line": line} if line else code,
                    )
                )
            statements.append(statement)
    if not statements:
        raise refuse_file(file_name, _("the file holds no account record"))
    return ParsedFile(format="bai2", statements=statements, warnings=warnings)
