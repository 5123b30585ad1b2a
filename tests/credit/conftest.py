"""A small machinery distributor's credit book, March 2026.

华东销售部 sells to 杭州湖畔机电 (HZ001, listed, class B), 宁波港机 (NB002, ordinary, class C)
and 温州小件 (WZ003, new, class C); 海外部 to Lion City (SG005, class A, USD).
People: sales_zhang (salesperson) asks, sm_liu (sales manager), analyst_qian (credit analyst),
cm_sun (credit manager), cfo_wu, president_zheng and dh_ma (department head) decide;
auditor_he reads; outsider has no role.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.utils import translation

from huikuan.accounts.services import user_create
from huikuan.ledger.models import Customer, Payment
from huikuan.ledger.services import invoice_issue, payment_allocate

PEOPLE = {
    "sales_zhang": "salesperson",
    "sm_liu": "sales_manager",
    "analyst_qian": "credit_analyst",
    "cm_sun": "credit_manager",
    "cm_zhou": "credit_manager",
    "cfo_wu": "cfo",
    "president_zheng": "president",
    "dh_ma": "department_head",
    "auditor_he": "auditor",
    "collector_wang": "collector",
}


@pytest.fixture(autouse=True)
def in_english():
    """Messages are asserted in English; the zh-Hans catalog is checked on its own."""
    with translation.override("en"):
        yield


@pytest.fixture
def people(db) -> dict:
    return {
        name: user_create(username=name, role=role, password="Huikuan-test-pw-1").user
        for name, role in PEOPLE.items()
    }


def make_customer(code: str, **fields) -> Customer:
    defaults = {"name": code, "department": "华东销售部", "currency": "CNY"}
    return Customer.objects.create(code=code, **{**defaults, **fields})


def invoice(number: str, customer: Customer, invoice_date: str, amount: str, due: str, **fields):
    return invoice_issue(
        number=number,
        customer=customer,
        invoice_date=date.fromisoformat(invoice_date),
        amount=Decimal(amount),
        due_date=date.fromisoformat(due),
        **fields,
    )


def advance(reference: str, customer: Customer, on: str, amount: str, order_number: str = "", **fields):
    """A payment recorded as an advance receipt (预收), for the customer or for one order."""
    from huikuan.ledger.advances import advance_receipt_record

    received = payment(reference, customer, on, amount, **fields)
    advance_receipt_record(payment=received, recorded_on=received.payment_date, order_number=order_number)
    return received


def payment(reference: str, customer: Customer, on: str, amount: str, currency: str = "CNY", **fields):
    return Payment.objects.create(
        reference=reference,
        customer=customer,
        payment_date=date.fromisoformat(on),
        amount=Decimal(amount),
        currency=currency,
        **fields,
    )


@pytest.fixture
def customers(db) -> dict[str, Customer]:
    made = {
        "HZ001": make_customer(
            "HZ001",
            name="杭州湖畔机电有限公司",
            credit_class="B",
            credit_limit=Decimal("500000.00"),
            industry_position="listed",
            salesperson="sales_zhang",
            collector="collector_wang",
        ),
        "NB002": make_customer(
            "NB002",
            name="宁波港机",
            credit_class="C",
            credit_limit=Decimal("100000"),
            industry_position="ordinary",
        ),
        "WZ003": make_customer("WZ003", name="温州小件", credit_class="C", industry_position="new"),
        "SG005": make_customer(
            "SG005",
            name="Lion City Trading",
            credit_class="A",
            department="海外部",
            currency="USD",
            credit_limit=Decimal("1000000"),
            industry_position="global500",
        ),
    }
    confirm_industry(*made.values())
    return made


def confirm_industry(*customers: Customer, on: date = date(2025, 1, 1)) -> None:
    """Market development confirmed the customers' industry positions (seed 002: theirs to score)."""
    from huikuan.credit.models import MarketAssessment

    MarketAssessment.objects.bulk_create(
        MarketAssessment(
            customer=customer,
            item="industry",
            industry_position=customer.industry_position,
            confirmed_by="market_li",
            confirmed_on=on,
        )
        for customer in customers
    )


@pytest.fixture
def march(customers) -> dict[str, Customer]:
    """March 2026 in the ledger.

    HZ001: 50,000 due 10 Feb with 10,000 paid on 20 Feb (40,000 overdue on 1 March);
    20,000 due 15 March; 45,000 received on 20 March → collection rate 45,000 / 60,000.
    Revenue in March: HZ001 30,000 at 25% + 10,000 at 15% margin; NB002 59,800 at 10%;
    WZ003 200 without a margin. 华东销售部's March revenue is 100,000.
    SG005 (海外部): 10,000 USD at 7.1 in March, 30% margin; nothing due.
    """
    hz, nb, wz, sg = (customers[c] for c in ("HZ001", "NB002", "WZ003", "SG005"))
    old = invoice("H-0101", hz, "2026-01-01", "50000.00", "2026-02-10")
    invoice("H-0120", hz, "2026-01-20", "20000.00", "2026-03-15")
    paid = payment("P-0220", hz, "2026-02-20", "10000.00")
    payment_allocate(payment=paid, invoice=old, amount=Decimal("10000.00"))
    payment("P-0320", hz, "2026-03-20", "45000.00")
    invoice("H-0305", hz, "2026-03-05", "30000.00", "2026-05-09", gross_margin=Decimal("0.25"))
    invoice("H-0306", hz, "2026-03-06", "10000.00", "2026-05-10", gross_margin=Decimal("0.15"))
    invoice("N-0310", nb, "2026-03-10", "59800.00", "2026-04-14", gross_margin=Decimal("0.10"))
    invoice("W-0311", wz, "2026-03-11", "200.00", "2026-04-15")
    invoice(
        "S-0312",
        sg,
        "2026-03-12",
        "10000.00",
        "2026-05-11",
        currency="USD",
        fx_rate=Decimal("7.1"),
        gross_margin=Decimal("0.30"),
    )
    return customers
