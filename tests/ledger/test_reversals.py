"""Taking back an allocation, a write-off or a receipt: the balances are as before, and the
audit trail still shows what was removed, by whom and why."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from auditlog.models import LogEntry

from huikuan.core.errors import RuleViolation
from huikuan.ledger.models import Allocation, Invoice, Payment
from huikuan.ledger.reversals import allocation_reverse, payment_reverse, write_off_reverse
from huikuan.ledger.services import (
    customer_create,
    invoice_issue,
    invoice_write_off,
    payment_allocate,
    write_off_record_recovery,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def paid():
    customer = customer_create(code="R001", name="冲销测试客户")
    invoice = invoice_issue(
        number="R-1",
        customer=customer,
        invoice_date=date(2024, 5, 1),
        due_date=date(2024, 6, 1),
        amount=Decimal("1000.00"),
        currency="CNY",
    )
    payment = Payment.objects.create(
        reference="P-R1",
        customer=customer,
        payment_date=date(2024, 6, 5),
        amount=Decimal("1000.00"),
        currency="CNY",
    )
    allocation = payment_allocate(payment=payment, invoice=invoice, amount=Decimal("1000.00"))
    return invoice, payment, allocation


def test_reversing_an_allocation_reopens_the_invoice_and_frees_the_payment(paid):
    invoice, payment, allocation = paid
    assert Invoice.objects.get(pk=invoice.pk).closed_on == date(2024, 6, 5)
    allocation_reverse(allocation=allocation, reason="分错发票")
    invoice.refresh_from_db()
    payment.refresh_from_db()
    assert (invoice.applied_amount, invoice.closed_on, invoice.first_applied_on) == (
        Decimal("0.00"),
        None,
        None,
    )
    assert (payment.allocated_amount, payment.closed_on) == (Decimal("0.00"), None)
    entry = LogEntry.objects.get(content_type__model="allocation", action=LogEntry.Action.DELETE)
    assert entry.additional_data["reason"] == "分错发票"
    assert entry.changes["amount"] == ["1000.00", "None"]


def test_a_reversal_needs_a_reason(paid):
    with pytest.raises(RuleViolation, match="needs a reason"):
        allocation_reverse(allocation=paid[2], reason=" ")
    assert Allocation.objects.count() == 1


def test_a_write_off_with_a_recovery_stays(paid):
    invoice, _, allocation = paid
    allocation_reverse(allocation=allocation, reason="重分")
    write_off = invoice_write_off(
        invoice=invoice, amount=Decimal("10.00"), writeoff_date=date(2024, 6, 6), reason="费用"
    )
    write_off_reverse(write_off=write_off, reason="手续费另计")
    assert Invoice.objects.get(pk=invoice.pk).applied_amount == Decimal("0.00")
    again = invoice_write_off(
        invoice=invoice, amount=Decimal("10.00"), writeoff_date=date(2024, 6, 6), reason="坏账"
    )
    write_off_record_recovery(write_off=again, amount=Decimal("5.00"), recovery_date=date(2024, 6, 7))
    with pytest.raises(RuleViolation, match="recovered"):
        write_off_reverse(write_off=again, reason="x")


def test_reversing_a_payment_takes_its_allocations_with_it(paid):
    invoice, payment, _ = paid
    payment_reverse(payment=payment, reason="重复入账")
    assert not Payment.objects.filter(reference="P-R1").exists()
    assert Invoice.objects.get(pk=invoice.pk).open_amount == Decimal("1000.00")
    kinds = set(
        LogEntry.objects.filter(action=LogEntry.Action.DELETE).values_list("content_type__model", flat=True)
    )
    assert kinds == {"allocation", "payment"}
