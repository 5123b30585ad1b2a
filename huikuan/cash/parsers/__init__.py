"""Bank statement files → plain records: one module per format, and the detection of the format.

detect_format(data, file_name) -> "camt053" | "camt054" | "mt940" | "bai2" | "ofx" | "csv"
parse_statement_file(path, data, fmt="auto", profile=None, profiles=()) -> ParsedFile
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

from django.utils.translation import gettext as _

from huikuan.cash.parsers.base import (
    FileErrors,
    ParsedFile,
    Statement,
    StatementLine,
    iban_form,
    marked_text,
    refuse_file,
)
from huikuan.cash.parsers.camt import CAMT052_REFUSED
from huikuan.cash.parsers.table import best_profile, parse_table
from huikuan.cash.profiles import Profile

# Field tags that open a line of an MT940 statement (``:\n86:``: a tag some banks wrap).
MT940_TAGS = re.compile(rb"(?m)^:\r?\n?(20|25|28C?|60[FM]|61|62[FM]|86):")
# An MT940 as FinTS (HBCI) banks send it, its lines parted by '@@' instead of line breaks.
AT_AT_LINES = re.compile(rb"@@:(20|25|28C?|60[FM]|61|86):")
FORMATS = ("auto", "camt053", "camt054", "mt940", "bai2", "ofx", "csv")
__all__ = ["FORMATS", "ParsedFile", "Statement", "StatementLine", "detect_format", "parse_statement_file"]


def detect_format(data: bytes, file_name: str) -> str:
    """The format by content: XML namespace, MT940 fields, BAI2's 01 record, OFX's header; else a table.

    A file with a byte-order mark (UTF-16, UTF-8) is told by its text, and blank lines before
    its first tag or record are passed over."""
    head = data[:8192]
    head = (marked_text(head, limit=8192) or head).lstrip(b" \t\r\n")
    upper = head.upper()
    if upper.startswith(b"OFXHEADER") or b"<OFX>" in upper:
        return "ofx"
    if head.startswith(b"<"):
        if b"camt.054" in head or b"BkToCstmrDbtCdtNtfctn" in head:
            return "camt054"
        if b"camt.053" in head or b"BkToCstmrStmt" in head:
            return "camt053"
        if b"camt.052" in head or b"BkToCstmrAcctRpt" in head:
            raise refuse_file(file_name, _(CAMT052_REFUSED))
        raise refuse_file(file_name, _("an XML file, but not an ISO 20022 camt.053 or camt.054 statement"))
    if head.startswith(b"01,"):
        return "bai2"
    if AT_AT_LINES.search(head):  # the lines of the statement parted by '@@' (FinTS)
        return "mt940"
    tags = set(MT940_TAGS.findall(head))
    if len(tags) >= 2 or MT940_TAGS.match(head) or head.startswith((b"{1:", b":940:")):
        return "mt940"
    return "csv"


def parse_statement_file(
    path: Path,
    data: bytes,
    *,
    fmt: str = "auto",
    profile: Profile | None = None,
    profiles: list[Profile] | tuple = (),
) -> tuple[ParsedFile, Profile | None]:
    """The file's statements, and the profile a table was read with; or ``InputRejected``.

    Every account shaped like an IBAN, the statement's own and the payers', is given in one form
    (capitals, no spaces), so that ``de89 3704 …`` in one file is ``DE89370400…`` in another."""
    parsed, used = _parsed(path, data, fmt=fmt, profile=profile, profiles=profiles)
    errors = FileErrors(path.name)
    for statement in parsed.statements:
        for line in statement.lines:
            if not re.fullmatch(r"[A-Z]{3}", line.currency or ""):
                errors.add(0, line.where, line.currency, _("no currency: the file does not say which"))
    errors.raise_if_any()
    for statement in parsed.statements:
        statement.account = iban_form(statement.account)
        statement.lines = [
            replace(line, payer_account=iban_form(line.payer_account)) if line.payer_account else line
            for line in statement.lines
        ]
    return parsed, used


def _parsed(
    path: Path,
    data: bytes,
    *,
    fmt: str = "auto",
    profile: Profile | None = None,
    profiles: list[Profile] | tuple = (),
) -> tuple[ParsedFile, Profile | None]:
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}")
    if fmt == "auto":
        spreadsheet = path.suffix.lower() in {".xls", ".xlsx", ".xlsm", ".ods"}
        fmt = "csv" if spreadsheet or profile is not None else detect_format(data, path.name)
    if fmt != "csv":  # the text formats read a file saved in UTF-16 or with a mark as UTF-8
        data = marked_text(data) or data
    if fmt in ("camt053", "camt054"):
        from huikuan.cash.parsers.camt import parse_camt

        parsed = parse_camt(data, path.name)
        if parsed.format != fmt:
            raise refuse_file(
                path.name,
                _("the document is %(found)s, not %(wanted)s") % {"found": parsed.format, "wanted": fmt},
            )
        return parsed, None
    if fmt == "mt940":
        from huikuan.cash.parsers.swift_mt940 import parse_mt940

        return parse_mt940(data, path.name), None
    if fmt == "bai2":
        from huikuan.cash.parsers.bai2_file import parse_bai2

        return parse_bai2(data, path.name), None
    if fmt == "ofx":
        from huikuan.cash.parsers.ofx_file import parse_ofx

        return parse_ofx(data, path.name), None
    if profile is not None:
        return parse_table(path, data, profile), profile
    fitting = best_profile(path, data, list(profiles))
    if fitting is None:
        raise refuse_file(
            path.name,
            _("no bank profile fits the columns of this file; choose one with --profile"),
        )
    chosen, rows = fitting
    return parse_table(path, data, chosen, rows=rows), chosen
