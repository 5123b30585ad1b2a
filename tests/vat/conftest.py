"""A small ledger for the VAT invoices and red-letter corrections: 河源电子 (HY01) with three
receivables of March 2026, and helpers."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from huikuan.ledger.models import Invoice, Payment
from huikuan.ledger.services import customer_create, invoice_issue, payment_allocate

RAISED = datetime(2026, 3, 10, 2, 0, tzinfo=UTC)  # 10:00 in Beijing


@pytest.fixture
def ledger(db) -> dict[str, Invoice]:
    customer = customer_create(code="HY01", name="河源电子有限公司", credit_class="B", collector="zhang.wei")
    other = customer_create(code="HY02", name="惠州精密", credit_class="B", collector="zhang.wei")

    def issue(number, customer, day, due, amount):
        return invoice_issue(
            number=number,
            customer=customer,
            invoice_date=day,
            due_date=due,
            amount=Decimal(amount),
            currency="CNY",
        )

    invoices = {
        "A": issue("YS-A", customer, date(2026, 1, 5), date(2026, 2, 4), "10000.00"),
        "B": issue("YS-B", customer, date(2026, 2, 10), date(2026, 3, 12), "6000.00"),
        "C": issue("YS-C", customer, date(2026, 3, 1), date(2026, 3, 31), "4000.00"),
        "D": issue("YS-D", other, date(2026, 1, 20), date(2026, 2, 19), "3000.00"),
    }
    return invoices


@pytest.fixture
def pay(db):
    def make(invoice: Invoice, on: date, amount: str) -> Payment:
        payment = Payment.objects.create(
            reference=f"SK-{invoice.number}-{on:%m%d}",
            customer=invoice.customer,
            payment_date=on,
            amount=Decimal(amount),
            currency="CNY",
        )
        payment_allocate(payment=payment, invoice=invoice, amount=Decimal(amount))
        return payment

    return make


@pytest.fixture
def english():
    """The refusals' English wording, which the tests match."""
    from django.utils import translation

    with translation.override("en"):
        yield
