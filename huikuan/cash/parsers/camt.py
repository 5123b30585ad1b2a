"""ISO 20022 camt.053 (statement) and camt.054 (debit/credit notification), versions 001.02–001.08.

Read by local element names, whatever the namespace version or prefix, and wherever the
message sits (a bank may wrap the ``Document`` in an envelope with a business application
header). A document with a DTD or an entity declaration is refused before parsing (no entity is
ever expanded, nothing fetched). Each ``Ntry`` gives one line, or one line per ``TxDtls`` when an
entry batches several transactions with their own amounts. An entry with neither a booking nor
a value date (some camt.054 notifications) is dated by the notification's creation, and the file
says so in a warning; entries not booked (``PDNG``, ``INFO``) are left out, also with a warning.
A line's bank reference is its ``AcctSvcrRef`` (the entry's, numbered by place in a batch), else
its ``EndToEndId``, ``TxId`` or ``UETR``, else the entry's ``NtryRef`` (Wise gives only that),
numbered by the transaction's place when a batch gives several lines.
camt.052 intraday reports are refused: their entries come again in the day's statement.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import date, datetime
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext
from lxml import etree

from huikuan.cash.parsers.base import (
    CREDIT,
    DEBIT,
    FileErrors,
    ParsedFile,
    Statement,
    StatementLine,
    business_date,
    clean_text,
    currency_code,
    money_amount,
    reference,
    refuse_file,
)

CAMT052_REFUSED = gettext_noop(
    "a camt.052 intraday account report, not a statement: import the day's camt.053 statement "
    "(or camt.054 notifications) instead"
)
_PARSER_OPTIONS = {
    "resolve_entities": False,
    "no_network": True,
    "load_dtd": False,
    "dtd_validation": False,
    "huge_tree": False,
    "remove_comments": True,
    "remove_pis": True,
}


def local(element) -> str:
    return etree.QName(element).localname if isinstance(element.tag, str) else ""


def kids(element, name: str) -> list:
    return [child for child in element if local(child) == name] if element is not None else []


def find(element, *path: str):
    """The first element down ``path`` of local names, or None."""
    for name in path:
        if element is None:
            return None
        element = next((child for child in element if local(child) == name), None)
    return element


def text(element, *path: str) -> str:
    found = find(element, *path)
    return clean_text(found.text) if found is not None and found.text else ""


def xml_path(element) -> str:
    """``/Document/BkToCstmrStmt/Stmt[1]/Ntry[3]/Amt``: indices among same-named siblings."""
    parts = []
    while element is not None:
        parent = element.getparent()
        name = local(element)
        if parent is None:
            parts.append(name)
        else:
            same = [child for child in parent if local(child) == name]
            parts.append(f"{name}[{same.index(element) + 1}]" if len(same) > 1 or name in _INDEXED else name)
        element = parent
    return "/" + "/".join(reversed(parts))


_INDEXED = {"Stmt", "Ntfctn", "Ntry", "TxDtls"}


# The XML declaration, and blank lines before it (which XML forbids, and some banks write).
_DECLARATION = re.compile(rb"^[ \t\r\n]*<\?xml[^>]*\?>")
_DECLARED_ENCODING = re.compile(rb"encoding\s*=\s*[\"']([A-Za-z0-9._-]+)")


def _declaration_read(data: bytes, file_name: str) -> bytes:
    """The document as lxml reads it right: with blank lines before its declaration, or a
    declaration naming UTF-16 in a file already read from UTF-16 into UTF-8 (see
    ``marked_text``), the text in UTF-8 with the declaration blanked out (its line breaks kept,
    so that lines are counted as in the file); any other document as it is."""
    found = _DECLARATION.match(data)
    if found is None:
        return data
    declared = _DECLARED_ENCODING.search(found.group(0))
    encoding = declared.group(1).decode("ascii").lower() if declared else "utf-8"
    wide = (
        encoding.replace("-", "").replace("_", "").startswith(("utf16", "utf32", "ucs2", "ucs4", "unicode"))
    )
    if not wide and data.startswith(b"<?xml"):
        return data
    try:
        text = data[found.end() :].decode("utf-8" if wide else encoding)
    except (LookupError, UnicodeDecodeError) as error:
        raise refuse_file(
            file_name,
            _("cannot decode the file as %(encoding)s: %(reason)s") % {"encoding": encoding, "reason": error},
        ) from None
    return ("\n" * found.group(0).count(b"\n") + text).encode("utf-8")


def parse_xml(data: bytes, file_name: str):
    data = _declaration_read(data, file_name)
    head = data[:4096].upper()
    if b"<!DOCTYPE" in head or b"<!ENTITY" in data.upper():
        raise refuse_file(file_name, _("XML with a DTD or entity declarations is refused"))
    parser = etree.XMLParser(**_PARSER_OPTIONS)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as error:
        line = error.position[0] if error.position else 0
        raise refuse_file(
            file_name, _("not well-formed XML: %(reason)s") % {"reason": error.msg}, line=line
        ) from None
    if root.getroottree().docinfo.doctype:
        raise refuse_file(file_name, _("XML with a DTD or entity declarations is refused"))
    return root


_MESSAGES = {"BkToCstmrStmt": "camt053", "BkToCstmrDbtCdtNtfctn": "camt054", "BkToCstmrAcctRpt": "camt052"}


def message_element(root):
    """The statement, notification or report element, and its kind; ``(None, '')`` if none.

    Usually the child of ``Document``; found anywhere when an envelope wraps the document."""
    for element in root.iter():
        kind = _MESSAGES.get(local(element))
        if kind:
            return element, kind
    return None, ""


def namespace_kind(root) -> str:
    """``camt053``, ``camt054``, ``camt052`` or '' from the document's message element."""
    return message_element(root)[1]


def _day(element, errors: FileErrors, *path: str) -> date | None:
    found = find(element, *path)
    if found is None:
        return None
    value = text(found, "Dt") or text(found, "DtTm")
    if not value:
        return None
    try:
        parsed = date.fromisoformat(value[:10]) if len(value) >= 10 else datetime.fromisoformat(value).date()
        return business_date(parsed)
    except ValueError as error:
        errors.add(found.sourceline or 0, xml_path(found), value, str(error) or _("not a date"))
        return None


def _amount(element, errors: FileErrors) -> tuple[Decimal, str] | None:
    try:
        amount = money_amount(element.text or "")
        currency = currency_code(element.get("Ccy", ""))
    except ValueError as error:
        errors.add(element.sourceline or 0, xml_path(element), element.text or "", str(error))
        return None
    return amount, currency


def _party(details, role: str) -> tuple[str, str]:
    """Name and account of the debtor (``Dbtr``) or creditor (``Cdtr``) of a transaction."""
    parties = find(details, "RltdPties")
    party = find(parties, role)
    # v08 wraps the party in Pty, or names a bank (Agt) in its place
    name = text(party, "Nm") or text(party, "Pty", "Nm") or text(party, "Agt", "FinInstnId", "Nm")
    if not name:  # only the ultimate debtor (creditor) named: the one the money is from (to)
        ultimate = find(parties, f"Ultmt{role}")
        name = text(ultimate, "Nm") or text(ultimate, "Pty", "Nm")
    account = find(parties, f"{role}Acct", "Id")
    number = text(account, "IBAN") or text(account, "Othr", "Id")
    return name, number.replace(" ", "")


def _memo(entry, details) -> str:
    parts: list[str] = []
    information = find(details, "RmtInf")
    if information is not None:
        parts.extend(clean_text(u.text) for u in kids(information, "Ustrd") if u.text)
        for structured in kids(information, "Strd"):
            # the invoices paid (RfrdDocInf/Nb), then the creditor's reference (a QR or RF number)
            parts.extend(text(document, "Nb") for document in kids(structured, "RfrdDocInf"))
            ref = text(structured, "CdtrRefInf", "Ref")
            if ref:
                parts.append(ref)
            parts.extend(clean_text(a.text) for a in kids(structured, "AddtlRmtInf") if a.text)
    # A return's or rejection's words (RtrInf/AddtlInf) come in as many pieces of 105 characters
    # as the bank needs: all of them, in order.
    returned = " ".join(clean_text(a.text) for a in kids(find(details, "RtrInf"), "AddtlInf") if a.text)
    for extra in (text(details, "AddtlTxInf"), returned, text(entry, "AddtlNtryInf")):
        if extra and extra not in parts:
            parts.append(extra)
    return " ".join(part for part in parts if part)


def _balances(statement_element, statement: Statement, errors: FileErrors) -> None:
    for balance in kids(statement_element, "Bal"):
        code = text(balance, "Tp", "CdOrPrtry", "Cd")
        amount_element = find(balance, "Amt")
        if amount_element is None:
            continue
        parsed = _amount(amount_element, errors)
        if parsed is None:
            continue
        amount = parsed[0] if text(balance, "CdtDbtInd") != "DBIT" else -parsed[0]
        if code in ("OPBD", "PRCD") and statement.opening_balance is None:
            statement.opening_balance = amount
            statement.currency = statement.currency or parsed[1]
        elif code in ("CLBD",):
            statement.closing_balance = amount
            statement.currency = statement.currency or parsed[1]


def _closing_day(statement_element) -> date | None:
    """The day of a statement's closing balance (``CLBD``), if it says."""
    for balance in kids(statement_element, "Bal"):
        if text(balance, "Tp", "CdOrPrtry", "Cd") == "CLBD":
            value = text(balance, "Dt", "Dt") or text(balance, "Dt", "DtTm")
            try:
                return date.fromisoformat(value[:10]) if len(value) >= 10 else None
            except ValueError:
                return None
    return None


def _created(element) -> date | None:
    """The day a statement, notification or group header was created (``CreDtTm``)."""
    value = text(element, "CreDtTm")
    try:
        return date.fromisoformat(value[:10]) if len(value) >= 10 else None
    except ValueError:
        return None


def _entry_lines(
    entry,
    statement: Statement,
    errors: FileErrors,
    created: date | None = None,
    notes: Counter | None = None,
    dated_by: str = "dated by creation",
) -> list[StatementLine]:
    notes = Counter() if notes is None else notes
    status = text(entry, "Sts") or text(entry, "Sts", "Cd")
    if status in ("PDNG", "INFO", "FUTR"):
        notes["not booked"] += 1
        return []  # not booked yet: it comes again, booked, in a later statement
    amount_element = find(entry, "Amt")
    where = xml_path(entry)
    if amount_element is None:
        errors.add(entry.sourceline or 0, where + "/Amt", "", _("the entry has no amount"))
        return []
    parsed = _amount(amount_element, errors)
    indicator = text(entry, "CdtDbtInd")
    if indicator not in ("CRDT", "DBIT"):
        errors.add(entry.sourceline or 0, where + "/CdtDbtInd", indicator, _("neither CRDT nor DBIT"))
        return []
    booked = _day(entry, errors, "BookgDt") or _day(entry, errors, "ValDt")
    if booked is None and created is not None and find(entry, "BookgDt") is None:
        booked = created  # an entry that gives no date: the day of the statement or notification
        notes[dated_by] += 1
    if booked is None:
        errors.add(entry.sourceline or 0, where + "/BookgDt", "", _("the entry has no booking date"))
    valued = _day(entry, errors, "ValDt")
    if parsed is None or booked is None:
        return []
    amount, currency = parsed
    direction = CREDIT if indicator == "CRDT" else DEBIT
    entry_ref = reference(text(entry, "AcctSvcrRef"))
    entry_number = reference(text(entry, "NtryRef"))
    details_list = [d for block in kids(entry, "NtryDtls") for d in kids(block, "TxDtls")]
    if not details_list:
        details_list = [None]
    lines = []
    # A batch whose parts carry their own amounts, adding up to the entry's, gives one line a
    # part; otherwise the entry is one line, with every part's references and text.
    several = len(details_list) > 1 and _parts_add_up(details_list, amount, currency, direction)
    whole = details_list if not several else []
    if not several:
        details_list = details_list[:1]
    for index, details in enumerate(details_list, start=1):
        line_amount, line_currency = amount, currency
        if several:
            own_parsed = _amount(_own_amount(details, currency), errors)
            if own_parsed is None:
                continue
            line_amount, line_currency = own_parsed
        ref = reference(text(details, "Refs", "AcctSvcrRef"))
        if not ref and entry_ref:
            ref = f"{entry_ref}#{index}" if several else entry_ref
        for other in ("EndToEndId", "TxId", "UETR"):  # the payer's, the banks', SWIFT gpi's
            ref = ref or reference(text(details, "Refs", other))
        read_since = not ref and bool(entry_number)
        if read_since:  # only the entry's own number (Wise): a batch's part by its place
            ref = f"{entry_number}#{index}" if several else entry_number
        line_direction = direction
        if several and text(details, "CdtDbtInd") in ("CRDT", "DBIT"):
            line_direction = CREDIT if text(details, "CdtDbtInd") == "CRDT" else DEBIT
        # The other party: the debtor of money in, the creditor of money out; of a reversal (a
        # direct debit returned: RvslInd, or the return's reasons, RtrInf, as German banks write
        # a Rücklastschrift), the original payment's, e.g. the customer whose payment came back.
        reversal = text(entry, "RvslInd").lower() in ("true", "1") or find(details, "RtrInf") is not None
        role = "Dbtr" if (line_direction == CREDIT) != reversal else "Cdtr"
        other_role = "Cdtr" if role == "Dbtr" else "Dbtr"
        own_account = statement.account.replace(" ", "").upper()
        name, account = _party(details, role)
        if account and account.upper() == own_account:
            # The role names the statement's own account (a return written without its reasons):
            # the other role is the other party.
            name, account = _party(details, other_role)
            if account.upper() == own_account:
                name, account = "", ""
        elif not name and not account:
            # Only the other role named (OCA/bank-statement-import test-camt053: a returned direct
            # debit names the customer as Cdtr): it is the other party when its account is not
            # the statement's own (a name alone may be the account holder's).
            other_name, other_account = _party(details, other_role)
            if other_account and other_account.upper() != own_account:
                name, account = other_name, other_account
        memo = _memo(entry, details)
        if len(whole) > 1:  # one line for all the parts: who paid only when they all say the same
            if len({_party(part, role) for part in whole}) > 1:
                name, account = "", ""
            pieces = [piece for part in whole for piece in (_memo(None, part), _refs(part))]
            memo = clean_text(" ".join(dict.fromkeys(p for p in (*pieces, text(entry, "AddtlNtryInf")) if p)))
        if line_amount <= 0:
            continue
        lines.append(
            StatementLine(
                booking_date=booked,
                value_date=valued,
                amount=line_amount,
                currency=line_currency,
                direction=line_direction,
                bank_ref=ref,
                payer_name=name,
                payer_account=account,
                memo=memo,
                where=xml_path(details) if several and details is not None else where,
                ref_read_since=read_since,
            )
        )
    return lines


def _refs(details) -> str:
    """A part's own references, for the text of an entry kept whole."""
    return " ".join(
        dict.fromkeys(v for other in ("EndToEndId", "TxId") if (v := reference(text(details, "Refs", other))))
    )


def _parts_add_up(parts: list, amount: Decimal, currency: str, direction: str) -> bool:
    """Whether every part of a batch has its own amount, in the entry's currency, and the parts,
    each in its own direction, add up to the entry (else the entry is one line: splitting it
    would lose or invent money)."""
    total = Decimal(0)
    for part in parts:
        own = _own_amount(part, currency)
        if own is None:
            return False
        try:
            value, part_currency = money_amount(own.text or ""), currency_code(own.get("Ccy", ""))
        except ValueError:
            return False
        if part_currency != currency:
            return False
        indicator = text(part, "CdtDbtInd")
        part_direction = {"CRDT": CREDIT, "DBIT": DEBIT}.get(indicator, direction)
        total += value if part_direction == direction else -value
    return total == amount


def _own_amount(details, currency: str = ""):
    """A part's own amount: its ``Amt``, else the amount booked (``AmtDtls/TxAmt``); the one in
    the entry's ``currency`` when the ``Amt`` is in another (the amount as instructed, as in the
    ISO business example's SEK entry of a EUR payment)."""
    found = [a for a in (find(details, "Amt"), find(details, "AmtDtls", "TxAmt", "Amt")) if a is not None]
    same = [a for a in found if currency and a.get("Ccy", "").strip().upper() == currency]
    return (same or found or [None])[0]


def _no_currency(message, errors: FileErrors) -> None:
    """Any other amount of the document in ``XXX``, ISO 4217's "no currency" (a batch's part, a
    charge, an amount as instructed): the file is refused, naming it, as for the entries' own."""
    named = {error.column for error in errors.errors}
    for element in message.iter():
        if not isinstance(element.tag, str) or (element.get("Ccy") or "").strip().upper() != "XXX":
            continue
        where = xml_path(element)
        if where not in named:
            try:
                currency_code(element.get("Ccy"))
            except ValueError as error:
                errors.add(element.sourceline or 0, where, element.text or "", str(error))


def parse_camt(data: bytes, file_name: str) -> ParsedFile:
    root = parse_xml(data, file_name)
    message, kind = message_element(root)
    if kind == "camt052":
        raise refuse_file(file_name, _(CAMT052_REFUSED))
    if message is None:
        raise refuse_file(file_name, _("not an ISO 20022 camt.053 or camt.054 document"))
    errors = FileErrors(file_name)
    statements = []
    notes: Counter = Counter()
    sent = _created(find(message, "GrpHdr"))
    for element in kids(message, "Stmt" if kind == "camt053" else "Ntfctn"):
        account = find(element, "Acct")
        statement = Statement(
            account=(text(account, "Id", "IBAN") or text(account, "Id", "Othr", "Id")).replace(" ", ""),
            statement_ref=text(element, "Id"),
            currency=text(account, "Ccy"),
        )
        period = find(element, "FrToDt")
        for attribute, name in (("period_start", "FrDtTm"), ("period_end", "ToDtTm")):
            value = text(period, name) or text(period, name[:2] + "Dt")
            if value:
                try:
                    setattr(statement, attribute, date.fromisoformat(value[:10]))
                except ValueError:
                    errors.add(period.sourceline or 0, xml_path(period) + "/" + name, value, _("not a date"))
        _balances(element, statement, errors)
        if kind == "camt054":
            created, dated_by = _created(element) or sent, "dated by creation"
        else:  # a one-day statement whose entries give no date (a Lithuanian bank's): its day
            created = statement.period_end or _closing_day(element) or _created(element) or sent
            dated_by = "dated by statement"
        for entry in kids(element, "Ntry"):
            statement.lines.extend(_entry_lines(entry, statement, errors, created, notes, dated_by))
        statements.append(statement)
    _no_currency(message, errors)
    errors.raise_if_any()
    if not statements:
        raise refuse_file(file_name, _("the document holds no statement"))
    warnings = []
    if notes["not booked"]:
        warnings.append(
            ngettext(
                "%(count)s entry not booked yet (pending or for information) was left out",
                "%(count)s entries not booked yet (pending or for information) were left out",
                notes["not booked"],
            )
            % {"count": notes["not booked"]}
        )
    if notes["dated by creation"]:
        warnings.append(
            ngettext(
                "%(count)s entry gave no booking date: dated by the day the notification was created",
                "%(count)s entries gave no booking date: dated by the day the notification was created",
                notes["dated by creation"],
            )
            % {"count": notes["dated by creation"]}
        )
    if notes["dated by statement"]:
        warnings.append(
            ngettext(
                "%(count)s entry gave no booking date: dated by the statement's day",
                "%(count)s entries gave no booking date: dated by the statement's day",
                notes["dated by statement"],
            )
            % {"count": notes["dated by statement"]}
        )
    return ParsedFile(format=kind, statements=statements, warnings=warnings)
