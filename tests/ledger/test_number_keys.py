"""Every way an invoice is written keeps its number keys (``Invoice.number_key``, ``order_key``:
the numbers as payers write them), which the cash matcher looks invoices up by; and the
matcher's reads of the open ledger by those keys and by open amount."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection

from huikuan.core.numbers import number_body
from huikuan.ledger.models import Invoice, Payment
from huikuan.ledger.selectors import open_amount_counts, open_invoices_by_keys
from huikuan.ledger.services import invoice_issue, payment_allocate


def _keys(number: str) -> tuple[str, str]:
    return tuple(Invoice.objects.filter(number=number).values_list("number_key", "order_key").get())


def test_the_key_is_the_number_without_prefix_separators_or_leading_zeros():
    assert number_body("INV-0012345") == "12345"
    assert number_body("inv 0012345") == "12345"
    assert number_body("YS-2024-0301") == "20240301"
    assert number_body("SO-88001") == "88001"
    assert number_body("") == ""


def test_an_import_keys_the_invoices_it_creates_and_the_order_numbers_it_changes(
    invoices, huikuan, write_file
):
    assert _keys("YS-2024-0301") == ("20240301", "88001")
    result = huikuan(
        "import",
        "invoices",
        write_file(
            "changed.csv",
            """\
            invoice_number,customer_code,invoice_date,due_date,amount,currency,exchange_rate,order_number,salesperson
            YS-2024-0301,HZ001,2024-03-01,2024-05-05,100000.00,CNY,,SO-0099001,张伟
            YS-2024-0399,HZ001,2024-03-09,2024-05-09,1234.56,CNY,,,张伟
            """,
        ),
    )
    assert result.code == 0, result.stderr
    assert _keys("YS-2024-0301") == ("20240301", "99001")
    assert _keys("YS-2024-0399") == ("20240399", "")


def test_the_service_the_api_and_the_web_record_invoices_through_keys_them(customers):
    invoice = invoice_issue(
        number="INV-000777",
        customer=customers["HZ001"],
        invoice_date=date(2024, 3, 1),
        amount=Decimal("10.00"),
        order_number="SO-0042",
    )
    assert _keys("INV-000777") == ("777", "42")
    invoice.order_number = "PO-0043"
    invoice.save(update_fields=["order_number"])
    assert _keys("INV-000777") == ("777", "43")


def test_bulk_writes_key_the_invoices_too(customers):
    customer = customers["HZ001"]
    fields = dict(customer=customer, invoice_date=date(2024, 3, 1), due_date=date(2024, 4, 1), currency="CNY")
    fields["original_due_date"] = fields["due_date"]
    Invoice.objects.bulk_create(
        [Invoice(number="B-0001", amount=Decimal("1.00"), order_number="SO-0009", **fields)]
    )
    assert _keys("B-0001") == ("1", "9")
    Invoice.objects.filter(number="B-0001").update(order_number="SO-0010")
    assert _keys("B-0001") == ("1", "10")
    invoice = Invoice.objects.get(number="B-0001")
    invoice.order_number = "SO-11"
    Invoice.objects.bulk_update([invoice], ["order_number"])
    assert _keys("B-0001") == ("1", "11")


@pytest.fixture
def some_open(customers):
    def issue(number, code, amount, order=""):
        return invoice_issue(
            number=number,
            customer=customers[code],
            invoice_date=date(2024, 3, 1),
            amount=Decimal(amount),
            order_number=order,
        )

    made = {
        "a": issue("INV-0000101", "HZ001", "777.77", "SO-0501"),
        "b": issue("XS101", "SZ002", "777.77"),
        "c": issue("INV-0000102", "SZ002", "880.00", "SO-0502"),
        "paid": issue("INV-0000103", "HZ001", "500.00"),
    }
    payment = Payment.objects.create(
        reference="R1",
        customer=customers["HZ001"],
        payment_date=date(2024, 3, 5),
        amount=Decimal("500.00"),
        currency="CNY",
    )
    payment_allocate(payment=payment, invoice=made["paid"], amount=Decimal("500.00"))
    return made


def test_the_matcher_reads_open_invoices_by_number_order_or_customer(some_open, customers):
    by_number = open_invoices_by_keys(numbers={"101", "103"}, orders=(), customer_ids=())
    # Both open invoices whose number is 101 whatever the prefix; the paid one is not open.
    assert [row[0] for row in by_number] == ["INV-0000101", "XS101"]
    assert by_number[0][1:4] == (customers["HZ001"].pk, 77777, "CNY")
    assert by_number[0][7:9] == ("101", "501")
    assert [row[0] for row in open_invoices_by_keys(numbers=(), orders={"502"}, customer_ids=())] == [
        "INV-0000102"
    ]
    by_customer = open_invoices_by_keys(numbers=(), orders=(), customer_ids={customers["SZ002"].pk})
    assert [row[0] for row in by_customer] == ["INV-0000102", "XS101"]


def test_an_invoice_written_without_its_keys_is_still_found(some_open):
    with connection.cursor() as cursor:
        cursor.execute("UPDATE ledger_invoice SET number_key = '', order_key = '' WHERE number = 'XS101'")
    rows = open_invoices_by_keys(numbers={"101"}, orders=(), customer_ids=())
    assert [(row[0], row[7]) for row in rows] == [("INV-0000101", "101"), ("XS101", "101")]


def test_how_many_open_invoices_carry_an_amount_and_whose(some_open, customers):
    counts = open_amount_counts({77777, 88000, 50000, 12345}, owners_up_to=1)
    assert counts == {77777: (2, []), 88000: (1, [customers["SZ002"].pk])}  # 500.00 is paid
    two = open_amount_counts({77777}, owners_up_to=3)[77777]
    assert sorted(two[1]) == sorted([customers["HZ001"].pk, customers["SZ002"].pk])


def test_the_contract_number_is_keyed_by_every_write_and_the_matcher_reads_by_it(customers):
    def contract_key(number):
        return Invoice.objects.filter(number=number).values_list("contract_key", flat=True).get()

    invoice = invoice_issue(
        number="INV-000888",
        customer=customers["HZ001"],
        invoice_date=date(2024, 3, 1),
        amount=Decimal("10.00"),
        contract_number="HT2024-0088",
    )
    assert contract_key("INV-000888") == "20240088"
    invoice.contract_number = "HT-2024-001"
    invoice.save(update_fields=["contract_number"])
    assert contract_key("INV-000888") == "2024001"
    Invoice.objects.filter(number="INV-000888").update(contract_number="HT2024-0088")
    assert contract_key("INV-000888") == "20240088"
    invoice.refresh_from_db()
    invoice.contract_number = "HT-77"
    Invoice.objects.bulk_update([invoice], ["contract_number"])
    assert contract_key("INV-000888") == "77"

    rows = open_invoices_by_keys(numbers=(), orders=(), customer_ids=(), contracts={"77"})
    assert [(row[0], row[9], row[10]) for row in rows] == [("INV-000888", "HT-77", "77")]
    with connection.cursor() as cursor:  # written by raw SQL, without its keys
        cursor.execute("UPDATE ledger_invoice SET number_key = '', contract_key = ''")
    rows = open_invoices_by_keys(numbers=(), orders=(), customer_ids=(), contracts={"77"})
    assert [(row[0], row[10]) for row in rows] == [("INV-000888", "77")]
