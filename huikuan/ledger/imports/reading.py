"""Reading tabular files: CSV in UTF-8 (with or without BOM), UTF-16 or GBK/GB18030,
and spreadsheets (XLSX, XLS, ODS). Every cell comes back as text, as the user typed it.

Every read is bounded by :mod:`huikuan.ledger.imports.limits`: the file's size first, for a
spreadsheet its zip directory and the cells its sheets really hold (never the
``<dimension>`` it declares), then rows, columns and cell lengths while reading. The
spreadsheet reader runs in a child process with a memory ceiling.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import re
import resource
import subprocess
import sys
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from django.utils.translation import gettext as _

from huikuan.core.errors import InputRejected, RowError
from huikuan.ledger.imports.limits import (
    ImportLimits,
    check_archive,
    check_file_size,
    import_limits,
    limit_refused,
    megabytes,
)

SPREADSHEET_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".ods"}
ZIPPED_SUFFIXES = {".xlsx", ".xlsm", ".ods"}
SHEET_READER = Path(__file__).with_name("sheet_reader.py")
PROGRESS_EVERY = 5_000

Progress = Callable[[int], None]


@dataclass
class Table:
    """A file's header and rows; ``rows`` holds (line number, cells), header = line 1."""

    headers: list[str]
    rows: list[tuple[int, list[str]]]
    sha256: str


def decode_text(data: bytes) -> str:
    """UTF-8 (BOM or not), UTF-16 with BOM, else GB18030 (a superset of GBK and GB2312)."""
    try:
        if data.startswith(b"\xef\xbb\xbf"):
            return data[3:].decode("utf-8")
        if data.startswith((b"\xff\xfe", b"\xfe\xff")):
            return data.decode("utf-16")
    except UnicodeDecodeError as exc:
        # A BOM promised the encoding: a truncated or damaged file, not another encoding.
        raise InputRejected(
            errors=[RowError(0, "", "", _("the text is damaged or cut short"))],
            summary=_(
                "cannot decode the file as %(encoding)s: %(reason)s at byte %(byte)s "
                "(the text is damaged or cut short)"
            )
            % {"encoding": exc.encoding.upper(), "reason": exc.reason, "byte": f"{exc.start:,}"},
        ) from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError as exc:
        raise InputRejected(
            errors=[RowError(0, "", "", _("the file is neither UTF-8 nor GBK/GB18030 text"))],
            summary=_("cannot decode the file: %(reason)s at byte %(byte)s")
            % {"reason": exc.reason, "byte": f"{exc.start:,}"},
        ) from None


class BoundedRows:
    """Rows checked against the limits as they are read; the refusal names the limit."""

    def __init__(self, limits: ImportLimits, file_name: str, progress: Progress | None) -> None:
        self.limits, self.file_name, self.progress = limits, file_name, progress
        self.rows_read = 0

    def row(self, line: int, cells: list[str]) -> None:
        # Called for every row of every file: the common case is three comparisons.
        self.rows_read += 1
        limits = self.limits
        if self.rows_read > limits.max_rows + 1:  # + the header
            raise limit_refused(
                _("it has more than %(limit)s rows") % {"limit": f"{limits.max_rows:,}"},
                file_name=self.file_name,
            )
        if len(cells) > limits.max_columns and any(c.strip() for c in cells[limits.max_columns :]):
            raise limit_refused(
                _("line %(line)s has %(count)s columns, more than the limit of %(limit)s")
                % {"line": line, "count": f"{len(cells):,}", "limit": f"{limits.max_columns:,}"},
                file_name=self.file_name,
            )
        if cells and max(map(len, cells)) > limits.max_cell_chars:
            column = next(i for i, cell in enumerate(cells, start=1) if len(cell) > limits.max_cell_chars)
            raise self.cell_too_long(line, column)
        if self.progress and self.rows_read % PROGRESS_EVERY == 0:
            self.progress(self.rows_read)

    def cell_too_long(self, line: int | None, column: int | None) -> InputRejected:
        where = (
            _("the cell on line %(line)s, column %(column)s") % {"line": line, "column": column}
            if line
            else _("a cell")
        )
        return limit_refused(
            _("%(where)s is longer than the limit of %(limit)s characters")
            % {"where": where, "limit": f"{self.limits.max_cell_chars:,}"},
            file_name=self.file_name,
        )


def _csv_encodings(data: bytes) -> tuple[str, ...]:
    """The encodings to try, in order: the BOM's, else UTF-8 then GB18030."""
    if data.startswith(b"\xef\xbb\xbf"):
        return ("utf-8-sig",)
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return ("utf-16",)
    return ("utf-8", "gb18030")


def _read_csv(data: bytes, bounds: BoundedRows) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """Decoded as it is read (never the whole text at once), in the first encoding that fits."""
    encodings = _csv_encodings(data)
    for attempt, encoding in enumerate(encodings, start=1):
        try:
            return _read_csv_as(data, encoding, bounds)
        except UnicodeDecodeError as exc:
            if attempt < len(encodings):
                bounds.rows_read = 0
                continue
            if len(encodings) == 1:  # a BOM promised the encoding: damaged, not another one
                raise InputRejected(
                    errors=[RowError(0, "", "", _("the text is damaged or cut short"))],
                    summary=_(
                        "cannot decode the file as %(encoding)s: %(reason)s at byte %(byte)s "
                        "(the text is damaged or cut short)"
                    )
                    % {"encoding": exc.encoding.upper(), "reason": exc.reason, "byte": f"{exc.start:,}"},
                ) from None
            raise InputRejected(
                errors=[RowError(0, "", "", _("the file is neither UTF-8 nor GBK/GB18030 text"))],
                summary=_("cannot decode the file: %(reason)s at byte %(byte)s")
                % {"reason": exc.reason, "byte": f"{exc.start:,}"},
            ) from None
    raise AssertionError("unreachable")  # pragma: no cover


def _read_csv_as(
    data: bytes, encoding: str, bounds: BoundedRows
) -> tuple[list[str], list[tuple[int, list[str]]]]:
    stream = io.TextIOWrapper(io.BytesIO(data), encoding=encoding, errors="strict", newline="")
    first_line = stream.readline()
    stream.seek(0)
    delimiter = "\t" if "\t" in first_line and "," not in first_line else ","
    reader = csv.reader(stream, delimiter=delimiter)
    headers: list[str] | None = None
    rows: list[tuple[int, list[str]]] = []
    previous_end = 0
    previous_limit = csv.field_size_limit(bounds.limits.max_cell_chars)
    try:
        for cells in reader:
            # A quoted cell may span lines: the record starts after the previous one ended.
            start, previous_end = previous_end + 1, reader.line_num
            bounds.row(start, cells)
            if headers is None:
                headers = cells
                continue
            rows.append((start, cells))
    except csv.Error as error:
        if "field larger than field limit" in str(error):
            raise bounds.cell_too_long(reader.line_num, None) from None
        raise InputRejected(
            errors=[RowError(reader.line_num, "", "", str(error))],
            summary=_("%(file)s is not a readable CSV file: line %(line)s: %(reason)s")
            % {"file": bounds.file_name, "line": reader.line_num, "reason": error},
        ) from None
    finally:
        csv.field_size_limit(previous_limit)
    return headers or [], rows


# The sheet XML is scanned, never parsed, before the reader sees it: what matters is which
# cells are really there, how far apart they lie, and how long their texts are. Writers put
# ` r="B7"` on every cell, and a literal prefix keeps the search fast. A file spelling the
# attribute otherwise (other white space, single quotes) passes this scan and meets the
# reader's memory ceiling instead: refused all the same.
_CELL_COLUMNS = re.compile(rb' r="([A-Z]{1,4})[0-9]')
_CELL_ROWS = re.compile(rb' r="[A-Z]{1,4}([0-9]{1,9})"')
_CHUNK = 4 * 1024 * 1024


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + (letter - 64)
    return number


def _scan_xml(stream: Iterable[bytes], bounds: BoundedRows, *, cells: bool) -> None:
    """Refuse a sheet whose cells span too many rows, columns or cells, or a text too long.

    Reads ``stream`` in chunks; a text (between ``>`` and ``<``) longer than the cell
    limit in bytes is counted in characters, and refused when it is longer in those too.
    """
    limits = bounds.limits
    long_text = re.compile(rb">([^<]{%d,})(?:<|$)" % (limits.max_cell_chars + 1))
    max_row = max_column = 0
    carry = b""
    for chunk in stream:
        data = carry + chunk
        cut = data.rfind(b"<")
        if cut <= 0:
            cut = len(data)
        body, carry = data[:cut], data[cut:]
        for match in long_text.finditer(body):
            if len(match.group(1).decode("utf-8", "replace")) > limits.max_cell_chars:
                raise bounds.cell_too_long(None, None)
        if len(carry) > 4 * limits.max_cell_chars + _CHUNK:  # one unfinished text, too long
            raise bounds.cell_too_long(None, None)
        if not cells:
            continue
        rows = _CELL_ROWS.findall(body)
        if rows:
            max_row = max(max_row, max(map(int, rows)))
            columns = set(_CELL_COLUMNS.findall(body))
            max_column = max(max_column, max(map(_column_number, columns)))
    if not cells or not max_row:
        return
    if max_row > limits.max_rows + 1:
        raise limit_refused(
            _("its sheet has cells down to row %(row)s, more than the limit of %(limit)s rows")
            % {"row": f"{max_row:,}", "limit": f"{limits.max_rows:,}"},
            file_name=bounds.file_name,
        )
    if max_column > limits.max_columns:
        raise limit_refused(
            _("its sheet has cells in column %(column)s, more than the limit of %(limit)s columns")
            % {"column": f"{max_column:,}", "limit": f"{limits.max_columns:,}"},
            file_name=bounds.file_name,
        )
    area = max_row * max_column
    if area > limits.max_cells:
        raise limit_refused(
            _("its sheet spans %(cells)s cells, more than the limit of %(limit)s")
            % {"cells": f"{area:,}", "limit": f"{limits.max_cells:,}"},
            file_name=bounds.file_name,
        )


def _chunks(archive: zipfile.ZipFile, name: str) -> Iterator[bytes]:
    with archive.open(name) as member:
        while chunk := member.read(_CHUNK):
            yield chunk


def _check_spreadsheet_archive(path: Path, bounds: BoundedRows) -> None:
    archive = check_archive(path, bounds.limits)
    with archive:
        try:
            for name in archive.namelist():
                lowered = name.lower()
                if lowered.startswith("xl/worksheets/") and lowered.endswith(".xml"):
                    _scan_xml(_chunks(archive, name), bounds, cells=True)
                elif lowered in {"xl/sharedstrings.xml", "content.xml"}:
                    _scan_xml(_chunks(archive, name), bounds, cells=False)
        except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError):
            raise limit_refused(
                _("it is not a readable spreadsheet (the zip archive is damaged or truncated)"),
                file_name=path.name,
            ) from None


def _reader_memory(wanted: int) -> int:
    """The child's ceiling: the setting, or less when this process is itself limited."""
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    return wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)


def _read_spreadsheet(path: Path, bounds: BoundedRows) -> tuple[list[str], list[tuple[int, list[str]]]]:
    if path.suffix.lower() in ZIPPED_SUFFIXES:
        _check_spreadsheet_archive(path, bounds)
    memory = _reader_memory(bounds.limits.reader_memory_bytes)
    child = subprocess.Popen(  # noqa: S603 - our own script, the path as an argument
        [sys.executable, str(SHEET_READER), str(path), str(memory)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "RUST_BACKTRACE": "0"},
        text=True,
        encoding="utf-8",
    )
    headers: list[str] | None = None
    rows: list[tuple[int, list[str]]] = []
    finished = False
    try:
        assert child.stdout is not None
        # A row's JSON, every cell at its longest and escaped: nothing longer is read whole.
        longest = (6 * bounds.limits.max_cell_chars + 4) * bounds.limits.max_columns + 2
        line = 0
        while text := child.stdout.readline(longest + 1):
            line += 1
            if not text.endswith("\n"):
                raise bounds.cell_too_long(line, None)
            cells = json.loads(text)
            bounds.row(line, cells)
            if headers is None:
                headers = cells
            else:
                rows.append((line, cells))
        finished = True
    finally:
        if not finished:  # refused while reading: the rest is not wanted
            child.kill()
        _output, error = child.communicate()
    if child.returncode:
        reason = (error or "").strip().splitlines()[-1:] or [""]
        if child.returncode < 0 or child.returncode == 3 or "memory" in reason[0].lower():
            raise limit_refused(
                _("reading it needs more than %(limit)s of memory") % {"limit": megabytes(memory)},
                file_name=path.name,
            )
        raise InputRejected(
            errors=[RowError(0, "", "", reason[0])],
            summary=_("%(file)s is not a readable spreadsheet: %(reason)s")
            % {"file": path.name, "reason": reason[0]},
        )
    return headers or [], rows


def read_table(path: Path, *, progress: Progress | None = None) -> Table:
    """The file's header and non-empty rows, within the import limits, or a refusal."""
    limits = import_limits()
    check_file_size(path.stat().st_size, limits, file_name=path.name)
    bounds = BoundedRows(limits, path.name, progress)
    data = path.read_bytes()
    sha256 = hashlib.sha256(data).hexdigest()
    if path.suffix.lower() in SPREADSHEET_SUFFIXES:
        del data
        headers, rows = _read_spreadsheet(path, bounds)
    else:
        headers, rows = _read_csv(data, bounds)
    headers = [h.strip() for h in headers]
    rows = [(line, cells) for line, cells in rows if any(c.strip() for c in cells)]
    return Table(headers=headers, rows=rows, sha256=sha256)
