"""The aging buckets have one definition (``reporting/aging.py``); the SQL that assigns them is
generated from it. These tests derive the expected bucket from the definition itself
(``bucket_of``), for an item on every boundary day (the last day a bucket holds and the first
day of the next), so the SQL cannot drift from the definition unnoticed."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from huikuan.ledger.models import Customer, Invoice
from huikuan.ledger.services import invoice_issue
from huikuan.reporting.aging import BASES, bucket_of, buckets_for
from huikuan.reporting.receivables import invoices_open_on
from huikuan.reporting.selectors import aging_report

AS_OF = date(2026, 6, 30)


def boundary_ages(basis: str) -> list[int]:
    """Every age (days past due, or since the invoice) at which a bucket begins or ends."""
    ages = {-1, 0, 1}
    for _, largest in buckets_for(basis):
        if largest is not None:
            ages |= {largest - 1, largest, largest + 1}
    return sorted(ages)


def age_in(invoice: Invoice, basis: str) -> int:
    reference = invoice.due_date if basis == "due" else invoice.invoice_date
    return (AS_OF - reference).days


@pytest.fixture
def invoices_on_every_boundary(db) -> list[Invoice]:
    """For each basis, one invoice per boundary age, each of a distinct amount."""
    customer = Customer.objects.create(code="EDGE", name="边界公司")
    made = []
    for basis in BASES:
        for number, age in enumerate(boundary_ages(basis)):
            reference = AS_OF - timedelta(days=age)
            if basis == "due":
                dates = {"invoice_date": min(reference, AS_OF) - timedelta(days=30), "due_date": reference}
            elif reference > AS_OF:
                continue  # not yet invoiced on the as-of date
            else:
                dates = {"invoice_date": reference, "due_date": reference + timedelta(days=35)}
            amount = Decimal(1000 + 10 * number + (0 if basis == "due" else 5))
            made.append(invoice_issue(number=f"{basis}-{age}", customer=customer, amount=amount, **dates))
    return made


@pytest.mark.parametrize("basis", BASES)
def test_the_aging_sql_puts_every_boundary_day_where_the_definition_says(invoices_on_every_boundary, basis):
    expected = dict.fromkeys((name for name, _ in buckets_for(basis)), Decimal(0))
    for invoice in invoices_on_every_boundary:
        expected[bucket_of(age_in(invoice, basis), basis)] += invoice.amount

    (row,) = aging_report(as_of=AS_OF, basis=basis).rows

    assert row.buckets == expected


@pytest.mark.parametrize("basis", BASES)
def test_the_invoices_of_a_bucket_are_those_the_definition_puts_in_it(invoices_on_every_boundary, basis):
    for name, _ in buckets_for(basis):
        listed = invoices_open_on(invoices=Invoice.objects.all(), as_of=AS_OF, basis=basis, bucket=name)

        assert {invoice.number for invoice in listed} == {
            invoice.number
            for invoice in invoices_on_every_boundary
            if bucket_of(age_in(invoice, basis), basis) == name
        }, name


def test_the_boundaries_are_the_last_day_a_bucket_holds():
    assert [bucket_of(age, "due") for age in (-1, 0, 1, 30, 31, 360, 361)] == [
        "current",
        "current",
        "1-30",
        "1-30",
        "31-60",
        "181-360",
        "361+",
    ]
    assert [bucket_of(age, "invoice") for age in (0, 365, 366, 1095, 1096)] == [
        "0-1y",
        "0-1y",
        "1-2y",
        "2-3y",
        "3y+",
    ]
