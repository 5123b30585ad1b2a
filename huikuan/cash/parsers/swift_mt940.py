"""SWIFT MT940 through the ``mt-940`` library, with the usual dialects of the ``:86:`` field.

- German GVC: ``166?00GUTSCHRIFT?20EREF+…?21SVWZ+…?30BIC?31IBAN?32NAME?33NAME``
- Polish (mBank): ``…; Z RACH.: account; OD: NAME; TYT.: title; TNR: …``
- Sberbank's non-standard ``:NS:`` fields (15/16 name, 33/34 account, 17 reference)
- ABN AMRO: ``GIRO 428428 NAME …`` or ``52.89.39.882 NAME`` before the description
- SWIFT-structured codes (ING, Rabobank, many Chinese banks' MT940):
  ``/ORDP//NAME/…/REMI/USTD//…/``, ``/CNTP/account/BIC/name/city/``, ``/ORDP/NAME/REMI/…``

A file may hold several messages (statements), each ending with a ``-`` line.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import mt940
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

_GVC = re.compile(r"^\d{3}\?")
_GVC_FIELD = re.compile(r"\?(\d\d)")
_SEPA_KEYS = re.compile(r"(EREF|KREF|MREF|CRED|DEBT|SVWZ|ABWA|ABWE|COAM|OAMT|IBAN|BIC)\+")
_ABN_PAYER = re.compile(r"^(?:GIRO\s+(\d+)|(\d{2}\.\d{2}\.\d{2}\.\d{3}))\s+(.+?)(?:\s{2,}|$)")
_MBANK_NAME = re.compile(r"\b(?:OD|DLA):\s*([^;\n]+)")
_MBANK_ACCOUNT = re.compile(r"\b(?:Z RACH|DO RACH|NA RACH)\.:\s*([\d ]+)")
_MBANK_TITLE = re.compile(r"\bTYT\.:\s*([^;]+)")


# Words that any Chinese bank's statement text holds, to tell GB18030 from ISO-8859-2 (both
# decode nearly any bytes).
_CHINESE_WORDS = ("公司", "有限", "货款", "转账", "汇款", "付款", "收款", "银行", "费", "发票", "合同")
_STRUCTURED = re.compile(
    r"/(EREF|ORDP|BENM|REMI|CNTP|IBAN|NAME|ADDR|BIC|ID|MARF|CSID|RTRN|PURP|TRCD|ULTC|ULTD|ULTB|ACCW|BYOR|BUSP|INFO)/"
)


def decode(data: bytes) -> str:
    """UTF-8 when it is; GB18030 when that reads as Chinese (Chinese banks' MT940); else
    ISO-8859-2 (mBank and other Central European banks)."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        chinese = data.decode("gb18030")
    except UnicodeDecodeError:
        chinese = ""
    if any(word in chinese for word in _CHINESE_WORDS):
        return chinese
    return data.decode("iso-8859-2")


def _structured(details: str) -> tuple[str, str, str] | None:
    """Name, account and remittance text of a SWIFT-structured ``:86:`` (``/CODE/value``
    fields), or None when the text is not in that form."""
    flat = details.replace("\r", "").replace("\n", "")
    parts = _STRUCTURED.split(flat)
    if len(parts) < 3 or parts[0].strip() not in ("", "/"):
        return None
    fields: dict[str, list[str]] = {}
    for code, value in zip(parts[1::2], parts[2::2], strict=False):
        fields.setdefault(code, []).append(value.strip("/").strip())
    if not ({"ORDP", "CNTP", "REMI", "BENM", "EREF"} & fields.keys()):
        return None
    name = account = ""
    if "CNTP" in fields:  # account / BIC / name / city
        cntp = fields["CNTP"][0].split("/")
        account = cntp[0] if cntp else ""
        name = cntp[2] if len(cntp) > 2 else ""
    for party in ("ORDP", "BENM"):
        if party in fields and fields[party][0] and not name:
            name = fields[party][0]  # /ORDP/NAME directly
    if not name and "NAME" in fields:  # /ORDP//NAME/… or /BENM//NAME/…
        name = fields["NAME"][0]
    if not account:
        account = (fields.get("IBAN") or fields.get("ACCW") or fields.get("ID") or [""])[0]
    remi = " ".join(fields.get("REMI", []))
    remi = re.sub(r"^(USTD|STRD)//?(CUR//?)?", "", remi).replace("/", " ")
    memo = " ".join(v for v in (remi, " ".join(fields.get("EREF", []))) if v and v != "NOTPROVIDED")
    return clean_text(name), clean_text(account).replace(" ", ""), clean_text(memo)


def _messages(text: str) -> list[tuple[int, str]]:
    """(first line number, text) of each message: split at lines holding only ``-``."""
    messages, current, start = [], [], 1
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip() == "-":
            messages.append((start, "\n".join(current)))
            current, start = [], number + 1
        else:
            current.append(line)
    messages.append((start, "\n".join(current)))
    return [(first, body) for first, body in messages if ":61:" in body or ":20:" in body]


def _gvc(details: str) -> tuple[str, str, str]:
    """Name, account and purpose text of a German GVC ``:86:``."""
    flat = details.replace("\r", "").replace("\n", "")
    parts = _GVC_FIELD.split(flat)
    fields: dict[str, str] = {}
    for code, value in zip(parts[1::2], parts[2::2], strict=False):
        fields[code] = fields.get(code, "") + value
    purpose = "".join(fields.get(f"{n}", "") for n in [*range(20, 30), *range(60, 64)])
    purpose = _SEPA_KEYS.sub(lambda m: f" {m.group(1)}+", purpose).strip()
    name = clean_text(fields.get("32", "") + fields.get("33", ""))
    return name, clean_text(fields.get("31", "")).replace(" ", ""), clean_text(purpose)


def _payer(details: str, transaction: dict) -> tuple[str, str, str, str]:
    """(name, account, memo, reference) found in the details, whichever dialect they are in."""
    if _GVC.match(details.strip()):
        name, account, memo = _gvc(details)
        return name, account, memo, ""
    if "non_swift_15" in transaction or "non_swift_17" in transaction:  # Sberbank :NS:
        name = clean_text(transaction.get("non_swift_15", "") + transaction.get("non_swift_16", ""))
        account = "-".join(v for v in (transaction.get("non_swift_33"), transaction.get("non_swift_34")) if v)
        memo = clean_text(transaction.get("non_swift_text", ""))
        return name, account, memo, reference(transaction.get("non_swift_17", ""))
    structured = _structured(details)
    if structured is not None:
        name, account, memo = structured
        return name, account, memo or clean_text(details), ""
    memo = clean_text(details)
    if "RACH.:" in details or "TYT.:" in details:  # mBank and other Polish banks
        name = _MBANK_NAME.search(details)
        account = _MBANK_ACCOUNT.search(details.replace("\n", " "))
        title = _MBANK_TITLE.search(details)
        return (
            clean_text(name.group(1)) if name else "",
            account.group(1).replace(" ", "") if account else "",
            clean_text(title.group(1)) + " | " + memo if title else memo,
            "",
        )
    abn = _ABN_PAYER.match(details)
    if abn:
        return clean_text(abn.group(3)), (abn.group(1) or abn.group(2) or "").replace(".", ""), memo, ""
    return "", "", memo, ""


def _balance(value) -> tuple[Decimal | None, str, date | None]:
    if value is None:
        return None, "", None
    amount = value.amount
    return Decimal(str(amount.amount)), amount.currency or "", getattr(value, "date", None)


def _transactions(body: str):
    # Without the GVC post-processor: the raw :86: text is read by the dialects above.
    processors = {"post_transaction_details": []}
    transactions = mt940.models.Transactions(processors=processors)
    transactions.parse(body)
    return transactions


def parse_mt940(data: bytes, file_name: str) -> ParsedFile:
    text = decode(data)
    if ":61:" not in text and ":20:" not in text:
        raise refuse_file(file_name, _("not an MT940 statement (no :20: or :61: field)"))
    errors = FileErrors(file_name)
    statements = []
    for first_line, body in _messages(text):
        try:
            transactions = _transactions(body)
        except Exception as error:  # the library's errors are the file's: say where
            raise refuse_file(
                file_name, _("not a readable MT940 message: %(reason)s") % {"reason": error}, line=first_line
            ) from None
        header = transactions.data
        opening, currency, start = _balance(
            header.get("final_opening_balance") or header.get("intermediate_opening_balance")
        )
        closing, closing_currency, end = _balance(
            header.get("final_closing_balance") or header.get("intermediate_closing_balance")
        )
        statement = Statement(
            account=clean_text(header.get("account_identification", "")).replace(" ", ""),
            statement_ref="/".join(
                str(v) for v in (header.get("statement_number"), header.get("sequence_number")) if v
            ),
            currency=currency or closing_currency,
            opening_balance=opening,
            closing_balance=closing,
            period_start=start,
            period_end=end,
        )
        lines_of_61 = [
            n for n, line in enumerate(body.splitlines(), start=first_line) if line.startswith(":61:")
        ]
        for index, transaction in enumerate(transactions):
            values = transaction.data
            line_number = lines_of_61[index] if index < len(lines_of_61) else first_line
            where = _("line %(line)s") % {"line": line_number}
            try:
                amount = money_amount(str(values["amount"].amount))
                booked = values.get("entry_date") or values.get("date")
                booked = business_date(date(booked.year, booked.month, booked.day))
                valued = values.get("date")
                valued = date(valued.year, valued.month, valued.day) if valued else None
            except (KeyError, ValueError, AttributeError, TypeError) as error:
                errors.add(line_number, ":61:", "", str(error) or _("not a readable :61: line"))
                continue
            # By the :61: mark: D, and RC (a credit reversed: a receipt taken back), are money out;
            # C, and RD (a debit reversed: money back in), money in. (The library signs only D.)
            status = str(values.get("status", "")).upper()
            direction = DEBIT if status in ("D", "RC") or (not status and amount < 0) else CREDIT
            name, account, memo, found_ref = _payer(values.get("transaction_details") or "", values)
            extra = clean_text(values.get("extra_details", ""))
            ref = (
                reference(values.get("bank_reference"))
                or found_ref
                or reference(values.get("customer_reference"))
            )
            if abs(amount) == 0:
                continue
            statement.lines.append(
                StatementLine(
                    booking_date=booked,
                    value_date=valued,
                    amount=abs(amount),
                    currency=values.get("currency") or statement.currency,
                    direction=direction,
                    bank_ref=ref,
                    payer_name=name,
                    payer_account=account,
                    memo=f"{memo} {extra}".strip() if extra and extra not in memo else memo,
                    where=where,
                )
            )
        statements.append(statement)
    errors.raise_if_any()
    if not statements:
        raise refuse_file(file_name, _("the file holds no MT940 statement"))
    return ParsedFile(format="mt940", statements=statements)
