"""OFX, SGML (1.x, what most banks' "Quicken/Money" downloads are) and XML (2.x), through ``ofxparse``.

The body is decoded first (UTF-8 when it is, else the code page the header names, else
Windows-1252) and handed over with a plain header, whatever header the bank wrote.

FITID is the bank reference; the payee is the other party (the payer of a credit). A
transaction with its own ``<CURRENCY>`` aggregate is in the currency that names (``<CURSYM>``),
not the statement's (``<ORIGCURRENCY>`` only says what the amount was converted from). An
investment account's statement beside bank statements in one download is left out, and the
import says so.

A transaction with ``<CORRECTACTION>`` corrects the one its ``<CORRECTFITID>`` names, which
ofxparse does not read: a ``DELETE`` takes that transaction out of the file's lines, a
``REPLACE`` puts itself in its place (known by its own FITID). Each correction is handed on
(``Statement.corrections``) for the importer to refuse one whose transaction is not in the file.
"""

from __future__ import annotations

import codecs
import io
import re
import warnings
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

import ofxparse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext

from huikuan.cash.parsers.base import (
    CREDIT,
    DEBIT,
    Correction,
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
from huikuan.core.money import ungrouped

# An element with nothing in it (``<NAME></NAME>``, ``<CURDEF></CURDEF>``), which some banks
# write for every field they leave blank and ofxparse refuses ("Empty transaction name"): dropped
# before parsing, as if the bank had left the field out.
EMPTY_ELEMENT = re.compile(rb"<([A-Za-z][A-Za-z0-9.]*)>[ \t\r\n]*</\1>")
# A blank FITID, which ofxparse requires, is read as no bank reference (the line is then known
# by its date, amount, payer and memo, as a CSV line without a reference column).
EMPTY_FITID = re.compile(rb"<FITID>[ \t\r\n]*</FITID>", re.IGNORECASE)
NO_FITID = "HUIKUAN-NO-FITID"
# A correcting transaction's FITID as ofxparse is given it (the n-th correction of the file), so
# that its CORRECTACTION and CORRECTFITID, read from the raw block, are found again.
CORRECTION_FITID = "HUIKUAN-CORRECTION-{}"
CORRECT_ACTIONS = ("REPLACE", "DELETE")
# A transaction's own currency (<CURRENCY><CURRATE>1.1<CURSYM>EUR</CURRENCY>, in any order), in
# which its amount is; never an <ORIGCURRENCY>, which names what the amount was converted from.
# With CURDEF left blank, the statement's currency is the first such.
CURSYM = re.compile(rb"<CURRENCY>(?:\s*</?CURRATE>[^<]*)*\s*<CURSYM>\s*([A-Za-z]{3})", re.IGNORECASE)
TEXT_CURSYM = re.compile(CURSYM.pattern.decode(), re.IGNORECASE)
# A transaction in its own currency, as ofxparse is given it (which does not read the currency):
# the n-th such transaction of the file, so that its FITID and currency are found again.
FOREIGN_FITID = "HUIKUAN-CURRENCY-{}"


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
# A transaction response's status that is an error (``<CODE>2000<SEVERITY>ERROR<MESSAGE>…``).
BANK_ERROR = re.compile(
    rb"<STMTTRNRS>.*?<STATUS>\s*<CODE>\s*(\d+)\s*(?:</CODE>)?\s*<SEVERITY>\s*ERROR\s*(?:</SEVERITY>)?"
    rb"\s*(?:<MESSAGE>([^<]*))?",
    re.IGNORECASE | re.DOTALL,
)
INVESTMENT = re.compile(rb"<INVSTMTRS>", re.IGNORECASE)
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


@dataclass(frozen=True)
class _Corrects:
    """What a correcting transaction's raw block says: its own FITID, REPLACE or DELETE, the
    FITID it corrects, and the line that names it."""

    fitid: str
    action: str
    target: str
    line: int


def _normalised(data: bytes, errors: FileErrors) -> tuple[bytes, dict, dict, dict, dict] | None:
    """The file as ofxparse reads it right, the line of each transaction by its FITID, each
    correction by the FITID ofxparse is given for it, and each transaction in its own currency
    by that FITID (its own FITID, the currency); or None when it has no ``<OFX>`` element.
    Each transaction's amount and dates are checked here (their errors go to ``errors``) and its
    amount handed on in one plain form, so that ofxparse never reads a number some other way
    (``12,34.5`` as 1234.5)."""
    start = OFX_START.search(data)
    if start is None:
        return None
    head, body = data[: start.start()], data[start.start() :]
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        text = body.decode(_code_page(head), errors="replace")
    text, lines, corrections, foreign, available = _checked(text, head.count(b"\n"), errors)
    return UTF8_HEADER + text.encode("utf-8"), lines, corrections, foreign, available


# A transaction (SGML leaves the closing tag out: the next one or the list's end closes it),
# and one of its fields: the text up to the next tag or the end of the line.
TRANSACTION = re.compile(
    r"<STMTTRN>.*?(?=</STMTTRN>|<STMTTRN>|</BANKTRANLIST>|\Z)", re.IGNORECASE | re.DOTALL
)
FIELD = "<{tag}>([^<\r\n]*)"
# YYYYMMDD, then optionally HHMM[SS[.fff]] (fractions of a second) and a time zone ([-5:EST], [+8], [-05:00]).
OFX_DATE = re.compile(
    r"(\d{4})(\d{2})(\d{2})(?:\d{4}(?:\d{2}(?:\.\d{1,6})?)?)?\s*(?:\[[+-]?\d{1,2}(?:\.\d+)?(?::\w*)?\])?"
)
DATE_FIELDS = ("DTPOSTED", "DTUSER", "DTAVAIL")
# The statement's period, in its list of transactions (``<BANKTRANLIST><DTSTART>…<DTEND>…``).
PERIOD = re.compile(r"<(DTSTART|DTEND)>([^<\r\n]*)", re.IGNORECASE)
OFX_DATE_REASON = gettext_noop("not a valid date: OFX dates are written YYYYMMDD[HHMMSS]")


def is_ofx_date(value: str) -> bool:
    """Whether an OFX date field holds a day of the calendar, as ``20240131[120000[.000]][-5:EST]``."""
    day = OFX_DATE.fullmatch(value.strip())
    try:
        return day is not None and bool(date(*(int(part) for part in day.groups())))
    except ValueError:
        return False


def ofx_amount(text: str) -> Decimal:
    """An OFX amount: a point or a comma as the decimal mark (``-34.51``, ``-34,51``), and
    thousands separators only where they group by three (``1,234.56``, ``1.234,56``, ``1 234,56``);
    ``ValueError`` with the reason otherwise."""
    value = text.strip()
    if not re.fullmatch(r"[+-]?[\d.,][\d., ]*", value):
        raise ValueError(_("not a number"))
    if not re.fullmatch(r"[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)", value):
        marks = [mark for mark in (".", ",") if mark in value]
        # With both marks the last is the decimal one; a mark written twice separates thousands.
        decimal = max(marks, key=value.rfind) if len(marks) == 2 else ""
        if len(marks) == 1 and value.count(marks[0]) == 1 and " " in value:
            decimal = marks[0]  # 1 025,53
        thousands = " " if " " in value else next((m for m in marks if m != decimal), "")
        value = ungrouped(value, thousands=thousands, decimal=decimal or ("," if thousands == "." else "."))
    value = value.replace(",", ".")
    if not re.fullmatch(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)", value):
        raise ValueError(_("not a number"))
    return money_amount(value)


def _checked(text: str, first_line: int, errors: FileErrors) -> tuple[str, dict, dict, dict, dict]:
    """The body with each ``<TRNAMT>`` written plainly (``1234.56``) and the FITID of each
    correction, and of each transaction in its own currency, replaced by one that finds it
    again; the line of each FITID; the corrections; the transactions in their own currency; the
    availability dates (``DTAVAIL``), in the order of the transactions, by the FITID given."""
    lines: dict[str, int] = {}
    corrections: dict[str, _Corrects] = {}
    foreign: dict[str, tuple[str, str]] = {}
    available: dict[str, list[date]] = {}
    index = counted = 0
    line = first_line + 1

    def transaction(found: re.Match) -> str:
        nonlocal index, counted, line
        index += 1
        block = found.group(0)
        line += text.count("\n", counted, found.start())  # counted on from the last one
        counted = found.start()
        fitid = re.search(FIELD.format(tag="FITID"), block, re.IGNORECASE)
        fitid = clean_text(fitid.group(1), 60) if fitid else ""
        lines.setdefault(fitid, line)

        def refuse(tag: str, value: str, reason: str) -> None:
            at = re.search(f"<{tag}>", block, re.IGNORECASE)
            place = line + block.count("\n", 0, at.start() if at else 0)
            errors.add(place, f"STMTTRN[{index}] FITID={fitid} {tag}", value.strip(), reason)

        action = re.search(FIELD.format(tag="CORRECTACTION"), block, re.IGNORECASE)
        if action is not None:
            corrected = re.search(FIELD.format(tag="CORRECTFITID"), block, re.IGNORECASE)
            target = clean_text(corrected.group(1), 60) if corrected else ""
            own = re.search(FIELD.format(tag="FITID"), block, re.IGNORECASE)
            if action.group(1).strip().upper() not in CORRECT_ACTIONS:
                refuse("CORRECTACTION", action.group(1), _("a correction is either REPLACE or DELETE"))
            elif not target:
                refuse("CORRECTFITID", "", _("the correction does not name the transaction it corrects"))
            elif own is not None:
                marker = CORRECTION_FITID.format(len(corrections) + 1)
                named_at = line + block.count("\n", 0, corrected.start())
                corrections[marker] = _Corrects(fitid, action.group(1).strip().upper(), target, named_at)
                lines[marker] = line
                block = block[: own.start(1)] + marker + block[own.end(1) :]
        named = TEXT_CURSYM.search(block)
        own = re.search(FIELD.format(tag="FITID"), block, re.IGNORECASE)
        if named is not None and own is not None:  # in its own currency, not the statement's
            marker = own.group(1) if own.group(1) in corrections else FOREIGN_FITID.format(len(foreign) + 1)
            foreign[marker] = (fitid, named.group(1).upper())
            lines[marker] = line
            block = block[: own.start(1)] + marker + block[own.end(1) :]

        for tag in DATE_FIELDS:
            written = re.search(FIELD.format(tag=tag), block, re.IGNORECASE)
            if written is None or (tag != "DTPOSTED" and re.fullmatch(r"0{8}\S*", written.group(1).strip())):
                continue  # no user or availability date (00000000 says none)
            if not is_ofx_date(written.group(1)):
                refuse(tag, written.group(1), _(OFX_DATE_REASON))
                continue
            day = OFX_DATE.fullmatch(written.group(1).strip())
            # The day as the bank wrote it: ofxparse turns a time with its zone into UTC, which
            # moves '20240323000000[+8:CST]' (a Chinese or European bank's midnight) to the 22nd.
            block = block[: written.start(1)] + "".join(day.groups()) + block[written.end(1) :]
        # The availability date, which ofxparse does not read: by the FITID it is given.
        given = re.search(FIELD.format(tag="FITID"), block, re.IGNORECASE)
        given = (given.group(1).strip() if given else "") or NO_FITID
        written = re.search(FIELD.format(tag="DTAVAIL"), block, re.IGNORECASE)
        day = (
            OFX_DATE.fullmatch(written.group(1).strip())
            if written and is_ofx_date(written.group(1))
            else None
        )
        available.setdefault(given, []).append(date(*map(int, day.groups())) if day else None)
        amount = re.search(FIELD.format(tag="TRNAMT"), block, re.IGNORECASE)
        if amount is None:
            refuse("TRNAMT", "", _("the transaction has no amount"))
            return block
        try:
            plain = ofx_amount(amount.group(1))
        except ValueError as error:
            refuse("TRNAMT", amount.group(1), str(error))
            return block
        return block[: amount.start(1)] + format(plain, "f") + block[amount.end(1) :]

    for found in PERIOD.finditer(text):  # the period's dates, which ofxparse would leave blank
        if found.group(2).strip() and not is_ofx_date(found.group(2)):
            place = first_line + 1 + text.count("\n", 0, found.start())
            errors.add(
                place, f"BANKTRANLIST {found.group(1).upper()}", found.group(2).strip(), _(OFX_DATE_REASON)
            )

    def period_day(found: re.Match) -> str:  # the period's days as the bank wrote them, as above
        day = OFX_DATE.fullmatch(found.group(2).strip())
        if day is None or not is_ofx_date(found.group(2)):
            return found.group(0)
        return f"<{found.group(1)}>{''.join(day.groups())}"

    body = PERIOD.sub(period_day, TRANSACTION.sub(transaction, text))
    return body, lines, corrections, foreign, available


def _day(value) -> date | None:
    """A date ofxparse read (a datetime, or a date); None for what it left blank."""
    if isinstance(value, datetime):
        return value.date()
    return value if isinstance(value, date) else None


def _corrections_applied(
    entries: list[tuple[str, StatementLine | None]],
    correcting: list[tuple[_Corrects, str, StatementLine | None]],
    errors: FileErrors,
) -> tuple[list[StatementLine], list[Correction]]:
    """The statement's lines once each correction is applied to the transaction it names in
    the same statement (in any order, a correction of a correction too), and every correction,
    said to be ``in_file`` or not."""
    slots = list(entries)
    applied: list[Correction] = []
    pending = list(correcting)
    while pending:
        still = []
        for raw, where, line in pending:
            places = [place for place, (fitid, _line) in enumerate(slots) if fitid and fitid == raw.target]
            if not places:
                still.append((raw, where, line))
                continue
            if len(places) > 1:
                errors.add(
                    raw.line,
                    f"{where} CORRECTFITID",
                    raw.target,
                    _("%(count)s transactions of the file have this FITID: which one is corrected is unclear")
                    % {"count": len(places)},
                )
            else:  # a DELETE leaves nothing; a REPLACE is the line now, known by its own FITID
                slots[places[0]] = (raw.fitid, line) if raw.action == "REPLACE" else ("", None)
            applied.append(Correction(raw.action, raw.target, True, raw.line, where))
        if len(still) == len(pending):
            break
        pending = still
    applied.extend(Correction(raw.action, raw.target, False, raw.line, where) for raw, where, _ in pending)
    applied.sort(key=lambda correction: correction.line)
    return [line for _fitid, line in slots if line is not None], applied


def parse_ofx(data: bytes, file_name: str) -> ParsedFile:
    upper = data.upper()
    if b"<!DOCTYPE" in upper or b"<!ENTITY" in upper:
        raise refuse_file(file_name, _("XML with a DTD or entity declarations is refused"))
    errors = FileErrors(file_name)
    checked = _normalised(data, errors)
    if checked is None:
        raise refuse_file(file_name, _("not an OFX file: it has no <OFX> element"))
    normalised, lines, corrections, foreign, available = checked
    if not STATEMENT.search(normalised):  # sign-on only, an account list, investments
        failed = BANK_ERROR.search(normalised)
        if failed:  # the bank answered the download with an error instead of the statement
            code, message = failed.group(1).decode(), failed.group(2).decode("utf-8", "replace").strip()
            raise refuse_file(
                file_name,
                _("the OFX file holds no bank statement: the bank answered with error %(code)s (%(message)s)")
                % {"code": code, "message": message or "-"},
            )
        if INVESTMENT.search(normalised):
            raise refuse_file(
                file_name, _("the OFX file holds an investment statement, not a bank account's statement")
            )
        raise refuse_file(file_name, _("the OFX file holds no bank statement"))
    errors.raise_if_any()
    try:
        with warnings.catch_warnings():  # ofxparse calls BeautifulSoup's deprecated findAll
            warnings.simplefilter("ignore", DeprecationWarning)
            parsed = ofxparse.OfxParser.parse(io.BytesIO(_blanks_dropped(normalised)), fail_fast=False)
    except Exception as error:  # the library's errors are the file's
        raise refuse_file(file_name, _("not a readable OFX file: %(reason)s") % {"reason": error}) from None
    statements = []
    investments = 0
    for account in parsed.accounts:
        report = account.statement
        if report is None or not hasattr(report, "transactions"):
            continue
        if account.type == ofxparse.AccountType.Investment:  # securities, not a bank account's money
            investments += 1
            continue
        currency = (getattr(report, "currency", "") or getattr(account, "curdef", "") or "").upper()
        if not currency and (named := CURSYM.search(data)):
            currency = named.group(1).decode("ascii").upper()
        if not currency and report.transactions:  # never a line of money in no currency
            first = report.transactions[0]
            line = lines.get(first.id, 0)
            errors.add(
                line,
                "CURDEF",
                "",
                _("no currency: the statement names none (CURDEF), nor do its transactions"),
            )
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
            fitid = corrections[fitid].fitid if fitid in corrections else foreign.get(fitid, (fitid,))[0]
            where = f"STMTTRN FITID={'' if fitid == NO_FITID else fitid}"
            shown = clean_text(discarded["content"].get_text(" "), 200)
            errors.add(lines.get(fitid, 0), where, shown, discarded["error"])
        entries: list[tuple[str, StatementLine | None]] = []  # each transaction by its FITID
        correcting: list[tuple[_Corrects, str, StatementLine | None]] = []
        for index, transaction in enumerate(report.transactions, start=1):
            raw = corrections.get(transaction.id)
            own_currency = foreign.get(transaction.id)
            own = "" if transaction.id == NO_FITID else raw.fitid if raw else transaction.id
            own = own_currency[0] if own_currency and not raw else own
            where = f"STMTTRN[{index}] FITID={own}"
            try:
                amount = money_amount(str(Decimal(transaction.amount)))
                booked = _day(transaction.date)
                if booked is None:
                    raise ValueError(_(OFX_DATE_REASON))
                booked = business_date(booked)
            except (ValueError, TypeError) as error:
                line = lines.get(transaction.id if raw or own_currency else own, 0)
                errors.add(line, where, transaction.amount, str(error))
                continue
            direction = CREDIT if amount > 0 else DEBIT
            line = None
            if amount != 0:
                # Booked on the day the bank posted it (DTPOSTED), its value date the day the money
                # is available (DTAVAIL), made on the day the user made it (DTUSER: a card's
                # purchase, a cheque's writing), as each is given.
                valued = available.get(transaction.id) or [None]
                line = StatementLine(
                    booking_date=booked,
                    value_date=valued.pop(0) if valued else None,
                    transaction_date=_day(transaction.user_date),
                    amount=abs(amount),
                    currency=own_currency[1] if own_currency else currency,
                    direction=direction,
                    bank_ref=reference(own),
                    payer_name=clean_text(transaction.payee),
                    memo=clean_text(transaction.memo),
                    where=where,
                )
            if raw:
                correcting.append((raw, where, line))
            else:
                entries.append((own, line))
        statement.lines, statement.corrections = _corrections_applied(entries, correcting, errors)
        statements.append(statement)
    errors.raise_if_any()
    if not statements:
        raise refuse_file(file_name, _("the OFX file holds no bank statement"))
    notes = []
    if investments:
        notes.append(
            ngettext(
                "%(count)s investment account's statement was left out: only bank and credit card "
                "statements are imported",
                "%(count)s investment accounts' statements were left out: only bank and credit card "
                "statements are imported",
                investments,
            )
            % {"count": investments}
        )
    return ParsedFile(format="ofx", statements=statements, warnings=notes)
