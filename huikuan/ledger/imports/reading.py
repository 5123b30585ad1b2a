"""Reading tabular files: CSV in UTF-8 (with or without BOM), UTF-16 or GBK/GB18030,
and spreadsheets (XLSX, XLS, ODS). Every cell comes back as text, as the user typed it.
"""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from django.utils.translation import gettext

from huikuan.core.errors import InputRejected, RowError

SPREADSHEET_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".ods"}


@dataclass
class Table:
    """A file's header and rows; ``rows`` holds (line number, cells), header = line 1."""

    headers: list[str]
    rows: list[tuple[int, list[str]]]
    sha256: str


def decode_text(data: bytes) -> str:
    """UTF-8 (BOM or not), UTF-16 with BOM, else GB18030 (a superset of GBK and GB2312)."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError as exc:
        raise InputRejected(
            errors=[RowError(0, "", "", gettext("the file is neither UTF-8 nor GBK/GB18030 text"))],
            summary=gettext("cannot decode the file: %(reason)s at byte %(at)s")
            % {"reason": exc.reason, "at": exc.start},
        ) from exc


def _read_csv(data: bytes) -> tuple[list[str], list[tuple[int, list[str]]]]:
    text = decode_text(data)
    first_line = text.split("\n", 1)[0]
    delimiter = "\t" if "\t" in first_line and "," not in first_line else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    headers: list[str] | None = None
    rows: list[tuple[int, list[str]]] = []
    previous_end = 0
    for cells in reader:
        # A quoted cell may span lines: the record starts after the previous one ended.
        start, previous_end = previous_end + 1, reader.line_num
        if headers is None:
            headers = cells
            continue
        rows.append((start, cells))
    return headers or [], rows


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        # Spreadsheets store numbers as doubles; Excel shows them to 15 significant digits,
        # which is what the user typed, and hides a formula's float noise (11299.999999999998).
        return str(int(value)) if value.is_integer() else f"{value:.15g}"
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _read_spreadsheet(path: Path) -> tuple[list[str], list[tuple[int, list[str]]]]:
    from python_calamine import CalamineWorkbook

    workbook = CalamineWorkbook.from_path(str(path))
    sheet = workbook.get_sheet_by_index(0)
    all_rows = sheet.to_python(skip_empty_area=False)
    if not all_rows:
        return [], []
    headers = [_cell_text(v) for v in all_rows[0]]
    rows = [(index + 2, [_cell_text(v) for v in cells]) for index, cells in enumerate(all_rows[1:])]
    return headers, rows


def read_table(path: Path) -> Table:
    data = path.read_bytes()
    sha256 = hashlib.sha256(data).hexdigest()
    if path.suffix.lower() in SPREADSHEET_SUFFIXES:
        headers, rows = _read_spreadsheet(path)
    else:
        headers, rows = _read_csv(data)
    headers = [h.strip() for h in headers]
    rows = [(line, cells) for line, cells in rows if any(c.strip() for c in cells)]
    return Table(headers=headers, rows=rows, sha256=sha256)
