"""Reads of VAT invoices for other apps."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection

from huikuan.ledger.models import Invoice
from huikuan.vat.models import VatInvoiceLink

# How the invoice file lists several VAT invoices of one receivable (``Invoice.vat_invoice_number``).
SEPARATOR = ";"


def invoices_by_vat_number(numbers: Collection[str]) -> dict[str, list[str]]:
    """For each of these VAT invoice numbers (发票号码) that the ledger knows, the numbers of the
    invoices (receivables) it invoices: by the VAT invoices recorded with their links, and by
    the VAT invoice numbers the invoice file gave each receivable (one, or several separated
    by ``;``)."""
    wanted = {number.strip() for number in numbers if number.strip()}
    found: dict[str, set[str]] = defaultdict(set)
    if not wanted:
        return {}
    links = VatInvoiceLink.objects.filter(vat_invoice__number__in=wanted)
    for vat, invoice in links.values_list("vat_invoice__number", "invoice__number").iterator():
        found[vat].add(invoice)
    for invoice, vat in Invoice.objects.filter(vat_invoice_number__in=wanted).values_list(
        "number", "vat_invoice_number"
    ):
        found[vat].add(invoice)
    several = Invoice.objects.filter(vat_invoice_number__contains=SEPARATOR)
    for invoice, written in several.values_list("number", "vat_invoice_number").iterator():
        for vat in written.split(SEPARATOR):
            if vat.strip() in wanted:
                found[vat.strip()].add(invoice)
    return {vat: sorted(invoices) for vat, invoices in found.items()}
