"""Statutory late-payment interest per invoice and customer (保障中小企业款项支付条例): the one
rule used by the CLI (`huikuan interest`), the web's customer pages, the API, the letters from
the letter step on, and its charge as a debit note (the capital-occupation fee's mechanism).

Interest runs on the undisputed part only: an amount under a dispute open on the as-of date
carries none. A part paid (or settled by a credit note or a write-off) carries interest from
the day after the due date to the day it was settled; the undisputed part still open, to the
as-of date. The rules themselves are in ``huikuan.credit.interest`` (pure).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Q
from django.utils.translation import gettext as _

from huikuan.collections.models import Dispute
from huikuan.core.money import quantize_cents
from huikuan.core.policy import policy_value
from huikuan.credit.charges import PendingLine, charged_up_to, debit_note_charge
from huikuan.credit.interest import Part, Rate, interest_parts, interest_start, invoice_interest
from huikuan.credit.interest_rates import interest_rates_for
from huikuan.credit.models import FeeCharge, FeeKind
from huikuan.ledger.models import Allocation, CreditNote, Customer, Invoice, WriteOff

NOTE_PREFIX = "LX"
ZERO = Decimal("0.00")


@dataclass
class InvoiceInterest:
    invoice: Invoice
    start: date
    undisputed_open: Decimal
    disputed: Decimal
    parts: list[Part]
    interest: Decimal  # in the invoice's currency

    @property
    def interest_functional(self) -> Decimal:
        return quantize_cents(self.interest * self.invoice.fx_rate)

    @property
    def days(self) -> int:
        """The days of the part still open (or of the longest part when all is settled)."""
        open_parts = [part for part in self.parts if not part.paid]
        return (open_parts or sorted(self.parts, key=lambda part: part.days))[-1].days if self.parts else 0

    def as_dict(self) -> dict:
        return {
            "invoice_number": self.invoice.number,
            "due_date": self.invoice.due_date.isoformat(),
            "currency": self.invoice.currency,
            "counted_after": self.start.isoformat(),
            "undisputed_open": f"{self.undisputed_open:.2f}",
            "disputed": f"{self.disputed:.2f}",
            "parts": [
                {
                    "amount": f"{part.amount:.2f}",
                    "from": part.start.isoformat(),
                    "to": part.end.isoformat(),
                    "days": part.days,
                    "paid": part.paid,
                }
                for part in self.parts
            ],
            "interest": f"{self.interest:.2f}",
            "interest_functional": f"{self.interest_functional:.2f}",
        }


@dataclass
class CustomerInterest:
    customer: Customer
    rate: Rate
    invoices: list[InvoiceInterest] = field(default_factory=list)

    @property
    def total(self) -> Decimal:
        """In the functional currency."""
        return sum((item.interest_functional for item in self.invoices), ZERO)

    def rate_dict(self) -> dict:
        if self.rate.contractual:
            return {"basis": "contract", "annual_rate": str(self.rate.annual)}
        return {"basis": "statutory", "daily_rate": str(self.rate.daily)}

    def as_dict(self) -> dict:
        return {
            "customer_code": self.customer.code,
            "customer_name": self.customer.name,
            "rate": self.rate_dict(),
            "total": f"{self.total:.2f}",
            "invoices": [item.as_dict() for item in self.invoices],
        }


def interest_in_force_from() -> date:
    return date.fromisoformat(str(policy_value("LATE_INTEREST_FROM")))


def _reductions(invoice_ids: list[int], as_of: date) -> dict[int, list[tuple[date, Decimal]]]:
    """What settled each invoice, by date, up to ``as_of``: payments (on the day the money came),
    credit notes and write-offs."""
    settled: dict[int, list[tuple[date, Decimal]]] = defaultdict(list)
    for invoice_id, day, amount in Allocation.objects.filter(
        invoice_id__in=invoice_ids, payment__payment_date__lte=as_of
    ).values_list("invoice_id", "payment__payment_date", "amount"):
        settled[invoice_id].append((day, amount))
    for invoice_id, day, amount in CreditNote.objects.filter(
        invoice_id__in=invoice_ids, note_date__lte=as_of
    ).values_list("invoice_id", "note_date", "amount"):
        settled[invoice_id].append((day, amount))
    for invoice_id, day, amount in WriteOff.objects.filter(
        invoice_id__in=invoice_ids, writeoff_date__lte=as_of
    ).values_list("invoice_id", "writeoff_date", "amount"):
        settled[invoice_id].append((day, amount))
    return settled


def _disputed(invoice_ids: list[int], as_of: date) -> dict[int, Decimal]:
    """The amount under disputes open on ``as_of``, by invoice."""
    disputed: dict[int, Decimal] = defaultdict(Decimal)
    rows = Dispute.objects.filter(invoice_id__in=invoice_ids, opened_on__lte=as_of).filter(
        Q(resolved_on__isnull=True) | Q(resolved_on__gt=as_of)
    )
    for invoice_id, amount in rows.values_list("invoice_id", "amount"):
        disputed[invoice_id] += amount
    return disputed


def late_interest(
    *,
    as_of: date,
    customer_ids: Collection[int] | None = None,
    invoice_ids: Collection[int] | None = None,
    kind_charged: bool = False,
) -> list[CustomerInterest]:
    """The statutory late-payment interest of each customer (of ``customer_ids``; None: all) up to
    ``as_of``, per invoice (of ``invoice_ids``, None: all), customers with none left out. With
    ``kind_charged`` only the days after those already charged count (what a charge would add)."""
    in_force = interest_in_force_from()
    invoices = Invoice.objects.filter(
        due_date__lt=as_of, invoice_date__lte=as_of, fee_charge__isnull=True
    ).filter(Q(closed_on__isnull=True) | Q(closed_on__gt=in_force))
    if customer_ids is not None:
        invoices = invoices.filter(customer_id__in=list(customer_ids))
    if invoice_ids is not None:
        invoices = invoices.filter(pk__in=list(invoice_ids))
    invoices = list(invoices.select_related("customer").order_by("customer__code", "due_date", "number"))
    ids = [invoice.pk for invoice in invoices]
    settled = _reductions(ids, as_of)
    disputed = _disputed(ids, as_of)
    charged = charged_up_to(invoice_ids=ids, kind=FeeKind.LATE_INTEREST) if kind_charged else {}
    rates = interest_rates_for(customer_ids={invoice.customer_id for invoice in invoices}, on=as_of)
    by_customer: dict[int, CustomerInterest] = {}
    for invoice in invoices:
        reductions = settled.get(invoice.pk, [])
        open_at = invoice.amount - sum((amount for _day, amount in reductions), Decimal(0))
        under_dispute = min(disputed.get(invoice.pk, Decimal(0)), max(open_at, Decimal(0)))
        undisputed = max(open_at - under_dispute, Decimal(0))
        start = interest_start(
            due_date=invoice.due_date, in_force_from=in_force, charged_to=charged.get(invoice.pk)
        )
        parts = interest_parts(start=start, reductions=reductions, undisputed_open=undisputed, as_of=as_of)
        rate = rates[invoice.customer_id]
        interest = invoice_interest(parts, rate)
        if interest <= 0:
            continue
        entry = by_customer.setdefault(
            invoice.customer_id, CustomerInterest(customer=invoice.customer, rate=rate)
        )
        entry.invoices.append(InvoiceInterest(invoice, start, undisputed, under_dispute, parts, interest))
    return list(by_customer.values())


def customer_late_interest(*, customer: Customer, as_of: date) -> CustomerInterest | None:
    found = late_interest(as_of=as_of, customer_ids=[customer.pk])
    return found[0] if found else None


def _uncharged_lines(*, customer: Customer, as_of: date) -> list[PendingLine]:
    found = late_interest(as_of=as_of, customer_ids=[customer.pk], kind_charged=True)
    if not found:
        return []
    entry = found[0]
    return [
        PendingLine(
            invoice=item.invoice,
            balance=quantize_cents(item.undisputed_open * item.invoice.fx_rate),
            days_from=item.start,
            days=item.days,
            rate=entry.rate.annual_equivalent,
            amount=item.interest_functional,
        )
        for item in entry.invoices
        if item.interest_functional > 0
    ]


def late_interest_charge(*, customer: Customer, as_of: date, charged_by: str) -> FeeCharge | None:
    """Charge the late-payment interest not yet charged up to ``as_of`` as a debit note
    (LX-<year>-<n>), with the invoices and days it was computed from, as the overdue fee is
    charged. None when nothing is left to charge; days once charged are never charged again."""
    return debit_note_charge(
        customer=customer,
        as_of=as_of,
        charged_by=charged_by,
        kind=FeeKind.LATE_INTEREST,
        prefix=NOTE_PREFIX,
        description=_("Late-payment interest up to %(date)s on %(invoices)s"),
        pending=_uncharged_lines,
    )
