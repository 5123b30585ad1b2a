"""A small distributor's ledger for collections, and helpers to grow it one record at a time.

The month of March 2026 is the simulated month; invoices are placed at every offset of
the ladder relative to its first day.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal

import pytest

from huikuan.collections.models import DunningAction, DunningClaim
from huikuan.ledger.models import Customer, Invoice, Payment
from huikuan.ledger.services import customer_create, invoice_issue, payment_allocate

MARCH_1 = date(2026, 3, 1)


@pytest.fixture
def make_customer(db) -> Callable[..., Customer]:
    def make(code: str, credit_class: str = "B", **fields) -> Customer:
        fields.setdefault("collector", "zhang.wei")
        fields.setdefault("salesperson", "li.na")
        fields.setdefault("department", "华东销售部")
        fields.setdefault("email", f"{code.lower()}@example.cn")
        return customer_create(code=code, name=f"客户{code}", credit_class=credit_class, **fields)

    return make


@pytest.fixture
def make_invoice(db) -> Callable[..., Invoice]:
    def make(customer: Customer, number: str, due: date, amount: str = "1000.00", **fields) -> Invoice:
        return invoice_issue(
            number=number,
            customer=customer,
            invoice_date=min(due - timedelta(days=30), MARCH_1 - timedelta(days=1)),
            due_date=due,
            amount=Decimal(amount),
            currency="CNY",
            **fields,
        )

    return make


@pytest.fixture
def pay(db) -> Callable[..., Payment]:
    counter = iter(range(1, 10_000))

    def make(customer: Customer, on: date, amount: str, invoice: Invoice | None = None) -> Payment:
        payment = Payment.objects.create(
            reference=f"BANK{next(counter):05d}",
            customer=customer,
            payment_date=on,
            amount=Decimal(amount),
            currency="CNY",
        )
        if invoice is not None:
            payment_allocate(payment=payment, invoice=invoice, amount=Decimal(amount))
        return payment

    return make


def steps_taken() -> set[tuple[str, str, date]]:
    """(invoice number, step code, date) of every step taken so far."""
    numbers = dict(Invoice.objects.values_list("id", "number"))
    return {
        (numbers[invoice_id], step, day)
        for invoice_id, step, day in DunningClaim.objects.values_list("invoice_id", "step_code", "run_date")
    }


def actions_on(day: date) -> list[tuple[str, str, str, tuple[str, ...], str]]:
    return sorted(
        (a.customer.code, a.step_code, a.channel, tuple(a.invoice_number_list), a.assigned_to)
        for a in DunningAction.objects.filter(action_date=day).select_related("customer")
    )
