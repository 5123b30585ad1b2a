"""OFX, SGML (1.x, what most banks' "Quicken/Money" downloads are) and XML (2.x), through ``ofxparse``.

The body is decoded first (UTF-8 when it is, else the code page the header names, else
Windows-1252) and handed over with a plain header, whatever header the bank wrote.

FITID is the bank reference; the payee is the other party (the payer of a credit).
"""

from __future__ import annotations

import codecs
import io
import re
import warnings
from datetime import datetime
from decimal import Decimal

import ofxparse
from django.utils.translation import gettext as _

from huikuan.cash.parsers.base import (
    CREDIT,
    DEBIT,
    FileErrors,
    ParsedFile,
    Statement,
    StatementLine,
    business_date,
    clean_text,
    money_amount,
    reference,
    refuse_file,
)

# An element with nothing in it (``<NAME></NAME>``, ``<CURDEF></CURDEF>``), which some banks
# write for every field they leave blank and ofxparse refuses ("Empty transaction name"): dropped
# before parsing, as if the bank had left the field out.
EMPTY_ELEMENT = re.compile(rb"<([A-Za-z][A-Za-z0-9.]*)>[ \t\r\n]*</\1>")
# A blank FITID, which ofxparse requires, is read as no bank reference (the line is then known
# by its date, amount, payer and memo, as a CSV line without a reference column).
EMPTY_FITID = re.compile(rb"<FITID>[ \t\r\n]*</FITID>", re.IGNORECASE)
NO_FITID = "HUIKUAN-NO-FITID"
# With CURDEF left blank, the currency the transactions name (<CURRENCY><CURSYM>AUD).
CURSYM = re.compile(rb"<CURSYM>\s*([A-Za-z]{3})", re.IGNORECASE)


def _blanks_dropped(data: bytes) -> bytes:
    return EMPTY_ELEMENT.sub(b"", EMPTY_FITID.sub(f"<FITID>{NO_FITID}</FITID>".encode(), data))


# What ofxparse is given: the body in UTF-8 behind a plain OFX 1.x header. Banks' own headers
# are often wrong for ofxparse: ``ENCODING:USASCII`` with accented names in Windows-1252,
# ``CHARSET:NONE``, blank lines before the header, an OFX 2 XML declaration (``<?xml …?><?OFX …?>``)
# that ofxparse reads as ASCII.
UTF8_HEADER = (
    b"OFXHEADER:100\r\nDATA:OFXSGML\r\nVERSION:102\r\nSECURITY:NONE\r\nENCODING:UTF-8\r\n"
    b"CHARSET:NONE\r\nCOMPRESSION:NONE\r\nOLDFILEUID:NONE\r\nNEWFILEUID:NONE\r\n\r\n"
)
OFX_START = re.compile(rb"<OFX>", re.IGNORECASE)
STATEMENT = re.compile(rb"<(?:STMTRS|CCSTMTRS)>", re.IGNORECASE)
DECLARED_CHARSET = re.compile(rb"(?:CHARSET:\s*|encoding=[\"'])([A-Za-z0-9_.-]+)", re.IGNORECASE)


def _code_page(head: bytes) -> str:
    """The single-byte code page the header names (``CHARSET:1252``, ``8859-1``), else Windows-1252."""
    for found in DECLARED_CHARSET.findall(head):
        name = found.decode("ascii").lower()
        if name.isdigit():
            name = "cp" + name
        elif name.startswith("8859"):
            name = "iso-" + name
        try:
            codecs.lookup(name)
        except LookupError:
            continue
        if name.replace("-", "").replace("_", "") not in ("utf8", "none"):
            return name
    return "cp1252"


def _normalised(data: bytes) -> bytes | None:
    """The file as ofxparse reads it right, or None when it has no ``<OFX>`` element."""
    start = OFX_START.search(data)
    if start is None:
        return None
    head, body = data[: start.start()], data[start.start() :]
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        text = body.decode(_code_page(head), errors="replace")
    return UTF8_HEADER + text.encode("utf-8")


def _day(value):
    return value.date() if isinstance(value, datetime) else value


def parse_ofx(data: bytes, file_name: str) -> ParsedFile:
    upper = data.upper()
    if b"<!DOCTYPE" in upper or b"<!ENTITY" in upper:
        raise refuse_file(file_name, _("XML with a DTD or entity declarations is refused"))
    normalised = _normalised(data)
    if normalised is None:
        raise refuse_file(file_name, _("not an OFX file: it has no <OFX> element"))
    if not STATEMENT.search(normalised):  # sign-on only, an account list, investments
        raise refuse_file(file_name, _("the OFX file holds no bank statement"))
    try:
        with warnings.catch_warnings():  # ofxparse calls BeautifulSoup's deprecated findAll
            warnings.simplefilter("ignore", DeprecationWarning)
            parsed = ofxparse.OfxParser.parse(io.BytesIO(_blanks_dropped(normalised)), fail_fast=False)
    except Exception as error:  # the library's errors are the file's
        raise refuse_file(file_name, _("not a readable OFX file: %(reason)s") % {"reason": error}) from None
    errors = FileErrors(file_name)
    statements = []
    for account in parsed.accounts:
        report = account.statement
        if report is None or not hasattr(report, "transactions"):
            continue
        currency = (getattr(report, "currency", "") or getattr(account, "curdef", "") or "").upper()
        if not currency and (named := CURSYM.search(data)):
            currency = named.group(1).decode("ascii").upper()
        statement = Statement(
            account=clean_text(account.account_id).replace(" ", ""),
            currency=currency,
            period_start=_day(getattr(report, "start_date", None)),
            period_end=_day(getattr(report, "end_date", None)),
            closing_balance=getattr(report, "balance", None),
        )
        for discarded in getattr(report, "discarded_entries", []):  # each bad STMTTRN, with why
            fitid = discarded["content"].find("fitid")
            fitid = clean_text(fitid.get_text() if fitid is not None else "", 60).split(" ")[0]
            where = f"STMTTRN FITID={'' if fitid == NO_FITID else fitid}"
            errors.add(0, where, clean_text(discarded["content"].get_text(" "), 200), discarded["error"])
        for index, transaction in enumerate(report.transactions, start=1):
            where = f"STMTTRN[{index}] FITID={'' if transaction.id == NO_FITID else transaction.id}"
            try:
                amount = money_amount(str(Decimal(transaction.amount)))
                booked = business_date(_day(transaction.date))
            except (ValueError, TypeError) as error:
                errors.add(0, where, transaction.amount, str(error))
                continue
            if amount == 0:
                continue
            direction = CREDIT if amount > 0 else DEBIT
            statement.lines.append(
                StatementLine(
                    booking_date=booked,
                    value_date=_day(transaction.user_date) if transaction.user_date else None,
                    amount=abs(amount),
                    currency=currency,
                    direction=direction,
                    bank_ref="" if transaction.id == NO_FITID else reference(transaction.id),
                    payer_name=clean_text(transaction.payee),
                    memo=clean_text(transaction.memo),
                    where=where,
                )
            )
        statements.append(statement)
    errors.raise_if_any()
    if not statements:
        raise refuse_file(file_name, _("the OFX file holds no bank statement"))
    return ParsedFile(format="ofx", statements=statements)
