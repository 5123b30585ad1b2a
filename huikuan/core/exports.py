"""The one writer of every CSV and XLSX file Huikuan produces.

Reports and templates describe a :class:`Sheet` (typed columns, rows of Python values) and
hand it here; nothing else in Huikuan writes CSV or XLSX (a test greps for other writers).

Spreadsheet formula injection (OWASP "CSV injection"): a customer, department or
salesperson named ``=HYPERLINK(…)``, ``+1+2``, ``-2+3`` or ``@SUM(…)`` must never become a
formula when a finance user opens the file. So:

- **Text is text.** In a CSV, text that a spreadsheet would read as a formula (it starts
  with ``= + - @``, a tab, a carriage return or a line feed, also after leading spaces, or
  with their full-width forms ``＝ ＋ － ＠``) is written with a leading apostrophe ``'``, as
  OWASP recommends. In an XLSX, every text is an inline string cell (never a ``<f>``
  formula), and formula-like text also carries Excel's "quote prefix" so that editing the
  cell does not turn it into a formula either; the text itself is kept unchanged.
- **Control characters** that XML cannot hold (a NUL byte in a name) are written as U+FFFD.
- **Numbers stay numbers.** ``Decimal`` and ``int`` values are numeric cells (with a number
  format such as ``#,##0.00``); a negative amount is a number, not text. Dates are dates.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import IO, Any, Literal

# First characters that make Excel, LibreOffice or Google Sheets read a cell as a formula.
FORMULA_TRIGGERS = frozenset("=+-@\t\r\n＝＋－＠")
Kind = Literal["text", "money", "percent", "number", "count", "date"]
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
# Excel number formats by column kind.
NUMBER_FORMATS: dict[str, str] = {
    "money": "#,##0.00",
    "percent": "0.00",
    "number": "#,##0.######",
    "count": "#,##0",
    "date": "yyyy-mm-dd",
}
_MIN_WIDTH, _MAX_WIDTH = 8, 60
# Control characters XML (so XLSX) cannot hold and CSV readers stumble on, e.g. a NUL byte in a
# name: each is written as U+FFFD, so the reader sees that something was there.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


@dataclass(frozen=True)
class Column:
    """A column of a sheet: its header as the reader sees it and the kind of its values."""

    header: str
    kind: Kind = "text"


@dataclass
class Sheet:
    """A table to write: one header row, then rows of ``None``, text, ``Decimal``, ``int`` or dates."""

    title: str
    columns: Sequence[Column]
    rows: list[list[Any]] = field(default_factory=list)
    # Rows (by index) whose numeric cells are of another kind, e.g. a row of shares in percent.
    row_kinds: dict[int, Kind] = field(default_factory=dict)
    # Rows (by index) shown in bold, e.g. totals.
    bold_rows: set[int] = field(default_factory=set)

    def kinds(self, index: int) -> list[Kind]:
        """The kind of each cell of row ``index``."""
        override = self.row_kinds.get(index)
        return [override if override and column.kind != "text" else column.kind for column in self.columns]


def looks_like_formula(text: str) -> bool:
    """Whether a spreadsheet could take this text for a formula."""
    return bool(text) and (text[0] in FORMULA_TRIGGERS or text.lstrip(" ")[:1] in FORMULA_TRIGGERS)


def csv_text(value: Any, kind: Kind = "text") -> str:
    """A value as a CSV cell: numbers as plain numbers, formula-like text behind an apostrophe."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Decimal):
        return f"{value:.2f}" if kind in ("money", "percent") else format(value, "f")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    text = _readable(str(value))
    return f"'{text}" if looks_like_formula(text) else text


def _readable(text: str) -> str:
    return _CONTROL.sub("\ufffd", text)


def write_csv(sheet: Sheet, handle: IO[str]) -> None:
    """Write the sheet as CSV to a text handle opened with ``newline=""``."""
    writer = csv.writer(handle)
    writer.writerow([csv_text(column.header) for column in sheet.columns])
    for index, row in enumerate(sheet.rows):
        writer.writerow([csv_text(value, kind) for value, kind in zip(row, sheet.kinds(index), strict=False)])


def csv_bytes(sheet: Sheet) -> bytes:
    """The sheet as CSV in UTF-8 with a BOM, so that Excel shows Chinese text."""
    buffer = io.StringIO(newline="")
    write_csv(sheet, buffer)
    return buffer.getvalue().encode("utf-8-sig")


def save_csv(sheet: Sheet, path: Path) -> None:
    path.write_bytes(csv_bytes(sheet))


def _display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def _shown(value: Any, kind: Kind) -> str:
    """Roughly what Excel shows for the value, to size the column."""
    if isinstance(value, Decimal) and kind == "money":
        return f"{value:,.2f}"
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return csv_text(value, kind)


def column_widths(sheet: Sheet) -> list[int]:
    widths = []
    for index, column in enumerate(sheet.columns):
        shown = [column.header] + [
            _shown(row[index], sheet.kinds(number)[index])
            for number, row in enumerate(sheet.rows)
            if index < len(row) and row[index] is not None
        ]
        widest = max(_display_width(text) for text in shown)
        widths.append(max(_MIN_WIDTH, min(_MAX_WIDTH, widest + 2)))
    return widths


def _xlsx_cell(worksheet, value: Any, kind: Kind, *, bold: bool = False):
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    cell = WriteOnlyCell(worksheet)
    if value is None:
        pass
    elif isinstance(value, bool):
        cell.value = value
    elif isinstance(value, Decimal | int):
        cell.value = value
        cell.number_format = NUMBER_FORMATS.get(kind, NUMBER_FORMATS["number"])
    elif isinstance(value, datetime | date):
        cell.value = value
        cell.number_format = NUMBER_FORMATS["date"]
    else:
        text = _readable(str(value))
        cell.value = text
        # openpyxl makes any text starting with "=" a formula: force a plain string cell.
        cell.data_type = "s"
        if looks_like_formula(text):
            cell.quotePrefix = True
    if bold:
        cell.font = Font(bold=True)
    return cell


def write_xlsx(sheets: Iterable[Sheet], target: Path | IO[bytes]) -> None:
    """Write the sheets to one workbook: bold frozen header row, widths to fit, number formats."""
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    for sheet in sheets:
        worksheet = workbook.create_sheet(_sheet_title(sheet.title))
        for index, width in enumerate(column_widths(sheet), start=1):
            worksheet.column_dimensions[get_column_letter(index)].width = width
        worksheet.freeze_panes = "A2"
        header = [_xlsx_cell(worksheet, column.header, "text", bold=True) for column in sheet.columns]
        worksheet.append(header)
        for index, row in enumerate(sheet.rows):
            bold = index in sheet.bold_rows
            worksheet.append(
                [
                    _xlsx_cell(worksheet, value, kind, bold=bold)
                    for value, kind in zip(row, sheet.kinds(index), strict=False)
                ]
            )
    workbook.save(target)


def xlsx_bytes(*sheets: Sheet) -> bytes:
    buffer = io.BytesIO()
    write_xlsx(sheets, buffer)
    return buffer.getvalue()


def save_xlsx(sheet: Sheet, path: Path) -> None:
    path.write_bytes(xlsx_bytes(sheet))


def _sheet_title(title: str) -> str:
    # Excel refuses these characters in sheet names and more than 31 characters.
    cleaned = "".join("_" if ch in "[]:*?/\\" else ch for ch in title).strip("'") or "Sheet"
    return cleaned[:31]
