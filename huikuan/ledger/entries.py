"""What a customer's account is made of: the one rule, read by the customer page and statements.

    account_entries(*, customer) -> list[LedgerEntry]       # every entry, functional running balance
    account_activity(*, customer, start, end, currency) -> AccountActivity   # one period, one currency

Invoices raise what the customer owes; payments (all of them, money on account included),
credit notes and write-offs lower it. Entries of a day are ordered invoice, payment, credit
note, write-off, then by reference.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

from huikuan.core.money import functional_amount
from huikuan.ledger.models import CreditNote, Customer, Invoice, Payment, WriteOff

KIND_ORDER = {"invoice": 0, "payment": 1, "credit_note": 2, "write_off": 3}


@dataclass(frozen=True)
class LedgerEntry:
    """One line of a customer's ledger: what raised or lowered the balance, and the balance after."""

    entry_date: date
    kind: str
    reference: str
    description: str
    amount: Decimal  # in ``currency``: positive raises what the customer owes
    currency: str
    functional: Decimal
    balance: Decimal = Decimal(0)
    invoice_id: int | None = None  # the invoice an invoice or write-off entry is about


def _entries(customer: Customer, *, up_to: date | None = None) -> list[LedgerEntry]:
    dated = {"invoice_date__lte": up_to} if up_to else {}
    entries = [
        LedgerEntry(
            i.invoice_date,
            "invoice",
            i.number,
            i.description,
            i.amount,
            i.currency,
            functional_amount(i.amount, i.fx_rate),
            invoice_id=i.pk,
        )
        for i in Invoice.objects.filter(customer=customer, **dated)
    ]
    dated = {"payment_date__lte": up_to} if up_to else {}
    entries += [
        LedgerEntry(
            p.payment_date,
            "payment",
            p.reference,
            p.memo or p.payer_name,
            -p.amount,
            p.currency,
            -functional_amount(p.amount, p.fx_rate),
        )
        for p in Payment.objects.filter(customer=customer, **dated)
    ]
    dated = {"note_date__lte": up_to} if up_to else {}
    entries += [
        LedgerEntry(
            n.note_date,
            "credit_note",
            n.number,
            n.reason,
            -n.amount,
            n.currency,
            -functional_amount(n.amount, n.fx_rate),
            invoice_id=n.invoice_id,
        )
        for n in CreditNote.objects.filter(customer=customer, **dated)
    ]
    dated = {"writeoff_date__lte": up_to} if up_to else {}
    entries += [
        LedgerEntry(
            w.writeoff_date,
            "write_off",
            w.invoice.number,
            w.reason,
            -w.amount,
            w.invoice.currency,
            -functional_amount(w.amount, w.invoice.fx_rate),
            invoice_id=w.invoice_id,
        )
        for w in WriteOff.objects.filter(invoice__customer=customer, **dated).select_related("invoice")
    ]
    entries.sort(key=lambda e: (e.entry_date, KIND_ORDER[e.kind], e.reference))
    return entries


def account_entries(*, customer: Customer) -> list[LedgerEntry]:
    """Invoices, payments, credit notes and write-offs by date, with the running balance
    in the functional currency."""
    running = Decimal(0)
    with_balance = []
    for entry in _entries(customer):
        running += entry.functional
        with_balance.append(replace(entry, balance=running))
    return with_balance


@dataclass(frozen=True)
class AccountActivity:
    """A customer's account over ``start``..``end`` in one currency: the balance before, the
    period's entries (each with the running balance after it), the balance at the end.
    ``other_currencies`` counts the entries of the period in other currencies, left out."""

    customer: Customer
    currency: str
    start: date
    end: date
    opening_balance: Decimal
    entries: list[LedgerEntry]
    closing_balance: Decimal
    other_currencies: int

    def total(self, kind: str) -> Decimal:
        """The period's entries of ``kind``, as positive amounts."""
        return sum((abs(e.amount) for e in self.entries if e.kind == kind), Decimal(0))


def account_activity(*, customer: Customer, start: date, end: date, currency: str) -> AccountActivity:
    """The period ``start``..``end`` (inclusive) of the account in ``currency`` (amounts of the
    items themselves, no conversion). Opening + the period's entries = closing, exactly."""
    if end < start:
        raise ValueError(f"a period ends on or after its start: {start} .. {end}")
    opening = Decimal(0)
    period: list[LedgerEntry] = []
    others = 0
    for entry in _entries(customer, up_to=end):
        if entry.currency != currency:
            others += entry.entry_date >= start
            continue
        if entry.entry_date < start:
            opening += entry.amount
        else:
            period.append(entry)
    running = opening
    with_balance = []
    for entry in period:
        running += entry.amount
        with_balance.append(replace(entry, balance=running))
    return AccountActivity(
        customer=customer,
        currency=currency,
        start=start,
        end=end,
        opening_balance=opening,
        entries=with_balance,
        closing_balance=running,
        other_currencies=others,
    )
