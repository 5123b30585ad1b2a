"""Writes to the VAT invoice register: one transaction each, audited (django-auditlog)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext

from huikuan.core.errors import RuleViolation
from huikuan.core.money import is_whole_cents
from huikuan.ledger.models import Customer, Invoice
from huikuan.vat.models import DIGITAL_KINDS, VatInvoice, VatInvoiceKind, VatInvoiceLink
from huikuan.vat.rules import number_problem, receivable_overinvoiced, vat_overlinked


def _amount(amount: Decimal) -> None:
    if amount <= 0 or not is_whole_cents(amount):
        raise RuleViolation(gettext("an amount is positive, in whole cents: %(amount)s") % {"amount": amount})


@transaction.atomic
def vat_invoice_record(
    *,
    number: str,
    kind: str,
    customer: Customer,
    issue_date: date,
    amount: Decimal,
    links: Sequence[tuple[Invoice, Decimal]],
    currency: str = "",
) -> VatInvoice:
    """Record a VAT invoice of ``customer`` and the receivables it invoices (``links``: each
    receivable with the amount of this VAT invoice that goes to it). Recording the same number
    again adds its further links; a link never makes a receivable invoiced beyond its amount,
    nor a VAT invoice linked beyond its own."""
    number = number.strip()
    if kind not in VatInvoiceKind.values:
        raise RuleViolation(
            gettext("unknown kind %(kind)r; one of %(choices)s")
            % {"kind": kind, "choices": ", ".join(VatInvoiceKind.values)}
        )
    if problem := number_problem(number, digital=kind in DIGITAL_KINDS):
        raise RuleViolation(problem)
    _amount(amount)
    currency = currency or customer.currency
    vat = VatInvoice.objects.select_for_update().filter(number=number).first()
    if vat is None:
        vat = VatInvoice.objects.create(
            number=number,
            kind=kind,
            customer=customer,
            issue_date=issue_date,
            amount=amount,
            currency=currency,
        )
    elif (vat.kind, vat.customer_id, vat.issue_date, vat.amount, vat.currency) != (
        kind,
        customer.pk,
        issue_date,
        amount,
        currency,
    ):
        raise RuleViolation(
            gettext("VAT invoice %(number)s is recorded with other details; a VAT invoice does not change")
            % {"number": number}
        )
    for invoice, link_amount in sorted(links, key=lambda pair: pair[0].pk):
        vat_invoice_link(vat_invoice=vat, invoice=invoice, amount=link_amount)
    return vat


@transaction.atomic
def vat_invoice_link(*, vat_invoice: VatInvoice, invoice: Invoice, amount: Decimal) -> VatInvoiceLink:
    """``amount`` of ``vat_invoice`` invoices the receivable ``invoice`` (of the same customer,
    in the same currency)."""
    _amount(amount)
    vat_invoice = VatInvoice.objects.select_for_update().get(pk=vat_invoice.pk)
    invoice = Invoice.objects.select_for_update().get(pk=invoice.pk)
    if invoice.customer_id != vat_invoice.customer_id:
        raise RuleViolation(
            gettext("receivable %(number)s is another customer's") % {"number": invoice.number}
        )
    if invoice.currency != vat_invoice.currency:
        raise RuleViolation(
            gettext("receivable %(number)s is in %(currency)s, the VAT invoice in %(vat)s")
            % {"number": invoice.number, "currency": invoice.currency, "vat": vat_invoice.currency}
        )
    if VatInvoiceLink.objects.filter(vat_invoice=vat_invoice, invoice=invoice).exists():
        raise RuleViolation(
            gettext("VAT invoice %(vat)s already invoices receivable %(number)s")
            % {"vat": vat_invoice.number, "number": invoice.number}
        )
    linked = vat_invoice.links.aggregate(t=Sum("amount"))["t"] or Decimal(0)
    if problem := vat_overlinked(vat_amount=vat_invoice.amount, linked=linked + amount):
        raise RuleViolation(problem)
    invoiced = invoice.vat_links.aggregate(t=Sum("amount"))["t"] or Decimal(0)
    if problem := receivable_overinvoiced(
        number=invoice.number, amount=invoice.amount, invoiced=invoiced + amount
    ):
        raise RuleViolation(problem)
    return VatInvoiceLink.objects.create(vat_invoice=vat_invoice, invoice=invoice, amount=amount)
