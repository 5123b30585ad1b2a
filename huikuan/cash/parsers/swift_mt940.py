"""SWIFT MT940 through the ``mt-940`` library, with the usual dialects of the ``:86:`` field.

- German GVC: ``166?00GUTSCHRIFT?20EREF+…?21SVWZ+…?30BIC?31IBAN?32NAME?33NAME``
- Polish (mBank): ``…; Z RACH.: account; OD: NAME; TYT.: title; TNR: …``
- Sberbank's non-standard ``:NS:`` fields (15/16 name, 33/34 account, 17 reference)
- ABN AMRO: ``GIRO 428428 NAME …`` or ``52.89.39.882 NAME`` before the description
- SWIFT-structured codes (ING, Rabobank, many Chinese banks' MT940):
  ``/ORDP//NAME/…/REMI/USTD//…/``, ``/CNTP/account/BIC/name/city/``, ``/ORDP/NAME/REMI/…``
- Triodos: the German subfields with ``>`` instead of ``?`` (``000>100987654321>20…>31…``); BRD
  (Romania) with ``+`` (``000+20Plata+30302410000+31RO89RZBR…+32NAME+33/``)
- Knab: ``REK: NL65INGB0123456789/NAAM: PICQER``; PostFinance: ``AUFTRAGGEBER: … MITTEILUNGEN: …``
- ASN, SNS and the old Rabobank format: the other party's account as the ``:61:`` reference
  and its name on the ``:61:`` second line (``…NIOB0987654321`` / ``marechal s``), or the
  account then the name opening the ``:86:``

A file may hold several messages (statements): each ends with a ``-`` line (``-}`` with the
SWIFT blocks ``{1:…}{2:…}{4:`` … ``-}{5:}``) or a new ``:20:`` starts the next one. A
``:86:`` after the closing balance speaks of the whole statement, not of its last line.
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from datetime import date
from decimal import Decimal

import mt940
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

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

# The German subfields: ``?`` before each number, ``>`` (Triodos), or ``+`` (BRD Romania:
# ``000+20Plata+30302410000+31RO89RZBR…+32RUSSMEDIA PRESS SRL``); a Polish bank leaves the
# transaction code out (``>20Usługi księgowe>31491050…>32BOOKING GROUP``).
_GVC = re.compile(r"^(?:\d{3}([?>]|\+(?=\d\d))|([?>])(?=\d\d))")
_SEPA_KEY_NAMES = "EREF KREF MREF CRED DEBT SVWZ ABWA ABWE COAM OAMT IBAN BIC".split()
_SEPA_KEYS = re.compile(r"(" + "|".join(_SEPA_KEY_NAMES) + r")\+")
# ``GIRO 428428 NAME``, ``52.89.39.882 NAME`` (ABN AMRO), ``NL47INGB9999999999 name`` or
# ``0987654321 name`` (ASN, SNS, ING): an account, then the name to the end of the first line.
_ACCOUNT_FIRST = re.compile(
    r"^(?:GIRO\s+(\d+)|(\d{2}\.\d{2}\.\d{2}\.\d{3})|([A-Z]{2}\d{2}[A-Z0-9]{10,30})|(\d{9,10}))"
    r"[ ]+(\S.*?)(?:\s{2,}|\t|\n|$)"
)
_IBAN = re.compile(r"[A-Z]{2}\d{2}[A-Z0-9]{10,30}")
_BIC = re.compile(r"[A-Z]{6}[A-Z0-9]{2}(?:[A-Z0-9]{3})?")
_IBAN_OR_ACCOUNT = re.compile(r"[A-Z]{2}\d{2}[A-Z0-9]{10,30}|\d{9,10}|P\d{6,9}")
# Penta (solarisBank): ``999TYPE:purpose:name:IBAN[:more]``, the purpose free to hold colons.
_PENTA = re.compile(r"^999[A-Z_]+:(.*):([^:]*):([A-Z]{2}\d{2}[A-Z0-9]{10,30})(?::([^:]*))?$", re.S)
# One item a line, each after a '/' (Komercijalna Banka Skopje): ``/ORDP/account``, then
# ``/name``, ``/model//reference number`` and ``/purpose``.
_PARTY_LINES = re.compile(r"^/(?:ORDP|BENM)/([A-Z0-9]{5,34})\s*$")
# Knab: 'REK: account/NAAM: name', or a card payment's 'NAAM: name' alone, on the last line.
_KNAB = re.compile(r"(?:\bREK:\s*([A-Z0-9 ]+?)\s*/\s*|^|\n)NAAM:\s*(.+?)\s*$", re.S)
_SWISS = re.compile(
    r"\b(?:AUFTRAGGEBER|BEGUENSTIGTER|ZAHLUNGSEMPFAENGER):\s*(.+?)\s*(?:MITTEILUNGEN:|$)", re.S
)
# mBank: the name, then two spaces before the address ('OD: JAN NOWAK  UL. NIJAKA 1 …').
_MBANK_NAME = re.compile(r"\b(?:OD|DLA):[ \t]*([^;\n]+?)(?=[ \t]{2,}|[ \t]*(?:;|\n|$))")
# PostFinance writes the party's address after its name ('JANE DOE EXAMPLESTRASSE 10 1234 XXXX
# 131209CH98765432'): the name ends before the street, a word in a street's ending or the word
# before the first house number.
_STREET_WORD = re.compile(
    r"(?i)\S*(?:STRASSE|STRAẞE|STRAßE|STR\.|WEG|GASSE|PLATZ|ALLEE|RUE|AVENUE|CHEMIN|ROUTE|VIA)$"
)
_HOUSE_NUMBER = re.compile(r"\d{1,4}[A-Za-z]?")
_MBANK_ACCOUNT = re.compile(r"\b(?:Z RACH|DO RACH|NA RACH)\.:\s*([\d ]+)")
_MBANK_TITLE = re.compile(r"\bTYT\.:\s*([^;]+)")


# Words that any Chinese bank's statement text holds, to tell GB18030 from ISO-8859-2 (both
# decode nearly any bytes).
_CHINESE_WORDS = ("公司", "有限", "货款", "转账", "汇款", "付款", "收款", "银行", "费", "发票", "合同")
_STRUCTURED = re.compile(
    r"/(EREF|ORDP|BENM|REMI|CNTP|IBAN|NAME|ADDR|BIC|ID|MARF|CSID|RTRN|PURP|TRCD|ULTC|ULTD|ULTB|ACCW|BYOR|BUSP|INFO"
    r"|ISDT|PREF|SVCL|CDTRREFTP|CDTRREF|CD|TP|ISSR|RTRN|OCMT|CHGS|EXCH|TRTP|BBAN)/"
)


# Single-byte code pages of the banks that do not write UTF-8, the first preferred on a tie:
# ISO-8859-2 (mBank), Windows-1250 and DOS 852 (Raiffeisen, other Central European banks).
_CODE_PAGES = ("iso-8859-2", "cp1250", "cp852")


def _plausibility(text: str) -> int:
    """How much a decoding reads as text: letters beside letters count, control characters and
    box drawing (what a wrong code page makes of accented letters) count against."""
    score = 0
    for index, char in enumerate(text):
        if ord(char) < 128:
            continue
        if unicodedata.category(char).startswith("L"):
            before = text[index - 1] if index else " "
            after = text[index + 1] if index + 1 < len(text) else " "
            score += 1 if before.isalpha() or after.isalpha() else 0
        else:
            score -= 3
    return score


def decode(data: bytes) -> str:
    """UTF-8 when it is; GB18030 when that reads as Chinese (Chinese banks' MT940); else the
    single-byte code page whose letters read best (ISO-8859-2 on a tie)."""
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
    decoded = [data.decode(page, errors="replace") for page in _CODE_PAGES]
    return max(decoded, key=_plausibility)  # max keeps the first of equal scores


def _structured(details: str) -> tuple[str, str, str, str] | None:
    """Name, account, remittance text and end-to-end reference of a SWIFT-structured ``:86:``
    (``/CODE/value`` fields), or None when the text is not in that form."""
    flat = details.replace("\r", "").replace("\n", "")
    parts = _STRUCTURED.split(flat)
    if len(parts) < 3 or parts[0].strip() not in ("", "/"):
        return None
    fields: dict[str, list[str]] = {}
    for code, value in zip(parts[1::2], parts[2::2], strict=False):
        fields.setdefault(code, []).append(value.strip("/").strip())
    if not ({"ORDP", "CNTP", "REMI", "BENM", "EREF", "PREF"} & fields.keys()):
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
        account = (
            fields.get("IBAN") or fields.get("BBAN") or fields.get("ACCW") or fields.get("ID") or [""]
        )[0]
        account = account.split(",")[0]  # Rabobank's /ACCW/IBAN,BIC
    remi = " ".join(fields.get("REMI", []))
    # The text keeps its slashes (INV/2024/0042, 22/07/2010); '//' only parts its lines.
    remi = re.sub(r"/{2,}", " ", re.sub(r"^(USTD|STRD)//?(CUR//?)?", "", remi))
    remi = " ".join(v for v in (remi, *fields.get("CDTRREF", [])) if v) or " ".join(fields.get("PREF", []))
    end_to_end = reference(" ".join(fields.get("EREF", [])))
    memo = " ".join(v for v in (remi, end_to_end) if v)
    return clean_text(name), clean_text(account).replace(" ", ""), clean_text(memo), end_to_end


# The SWIFT blocks around a message's text: ``{1:F01…}{2:O940…}{3:…}{4:`` before, ``-}{5:…}`` after.
_BLOCKS_BEFORE = re.compile(r"^\s*\{1:[^}]*\}(?:\{2:[^}]*\})?(?:\{3:(?:\{[^}]*\})*\})?(?:\{4:)?")
_MESSAGE_END = re.compile(r"^-(?:\}.*|[A-Z]{0,4})\s*$|^\{5:.*\}\s*$|^\s*-\s*$")
_TAG = re.compile(r"^:(\d\d[A-Z]?|NS):")
_BALANCE_TAGS = {"60F", "60M", "62F", "62M"}


def _messages(text: str) -> list[tuple[int, list[tuple[int, str]]]]:
    """Each message's first line number and its (line number, line) pairs.

    A message ends at a ``-`` line (``-}`` / ``-}{5:…}`` with SWIFT blocks), and a ``:20:``
    after the message's balances or lines starts the next one (files that only leave a blank
    line between statements, or nothing). The SWIFT blocks are taken off, and a ``:86:`` after
    the closing balance (the bank's word on the whole statement) is left out, and so are the
    available and forward balances (``:64:``, ``:65:``).
    """
    messages: list[tuple[int, list[tuple[int, str]]]] = []
    current: list[tuple[int, str]] = []
    started = skipping = False

    def close() -> None:
        nonlocal current, started, skipping
        if any(_TAG.match(line) for _, line in current):
            messages.append((current[0][0], current))
        current, started, skipping = [], False, False

    raw_lines = text.splitlines()
    for number, raw in enumerate(raw_lines, start=1):
        line = _BLOCKS_BEFORE.sub("", raw)
        if _MESSAGE_END.match(line):
            if line.strip() == "-" and _dash_in_text(current, raw_lines[number:]):
                current.append((number, line))
                continue
            close()
            continue
        tag = _TAG.match(line)
        if tag and tag.group(1) == "20" and started:
            close()
        if tag:
            started = started or tag.group(1) in ("61", *_BALANCE_TAGS)
            # Left out: the statement's own :86:, and the available and forward balances
            # (:64:, :65:), which nothing here reads and some banks fill with anything.
            skipping = (tag.group(1) == "86" and _after_closing(current)) or tag.group(1)[:2] in ("64", "65")
        if skipping:
            continue
        if line.strip() or current:
            current.append((number, line))
    close()
    return messages


def _dash_in_text(lines: list[tuple[int, str]], after: list[str]) -> bool:
    """Whether a line of a lone ``-`` is the text of a ``:61:`` or ``:86:`` field wrapped at
    a dash, not the end of the message: the message has not reached its closing balance and
    goes on with its own fields (Rabobank: ``…Arrap xxxxx yyyyyyyyyyy -`` then ``-`` then
    ``:62F:``; ING: ``/MARF/MND`` then ``-`` then ``EV01//CSID/…``)."""
    last = next((tag.group(1) for _number, line in reversed(lines) if (tag := _TAG.match(line))), "")
    if last not in ("61", "86"):
        return False
    following = next((line for line in after if line.strip()), "")
    return bool(following) and not following.startswith(("{", ":20:", ":940:", "-"))


# Fields of one line (reference, account, statement number, balances): a line after one is the
# field's own text wrapped (ING: ':28C:0000' then '0'), not supplementary details.
_SINGLE_LINE_TAGS = {"20", "21", "25", "28", "28C", *_BALANCE_TAGS}


def _single_line_fields(lines: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """The message's lines with a one-line field's wrapped text joined to the field's line."""
    joined: list[tuple[int, str]] = []
    in_single = False
    for number, line in lines:
        tag = _TAG.match(line)
        if tag:
            in_single = tag.group(1) in _SINGLE_LINE_TAGS
        elif in_single and line.strip() and joined:
            joined[-1] = (joined[-1][0], joined[-1][1].rstrip() + line.strip())
            continue
        joined.append((number, line))
    return joined


# A ``:61:`` is one line and, at most, a second of supplementary details (34x). Its bank
# reference after ``//`` is SWIFT's 16x: where the 16 characters are followed by a '/' on the same
# line, that is the supplementary details (BIL: ``…NONREF          //CIOB220117990193/IACC/D3/``).
_FULL_BANK_REFERENCE = re.compile(r"^(?P<line>.*?//[A-Za-z0-9]{16})(?P<details>/.*)$")
# A ``:61:`` wrapped by hand over more lines (OCA's ING test files: ``…EREF//00000000001`` then
# ``005`` then ``/TRCD/00100/``; ``…//00000000001012`` then ``/`` then ``TRCD/00108/``) is read when
# its lines, put together, are one statement line whose bank reference (up to 16 letters and
# digits) is followed by nothing or by supplementary details that start with '/'.
_WRAPPED_STATEMENT_LINE = re.compile(
    r"^(?P<line>\d{6}(?:\d{4})?R?[DC][A-Z]?[\d,]+[A-Z][A-Z0-9]{3}[^/\n]*?//[A-Za-z0-9]{1,16})(?P<details>/.*)?$"
)
STATEMENT_LINE_WRAPPED = gettext_noop(
    "the :61: field runs over %(count)s lines, where MT940 has two (the line and its supplementary "
    "details), and its lines put together are no statement line"
)


def _fields_of_61(lines: list[tuple[int, str]]) -> list[list[tuple[int, str]]]:
    """The message's lines in fields: a tag's line and the lines up to the next tag."""
    fields: list[list[tuple[int, str]]] = []
    for number, line in lines:
        if _TAG.match(line) or line.strip() == ":" or not fields:  # (':' then '86:…': a tag wrapped)
            fields.append([(number, line)])
        else:
            fields[-1].append((number, line))
    return fields


def _split_bank_references(lines: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """The lines with a ``:61:``'s supplementary details written after a full bank reference on
    the same line (BIL) put on a line of their own, where MT940 has them."""
    fixed: list[tuple[int, str]] = []
    for field in _fields_of_61(lines):
        number, first = field[0]
        split = _FULL_BANK_REFERENCE.match(first.rstrip()) if first[:4] == ":61:" else None
        if split and not any(line.strip() for _number, line in field[1:]):
            fixed.extend([(number, split.group("line")), (number, split.group("details")), *field[1:]])
        else:
            fixed.extend(field)
    return fixed


def _hand_wrapped_statement_lines(
    lines: list[tuple[int, str]],
) -> tuple[list[tuple[int, str]] | None, tuple[int, str, str] | None]:
    """For a message the library cannot read: its lines with each ``:61:`` wrapped over more than
    two lines put back together as its line and its supplementary details, or the first such
    ``:61:`` that puts together into no statement line (its line, text and the reason); (None,
    None) when no ``:61:`` runs over more than two lines."""
    fixed: list[tuple[int, str]] = []
    wrapped = False
    for field in _fields_of_61(lines):
        first_number, first = field[0]
        more = [(number, line.strip()) for number, line in field[1:] if line.strip()]
        if first[:4] != ":61:" or len(more) <= 1:
            fixed.extend(field)
            continue
        wrapped = True
        value = first[4:].strip() + "".join(line for _number, line in more)
        whole = _WRAPPED_STATEMENT_LINE.match(value)
        if whole is None:
            return None, (first_number, value[:40], _(STATEMENT_LINE_WRAPPED) % {"count": len(more) + 1})
        fixed.append((first_number, ":61:" + whole.group("line")))
        if whole.group("details"):
            fixed.append((more[0][0], whole.group("details")))
    return (fixed if wrapped else None), None


def _details_texts(lines: list[tuple[int, str]]) -> list[str]:
    """The ``:86:`` text of each ``:61:`` line, as the file has it: its lines with their spaces
    (``Ref. `` then ``38A15313…`` are two words) and a line of a lone ``-``; several ``:86:``
    to one ``:61:`` are one text, a line each (the old Rabobank format)."""
    texts: list[list[str]] = []
    in_details = False
    for _number, line in lines:
        tag = _TAG.match(line)
        if tag:
            code = tag.group(1)
            if code == "61":
                texts.append([])
            in_details = code == "86" and bool(texts)
            if in_details:
                texts[-1].append(line[tag.end() :])
        elif in_details:
            texts[-1].append(line)
    return ["\n".join(_unwrapped(parts)) for parts in texts]


# SWIFT's line of a field's text: 65 characters. A line that fills it and ends in the middle
# of a word goes on with the next line (SNS: '…4XZJ4Z   M' then 'CC:5411', a merchant code;
# Rabobank: '/REMI/Ke' then 'nmerk'): the two are one word.
_LINE_WIDTH = 65


# Where a line ends and the next begins with two things that are never one word, the break
# parts them, whatever the line's width: a whole date, then a time (Knab: '…14-09-2016' then
# '12:32 PAS: 1122'), or a name, then a street written the Polish way ('>32OFFICE GROUP' then
# 'UL. SPOKOJNA 3'). Elsewhere a line that ends short may still have cut a word or an account
# number in two (Knab: '…/BIC/SXPYDEHHXX' then 'X/NAME/…', a Polish bank: '…>315910902053000000'
# then '016768736>32…'), so the lines are joined as the file has them.
_WHOLE_DATE_AT_END = re.compile(r"(?<![\w./-])(?:\d{2}([-./])\d{2}\1\d{4}|\d{4}-\d{2}-\d{2})$")
_TIME_AT_START = re.compile(r"^\d{2}:\d{2}(?::\d{2})?(?![\w:])")
_STREET_AT_START = re.compile(r"^(?:UL|AL|OS|PL)\.\s")


def _words_apart(previous: str, line: str) -> bool:
    """Whether the break between two lines of a field's text parts two words for sure."""
    return bool(
        (_WHOLE_DATE_AT_END.search(previous) and _TIME_AT_START.match(line))
        or (previous[-1:].isalpha() and _STREET_AT_START.match(line))
    )


def _unwrapped(lines: list[str]) -> list[str]:
    """The lines of a field's text, each line cut at the full width joined to the next one, and
    a line that ends where the next one's word surely starts given the space the break stood for."""
    unwrapped: list[str] = []
    last = ""  # the line before, as the file has it: its own width, not that of the lines joined
    for line in lines:
        previous = unwrapped[-1] if unwrapped else ""
        if previous and _words_apart(previous, line):
            unwrapped[-1] = previous + " "
            unwrapped.append(line)
        elif len(last) >= _LINE_WIDTH and not last[-1].isspace() and line[:1].strip():
            unwrapped[-1] = previous + line
        else:
            unwrapped.append(line)
        last = line
    return unwrapped


def _after_closing(lines: list[tuple[int, str]]) -> bool:
    """Whether the last field tag so far is a closing or forward balance (``:62:``, ``:64:``, ``:65:``)."""
    for _number, line in reversed(lines):
        tag = _TAG.match(line)
        if tag:
            return tag.group(1) in ("62F", "62M")
    return False


# Where the amount of a balance and of a ``:61:`` line starts: after the date (and a balance's
# currency), or the ``:61:`` dates, debit/credit mark and funds code; the amount is what follows
# up to the next letter. SWIFT writes it with one decimal comma (``1234,56``, ``100,``).
_BALANCE_AMOUNT = re.compile(r"\s*[CD]\d{6}[A-Z]{3}")
_LINE_AMOUNT = re.compile(r"\s*\d{6}(?:\d{4}|\s{4})?[A-Z]?[DC](?:[A-Z](?=[\d,.]|\s*$))?")
_AMOUNT_TEXT = re.compile(r"[^A-Za-z\n/]*")
# (Zeros before the digits are no digits of the amount: a Turkish bank writes a zero balance
# as 0000000000000000,00.)
_SWIFT_AMOUNT = re.compile(r"0*\d{1,15}(?:,\d*)?|,\d{1,15}")


def _bad_fields(lines: list[tuple[int, str]], errors: FileErrors) -> bool:
    """Dates that no calendar has and amounts that are no number, in balances and ``:61:``
    lines, each with its line; February's 29th–31st are read as its last day, as German banks
    date month-end interest."""
    found = False
    for number, line in lines:
        tag = _TAG.match(line)
        if not tag:
            continue
        code = tag.group(1)
        value = line[tag.end() :]
        matched = None
        if code in _BALANCE_TAGS:
            matched = re.match(r"\s*[CD](\d\d)(\d\d)(\d\d)", value)
        elif code == "61":
            matched = re.match(r"\s*(\d\d)(\d\d)(\d\d)", value)
        if not matched:
            continue
        year, month, day = (int(part) for part in matched.groups())
        last = calendar.monthrange(2000 + year, month)[1] if 1 <= month <= 12 else 0
        if not 1 <= month <= 12 or day < 1 or (day > last and month != 2) or day > 31:
            errors.add(number, f":{code}:", value.strip()[:40], _("not a date"))
            found = True
            continue
        before = (_BALANCE_AMOUNT if code in _BALANCE_TAGS else _LINE_AMOUNT).match(value)
        if before is None or not value[before.end() :].strip():
            continue  # the library says what else is wrong (or the amount is on the next line)
        amount = _AMOUNT_TEXT.match(value, before.end()).group(0).strip()
        if not _SWIFT_AMOUNT.fullmatch(amount):
            shown = amount or value[before.end() :].strip()[:20]
            reason = _(
                "the amount is not a number: MT940 writes amounts with one decimal comma, as in 1234,56"
            )
            errors.add(number, f":{code}:", shown, reason)
            found = True
    return found


_BALANCE_WITHOUT_CURRENCY = re.compile(r"(\s*[CD]\d{6})(?=[\d,])")


def _balance_currencies(lines: list[tuple[int, str]], errors: FileErrors) -> list[tuple[int, str]] | None:
    """The balances with their currency: one that leaves it out (``:62M:C020315105000,00``) takes
    the currency the message's other balances state; without one, the message is refused at that
    line (the library would read the amount's first digits as the currency)."""
    stated = set()
    for _number, line in lines:
        tag = _TAG.match(line)
        if tag and tag.group(1) in _BALANCE_TAGS:
            found = re.match(r"\s*[CD]\d{6}([A-Z]{3})", line[tag.end() :])
            if found:
                stated.add(found.group(1))
    fixed = []
    for number, line in lines:
        tag = _TAG.match(line)
        if tag and tag.group(1) in _BALANCE_TAGS and _BALANCE_WITHOUT_CURRENCY.match(line[tag.end() :]):
            if len(stated) != 1:
                value = line[tag.end() :].strip()[:40]
                errors.add(number, f":{tag.group(1)}:", value, _("the balance states no currency"))
                return None
            (currency,) = stated
            value = _BALANCE_WITHOUT_CURRENCY.sub(r"\g<1>" + currency, line[tag.end() :], count=1)
            line = line[: tag.end()] + value
        fixed.append((number, line))
    return fixed


def _gvc(details: str, separator: str) -> tuple[str, str, str]:
    """Name, account and purpose text of a German GVC ``:86:`` (``?20…``; Triodos: ``>20…``)."""
    flat = details.replace("\r", "").replace("\n", "")
    # ('+' parts subfields only where no SEPA key stands before it: 'EREF+20…' is text.)
    before = "".join(f"(?<!{key})" for key in _SEPA_KEY_NAMES) if separator == "+" else ""
    parts = re.split(before + re.escape(separator) + r"(\d\d)", flat)
    fields: dict[str, str] = {}
    for code, value in zip(parts[1::2], parts[2::2], strict=False):
        fields[code] = fields.get(code, "") + value
    # Triodos ('>'): >10 is the other party's account and >31 the statement's own; a SEPA
    # payment gives the other party's BIC in >20 and IBAN in >21, and >10 is all zeros.
    triodos_account = ""
    purpose_codes = [*range(20, 30), *range(60, 64)]
    if separator == ">":
        if _BIC.fullmatch(fields.get("20", "").strip()) and _IBAN.fullmatch(fields.get("21", "").strip()):
            triodos_account = fields["21"].strip()
            purpose_codes = purpose_codes[2:]
        elif fields.get("10", "").strip("0 ").isdigit():
            triodos_account = fields["10"].strip()
    previous = ""
    # Subfields of 27 characters are one text wrapped; a shorter one ends its own item.
    purpose = ""
    for value in (fields.get(f"{n}", "") for n in purpose_codes):
        if value:
            purpose += ("" if not purpose or len(previous) >= 27 else " ") + value
            previous = value
    purpose = _SEPA_KEYS.sub(lambda m: f" {m.group(1)}+", purpose).strip() or fields.get("00", "")
    name, more = fields.get("32", ""), fields.get("33", "")
    name = clean_text(name + ("" if len(name) >= 27 else " ") + more).strip(" /")
    account = fields.get("38", "") or fields.get("31", "")  # ?38: the IBAN (Polish banks)
    if separator == ">" and "10" in fields:  # Triodos: >31 is the statement's own account
        account = triodos_account
    return name, clean_text(account).replace(" ", ""), clean_text(purpose)


def _name_before_address(text: str) -> str:
    """A party's name without the address written after it (PostFinance)."""
    words = text.split()
    for index, word in enumerate(words):
        if index >= 1 and _STREET_WORD.match(word):
            return " ".join(words[:index])
        if index >= 2 and _HOUSE_NUMBER.fullmatch(word):
            return " ".join(words[: index - 1])
    return text


# Words of the old ING (and ABN AMRO) details that say what kind of payment it is, not whose.
_BOOKING_WORDS = {"SPOEDBETALING", "OVERBOEKING", "ACCEPTGIRO", "INCASSO", "BETALING", "STORTING"}


def _old_ing_name(name: str) -> str:
    """The other party's name from the words after the account in old ING, ABN AMRO, ASN and SNS
    details: up to a word holding a reference's digits ('GPPeking 170000001AC'), without a word
    saying what kind of payment it is ('GPSEOUL SPOEDBETALING'). A transaction code where the
    name would be (ING: '0111111111 EJ46GREENP100610T1456') and an iDEAL payment's reference
    ('ING iDEAL KN: TMG TANGO TRANSACTIENR …') are no name."""
    words = name.split()
    if "KN:" in words:
        return ""
    kept: list[str] = []
    for word in words:
        if len(re.findall(r"\d", word)) >= 3:
            break
        kept.append(word)
    while kept and kept[-1].upper() in _BOOKING_WORDS:
        kept.pop()
    return " ".join(kept)


def _payer(details: str, transaction: dict) -> tuple[str, str, str, str]:
    """(name, account, memo, reference) found in the details, whichever dialect they are in."""
    gvc = _GVC.match(details.replace("\r", "").replace("\n", "").strip())
    if gvc:
        name, account, memo = _gvc(details, gvc.group(1) or gvc.group(2))
        return name, account, memo, ""
    if "non_swift_15" in transaction or "non_swift_17" in transaction:  # Sberbank :NS:
        name = clean_text(transaction.get("non_swift_15", "") + transaction.get("non_swift_16", ""))
        account = "-".join(v for v in (transaction.get("non_swift_33"), transaction.get("non_swift_34")) if v)
        memo = clean_text(transaction.get("non_swift_text", ""))
        found = reference(transaction.get("non_swift_17", ""))
        return name, account, memo, found if re.search(r"\d", found) else ""  # else a booking text
    penta = _PENTA.match(" ".join(details.replace("\r", "").split("\n")).strip())
    if penta:
        purpose, name, account, more = penta.groups()
        return clean_text(name), account, clean_text(f"{purpose} {more or ''}"), ""
    party_lines = [line.strip() for line in details.replace("\r", "").split("\n") if line.strip()]
    if (
        len(party_lines) >= 3
        and _PARTY_LINES.match(party_lines[0])
        and all(line.startswith("/") and not _STRUCTURED.match(line) for line in party_lines[1:])
    ):
        references = [part for part in party_lines[2].split("/") if part.strip("0 ") and part != "EMPTY"]
        memo = " ".join([*(line[1:] for line in party_lines[3:]), *references])
        return (
            clean_text(party_lines[1][1:]),
            _PARTY_LINES.match(party_lines[0]).group(1),
            clean_text(memo),
            "",
        )
    structured = _structured(details)
    if structured is not None:
        name, account, memo, end_to_end = structured
        return name, account, memo or clean_text(details), end_to_end
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
    knab = _KNAB.search(details)
    if knab:
        return clean_text(knab.group(2)), (knab.group(1) or "").replace(" ", ""), memo, ""
    swiss = _SWISS.search(details)
    if swiss:
        return _name_before_address(clean_text(swiss.group(1))), "", memo, ""
    first = _ACCOUNT_FIRST.match(details.strip(" "))
    if first:
        account = next(group for group in first.groups()[:4] if group)
        return _old_ing_name(clean_text(first.group(5))), account.replace(".", ""), memo, ""
    return "", "", memo, ""


def _non_swift_text(values: dict) -> str:
    """The text of a ``:NS:`` field that is not in Sberbank's layout (a-fas/mt940js: ``01My Street
    17``, ``02City and Region``, ``03Invoice Nr. 12345``): each line without its two-digit number,
    a line without one as it is. Sberbank's are read as its layout (name, account, reference)."""
    if "non_swift_15" in values or "non_swift_17" in values:
        return ""
    lines = str(values.get("non_swift") or "").replace("\r", "").split("\n")
    return clean_text(" ".join(re.sub(r"^\d{2}(?=\S)", "", line.strip()) for line in lines))


def _from_statement_line(values: dict) -> tuple[str, str]:
    """The other party as ASN, SNS and the old Rabobank format put it in the ``:61:`` itself:
    its account as the reference and its name (or IBAN) on the supplementary details."""
    own_reference = str(values.get("customer_reference") or "").strip()
    extra = clean_text(values.get("extra_details", ""))
    if _IBAN_OR_ACCOUNT.fullmatch(extra.replace(" ", "")) and extra.strip("0 "):
        return "", extra.replace(" ", "")
    named = bool(re.search(r"[^\W\d_]{2}", extra)) and not extra.startswith("/")
    if _IBAN.fullmatch(own_reference):
        return (extra if named else ""), own_reference
    if _IBAN_OR_ACCOUNT.fullmatch(own_reference) and named:
        return extra, own_reference
    return "", ""


def _own_reference(values: dict, account: str) -> str:
    """The account owner's reference of a ``:61:``, when it can tell one payment from another:
    not the other party's account (ASN, SNS, Rabobank put it there), nor a short code or a word
    that every line of a statement repeats (PostFinance ``01916``, ``KREF+``) — the bank
    reference is what tells a payment seen twice, so it must not be shared by two payments."""
    own = reference(values.get("customer_reference"))
    compact = own.replace(" ", "")
    if not own or compact == account or _IBAN_OR_ACCOUNT.fullmatch(compact):
        return ""
    return own if len(compact) >= 6 and re.search(r"\d", own) else ""


def _account(identification: str, currency: str) -> str:
    """The ``:25:`` account without spaces, and without the currency some banks write after it
    (``NL10BUNQ2290325473 EUR``, ``1291.99.348EUR``), so it reads as in the bank's other formats."""
    account = clean_text(identification).replace(" ", "").strip("/")  # Raiffeisen: //AT39364/12345678912/EUR
    if currency and account.endswith("/" + currency):
        return account[: -len(currency) - 1]
    if currency and account.endswith(currency) and account[: -len(currency)][-1:].isdigit():
        return account[: -len(currency)]
    return account


def _balance(value) -> tuple[Decimal | None, str, date | None]:
    if value is None:
        return None, "", None
    amount = value.amount
    return Decimal(str(amount.amount)), amount.currency or "", getattr(value, "date", None)


class _OwnLine:
    """A ``:61:`` always opens a line of its own. The library merges a ``:61:`` without a
    transaction type code (``…1130CN220000,00//…`` from Zenith Bank, no ``NTRF``) into the line
    before it, so that all but the last of such lines were lost."""

    def __call__(self, transactions, value):
        data = super().__call__(transactions, value)
        data["id"] = data.get("id") or "NONE"
        return data


# (The library finds a tag's processors by the capitalised words of its class name: "statement".)
class _StatementSWIFT(_OwnLine, mt940.tags.Statement):
    pass


class _StatementGLS(_OwnLine, mt940.tags.StatementGLS):
    pass


class _StatementASNB(_OwnLine, mt940.tags.StatementASNB):
    pass


# The ``:61:`` patterns tried in turn: the standard one, then the library's variants for
# references longer than SWIFT's 16 characters (GLS/Atruvia; ASN's IBAN as the reference).
_STATEMENT_LINE_TAGS = (_StatementSWIFT(), _StatementGLS(), _StatementASNB())


def _transactions(body: str):
    # Without the GVC post-processor: the raw :86: text is read by the dialects above.
    first_error = None
    for statement_tag in _STATEMENT_LINE_TAGS:
        tags = {statement_tag.id: statement_tag}
        transactions = mt940.models.Transactions(processors={"post_transaction_details": []}, tags=tags)
        try:
            transactions.parse(body)
        except Exception as error:  # the library's errors are the file's
            first_error = first_error or error
            continue
        return transactions
    raise first_error


def _where_failed(error: Exception, lines: list[tuple[int, str]]) -> tuple[int, str]:
    """The line and a plain reason for an error of the library, which names the field's text."""
    args = getattr(error, "args", ())
    if len(args) == 3 and isinstance(args[2], str):
        tag = getattr(args[1], "id", "")
        first = args[2].strip().splitlines()[0] if args[2].strip() else ""
        for number, line in lines:
            if line.startswith(f":{tag}") and first and first in line:
                reason = _("the :%(tag)s: field cannot be read: %(text)s")
                return number, reason % {"tag": tag, "text": first[:60]}
    return lines[0][0], str(error)


_AT_AT_LINES = re.compile(r"@@:(20|25|28C?|60[FM]|61|86):")
MT942_REFUSED = gettext_noop(
    "an MT942 intraday report, not a statement: import the day's MT940 statement (or camt.053) instead"
)
# An MT942 (interim transaction report): its message type in the SWIFT application header, or its
# floor limit (:34F:) and date-time (:13D:) fields where a statement has an opening balance.
_MT942_HEADER = re.compile(r"\{2:[IO]942")
_MT942_TAGS = re.compile(r"(?m)^:(34F|13D):")
_OPENING_BALANCE = re.compile(r"(?m)^:60[FM]:")


def _intraday_line(text: str) -> int:
    """The line that shows the file is an MT942 intraday report, or 0."""
    found = _MT942_HEADER.search(text)
    if found is None and not _OPENING_BALANCE.search(text):
        found = _MT942_TAGS.search(text)
    return text.count("\n", 0, found.start()) + 1 if found else 0


def parse_mt940(data: bytes, file_name: str) -> ParsedFile:
    text = decode(data).replace("\x1a", "").replace("\x00", "")  # DOS end-of-file mark, padding
    if _AT_AT_LINES.search(text):  # FinTS (HBCI) banks part the lines by '@@'
        text = text.replace("@@", "\n")
    if ":61:" not in text and ":20:" not in text and ":25:" not in text:
        raise refuse_file(file_name, _("not an MT940 statement (no :20: or :61: field)"))
    if intraday := _intraday_line(text):
        raise refuse_file(file_name, _(MT942_REFUSED), line=intraday)
    errors = FileErrors(file_name)
    statements: list[Statement] = []
    going_on: Statement | None = None  # the statement whose page closed with an intermediate balance
    for first_line, message_lines in _messages(text):
        lines = _single_line_fields(message_lines)
        tags = [(number, _TAG.match(line).group(1)) for number, line in lines if _TAG.match(line)]
        if not any(code in ("25", "61", *_BALANCE_TAGS) for _, code in tags):
            continue  # a header or a lone :20:, no statement
        accounts = [number for number, code in tags if code == "25"]
        if len(accounts) > 1:
            reason = _("a second account (:25:) in one statement: a field tag is wrong")
            errors.add(accounts[1], ":25:", "", reason)
            continue
        if _bad_fields(lines, errors):
            continue
        lines = _balance_currencies(lines, errors)
        if lines is None:
            continue
        lines = _split_bank_references(lines)
        if not accounts:
            first = next(number for number, code in tags if code in ("61", *_BALANCE_TAGS))
            errors.add(first, "", "", _("no account (:25:) before it: not a whole MT940 statement"))
            continue
        # A statement number the bank left blank (Zenith Bank ':28C: /1') is no reason to refuse
        # the statement: the library is not given it, and the text is kept as the statement's.
        numbers = [
            line[tag.end() :].strip()
            for _, line in lines
            if (tag := _TAG.match(line)) and tag.group(1)[:2] == "28"
        ]
        blank_number = bool(numbers) and not re.fullmatch(r"\d{1,5}(?:/\d{1,5})?", numbers[0])

        def body_of(lines: list[tuple[int, str]], blank_number: bool = blank_number) -> str:
            return "\n".join(line for _, line in lines if not (blank_number and line.startswith(":28")))

        try:
            transactions = _transactions(body_of(lines))
        except Exception as error:  # the library's errors are the file's: say where
            # A :61: wrapped by hand over more lines: read again with it put back together.
            unwrapped, problem = _hand_wrapped_statement_lines(lines)
            if problem is not None:
                errors.add(problem[0], ":61:", problem[1], problem[2])
                continue
            transactions = None
            if unwrapped is not None:
                try:
                    transactions = _transactions(body_of(unwrapped))
                    lines = unwrapped
                except Exception:  # the first error says what is wrong
                    transactions = None
            if transactions is None:
                line, reason = _where_failed(error, lines)
                raise refuse_file(
                    file_name, _("not a readable MT940 message: %(reason)s") % {"reason": reason}, line=line
                ) from None
        header = transactions.data
        opening, currency, start = _balance(
            header.get("final_opening_balance") or header.get("intermediate_opening_balance")
        )
        closing, closing_currency, end = _balance(
            header.get("final_closing_balance") or header.get("intermediate_closing_balance")
        )
        statement = Statement(
            account=_account(header.get("account_identification", ""), currency or closing_currency),
            statement_ref=clean_text(numbers[0])
            if blank_number
            else "/".join(
                str(v) for v in (header.get("statement_number"), header.get("sequence_number")) if v
            ),
            currency=currency or closing_currency,
            opening_balance=opening,
            closing_balance=closing,
            period_start=start,
            period_end=end,
        )
        lines_of_61 = [number for number, code in tags if code == "61"]
        if len(transactions) != len(lines_of_61):  # never import a statement with a line lost
            reason = _("%(read)s of the statement's %(count)s :61: lines could be read") % {
                "read": len(transactions),
                "count": len(lines_of_61),
            }
            errors.add(lines_of_61[0] if lines_of_61 else first_line, ":61:", "", reason)
            continue
        details_texts = _details_texts(lines)
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
            # The :86: as the file has it (the library drops a line's last spaces and a line of
            # a lone '-', both text that a wrapped line can end or start with).
            details = details_texts[index] if index < len(details_texts) else ""
            details = details or values.get("transaction_details") or ""
            name, account, memo, found_ref = _payer(details, values)
            if not name or not account:
                line_name, line_account = _from_statement_line(values)
                name, account = name or line_name, account or line_account
            own = re.sub(r"\W", "", account)
            if not own.strip("0"):
                account = ""  # all zeros (mBank's 'Z RACH.: 000…'): no account
            if len(own) >= 6 and re.sub(r"\W", "", statement.account).endswith(own):
                account = ""  # the statement's own account is not the other party's
            # Text the bank put in a :NS: field of its own, outside Sberbank's layout, is the line's
            # too (it was left out): after the details, as the file has it.
            non_swift = _non_swift_text(values)
            if non_swift and non_swift not in memo:
                memo = f"{memo} {non_swift}".strip()
            extra = clean_text(values.get("extra_details", ""))
            # A bank reference is a number or a code; words after '//' are the booking text
            # (Danske Bank: 'NTRFOverforing med//melding'), which every such line repeats.
            bank_ref = reference(values.get("bank_reference"))
            bank_ref = bank_ref if re.search(r"\d", bank_ref) else ""
            ref = bank_ref or found_ref or _own_reference(values, account)
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
        if statement.lines and not all(line.currency for line in statement.lines):
            reason = _("no currency: no balance (:60F:, :62F:) of the statement states it")
            errors.add(lines_of_61[0], ":61:", "", reason)
            continue
        # A page that opens with the intermediate balance the page before closed with (:62M:
        # then :60M:) goes on with that statement: its lines are counted with the first page's,
        # so that the same payment on two pages is two payments.
        intermediate = "final_opening_balance" not in header and "intermediate_opening_balance" in header
        if (
            intermediate
            and going_on is not None
            and (going_on.account, going_on.currency)
            == (
                statement.account,
                statement.currency,
            )
        ):
            going_on.lines.extend(statement.lines)
            going_on.closing_balance = statement.closing_balance
            going_on.period_end = statement.period_end or going_on.period_end
        else:
            statements.append(statement)
            going_on = statement
        if "final_closing_balance" in header or "intermediate_closing_balance" not in header:
            going_on = None
    errors.raise_if_any()
    if not statements:
        raise refuse_file(file_name, _("the file holds no MT940 statement"))
    return ParsedFile(format="mt940", statements=statements)
