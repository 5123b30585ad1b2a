"""The rules of a new invoice (currency, exchange rate, due date from terms) live in one pure
module, ``huikuan.ledger.rules``; ``invoice_issue`` and the invoice import decide through it, so
the same invoice gets the same currency, rate and due date, or the same refusal, both ways."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import translation

from huikuan.core.errors import RuleViolation
from huikuan.ledger.models import Invoice
from huikuan.ledger.rules import (
    InvoiceRuleBroken,
    due_offset_for,
    exchange_rate_for,
    invoice_currency,
    invoice_due_date,
)
from huikuan.ledger.services import invoice_issue


@pytest.fixture(autouse=True)
def in_english():
    with translation.override("en"):
        yield


RULES = {
    "TERM_DAYS_BY_CLASS": {"A": 60, "B": 45, "C": 30, "D": 0},
    "DEFAULT_TERM_DAYS": 30,
    "TERM_START_DELAY_DAYS": 5,
}


def test_the_currency_is_the_invoices_else_the_customers_else_the_functional_one():
    assert invoice_currency(given="USD", customer_currency="EUR", functional="CNY") == "USD"
    assert invoice_currency(given="", customer_currency="EUR", functional="CNY") == "EUR"
    assert invoice_currency(given="", customer_currency="", functional="CNY") == "CNY"


def test_the_functional_currency_has_the_rate_one_and_others_need_a_positive_rate():
    assert exchange_rate_for(currency="CNY", functional="CNY", given=None) == 1
    assert exchange_rate_for(currency="USD", functional="CNY", given=Decimal("7.1")) == Decimal("7.1")
    with pytest.raises(InvoiceRuleBroken) as wrong_one:
        exchange_rate_for(currency="CNY", functional="CNY", given=Decimal("7.1"))
    assert wrong_one.value.field == "exchange_rate"
    with pytest.raises(InvoiceRuleBroken) as missing:
        exchange_rate_for(currency="USD", functional="CNY", given=None)
    assert missing.value.field == "currency"
    with pytest.raises(InvoiceRuleBroken, match="above 0"):
        exchange_rate_for(currency="USD", functional="CNY", given=Decimal(0))


@pytest.mark.parametrize(
    "term_days, credit_class, days_after_invoice",
    [(20, "A", 25), (0, "A", 5), (None, "A", 65), (None, "D", 5), (None, "", 35), (None, "X", 35)],
)
def test_an_invoice_falls_due_after_the_start_delay_and_the_customers_term(
    term_days, credit_class, days_after_invoice
):
    offset = due_offset_for(customer_term_days=term_days, credit_class=credit_class, rules=RULES)
    assert invoice_due_date(invoice_date=date(2024, 3, 1), given=None, due_offset=offset) == date(
        2024, 3, 1
    ) + timedelta(days=days_after_invoice)


def test_a_given_due_date_wins_unless_it_falls_before_the_invoice_date():
    offset = timedelta(days=35)
    assert invoice_due_date(invoice_date=date(2024, 3, 1), given=date(2024, 3, 1), due_offset=offset) == date(
        2024, 3, 1
    )
    with pytest.raises(InvoiceRuleBroken, match="falls before the invoice date 2024-03-01"):
        invoice_due_date(invoice_date=date(2024, 3, 1), given=date(2024, 2, 29), due_offset=offset)


def test_the_service_and_the_import_give_the_same_invoice(customers, huikuan, write_file):
    issued = invoice_issue(
        number="SVC-1",
        customer=customers["SG005"],
        invoice_date=date(2024, 3, 1),
        amount=Decimal("100.00"),
        fx_rate=Decimal("7.2"),
    )
    path = write_file(
        "one.csv",
        "invoice_number,customer_code,invoice_date,amount,exchange_rate\nIMP-1,SG005,2024-03-01,100.00,7.2\n",
    )
    assert huikuan("import", "invoices", path).code == 0
    imported = Invoice.objects.get(number="IMP-1")

    assert (imported.currency, imported.fx_rate, imported.due_date) == (
        issued.currency,
        issued.fx_rate,
        issued.due_date,
    )


def test_the_service_and_the_import_refuse_a_foreign_invoice_without_its_rate(customers, huikuan, write_file):
    with pytest.raises(RuleViolation, match="give its exchange rate"):
        invoice_issue(
            number="SVC-2",
            customer=customers["HZ001"],
            invoice_date=date(2024, 3, 1),
            amount=Decimal("1.00"),
            currency="USD",
        )
    path = write_file(
        "two.csv",
        "invoice_number,customer_code,invoice_date,amount,currency\nIMP-2,HZ001,2024-03-01,1.00,USD\n",
    )
    result = huikuan("import", "invoices", path, "--json")
    assert "give its exchange rate" in result.stdout
