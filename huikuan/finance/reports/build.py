"""One door to every report: its data for a kind and a day, its document, its files.

    report_build(*, kind, day, customer=None, first_day=None) -> dict
    report_document(data) -> ReportDocument        # in the active language
    report_files(data, *, language) -> ReportFiles  # PDF and XLSX bytes

``day`` is the last day the report covers: the daily report's day, the weekly report's
day in its week, the monthly report's day in its month (its last day for the whole month),
the annual report's day in its year. The command line, the API, the web page and the
scheduled emails all come through here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.utils import translation

from huikuan.core.errors import RuleViolation
from huikuan.core.exports import xlsx_bytes
from huikuan.finance.reports.annual import annual_document, annual_report
from huikuan.finance.reports.daily import daily_document, daily_report
from huikuan.finance.reports.document import ReportDocument, document_sheets
from huikuan.finance.reports.monthly import monthly_report
from huikuan.finance.reports.monthly_document import monthly_document
from huikuan.finance.reports.periods import KINDS, SPECIAL
from huikuan.finance.reports.special import special_report
from huikuan.finance.reports.special_document import special_document
from huikuan.finance.reports.weekly import weekly_document, weekly_report
from huikuan.ledger.models import Customer

_DOCUMENTS = {
    "daily": daily_document,
    "weekly": weekly_document,
    "monthly": monthly_document,
    "special": special_document,
    "annual": annual_document,
}


def report_build(
    *, kind: str, day: date, customer: Customer | None = None, first_day: date | None = None
) -> dict:
    """The report's data as plain values (what ``--json`` and the API give)."""
    if kind not in KINDS:
        raise RuleViolation(f"no report {kind!r}: one of {', '.join(KINDS)}")
    if kind == SPECIAL:
        if customer is None:
            raise RuleViolation("the special report is about one customer: give its code")
        return special_report(customer=customer, as_of=day)
    if kind == "daily":
        if first_day is not None and first_day > day:
            raise RuleViolation(f"the period starts ({first_day}) after it ends ({day})")
        return daily_report(first_day=first_day or day, last_day=day)
    if kind == "weekly":
        return weekly_report(as_of=day)
    if kind == "monthly":
        return monthly_report(month=day, as_of=day)
    return annual_report(year=day.year, as_of=day)


def report_document(data: dict) -> ReportDocument:
    """The report in words, charts and tables, in the active language."""
    return _DOCUMENTS[data["kind"]](data)


@dataclass(frozen=True)
class ReportFiles:
    stem: str
    title: str
    pdf: bytes
    xlsx: bytes


def report_pdf_bytes(data: dict, *, language: str) -> tuple[str, str, bytes]:
    """(file stem, title, PDF) in ``language``."""
    from huikuan.finance.reports.pdf import report_pdf  # ReportLab: only when a PDF is drawn

    with translation.override(language):
        document = report_document(data)
        return document.file_stem, document.title, report_pdf(document, language=language)


def report_xlsx_bytes(data: dict, *, language: str) -> tuple[str, bytes]:
    """(file stem, XLSX) in ``language``, through the safe writer."""
    with translation.override(language):
        document = report_document(data)
        return document.file_stem, xlsx_bytes(*document_sheets(document))


def report_files(data: dict, *, language: str) -> ReportFiles:
    stem, title, pdf = report_pdf_bytes(data, language=language)
    _stem, xlsx = report_xlsx_bytes(data, language=language)
    return ReportFiles(stem, title, pdf, xlsx)
