"""湖畔机电's account over spring 2024, for statements.

Before April: invoice YS-0301 (100,000). In April: invoice YS-0402 (23,456.78), a receipt of
40,000 applied to YS-0301, a credit note of 500 on YS-0402, and money on account of 1,000.
Lion City Trading (English) owes one invoice. Both have email addresses.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from huikuan.ledger.models import Payment
from huikuan.ledger.services import credit_note_issue, customer_create, invoice_issue, payment_allocate


@pytest.fixture
def spring(db) -> dict:
    hupan = customer_create(
        code="HZ001",
        name="杭州湖畔机电有限公司",
        email="finance@hupan.example",
        collector="collector_wang",
    )
    lion = customer_create(
        code="SG005", name="Lion City Trading Pte Ltd", email="ap@lioncity.example", language="en"
    )
    first = invoice_issue(
        number="YS-0301",
        customer=hupan,
        invoice_date=date(2024, 3, 1),
        due_date=date(2024, 5, 5),
        amount=Decimal("100000.00"),
    )
    second = invoice_issue(
        number="YS-0402",
        customer=hupan,
        invoice_date=date(2024, 4, 2),
        due_date=date(2024, 6, 20),
        amount=Decimal("23456.78"),
    )
    receipt = Payment.objects.create(
        reference="HK-001",
        customer=hupan,
        payment_date=date(2024, 4, 20),
        amount=Decimal("40000.00"),
        currency="CNY",
    )
    payment_allocate(
        payment=receipt, invoice=first, amount=Decimal("40000.00"), allocation_date=date(2024, 4, 20)
    )
    Payment.objects.create(
        reference="HK-002",
        customer=hupan,
        payment_date=date(2024, 4, 28),
        amount=Decimal("1000.00"),
        currency="CNY",
    )
    credit_note_issue(
        number="CN-001",
        customer=hupan,
        note_date=date(2024, 4, 25),
        amount=Decimal("500.00"),
        currency="CNY",
        invoice=second,
        reason="折让",
    )
    invoice_issue(
        number="INV-SG-7",
        customer=lion,
        invoice_date=date(2024, 4, 5),
        due_date=date(2024, 5, 9),
        amount=Decimal("10000.00"),
        currency="CNY",
    )
    return {"hupan": hupan, "lion": lion, "first": first, "second": second}
