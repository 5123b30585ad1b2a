"""SPEC §3: an import is atomic. A file with any bad row imports nothing and names every
bad row — line (the header is line 1), column, value and reason — so that the clerk can
fix the whole file in one pass."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.management.base import CommandError

from huikuan.ledger.models import Allocation, Invoice, Payment

# One good row, then one row for each mistake a clerk makes, then another good row.
BAD_INVOICES = """\
invoice_number,customer_code,invoice_date,due_date,amount,currency,exchange_rate
YS-2024-0501,HZ001,2024-05-01,,10000.00,,
YS-2024-0502,HZ001,2024-13-01,,10000.00,,
YS-2024-0503,HZ001,2024-05-03,,"12,34.5",,
YS-2024-0504,SZ002,2024-05-04,,-2000.00,,
YS-2024-0505,SZ002,2024-05-05,,1999.999,,
YS-2024-0506,XX999,2024-05-06,,500.00,,
YS-2024-0501,CD003,2024-05-08,,700.00,,
YS-2024-0509,,2024-05-09,,900.00,,
YS-2024-0510,CD003,2024-05-10,2024-05-01,900.00,,
YS-2024-0511,SG005,2024-05-11,,5000.00,USD,
YS-2024-0512,CD003,2024-05-12,,"12,345.50",,
"""

EXPECTED_ERRORS = [
    # line, column, value, what the reason says
    (3, "invoice_date", "2024-13-01", "not a date in the form YYYY-MM-DD"),
    (4, "amount", "12,34.5", "not a number"),
    (5, "amount", "-2000.00", "must be greater than 0"),
    (6, "amount", "1999.999", "more than 2 decimal places"),
    (7, "customer_code", "XX999", "no customer has this code"),
    (8, "invoice_number", "YS-2024-0501", "appears again; first on line 2"),
    (9, "customer_code", "", "a value is required"),
    (10, "due_date", "2024-05-01", "falls before the invoice date 2024-05-10"),
    (11, "currency", "USD", "give its exchange rate"),
]


@pytest.fixture
def bad_invoices(invoices, write_file):
    return write_file("yingshou-0501.csv", BAD_INVOICES)


def test_file_with_bad_rows_is_refused_whole_and_every_bad_row_is_named(bad_invoices, huikuan, ledger_counts):
    before = ledger_counts()

    result = huikuan("import", "invoices", bad_invoices, "--json")

    assert result.code != 0
    data = result.json()
    assert data["imported"] is False
    assert [(e["line"], e["column"], e["value"]) for e in data["errors"]] == [
        (line, column, value) for line, column, value, _ in EXPECTED_ERRORS
    ]
    for error, (_, _, _, reason) in zip(data["errors"], EXPECTED_ERRORS, strict=True):
        assert reason in error["reason"], error
    assert "9 bad value(s) in 9 row(s); nothing was imported" in data["message"]
    # Not even the good rows on lines 2 and 12 were written, nor an import batch.
    assert ledger_counts() == before
    assert not Invoice.objects.filter(number__in=["YS-2024-0501", "YS-2024-0512"]).exists()


def test_bad_rows_are_listed_on_stderr_for_a_person(bad_invoices, huikuan, ledger_counts):
    before = ledger_counts()

    result = huikuan("import", "invoices", bad_invoices)

    assert result.code != 0
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert lines[0] == "Refused: yingshou-0501.csv: 9 bad value(s) in 9 row(s); nothing was imported"
    assert len(lines) == 1 + len(EXPECTED_ERRORS)
    for text, (line, column, value, reason) in zip(lines[1:], EXPECTED_ERRORS, strict=True):
        assert text.startswith(f"  line {line}, column {column!r}, value {value!r}: ")
        assert reason in text
    assert ledger_counts() == before


def test_the_same_file_once_corrected_imports_every_row(invoices, huikuan, write_file):
    corrected = write_file(
        "yingshou-0501.csv",
        BAD_INVOICES.replace("2024-13-01", "2024-05-02")
        .replace('"12,34.5"', "1234.50")
        .replace("-2000.00", "2000.00")
        .replace("1999.999", "1999.99")
        .replace("XX999", "BJ004")
        .replace("YS-2024-0501,CD003", "YS-2024-0508,CD003")
        .replace("YS-2024-0509,,", "YS-2024-0509,CD003,")
        .replace("2024-05-10,2024-05-01", "2024-05-10,2024-06-10")
        .replace("USD,\n", "USD,7.2\n"),
    )

    result = huikuan("import", "invoices", corrected, "--json")

    assert result.code == 0, result.stdout
    assert result.json()["created"] == 11
    assert Invoice.objects.get(number="YS-2024-0512").amount == Decimal("12345.50")
    assert Invoice.objects.get(number="YS-2024-0511").fx_rate == Decimal("7.2")


def test_missing_required_column_is_reported_against_the_header_line(customers, huikuan, write_file):
    path = write_file("yingshou.csv", "invoice_number,customer_code,invoice_date\nYS-1,HZ001,2024-05-01\n")

    result = huikuan("import", "invoices", path, "--json")

    assert result.code != 0
    [error] = result.json()["errors"]
    assert (error["line"], error["column"], error["value"]) == (1, "amount", "")
    assert error["reason"] == "required column is missing (looked for amount, 金额, 应收金额, 价税合计)"
    human = huikuan("import", "invoices", path)
    assert "line 1, column 'amount'" in human.stderr
    assert not Invoice.objects.exists()


@pytest.fixture
def two_payments(invoices, huikuan, write_file):
    """湖畔机电 paid twice in April; neither payment is allocated yet."""
    path = write_file(
        "huikuan.csv",
        """\
        payment_ref,customer_code,payment_date,amount
        HK-20240410-01,HZ001,2024-04-10,150000.00
        HK-20240411-02,HZ001,2024-04-11,30000.00
        """,
    )
    assert huikuan("import", "payments", path).code == 0


@pytest.mark.parametrize(
    ("rows", "line", "reason"),
    [
        pytest.param(
            ["HK-20240410-01,YS-2024-0302,50000.01"],
            2,
            "exceeds the open balance 50000.00 of invoice YS-2024-0302",
            id="more-than-the-invoice-is-open",
        ),
        pytest.param(
            ["HK-20240411-02,YS-2024-0301,30000.01"],
            2,
            "exceeds the unallocated 30000.00 of payment HK-20240411-02",
            id="more-than-the-payment-has-left",
        ),
        pytest.param(
            ["HK-20240410-01,YS-2024-0302,40000.00", "HK-20240411-02,YS-2024-0302,20000.00"],
            3,
            "exceeds the open balance 10000.00 of invoice YS-2024-0302",
            id="two-payments-together-more-than-the-invoice",
        ),
        pytest.param(
            ["HK-20240411-02,YS-2024-0301,20000.00", "HK-20240411-02,YS-2024-0302,15000.00"],
            3,
            "exceeds the unallocated 10000.00 of payment HK-20240411-02",
            id="two-invoices-together-more-than-the-payment",
        ),
    ],
)
def test_over_allocation_is_refused_and_nothing_is_allocated(
    two_payments, huikuan, write_file, ledger_counts, rows, line, reason
):
    path = write_file("hexiao.csv", "payment_ref,invoice_number,amount\n" + "\n".join(rows) + "\n")
    before = ledger_counts()

    result = huikuan("import", "allocations", path, "--json")

    assert result.code != 0
    [error] = result.json()["errors"]
    assert (error["line"], error["column"], error["reason"]) == (line, "amount", reason)
    assert ledger_counts() == before
    assert not Allocation.objects.exists()
    assert Invoice.objects.get(number="YS-2024-0301").open_amount == Decimal("100000.00")
    assert Payment.objects.get(reference="HK-20240411-02").unallocated_amount == Decimal("30000.00")


def test_allocation_beyond_what_an_earlier_file_left_open_is_refused(two_payments, huikuan, write_file):
    first = write_file(
        "hexiao-1.csv", "payment_ref,invoice_number,amount\nHK-20240410-01,YS-2024-0301,99999.99\n"
    )
    second = write_file(
        "hexiao-2.csv", "payment_ref,invoice_number,amount\nHK-20240411-02,YS-2024-0301,0.02\n"
    )
    assert huikuan("import", "allocations", first).code == 0

    result = huikuan("import", "allocations", second, "--json")

    assert result.code != 0
    assert result.json()["errors"][0]["reason"] == "exceeds the open balance 0.01 of invoice YS-2024-0301"
    assert Invoice.objects.get(number="YS-2024-0301").open_amount == Decimal("0.01")


def test_allocation_refuses_unknown_records_other_customers_and_other_currencies(
    two_payments, huikuan, write_file
):
    path = write_file(
        "hexiao.csv",
        """\
        payment_ref,invoice_number,amount
        HK-20240499-99,YS-2024-0301,100.00
        HK-20240410-01,YS-2024-9999,100.00
        HK-20240410-01,YS-2024-0303,100.00
        HK-20240410-01,YS-2024-0305,100.00
        """,
    )

    result = huikuan("import", "allocations", path, "--json")

    assert result.code != 0
    assert [(e["line"], e["column"], e["value"]) for e in result.json()["errors"]] == [
        (2, "payment_ref", "HK-20240499-99"),
        (3, "invoice_number", "YS-2024-9999"),
        (4, "invoice_number", "YS-2024-0303"),
        (5, "invoice_number", "YS-2024-0305"),
    ]
    reasons = [e["reason"] for e in result.json()["errors"]]
    assert "belongs to another customer" in reasons[2]
    assert "is in USD, the payment in CNY" in reasons[3]
    assert not Allocation.objects.exists()


def test_payment_against_another_customers_invoice_is_refused(invoices, huikuan, write_file, ledger_counts):
    path = write_file(
        "huikuan.csv",
        """\
        payment_ref,customer_code,payment_date,amount,invoice_number
        HK-20240415-01,HZ001,2024-04-15,1000.00,YS-2024-0301
        HK-20240415-02,HZ001,2024-04-15,1000.00,YS-2024-0303
        HK-20240415-03,HZ001,2024-04-15,1000.00,YS-2024-0399
        """,
    )
    before = ledger_counts()

    result = huikuan("import", "payments", path, "--json")

    assert result.code != 0
    errors = result.json()["errors"]
    assert [(e["line"], e["column"], e["value"]) for e in errors] == [
        (3, "invoice_number", "YS-2024-0303"),
        (4, "invoice_number", "YS-2024-0399"),
    ]
    assert errors[0]["reason"] == "belongs to another customer than HZ001"
    assert ledger_counts() == before


def test_credit_notes_beyond_the_open_balance_are_refused_also_together(
    invoices, huikuan, write_file, ledger_counts
):
    path = write_file(
        "hongzi.csv",
        """\
        credit_note_number,customer_code,invoice_number,date,amount,reason
        CD-CN-1,CD003,YS-2024-0304,2024-03-20,20000.00,退货
        CD-CN-2,CD003,YS-2024-0304,2024-03-21,10000.01,折让
        CD-CN-3,SZ002,YS-2024-0304,2024-03-22,100.00,错单
        """,
    )
    before = ledger_counts()

    result = huikuan("import", "credit-notes", path, "--json")

    assert result.code != 0
    assert [(e["line"], e["column"], e["reason"]) for e in result.json()["errors"]] == [
        (3, "amount", "exceeds the open balance 10000.00 of invoice YS-2024-0304"),
        (4, "invoice_number", "is not customer SZ002's invoice"),
    ]
    assert ledger_counts() == before
    assert Invoice.objects.get(number="YS-2024-0304").open_amount == Decimal("30000.00")


def test_invoice_amount_cannot_drop_below_what_was_already_collected(invoices, huikuan, write_file):
    payment = write_file(
        "huikuan.csv",
        "payment_ref,customer_code,payment_date,amount,invoice_number\nHK-1,CD003,2024-04-01,20000,YS-2024-0304\n",
    )
    assert huikuan("import", "payments", payment).code == 0
    lowered = write_file(
        "yingshou.csv",
        "invoice_number,customer_code,invoice_date,amount\nYS-2024-0304,CD003,2024-03-04,15000\n",
    )

    result = huikuan("import", "invoices", lowered, "--json")

    assert result.code != 0
    [error] = result.json()["errors"]
    assert (error["line"], error["column"], error["value"]) == (2, "amount", "15000")
    assert "already collected" in error["reason"]
    assert Invoice.objects.get(number="YS-2024-0304").amount == Decimal("30000.00")


def test_line_numbers_are_those_an_editor_shows_with_crlf_quoted_newlines_and_blank_lines(
    invoices, huikuan, tmp_path
):
    # Excel on Windows writes CRLF; a memo may hold a line break inside quotes.
    path = tmp_path / "huikuan.csv"
    path.write_bytes(
        "payment_ref,customer_code,payment_date,amount,memo\r\n"
        'HK-1,HZ001,2024-04-15,1000.00,"货款\r\n第二行"\r\n'
        "\r\n"
        "HK-2,HZ001,2024-04-31,1000.00,\r\n"
        "HK-3,HZ001,2024-04-16,1000.00.00,\r\n".encode()
    )

    result = huikuan("import", "payments", str(path), "--json")

    assert result.code != 0
    assert [(e["line"], e["column"], e["value"]) for e in result.json()["errors"]] == [
        (5, "payment_date", "2024-04-31"),
        (6, "amount", "1000.00.00"),
    ]
    assert not Payment.objects.exists()


def test_unidentified_payment_cannot_be_split_across_two_customers(invoices, huikuan, write_file):
    payments = write_file("huikuan.csv", "payment_ref,payment_date,amount\nHK-9,2024-04-15,5000\n")
    assert huikuan("import", "payments", payments).code == 0
    allocations = write_file(
        "hexiao.csv",
        "payment_ref,invoice_number,amount\nHK-9,YS-2024-0301,3000\nHK-9,YS-2024-0303,2000\n",
    )

    result = huikuan("import", "allocations", allocations, "--json")

    assert result.code != 0
    [error] = result.json()["errors"]
    assert (error["line"], error["column"], error["value"]) == (3, "invoice_number", "YS-2024-0303")
    assert Payment.objects.get(reference="HK-9").customer is None
    assert not Allocation.objects.exists()


def test_payment_already_allocated_cannot_move_to_another_customer(invoices, huikuan, write_file):
    first = write_file(
        "huikuan.csv",
        "payment_ref,customer_code,payment_date,amount,invoice_number\nHK-1,HZ001,2024-04-15,1000,YS-2024-0301\n",
    )
    assert huikuan("import", "payments", first).code == 0
    moved = write_file(
        "huikuan-2.csv", "payment_ref,customer_code,payment_date,amount\nHK-1,SZ002,2024-04-15,1000\n"
    )

    result = huikuan("import", "payments", moved, "--json")

    assert result.code != 0
    [error] = result.json()["errors"]
    assert (error["line"], error["column"], error["value"]) == (2, "customer_code", "SZ002")
    assert error["reason"] == "cannot change on a payment that is already allocated"
    assert Payment.objects.get(reference="HK-1").customer.code == "HZ001"


def test_missing_file_is_a_clear_command_error(db, huikuan, tmp_path):
    with pytest.raises(CommandError, match="no such file"):
        huikuan("import", "invoices", str(tmp_path / "nowhere.csv"))
