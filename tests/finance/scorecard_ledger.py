"""A small ledger for the scorecards of May 2024, and what each person's metrics are on it,
worked out by hand below (no production code computes the expected numbers).

Customers: A (salesperson li, collector zhao), B (li, qian), C (wang, zhao); all CNY.

    invoice  customer  dated       due         amount    applied
    A1       A         2024-03-01  2024-04-10  10,000    7,000 paid 05-05; credit note 500 on 05-10
    A2       A         2024-04-15  2024-05-15   6,000    6,000 paid 05-20
    A3       A         2024-05-10  2024-06-30   4,000    —
    B1       B         2024-03-10  2024-04-30   8,000    8,000 paid 05-25
    B2       B         2024-05-20  2024-06-19   2,000    —
    C1       C         2024-02-01  2024-03-01   5,000    1,000 paid 04-10; 1,000 paid 05-31
    C2       C         2024-05-01  2024-05-31   3,000      500 paid 05-31

At the start of May: overdue A1 10,000, B1 8,000, C1 4,000 (5,000 − 1,000 in April); falling
due in May A2 6,000, C2 3,000. Received in May: A 13,000, B 8,000, C 1,500. Applied in May to
what was overdue at the start: A1 7,000, B1 8,000, C1 1,000 (the credit note is no collection).
At 31 May: A1 2,500 overdue, A3 4,000 current; B2 2,000 current; C1 3,000 overdue, C2 2,500
current (due that day: not yet overdue).

    li   (A+B): collection 21,000 / 24,000 = 87.50 %; clearance 15,000 / 18,000 = 83.33 %;
                overdue 2,500 / 8,500 = 29.41 %
    wang (C):   1,500 / 7,000 = 21.43 %; 1,000 / 4,000 = 25.00 %; 3,000 / 5,500 = 54.55 %
    zhao (A+C): 14,500 / 23,000 = 63.04 %; 8,000 / 14,000 = 57.14 %; 5,500 / 12,000 = 45.83 %
    qian (B):   8,000 / 8,000 = 100.00 %; 8,000 / 8,000 = 100.00 %; 0 / 2,000 = 0.00 %

Promises falling due in May: A's of 05-10 kept and 05-20 broken (its 06-05 one is June's); C's
of 05-31 not yet judged (not kept). li 1 of 2 = 50.00 %, wang 0 of 1 = 0.00 %, zhao 1 of 3 =
33.33 %, qian none. Activities logged in May: zhao 3 (and 1 in April), li 2, qian 1, wang 0.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from huikuan.collections.models import Activity, PromiseToPay
from huikuan.ledger.models import Payment
from huikuan.ledger.services import credit_note_issue, customer_create, invoice_issue, payment_allocate

MONTH = "2024-05"
D = Decimal
EXPECTED = {
    ("salesperson", "li"): {
        "collection_rate": "87.50", "clearance_rate": "83.33", "overdue_ratio": "29.41",
        "promises_kept": "50.00", "actions_done": "2", "collected": "21000.00",
    },
    ("salesperson", "wang"): {
        "collection_rate": "21.43", "clearance_rate": "25.00", "overdue_ratio": "54.55",
        "promises_kept": "0.00", "actions_done": "0", "collected": "1500.00",
    },
    ("collector", "qian"): {
        "collection_rate": "100.00", "clearance_rate": "100.00", "overdue_ratio": "0.00",
        "promises_kept": None, "actions_done": "1", "collected": "8000.00",
    },
    ("collector", "zhao"): {
        "collection_rate": "63.04", "clearance_rate": "57.14", "overdue_ratio": "45.83",
        "promises_kept": "33.33", "actions_done": "3", "collected": "14500.00",
    },
}  # fmt: skip
# The default rules on these values: collection ≥ 95 → 1,000 (≥ 90 → 500); overdue ratio
# > 15 → −300; a collector's clearance ≥ 5 → 300.
EXPECTED_AMOUNTS = {
    ("salesperson", "li"): D("-300.00"),
    ("salesperson", "wang"): D("-300.00"),
    ("collector", "qian"): D("1300.00"),
    ("collector", "zhao"): D("0.00"),
}


def _pay(reference: str, customer, day: date, parts: list) -> None:
    payment = Payment.objects.create(
        reference=reference, customer=customer, payment_date=day,
        amount=sum((amount for _invoice, amount in parts), D(0)), currency="CNY",
    )  # fmt: skip
    for invoice, amount in parts:
        payment_allocate(payment=payment, invoice=invoice, amount=amount, allocation_date=day)


def build_may_ledger() -> None:
    a = customer_create(code="A", name="甲公司", salesperson="li", collector="zhao", currency="CNY")
    b = customer_create(code="B", name="乙公司", salesperson="li", collector="qian", currency="CNY")
    c = customer_create(code="C", name="丙公司", salesperson="wang", collector="zhao", currency="CNY")
    inv = {}
    for number, customer, dated, due, amount in (
        ("A1", a, date(2024, 3, 1), date(2024, 4, 10), D("10000.00")),
        ("A2", a, date(2024, 4, 15), date(2024, 5, 15), D("6000.00")),
        ("A3", a, date(2024, 5, 10), date(2024, 6, 30), D("4000.00")),
        ("B1", b, date(2024, 3, 10), date(2024, 4, 30), D("8000.00")),
        ("B2", b, date(2024, 5, 20), date(2024, 6, 19), D("2000.00")),
        ("C1", c, date(2024, 2, 1), date(2024, 3, 1), D("5000.00")),
        ("C2", c, date(2024, 5, 1), date(2024, 5, 31), D("3000.00")),
    ):
        inv[number] = invoice_issue(
            number=number, customer=customer, invoice_date=dated, due_date=due, amount=amount, currency="CNY"
        )
    _pay("P0", c, date(2024, 4, 10), [(inv["C1"], D("1000.00"))])
    _pay("P1", a, date(2024, 5, 5), [(inv["A1"], D("7000.00"))])
    credit_note_issue(
        number="CN1", customer=a, note_date=date(2024, 5, 10), amount=D("500.00"), currency="CNY",
        invoice=inv["A1"],
    )  # fmt: skip
    _pay("P2", a, date(2024, 5, 20), [(inv["A2"], D("6000.00"))])
    _pay("P3", b, date(2024, 5, 25), [(inv["B1"], D("8000.00"))])
    _pay("P4", c, date(2024, 5, 31), [(inv["C1"], D("1000.00")), (inv["C2"], D("500.00"))])
    for customer, promised, status in (
        (a, date(2024, 5, 10), "kept"),
        (a, date(2024, 5, 20), "broken"),
        (a, date(2024, 6, 5), "kept"),
        (c, date(2024, 5, 31), "open"),
    ):
        PromiseToPay.objects.create(
            customer=customer, made_on=date(2024, 5, 1), promised_date=promised, amount=D("100.00"),
            currency="CNY", status=status, made_by="zhao",
        )  # fmt: skip
    for user, day, count in (("zhao", date(2024, 5, 6), 3), ("zhao", date(2024, 4, 30), 1),
                             ("li", date(2024, 5, 31), 2), ("qian", date(2024, 5, 1), 1)):  # fmt: skip
        for _ in range(count):
            Activity.objects.create(customer=a, kind="call", occurred_on=day, user=user)
