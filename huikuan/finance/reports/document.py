"""A report as people read it: a title, then sections of charts and tables, in the active
language. Each report's ``*_document`` builds one from its selector's plain data; the web
page, the PDF and the XLSX are drawn from the same document, so they always agree.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from huikuan.core.exports import Column, Sheet
from huikuan.finance.reports.charts import Chart


@dataclass
class Table:
    title: str
    columns: list[Column]
    rows: list[list[Any]] = field(default_factory=list)
    total: list[Any] | None = None
    empty_text: str = ""

    def sheet(self) -> Sheet:
        sheet = Sheet(self.title, self.columns, [list(row) for row in self.rows])
        if self.total is not None:
            sheet.rows.append(list(self.total))
            sheet.bold_rows.add(len(sheet.rows) - 1)
        return sheet


@dataclass
class Figure:
    """A headline number: "Receipts 1,234,567.00"."""

    label: str
    value: str
    note: str = ""
    good: bool | None = None  # against a target: met (True), missed (False), none (None)


@dataclass
class Section:
    title: str
    figures: list[Figure] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    note: str = ""


@dataclass
class ReportDocument:
    kind: str
    title: str
    subtitle: str
    file_stem: str
    sections: list[Section]


def money(value: str | Decimal | None) -> Decimal | None:
    """A JSON amount (decimal string) back to a Decimal for a sheet or a chart."""
    return None if value in (None, "") else Decimal(str(value))


def money_text(value: str | Decimal | None) -> str:
    amount = money(value)
    return "–" if amount is None else f"{amount:,.2f}"


def number_text(value: str | Decimal | None, suffix: str = "") -> str:
    return "–" if value in (None, "") else f"{value}{suffix}"


def document_sheets(document: ReportDocument) -> list[Sheet]:
    """Every table of the document, one sheet each (the safe writer's titles are unique)."""
    sheets, seen = [], set()
    summary = Sheet(document.title, [Column(document.subtitle), Column("")])
    for section in document.sections:
        for figure in section.figures:
            summary.rows.append([f"{section.title} · {figure.label}", figure.value])
    sheets.append(summary)
    for section in document.sections:
        for table in section.tables:
            sheet = table.sheet()
            title, number = sheet.title[:28], 2
            while title in seen:
                title, number = f"{sheet.title[:25]} {number}", number + 1
            seen.add(title)
            sheet.title = title
            sheets.append(sheet)
    return sheets
