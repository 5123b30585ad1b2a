"""The payment history a model learns from, read in bulk: one row per invoice with the day it
was settled (``closed_on``: its balance reached zero), the dispute and broken-promise dates.

A day's features use only what the history says happened before that day (see ``features``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import connection


@dataclass(frozen=True)
class InvoiceRow:
    id: int
    number: str
    customer_id: int
    invoice_date: date
    due_date: date
    amount: float  # a model feature, not money: never posted or summed into the ledger
    closed_on: date | None
    disputed: bool
    disputed_on: date | None  # the first dispute recorded on it, when the date is known
    credit_class: str
    # How the invoice reached the customer: True electronic (an e-invoice, e-mail), False on
    # paper (by post or courier), None not known. A paper invoice takes days to arrive, and many
    # customers pay only against the invoice in hand (收票付款).
    electronic: bool | None = None


@dataclass(frozen=True)
class History:
    invoices: list[InvoiceRow]
    broken_promises: dict[int, list[date]]  # customer id → the days promises were broken


_BILLING = {"paper": False, "electronic": True}  # ledger's Billing; "" (not known): None


def date_from_db(value) -> date:
    """A DATE column's value: a string on SQLite, a date on PostgreSQL."""
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def _day(value) -> date | None:
    return None if value is None else date_from_db(value)


def history_load(*, until: date | None = None) -> History:
    """Every invoice issued up to ``until`` (all without it), oldest first."""
    params: list = []
    where = ""
    if until is not None:
        where = "WHERE i.invoice_date <= %s"
        params.append(until.isoformat() if connection.vendor == "sqlite" else until)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT i.id, i.number, i.customer_id, i.invoice_date, i.due_date, i.amount, "
            "i.closed_on, i.disputed, c.credit_class, i.billing, "
            "(SELECT MIN(d.opened_on) FROM collections_dispute d WHERE d.invoice_id = i.id) "
            f"FROM ledger_invoice i JOIN ledger_customer c ON c.id = i.customer_id {where} "
            "ORDER BY i.invoice_date, i.id",
            params,
        )
        rows = cursor.fetchall()
        cursor.execute(
            "SELECT customer_id, resolved_on FROM collections_promisetopay "
            "WHERE status = 'broken' AND resolved_on IS NOT NULL ORDER BY resolved_on"
        )
        promises = cursor.fetchall()
    invoices = [
        InvoiceRow(
            id=pk,
            number=number,
            customer_id=customer,
            invoice_date=date_from_db(issued),
            due_date=date_from_db(due),
            amount=minor / 100,
            closed_on=_day(closed),
            disputed=bool(disputed) or opened is not None,
            disputed_on=_day(opened),
            credit_class=credit_class or "",
            electronic=_BILLING.get(billing or ""),
        )
        for pk, number, customer, issued, due, minor, closed, disputed, credit_class, billing, opened in rows
    ]
    broken: dict[int, list[date]] = {}
    for customer_id, day in promises:
        broken.setdefault(customer_id, []).append(date_from_db(day))
    return History(invoices=invoices, broken_promises=broken)
