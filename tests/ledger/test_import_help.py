"""Issue 9 item 8: the import help is made from the importer's own column definitions, so
docs/imports.md, the import page and the templates cannot drift from what is imported."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.utils import translation

from huikuan.core.exports import save_csv, save_xlsx
from huikuan.ledger.imports import KINDS
from huikuan.ledger.imports.help import (
    EXAMPLES,
    SUMMARY,
    format_of,
    kind_help,
    kinds,
    markdown,
    template_sheet,
)

DOC = Path(__file__).resolve().parents[2] / "docs" / "imports.md"


def test_docs_imports_md_is_what_the_code_says():
    expected = markdown() + "\n"
    if os.environ.get("HUIKUAN_WRITE_DOCS"):
        DOC.write_text(expected, encoding="utf-8")
    assert DOC.read_text(encoding="utf-8") == expected, (
        "docs/imports.md differs from the column definitions: "
        "regenerate with HUIKUAN_WRITE_DOCS=1 pytest tests/ledger/test_import_help.py"
    )


def test_every_kind_and_every_column_is_described():
    assert set(kinds()) == set(KINDS)
    for kind in KINDS:
        assert str(SUMMARY[kind])
        names = [column.name for column in KINDS[kind][0]]
        assert set(EXAMPLES[kind]) == set(names), kind
        for column in KINDS[kind][0]:
            assert hasattr(column.parse, "format"), f"{kind}.{column.name} has no described format"
            assert format_of(column)
            # Every example value is one the importer accepts.
            if EXAMPLES[kind][column.name]:
                column.parse(EXAMPLES[kind][column.name])
            elif column.required:
                pytest.fail(f"{kind}.{column.name} is required but its example is empty")


def test_the_documentation_names_every_column_its_chinese_headers_and_whether_required():
    text = DOC.read_text(encoding="utf-8")
    for kind, (columns, _plan) in KINDS.items():
        section = text.split(f"## `{kind}`")[1].split("\n## ")[0]
        for column in columns:
            row = next(line for line in section.splitlines() if line.startswith(f"| `{column.name}` |"))
            assert ("| yes |" in row) == column.required
            for alias in column.aliases:
                assert alias in row


def test_the_help_speaks_chinese_in_the_chinese_interface():
    with translation.override("zh-hans"):
        amount = next(c for c in kind_help("invoices") if c.name == "amount")
    assert amount.format == "数字，最多 2 位小数，大于 0（以 . 作小数点）"
    assert amount.required and "价税合计" in amount.aliases


@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
def test_the_templates_import_in_order_and_twice_change_nothing(db, huikuan, tmp_path, suffix):
    write = save_csv if suffix == "csv" else save_xlsx
    for kind in kinds():
        path = tmp_path / f"{kind}.{suffix}"
        write(template_sheet(kind), path)
        result = huikuan("import", kind, str(path), "--json")
        assert result.code == 0, (kind, result.stderr)
        assert result.json()["created"] == 1, kind
        again = huikuan("import", kind, str(path), "--json")
        assert again.json()["unchanged"] == 1, kind
