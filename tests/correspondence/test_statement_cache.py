"""The statement of account is rendered once per customer and day and reused by every email
of that day; what it shows changing (a new invoice, a payment) renders it again."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from huikuan.correspondence import pdf
from huikuan.correspondence.documents import statement_pdf
from huikuan.correspondence.models import StatementPdf
from huikuan.ledger.models import Invoice, Payment
from huikuan.ledger.services import invoice_issue, payment_allocate
from tests.correspondence.conftest import AS_OF
from tests.correspondence.test_documents import embedded_fonts, pdf_text


@pytest.fixture
def renders(monkeypatch) -> list[str]:
    """The subjects of the statements actually drawn."""
    drawn: list[str] = []
    draw = pdf.document_pdf

    def counting(**kwargs) -> bytes:
        drawn.append(kwargs["subject"])
        return draw(**kwargs)

    monkeypatch.setattr(pdf, "document_pdf", counting)
    return drawn


def test_the_same_customer_and_day_get_the_same_bytes_drawn_once(customers, renders):
    first = statement_pdf(customer=customers["hupan"], as_of=AS_OF)
    again = statement_pdf(customer=customers["hupan"], as_of=AS_OF)
    assert again == first and len(renders) == 1
    assert StatementPdf.objects.filter(customer=customers["hupan"], as_of=AS_OF).count() == 1
    text = pdf_text(again)
    assert "杭州湖畔机电有限公司" in text and "YS-0301" in text and "88,456.78" in text
    assert all(fonts for fonts in embedded_fonts(again).values())  # every font embedded


def test_a_new_invoice_renders_the_statement_again(customers, renders):
    before = statement_pdf(customer=customers["hupan"], as_of=AS_OF)
    invoice_issue(
        number="YS-0620",
        customer=customers["hupan"],
        invoice_date=date(2024, 6, 20),
        due_date=date(2024, 7, 20),
        amount=Decimal("777.00"),
    )
    after = statement_pdf(customer=customers["hupan"], as_of=AS_OF)
    assert after != before and len(renders) == 2
    assert "YS-0620" in pdf_text(after) and "89,233.78" in pdf_text(after)
    assert StatementPdf.objects.filter(customer=customers["hupan"], as_of=AS_OF).count() == 1
    assert statement_pdf(customer=customers["hupan"], as_of=AS_OF) == after and len(renders) == 2


def test_a_payment_renders_the_statement_again(customers, renders):
    before = statement_pdf(customer=customers["hupan"], as_of=AS_OF)
    payment = Payment.objects.create(
        reference="HK-002",
        customer=customers["hupan"],
        payment_date=date(2024, 6, 28),
        amount=Decimal("23456.78"),
        currency="CNY",
    )
    payment_allocate(
        payment=payment,
        invoice=Invoice.objects.get(number="YS-0402"),
        amount=Decimal("23456.78"),
        allocation_date=date(2024, 6, 28),
    )
    after = statement_pdf(customer=customers["hupan"], as_of=AS_OF)
    assert after != before and len(renders) == 2
    assert "YS-0402" not in pdf_text(after) and "65,000.00" in pdf_text(after)


def test_kept_statements_of_earlier_days_are_pruned(customers, renders):
    statement_pdf(customer=customers["hupan"], as_of=AS_OF - timedelta(days=5))
    statement_pdf(customer=customers["lion"], as_of=AS_OF)
    assert list(StatementPdf.objects.values_list("as_of", flat=True)) == [AS_OF]
