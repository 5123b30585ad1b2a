"""The import pipeline shared by every kind: read → map columns → parse cells →
plan against the ledger → (unless a dry run) write everything in one transaction.

Errors are collected as values, never raised one at a time: a file with any bad row is
refused whole, with every bad row named (line, column, value, reason).
"""

from __future__ import annotations

import json
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import models
from django.utils.translation import gettext

from huikuan.core.errors import InputRejected, RowError
from huikuan.core.policy import policy_value
from huikuan.ledger.bulk import now_for_db, select_rows  # noqa: F401 - now_for_db for the importers
from huikuan.ledger.imports.columns import Column
from huikuan.ledger.imports.limits import import_limits
from huikuan.ledger.imports.reading import PROGRESS_EVERY, Table, decode_text

CHUNK = 5_000


@dataclass
class ImportResult:
    kind: str
    file_name: str
    sha256: str
    dry_run: bool
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    warnings: list[str] = field(default_factory=list)
    batch_id: int | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "file": self.file_name,
            "sha256": self.sha256,
            "dry_run": self.dry_run,
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "warnings": self.warnings,
            "batch_id": self.batch_id,
            "errors": [],
        }


@dataclass
class Row:
    """One parsed record: only the cells that held a value are in ``values``."""

    __slots__ = ("cells", "line", "values")

    def __init__(self, line: int, values: dict[str, Any], cells: list[str]) -> None:
        self.line, self.values, self.cells = line, values, cells


class CappedErrors(list):
    """The bad values of a file: the first ``cap`` kept, the rest only counted.

    A file whose every row is bad answers as fast as a good one, with a list a person reads.
    """

    def __init__(self, cap: int) -> None:
        super().__init__()
        self.cap, self.total = cap, 0

    def append(self, error: RowError) -> None:
        self.total += 1
        if len(self) < self.cap:
            super().append(error)

    @property
    def full(self) -> bool:
        return self.total >= self.cap


@dataclass
class ParsedFile:
    rows: list[Row]
    header_of: dict[str, str]  # canonical name → the file's header
    index_of: dict[str, int]  # canonical name → the cell's position in a row
    errors: list[RowError]

    def error(self, row: Row, column: str, reason: str) -> None:
        index = self.index_of.get(column)
        text = row.cells[index].strip() if index is not None and index < len(row.cells) else ""
        self.errors.append(RowError(row.line, self.header_of.get(column, column), text, reason))


def load_mapping(path: Path) -> dict[str, str]:
    """A mapping file (JSON or TOML): canonical column → the header in the ERP's file."""
    # Written by hand, often in Notepad: UTF-8 with or without BOM, or GBK.
    text = decode_text(path.read_bytes())
    try:
        data = tomllib.loads(text) if path.suffix.lower() == ".toml" else json.loads(text)
    except (ValueError, tomllib.TOMLDecodeError) as exc:
        raise InputRejected(
            errors=[
                RowError(0, "", path.name, gettext("mapping file is not valid: %(error)s") % {"error": exc})
            ],
            summary=gettext("cannot read the mapping file %(path)s") % {"path": path},
        ) from exc
    if not isinstance(data, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in data.items()
    ):
        raise InputRejected(
            errors=[
                RowError(0, "", path.name, gettext('mapping must be canonical_column = "file header" pairs'))
            ],
            summary=gettext("cannot read the mapping file %(path)s") % {"path": path},
        )
    return data


def parse_table(
    table: Table,
    columns: Sequence[Column],
    mapping: Mapping[str, str] | None = None,
    *,
    progress: Any = None,
) -> ParsedFile:
    mapping = dict(mapping or {})
    progress = progress or (lambda _rows: None)
    position = {header: index for index, header in reversed(list(enumerate(table.headers)))}
    errors = CappedErrors(import_limits().max_errors)
    unknown = set(mapping) - {c.name for c in columns}
    for name in sorted(unknown):
        errors.append(
            RowError(
                1, name, mapping[name], gettext("the mapping names a column this file kind does not have")
            )
        )
    located: list[tuple[Column, int, str]] = []
    for column in columns:
        if column.name in mapping:
            candidates: tuple[str, ...] = (mapping[column.name],)
        else:
            candidates = (column.name, *column.aliases)
        header = next((c for c in candidates if c in position), None)
        if header is None:
            if column.name in mapping:
                errors.append(
                    RowError(
                        1,
                        column.name,
                        mapping[column.name],
                        gettext("the mapping names a header the file does not have"),
                    )
                )
            elif column.required:
                errors.append(
                    RowError(
                        1,
                        column.name,
                        "",
                        gettext("required column is missing (looked for %(headers)s)")
                        % {"headers": ", ".join(candidates)},
                    )
                )
            continue
        located.append((column, position[header], header))
    header_of = {column.name: header for column, _, header in located}
    index_of = {column.name: index for column, index, _ in located}
    if errors:
        raise InputRejected(
            errors=list(errors), summary=gettext("the header row does not fit this kind of file")
        )

    # The hot loop of every import: one pass over the cells, nothing built twice.
    readers = [(c.name, c.parse, c.required, index, header) for c, index, header in located]
    rows: list[Row] = []
    append = rows.append
    for count, (line, cells) in enumerate(table.rows, start=1):
        if count % PROGRESS_EVERY == 0:
            progress(count)
        values: dict[str, Any] = {}
        width = len(cells)
        for name, parse, required, index, header in readers:
            text = cells[index].strip() if index < width else ""
            if not text:
                if required:
                    errors.append(RowError(line, header, "", gettext("a value is required")))
                continue
            try:
                values[name] = parse(text)
            except ValueError as exc:
                errors.append(RowError(line, header, text, str(exc)))
        append(Row(line, values, cells))
    return ParsedFile(rows=rows, header_of=header_of, index_of=index_of, errors=errors)


def check_unique(parsed: ParsedFile, key_of: Any, column: str, what: str) -> None:
    """Refuse a key that appears twice in the file, naming both lines."""
    first_line: dict[Any, int] = {}
    for row in parsed.rows:
        key = key_of(row)
        if key is None:
            continue
        if key in first_line:
            parsed.error(
                row,
                column,
                gettext("%(what)s appears again; first on line %(line)s")
                % {"what": what, "line": first_line[key]},
            )
        else:
            first_line[key] = row.line


def fetch_by_keys(
    model: type[models.Model], key_field: str, keys: Iterable[Any], fields: Sequence[str]
) -> dict[Any, dict[str, Any]]:
    """Existing records whose ``key_field`` is among ``keys``, as dicts, by key."""
    if not model.objects.exists():
        return {}
    return {
        record[key_field]: record
        for record in (
            dict(zip(fields, row, strict=True))
            for row in select_rows(model, fields, where=key_field, values=keys)
        )
    }


def functional_currency() -> str:
    """The functional currency in force; read once per file, not per row."""
    return policy_value("FUNCTIONAL_CURRENCY")


def known_customer(parsed: ParsedFile, row, customers: Mapping[str, dict]) -> dict | None:
    """The row's customer (by ``customer_code``); None, with the row's error, when unknown."""
    customer = customers.get(row.values["customer_code"])
    if customer is None:
        parsed.error(row, "customer_code", gettext("no customer has this code; import the customers first"))
    return customer


def known_invoice(parsed: ParsedFile, row, invoices: Mapping[str, dict]) -> dict | None:
    """The row's invoice (by ``invoice_number``); None, with the row's error, when unknown."""
    invoice = invoices.get(row.values["invoice_number"])
    if invoice is None:
        parsed.error(row, "invoice_number", gettext("no invoice has this number"))
    return invoice


def changed_fields(old: Mapping[str, Any], new: Mapping[str, Any]) -> dict[str, Any]:
    """The entries of ``new`` whose value differs from ``old`` (empty text equals None)."""
    diffs = {}
    for name, value in new.items():
        before = old.get(name)
        if (before in (None, "")) and (value in (None, "")):
            continue
        if before != value:
            diffs[name] = value
    return diffs


def save_changes(model: type[models.Model], updates: Sequence[tuple[int, dict[str, Any]]]) -> None:
    """Apply field changes one record at a time, so the audit trail logs before → after."""
    ids = [pk for pk, _ in updates]
    objects = {}
    for start in range(0, len(ids), CHUNK):
        objects.update(model.objects.in_bulk(ids[start : start + CHUNK]))
    for pk, diffs in updates:
        instance = objects[pk]
        for name, value in diffs.items():
            setattr(instance, name, value)
        instance.save(update_fields=list(diffs))


@dataclass
class Plan:
    """What an import will do; ``write`` does it, given the import batch's id."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    warnings: list[str] = field(default_factory=list)
    write: Any = None
