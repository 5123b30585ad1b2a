"""Every KPI equals an independent computation on random ledgers, for many periods and groupings.

Hypothesis draws a ledger (customers of every class in two departments, invoices in CNY and
USD at odd rates, payments allocated early and late, partly or not at all, payments not yet
matched, credit notes and write-offs) built through the ledger's services. The oracle below
reads the rows back through the ORM and computes each figure in plain Python with exact
fractions, sharing no code with the report; ``huikuan kpi``'s numbers must be the same
strings, for random periods and every grouping. Runs on SQLite, and on PostgreSQL with
``DATABASE_URL=postgres://…``.
"""

from __future__ import annotations

import math
import random
from collections import defaultdict
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from huikuan.finance.selectors import kpi_report
from huikuan.ledger.models import Allocation, CreditNote, Customer, Invoice, Payment, WriteOff
from huikuan.ledger.services import (
    credit_note_issue,
    customer_create,
    invoice_issue,
    invoice_write_off,
    payment_allocate,
)
from tests.conftest import examples

START = date(2024, 1, 1)
GROUPINGS = ["company", "department", "salesperson", "collector", "class", "currency"]
PLACES = {
    "dso": 1, "dso_countback": 1, "bpdso": 1, "add": 1, "add_paid": 1, "cei": 2, "current_pct": 2,
    "turnover": 2, "collection_rate": 2, "collection_cycle": 1, "overdue_ratio": 2, "bad_debt_ratio": 2,
}  # fmt: skip
COUNTBACK_MONTHS = 24  # the default setting


def build_ledger(rng: random.Random) -> None:
    customers = []
    for n in range(rng.randint(2, 5)):
        credit_class = rng.choice("ABCD")
        customers.append(
            customer_create(
                code=f"K{n}",
                name=f"Customer {n}",
                credit_class=credit_class,
                department=rng.choice(["North", "South"]),
                salesperson=rng.choice(["li", "wang", ""]),
                collector=rng.choice(["zhao", "qian"]),
                currency=rng.choice(["CNY", "CNY", "USD"]),
                # Terms follow the class: at most its term (A 60, B 45, C 30, D 0).
                term_days=min(rng.choice([0, 30, 60]), {"A": 60, "B": 45, "C": 30, "D": 0}[credit_class]),
            )
        )
    for n in range(rng.randint(3, 30)):
        customer = rng.choice(customers)
        usd = customer.currency == "USD"
        day = START + timedelta(days=rng.randint(0, 420))
        invoice = invoice_issue(
            number=f"INV{n}",
            customer=customer,
            invoice_date=day,
            due_date=day + timedelta(days=rng.choice([0, 10, 30, 45])),
            amount=Decimal(rng.randint(1, 2_000_000)) / 100,
            currency=customer.currency,
            fx_rate=Decimal(rng.choice(["7.123456", "6.891234", "7.2"])) if usd else None,
        )
        for step in range(rng.randint(0, 3)):
            invoice.refresh_from_db()
            left = invoice.amount - invoice.applied_amount
            if left <= 0:
                break
            part = (
                left
                if rng.random() < 0.5
                else (left * Decimal(rng.randint(1, 99)) / 100).quantize(Decimal("0.01"))
            )
            if part <= 0:
                continue
            when = invoice.due_date + timedelta(days=rng.randint(-20, 120))
            when = max(when, invoice.invoice_date)
            kind = rng.random()
            if kind < 0.7:
                payment = Payment.objects.create(
                    reference=f"P{n}-{step}",
                    customer=customer if rng.random() < 0.8 else None,
                    payment_date=when,
                    amount=part + (Decimal(rng.randint(0, 5000)) / 100 if rng.random() < 0.3 else 0),
                    currency=invoice.currency,
                    fx_rate=invoice.fx_rate,
                )
                payment_allocate(
                    payment=payment,
                    invoice=invoice,
                    amount=part,
                    allocation_date=when + timedelta(days=rng.choice([0, 0, 3])),
                )
            elif kind < 0.85:
                credit_note_issue(
                    number=f"CN{n}-{step}", customer=customer, note_date=when, amount=part,
                    currency=invoice.currency, invoice=invoice, fx_rate=invoice.fx_rate,
                )  # fmt: skip
            else:
                invoice_write_off(invoice=invoice, amount=part, writeoff_date=when, reason="bankrupt")
    for n in range(rng.randint(0, 4)):  # receipts not (yet) applied, some not even matched
        Payment.objects.create(
            reference=f"U{n}",
            customer=rng.choice([*customers, None]),
            payment_date=START + timedelta(days=rng.randint(0, 500)),
            amount=Decimal(rng.randint(100, 500_000)) / 100,
            currency="CNY",
        )


# --- The oracle: plain Python over the rows, exact fractions -------------------------------


def cny(amount: Decimal, rate: Decimal) -> Fraction:
    """An item's amount in CNY, rounded to the cent, half up."""
    return Fraction((amount * rate).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def half_up(value: Fraction, places: int) -> str:
    scaled = value * 10**places
    whole = math.floor(abs(scaled) + Fraction(1, 2)) * (1 if scaled >= 0 else -1)
    text = f"{abs(whole) // 10**places}.{abs(whole) % 10**places:0{places}d}"
    return ("-" if whole < 0 else "") + text


def month_index(day: date, last: date) -> int:
    return (last.year * 12 + last.month) - (day.year * 12 + day.month)


def month_length(index: int, last: date) -> int:
    if index == 0:
        return last.day
    year, month = divmod(last.year * 12 + last.month - 1 - index, 12)
    first = date(year, month + 1, 1)
    following = date(year + (month + 1) // 12, (month + 1) % 12 + 1, 1)
    return (following - first).days


def oracle(first: date, last: date, group_by: str) -> tuple[dict[str, dict], dict]:
    customers = {c["id"]: c for c in Customer.objects.values()}
    applied = defaultdict(list)  # invoice id -> [(date, amount)]
    for a in Allocation.objects.values("invoice_id", "allocation_date", "amount"):
        applied[a["invoice_id"]].append((a["allocation_date"], a["amount"]))
    for c in CreditNote.objects.filter(invoice__isnull=False).values("invoice_id", "note_date", "amount"):
        applied[c["invoice_id"]].append((c["note_date"], c["amount"]))
    for w in WriteOff.objects.values("invoice_id", "writeoff_date", "amount"):
        applied[w["invoice_id"]].append((w["writeoff_date"], w["amount"]))
    invoices = {i["id"]: i for i in Invoice.objects.values()}

    def group(customer_id, currency):
        if group_by == "currency":
            return currency
        if group_by == "company":
            return "company"
        field = {"class": "credit_class"}.get(group_by, group_by)
        return customers[customer_id][field]

    def balance(invoice, day):
        if invoice["invoice_date"] > day:
            return Fraction(0)
        left = invoice["amount"] - sum((a for d, a in applied[invoice["id"]] if d <= day), Decimal(0))
        return cny(left, invoice["fx_rate"])

    f = defaultdict(lambda: defaultdict(Fraction))
    months = defaultdict(lambda: defaultdict(Fraction))
    eve = first - timedelta(days=1)
    for i in invoices.values():
        g = f[group(i["customer_id"], i["currency"])]
        g["opening"] += balance(i, eve)
        g["ending"] += balance(i, last)
        if i["due_date"] >= last:
            g["current"] += balance(i, last)
        if first <= i["invoice_date"] <= last:
            g["sales"] += cny(i["amount"], i["fx_rate"])
        index = month_index(i["invoice_date"], last)
        if i["invoice_date"] <= last and 0 <= index < COUNTBACK_MONTHS:
            months[group(i["customer_id"], i["currency"])][index] += cny(i["amount"], i["fx_rate"])
        if i["due_date"] <= last and i["invoice_date"] <= last:
            left = i["amount"] - sum((a for d, a in applied[i["id"]] if d <= eve), Decimal(0))
            g["overdue_start" if i["due_date"] < first else "falling_due"] += cny(left, i["fx_rate"])
    for a in Allocation.objects.values("invoice_id", "allocation_date", "amount"):
        if first <= a["allocation_date"] <= last:
            i = invoices[a["invoice_id"]]
            g = f[group(i["customer_id"], i["currency"])]
            amount = cny(a["amount"], i["fx_rate"])
            g["paid"] += amount
            g["paid_late"] += amount * (a["allocation_date"] - i["due_date"]).days
            g["paid_since"] += amount * (a["allocation_date"] - i["invoice_date"]).days
    for w in WriteOff.objects.values("invoice_id", "writeoff_date", "amount"):
        if first <= w["writeoff_date"] <= last:
            i = invoices[w["invoice_id"]]
            f[group(i["customer_id"], i["currency"])]["written_off"] += cny(w["amount"], i["fx_rate"])
    for p in Payment.objects.filter(customer__isnull=False).values():
        if first <= p["payment_date"] <= last:
            f[group(p["customer_id"], p["currency"])]["receipts"] += cny(p["amount"], p["fx_rate"])

    days = (last - first).days + 1

    def kpis(g, by_month):
        def ratio(n, d):
            return None if d == 0 else n / d

        overdue = g["ending"] - g["current"]
        left, countback = g["ending"], Fraction(0)
        for index in range(COUNTBACK_MONTHS):
            if left <= 0:
                break
            sales, length = by_month[index], month_length(index, last)
            if sales > left:
                countback += left / sales * length
                left = 0
                break
            left -= sales
            countback += length
        collectible = g["overdue_start"] + g["falling_due"]
        values = {
            "dso": ratio(g["ending"] * days, g["sales"]),
            "dso_countback": countback,
            "bpdso": ratio(g["current"] * days, g["sales"]),
            "add": ratio(overdue * days, g["sales"]),
            "add_paid": ratio(g["paid_late"], g["paid"]),
            "cei": ratio(
                (g["opening"] + g["sales"] - g["ending"]) * 100, g["opening"] + g["sales"] - g["current"]
            ),
            "current_pct": ratio(g["current"] * 100, g["ending"]),
            "turnover": ratio(g["sales"], (g["opening"] + g["ending"]) / 2),
            "collection_rate": None if collectible <= 0 else g["receipts"] * 100 / collectible,
            "collection_cycle": ratio(g["paid_since"], g["paid"]),
            "overdue_ratio": ratio(overdue * 100, g["ending"]),
            "bad_debt_ratio": ratio(g["written_off"] * 100, g["sales"]),
        }
        return {k: None if v is None else half_up(v, PLACES[k]) for k, v in values.items()}

    # A group has a row when it has something in the period or at its ends (earlier months'
    # sales alone do not make one).
    touched = {key for key, g in f.items() if any(g.values())}
    if group_by == "company":
        touched.add("company")
    rows = {key: kpis(f[key], months[key]) for key in touched}
    total, total_months = defaultdict(Fraction), defaultdict(Fraction)
    for key, g in f.items():
        for name, value in g.items():
            total[name] += value
        for index, value in months[key].items():
            total_months[index] += value
    return rows, kpis(total, total_months)


def periods(rng: random.Random) -> list[tuple[date, date]]:
    """A quarter, a year, and periods starting and ending on the ledger's own dates (and the
    days either side), where an off-by-one day in a boundary shows."""
    days = sorted(
        {*Invoice.objects.values_list("invoice_date", flat=True)}
        | {*Invoice.objects.values_list("due_date", flat=True)}
        | {*Allocation.objects.values_list("allocation_date", flat=True)}
        | {*WriteOff.objects.values_list("writeoff_date", flat=True)}
        | {*Payment.objects.values_list("payment_date", flat=True)}
    )
    chosen = [(date(2024, 4, 1), date(2024, 6, 30)), (date(2024, 1, 1), date(2024, 12, 31))]
    for _ in range(3):
        first = rng.choice(days) + timedelta(days=rng.choice([-1, 0, 0, 1]))
        later = [day for day in days if day >= first] or [first]
        chosen.append((first, max(first, rng.choice(later) + timedelta(days=rng.choice([-1, 0, 0, 1])))))
    return chosen


@pytest.mark.django_db
@settings(
    max_examples=examples(12), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(seed=st.integers(min_value=0, max_value=2**32 - 1))
def test_every_kpi_equals_the_oracle(seed):
    rng = random.Random(seed)
    with transaction.atomic():
        build_ledger(rng)
        for first, last in periods(rng):
            for group_by in GROUPINGS:
                report = kpi_report(first_day=first, last_day=last, group_by=group_by).as_dict()
                expected_rows, expected_total = oracle(first, last, group_by)
                context = f"seed {seed}, {first} … {last} by {group_by}"
                assert report["total"] == expected_total, context
                got = {row.pop("key"): row for row in report["rows"]}
                assert set(got) == set(expected_rows), context
                for key, values in got.items():
                    del values["name"]
                    assert values == expected_rows[key], (context, key)
        transaction.set_rollback(True)
