"""SPEC §4: ``huikuan aging`` as the finance team reads it — the CSV and XLSX files hold
exactly what ``--json`` says, every grouping and the annual-report buckets work, and an
as-of date shows the ledger as it stood at the end of that day."""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

DUE_BUCKETS = ["current", "1-30", "31-60", "61-90", "91-180", "181-360", "361+"]
CENT = Decimal("0.01")


@pytest.fixture
def importer(huikuan, tmp_path):
    """Import a small CSV written on the spot: ``importer("payments", text)``."""

    def run(kind: str, text: str) -> None:
        path = tmp_path / f"{kind}-{len(list(tmp_path.iterdir()))}.csv"
        path.write_text(text, encoding="utf-8")
        result = huikuan("import", kind, str(path))
        assert result.code == 0, result.stderr

    return run


@pytest.fixture
def ledger_with_extras(seed002_ledger, importer):
    """Seed 002 plus a dollar invoice of 丁公司, an invoice 丙公司 was sold by zhao
    rather than by its salesperson wang, and 5 000 that 甲公司 paid on account."""
    importer(
        "invoices",
        "invoice_number,customer_code,invoice_date,due_date,amount,currency,exchange_rate,salesperson\n"
        "D-USD,D,2024-06-20,2024-07-20,1000.00,USD,7.1,\n"
        "C-2,C,2024-06-25,2024-08-31,5000.00,CNY,,zhao\n",
    )
    importer(
        "payments",
        "payment_ref,customer_code,payment_date,amount,advance,order_number\n"
        "A-PRE,A,2024-06-28,5000,no,\nB-ADV,B,2024-06-29,700,yes,SO-B-9\n",
    )


def _rows_as_text(report: dict) -> list[list[str]]:
    """The rows the exports must hold, built from the JSON report."""
    rows = [
        [row["key"], row["name"], row["balance"], *row["buckets"].values(), row["unapplied"], row["advance"]]
        for row in report["rows"]
    ]
    total = report["total"]
    rows.append(
        ["total", "", total["balance"], *total["buckets"].values(), total["unapplied"], total["advance"]]
    )
    rows.append(["share %", "", "100.00", *report["share"].values(), "", ""])
    return rows


def test_csv_export_holds_exactly_the_json_rows_total_and_share(ledger_with_extras, huikuan, tmp_path):
    report = huikuan("aging", "--as-of", "2024-06-30", "--json").json()
    target = tmp_path / "账龄-2024-06-30.csv"

    result = huikuan("aging", "--as-of", "2024-06-30", "--csv", str(target))

    assert result.code == 0
    assert str(target) in result.stdout
    with target.open(encoding="utf-8-sig", newline="") as handle:
        header, *rows = list(csv.reader(handle))
    assert header == ["key", "name", "balance", *DUE_BUCKETS, "unapplied", "advance"]
    assert rows == _rows_as_text(report)
    assert [row[1] for row in rows[:4]] == ["甲公司", "乙公司", "丙公司", "丁公司"]
    assert rows[0][-2:] == ["5000.00", "0.00"]
    # An advance receipt (预收) is held apart from money on account.
    assert rows[1][-2:] == ["0.00", "700.00"] and rows[-2][-1] == "700.00"
    assert rows[-2][2] == "282100.00"


def test_xlsx_export_holds_exactly_the_json_rows_total_and_share(ledger_with_extras, huikuan, tmp_path):
    report = huikuan("aging", "--as-of", "2024-06-30", "--json").json()
    target = tmp_path / "aging.xlsx"

    assert huikuan("aging", "--as-of", "2024-06-30", "--xlsx", str(target)).code == 0

    sheet = load_workbook(target, read_only=True).worksheets[0]
    header, *rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert header == ["key", "name", "balance", *DUE_BUCKETS, "unapplied", "advance"]
    assert len(rows) == len(report["rows"]) + 2

    def cell(value) -> str:
        # Amounts are real numbers in the sheet, so that Excel can sum them.
        if value is None:
            return ""
        assert isinstance(value, int | float)
        return str(Decimal(str(value)).quantize(CENT))

    # A trailing empty cell (the share row's "unapplied") is not stored in the sheet.
    rows = [row + [None] * (len(header) - len(row)) for row in rows]
    as_text = [[key or "", name or "", *(cell(v) for v in rest)] for key, name, *rest in rows]
    assert as_text == _rows_as_text(report)


GROUPINGS = {
    "customer": {"A": "100000.00", "B": "60000.00", "C": "25000.00", "D": "97100.00"},
    "salesperson": {"zhang": "100000.00", "li": "60000.00", "wang": "117100.00", "zhao": "5000.00"},
    "department": {"华东": "160000.00", "华南": "122100.00"},
    "class": {"A": "100000.00", "B": "60000.00", "C": "122100.00"},
    "currency": {"CNY": "275000.00", "USD": "7100.00"},
}


@pytest.mark.parametrize("grouping", list(GROUPINGS))
def test_each_grouping_has_its_own_keys_and_the_same_total(ledger_with_extras, huikuan, grouping):
    report = huikuan("aging", "--as-of", "2024-06-30", "--by", grouping, "--json").json()

    assert report["group_by"] == grouping
    assert {row["key"]: row["balance"] for row in report["rows"]} == GROUPINGS[grouping]
    # The dollar invoice counts at its own rate: 1 000 USD × 7.1 = 7 100 CNY.
    assert report["total"]["balance"] == "282100.00"
    assert sum(Decimal(share) for share in report["share"].values()) == Decimal("100.00")


OLD_INVOICES = """\
invoice_number,customer_code,invoice_date,amount
OLD-1,A,2023-07-01,1000
OLD-2,A,2023-06-30,2000
OLD-3,B,2022-07-01,3000
OLD-4,B,2022-06-30,4000
OLD-5,C,2021-07-01,5000
OLD-6,D,2021-06-30,6000
"""


def test_invoice_basis_buckets_by_years_since_the_invoice_date(seed002_ledger, importer, huikuan):
    importer("invoices", OLD_INVOICES)

    report = huikuan("aging", "--as-of", "2024-06-30", "--basis", "invoice", "--json").json()

    assert (report["basis"], report["buckets"]) == ("invoice", ["0-1y", "1-2y", "2-3y", "3y+"])
    rows = {row["key"]: row["buckets"] for row in report["rows"]}
    # 365 days is still within the year, 366 is not; likewise 730 | 731 and 1095 | 1096.
    assert rows["A"] == {"0-1y": "101000.00", "1-2y": "2000.00", "2-3y": "0.00", "3y+": "0.00"}
    assert rows["B"] == {"0-1y": "60000.00", "1-2y": "3000.00", "2-3y": "4000.00", "3y+": "0.00"}
    assert rows["C"] == {"0-1y": "20000.00", "1-2y": "0.00", "2-3y": "5000.00", "3y+": "0.00"}
    assert rows["D"] == {"0-1y": "90000.00", "1-2y": "0.00", "2-3y": "0.00", "3y+": "6000.00"}
    assert report["total"]["buckets"] == {
        "0-1y": "271000.00",
        "1-2y": "5000.00",
        "2-3y": "9000.00",
        "3y+": "6000.00",
    }


def test_invoice_basis_works_with_every_grouping(seed002_ledger, importer, huikuan):
    importer("invoices", OLD_INVOICES)

    report = huikuan("aging", "--as-of", "2024-06-30", "--basis", "invoice", "--by", "department", "--json")

    rows = {row["key"]: row["buckets"] for row in report.json()["rows"]}
    assert rows == {
        "华东": {"0-1y": "161000.00", "1-2y": "5000.00", "2-3y": "4000.00", "3y+": "0.00"},
        "华南": {"0-1y": "110000.00", "1-2y": "0.00", "2-3y": "5000.00", "3y+": "6000.00"},
    }


def _balances(huikuan, as_of: str) -> dict[str, tuple[str, str]]:
    report = huikuan("aging", "--as-of", as_of, "--json").json()
    return {row["key"]: (row["balance"], row["unapplied"]) for row in report["rows"]}


def test_aging_shows_the_ledger_as_it_stood_at_the_end_of_the_as_of_day(seed002_ledger, importer, huikuan):
    # In July: 甲公司 is invoiced again, 乙公司 settles B-2, 丙公司 gets a credit note.
    importer("invoices", "invoice_number,customer_code,invoice_date,amount\nA-2,A,2024-07-01,8000\n")
    importer(
        "payments",
        "payment_ref,customer_code,payment_date,amount,invoice_number\nB-PAY,B,2024-07-05,20000,B-2\n",
    )
    importer(
        "credit-notes",
        "credit_note_number,customer_code,invoice_number,date,amount\nC-CN,C,C-1,2024-07-10,5000\n",
    )
    # 丁公司 paid on 28 June, but the clerk applied it to D-4 only on 2 July.
    importer("payments", "payment_ref,customer_code,payment_date,amount\nD-PAY,D,2024-06-28,20000\n")
    importer("allocations", "payment_ref,invoice_number,amount,allocation_date\nD-PAY,D-4,20000,2024-07-02\n")

    assert _balances(huikuan, "2024-06-30") == {
        "A": ("100000.00", "0.00"),
        "B": ("60000.00", "0.00"),
        "C": ("20000.00", "0.00"),
        "D": ("90000.00", "20000.00"),
    }
    assert _balances(huikuan, "2024-07-04")["B"] == ("60000.00", "0.00")
    assert _balances(huikuan, "2024-07-31") == {
        "A": ("108000.00", "0.00"),
        "B": ("40000.00", "0.00"),
        "C": ("15000.00", "0.00"),
        "D": ("70000.00", "0.00"),
    }


def test_aging_before_the_first_invoice_is_empty(seed002_ledger, huikuan):
    report = huikuan("aging", "--as-of", "2024-01-31", "--json").json()

    assert report["rows"] == []
    assert report["total"]["balance"] == "0.00"
    assert set(report["share"].values()) == {"0.00"}


def test_human_aging_table_names_date_grouping_and_currency(seed002_ledger, huikuan):
    result = huikuan("aging", "--as-of", "2024-06-30", "--by", "class")

    assert result.code == 0
    lines = result.stdout.splitlines()
    assert lines[0] == "Aging as of 2024-06-30 by class (due basis, CNY)"
    assert lines[-1].split()[:2] == ["share", "%"]
    assert "270000.00" in lines[-2]


def test_export_file_is_written_where_asked(seed002_ledger, huikuan, tmp_path: Path):
    target = tmp_path / "reports" / "aging.csv"
    target.parent.mkdir()

    assert huikuan("aging", "--as-of", "2024-06-30", "--csv", str(target)).code == 0
    assert target.read_bytes().startswith(b"\xef\xbb\xbf")


def test_the_command_line_exports_use_words_of_a_language_when_asked(ledger_with_extras, huikuan, tmp_path):
    keys, words = tmp_path / "keys.xlsx", tmp_path / "words.csv"

    assert huikuan("aging", "--as-of", "2024-06-30", "--xlsx", str(keys)).code == 0
    assert huikuan("aging", "--as-of", "2024-06-30", "--language", "zh-hans", "--csv", str(words)).code == 0

    sheet = load_workbook(keys).worksheets[0]
    assert sheet.freeze_panes == "A2" and sheet["C2"].number_format == "#,##0.00"
    with words.open(encoding="utf-8-sig", newline="") as handle:
        header, *rows = list(csv.reader(handle))
    assert header == ["编码", "名称", "余额", "信用期内", *DUE_BUCKETS[1:], "未核销款", "预收款"]
    assert [row[0] for row in rows[-2:]] == ["合计", "占比 %"]
