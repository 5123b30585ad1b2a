"""Issue 10 item 1: spreadsheet formula injection. A customer, department or salesperson
named like a formula stays text in every CSV and XLSX Huikuan writes (web and command
line), while amounts stay numbers; and no code writes CSV or XLSX around the safe writer."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from django.test import Client
from openpyxl import load_workbook

from huikuan.accounts.services import user_create
from huikuan.core.exports import Column, Sheet, csv_bytes, looks_like_formula, xlsx_bytes

HOSTILE = [
    '=HYPERLINK("http://x","y")',
    "=1+1",
    "+1+2",
    "-2+3",
    "@SUM(1+1)",
    "\t=1+1",
    "\r=1+1",
    " =1+1",
    "＝1+1",
    "＋1",
    "－2",
    "＠SUM(1)",
]
REPO = Path(__file__).resolve().parents[2]


def _sheet_xml(content: bytes) -> list[str]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        names = [name for name in archive.namelist() if name.startswith("xl/worksheets/")]
        return [archive.read(name).decode() for name in names]


def assert_no_formula(content: bytes) -> None:
    for xml in _sheet_xml(content):
        assert "<f>" not in xml and "<f " not in xml, "a cell of the workbook is a formula"


@pytest.fixture
def hostile_ledger(db, huikuan, tmp_path):
    """One customer per hostile name, its department and salesperson hostile too."""
    customers = io.StringIO()
    writer = csv.writer(customers)
    writer.writerow(["customer_code", "name", "department", "salesperson"])
    invoices = io.StringIO()
    invoice_writer = csv.writer(invoices)
    invoice_writer.writerow(["invoice_number", "customer_code", "invoice_date", "due_date", "amount"])
    for number, name in enumerate(HOSTILE, start=1):
        # The importer strips the cells: a leading tab or space would not survive.
        writer.writerow([f"X{number:02}", name, name.strip(), name.strip()])
        invoice_writer.writerow([f"X-{number}", f"X{number:02}", "2024-05-01", "2024-05-31", "1234.50"])
    # A code that looks like a formula as well.
    writer.writerow(["=CODE(1)", "plain", "plain", "plain"])
    invoice_writer.writerow(["X-CODE", "=CODE(1)", "2024-05-01", "2024-05-31", "10.00"])
    for kind, text in (("customers", customers.getvalue()), ("invoices", invoices.getvalue())):
        path = tmp_path / f"{kind}.csv"
        path.write_text(text, encoding="utf-8")
        result = huikuan("import", kind, str(path))
        assert result.code == 0, result.stderr


def _stored_names() -> set[str]:
    from huikuan.ledger.models import Customer

    stored = Customer.objects.values_list("code", "name")
    return {text for pair in stored for text in pair if looks_like_formula(text)}


def _check_csv(content: bytes, names: set[str]) -> None:
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))
    texts = [cell for row in rows for cell in row[:2]]
    for cell in (cell for row in rows for cell in row):
        if looks_like_formula(cell):
            # Only amounts may start with "-", and then they are numbers.
            assert re.fullmatch(r"-[\d.]+", cell), f"CSV cell {cell!r} would be read as a formula"
    for name in names:
        assert f"'{name}" in texts, f"{name!r} is not written as text"


def _check_xlsx(content: bytes, names: set[str]) -> None:
    assert_no_formula(content)
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    values = [cell.value for row in sheet.iter_rows(min_row=2) for cell in row[:2]]
    for name in names:
        # The text itself, unchanged, as a string cell marked "quote prefix".
        assert name in values
    for row in sheet.iter_rows(min_row=2):
        for cell in row[:2]:
            if isinstance(cell.value, str) and looks_like_formula(cell.value):
                assert cell.data_type == "s" and cell.quotePrefix
        for cell in row[2:]:
            assert cell.value is None or isinstance(cell.value, int | float)


@pytest.mark.parametrize("grouping", ["customer", "department", "salesperson"])
def test_the_command_line_aging_files_keep_formula_like_names_as_text(
    hostile_ledger, huikuan, tmp_path, grouping
):
    names = _stored_names() if grouping == "customer" else {n.strip() for n in HOSTILE}
    for option, check in (("--csv", _check_csv), ("--xlsx", _check_xlsx)):
        target = tmp_path / f"aging-{grouping}{option.replace('--', '.')}"
        result = huikuan("aging", "--as-of", "2024-06-30", "--by", grouping, option, str(target))
        assert result.code == 0, result.stderr
        check(target.read_bytes(), names)


@pytest.mark.parametrize("grouping", ["customer", "department", "salesperson"])
def test_the_web_aging_exports_keep_formula_like_names_as_text(hostile_ledger, grouping):
    manager = user_create(username="manager", role="credit_manager").user
    client = Client()
    client.force_login(manager)
    names = _stored_names() if grouping == "customer" else {n.strip() for n in HOSTILE}
    query = f"/aging/?as_of=2024-06-30&by={grouping}&basis=due&export="
    for export, check in (("csv", _check_csv), ("xlsx", _check_xlsx)):
        response = client.get(query + export)
        assert response.status_code == 200
        check(response.content, names)


@pytest.mark.parametrize("name", HOSTILE)
def test_the_writer_writes_each_formula_like_text_as_text(name):
    sheet = Sheet("t", [Column("name"), Column("amount", "money")], [[name, Decimal("-5.00")]])
    line = list(csv.reader(io.StringIO(csv_bytes(sheet).decode("utf-8-sig"), newline="")))[1]
    assert line == [f"'{name}", "-5.00"]
    content = xlsx_bytes(sheet)
    assert_no_formula(content)
    cell, amount = next(load_workbook(io.BytesIO(content)).active.iter_rows(min_row=2))
    # Older writers let XML read a carriage return back as a line feed; newer ones escape it.
    assert cell.value in (name, name.replace("\r", "\n"))
    assert (cell.data_type, cell.quotePrefix) == ("s", True)
    assert amount.value == -5 and amount.data_type == "n" and amount.number_format == "#,##0.00"


def test_ordinary_text_and_numbers_are_written_as_they_are():
    sheet = Sheet(
        "t",
        [Column("name"), Column("amount", "money"), Column("count", "count")],
        [["甲公司", Decimal("1234567.5"), 3], ["a-b", Decimal("-0.01"), -2]],
    )
    lines = csv_bytes(sheet).decode("utf-8-sig").splitlines()
    assert lines[1:] == ["甲公司,1234567.50,3", "a-b,-0.01,-2"]
    sheet_xlsx = load_workbook(io.BytesIO(xlsx_bytes(sheet))).active
    assert sheet_xlsx.freeze_panes == "A2"
    first = [c.value for c in next(sheet_xlsx.iter_rows(min_row=2))]
    assert first == ["甲公司", 1234567.5, 3]
    assert sheet_xlsx["A2"].quotePrefix is False


# Files that may use the csv or spreadsheet libraries directly, and why.
READERS_AND_FIXTURES = {
    # The one writer.
    "huikuan/core/exports.py",
    # Reads uploaded files (csv.reader, python-calamine); writes nothing.
    "huikuan/ledger/imports/reading.py",
    # Writes the demo's import files for the importer to read back, never for a spreadsheet:
    # an apostrophe there would become part of the imported names.
    "huikuan/ledger/demo/files.py",
    # Reads bank statement exports (csv.reader); writes nothing.
    "huikuan/cash/parsers/table.py",
    # Writes the demo's bank statement files for the bank importer to read back, as above.
    "huikuan/demo/cash.py",
}
WRITERS = re.compile(
    r"csv\.writer|csv\.DictWriter|\bimport csv\b|openpyxl|xlsxwriter|\bWorkbook\("
    r"|pyexcel|pandas|\.to_excel\(|\.to_csv\("
)


def test_no_code_writes_csv_or_xlsx_around_the_safe_writer():
    offenders = []
    for path in sorted((REPO / "huikuan").rglob("*.py")):
        relative = path.relative_to(REPO).as_posix()
        if relative in READERS_AND_FIXTURES or "/migrations/" in relative:
            continue
        text = path.read_text(encoding="utf-8")
        for match in WRITERS.finditer(text):
            line = text.count("\n", 0, match.start()) + 1
            offenders.append(f"{relative}:{line}: {match.group(0)}")
        if ("text/csv" in text or "spreadsheetml" in text) and "huikuan.core.exports" not in text:
            offenders.append(f"{relative}: serves CSV/XLSX without huikuan.core.exports")
    assert offenders == [], "write CSV and XLSX through huikuan.core.exports:\n" + "\n".join(offenders)


def test_the_readers_and_fixtures_allowed_to_bypass_the_writer_write_no_export():
    for reader in ("huikuan/ledger/imports/reading.py", "huikuan/cash/parsers/table.py"):
        reading = (REPO / reader).read_text(encoding="utf-8")
        assert "csv.writer" not in reading and "openpyxl" not in reading, reader


def test_a_name_with_a_nul_byte_is_written_not_refused():
    sheet = Sheet("t", [Column("name"), Column("amount", "money")], [["甲\x00公司\x07", Decimal("1.00")]])
    assert csv_bytes(sheet).decode("utf-8-sig").splitlines()[1] == "甲\ufffd公司\ufffd,1.00"
    cell = load_workbook(io.BytesIO(xlsx_bytes(sheet))).active["A2"]
    assert cell.value == "甲\ufffd公司\ufffd"
