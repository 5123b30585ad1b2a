"""Formatting for the command line: JSON for machines, aligned text for people."""

from __future__ import annotations

import json
import os
import sys
import unicodedata
from collections.abc import Mapping
from datetime import date
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from huikuan.core.errors import InputRejected
    from huikuan.reporting.aging import AgingReport


def iso_date(text: str) -> date:
    """A command-line date, YYYY-MM-DD, or a clear error."""
    # Imported here: ``huikuan aging --json`` prints with ``to_json`` without starting Django.
    from django.core.management.base import CommandError

    from huikuan.core.limits import check, validate_business_date

    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"not a date in the form YYYY-MM-DD: {text!r}") from None
    try:
        return check(validate_business_date, day)
    except ValueError as error:
        raise CommandError(f"{text}: {error}") from None


def cli_language() -> str:
    """The language of the command's messages: English, unless the gettext ``LANGUAGE``
    variable asks for Chinese first (``LANGUAGE=zh_CN:en``)."""
    for wanted in os.environ.get("LANGUAGE", "").split(":"):
        code = wanted.strip().lower().replace("_", "-")
        if code.startswith("zh"):
            return "zh-hans"
        if code.startswith("en"):
            return "en"
    return "en"


_ENCODER = json.JSONEncoder(ensure_ascii=False)  # one encoder for every row, not one per json.dumps


def _compact(value: Any) -> str:
    return _ENCODER.encode(value)


def _list(texts: list[str], indent: str) -> str:
    if not texts:
        return "[]"
    return f"[\n{indent}  " + f",\n{indent}  ".join(texts) + f"\n{indent}]"


def _member(value: Any, indent: str) -> str:
    if isinstance(value, list):
        return _list([_compact(item) for item in value], indent)
    return _compact(value)


def to_json(data: Any, *, encoded: Mapping[str, list[str]] | None = None) -> str:
    """JSON for machines that people can read: the top level's members one a line, and a list
    among them one item a line, each item compact. Written by json's C encoder (``indent=``
    would use its Python one: over a second for the aging of 10,000 customers).

    ``encoded`` gives lists of a dict's members whose items are already JSON text."""
    encoded = encoded or {}
    if isinstance(data, dict) and data:
        members = (
            f"  {_compact(str(key))}: "
            + (_list(encoded[key], "  ") if key in encoded else _member(value, "  "))
            for key, value in data.items()
        )
        return "{\n" + ",\n".join(members) + "\n}"
    return _member(data, "")


def aging_json(report: AgingReport) -> str:
    """``to_json(report.as_dict())``, with the rows written straight from the report."""
    return to_json(report.as_dict(rows=False), encoded={"rows": report.row_json_texts()})


def display_width(text: str) -> int:
    """Terminal columns: CJK characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def pad(text: str, width: int, *, right: bool = False) -> str:
    gap = " " * max(width - display_width(text), 0)
    return gap + text if right else text + gap


def table(headers: list[str], rows: list[list[str]], *, numeric_from: int) -> str:
    """Columns from ``numeric_from`` on are right-aligned."""
    widths = [max(display_width(str(r[i])) for r in [headers, *rows]) for i in range(len(headers))]
    lines = []
    for row in [headers, *rows]:
        cells = [
            pad(str(c), w, right=i >= numeric_from) for i, (c, w) in enumerate(zip(row, widths, strict=True))
        ]
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines)


def report_refusal(command: Any, rejected: InputRejected, *, as_json: bool, **fields: Any) -> None:
    """A refused import file: JSON on stdout (``fields``, then the message and every error) or the
    message and each bad value on stderr; then exit status 1."""
    if as_json:
        command.stdout.write(
            to_json(
                {
                    **fields,
                    "imported": False,
                    "message": rejected.message,
                    "errors": [e.as_dict() for e in rejected.errors],
                }
            )
        )
    else:
        command.stderr.write(f"Refused: {rejected.message}")
        # A file refused whole (a limit, an unreadable file) has one reason and no rows.
        if not all(not e.line and not e.column for e in rejected.errors):
            for error in rejected.errors:
                command.stderr.write(f"  {error}")
    sys.exit(1)
