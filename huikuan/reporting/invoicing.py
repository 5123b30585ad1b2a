"""What is not yet invoiced (应收未开票) and what is invoiced but not yet collected, by customer
and age bucket, at the end of a day.

For each receivable dated up to ``as_of``, from its records dated up to ``as_of``:

    invoiced       = what its VAT invoices (issued by then) link to it
    corrected      = its red-letter corrections confirmed by then (each cancels that much of
                     both the receivable and its VAT invoices: a red-letter VAT invoice)
    net invoiced   = max(invoiced − corrected, 0)
    not invoiced   = amount − corrected − net invoiced          (应收未开票; collected or not)
    invoiced, not collected = min(open balance, net invoiced)

Amounts are in the functional currency, each receivable converted at its own rate as the aging
does; the buckets are the aging's (by days past due, or since the receivable's date).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import ExpressionWrapper, F, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from huikuan.core.fields import ScaledDecimalField
from huikuan.core.money import functional_amount
from huikuan.core.policy import policy_value
from huikuan.ledger.models import (
    Allocation,
    CorrectionState,
    CreditNote,
    Invoice,
    RedLetterCorrection,
    WriteOff,
)
from huikuan.reporting.aging import bucket_names, bucket_of
from huikuan.vat.models import VatInvoiceLink

ZERO = Decimal(0)


def _sum(queryset: QuerySet) -> Coalesce:
    total = queryset.order_by().annotate(one=Value(1)).values("one").annotate(t=Sum("amount")).values("t")
    return Coalesce(
        Subquery(total, output_field=ScaledDecimalField()), Value(0), output_field=ScaledDecimalField()
    )


@dataclass
class InvoicingRow:
    """One customer's figures by bucket (functional currency)."""

    code: str
    name: str
    not_invoiced: dict[str, Decimal] = field(default_factory=dict)
    uncollected: dict[str, Decimal] = field(default_factory=dict)

    @property
    def not_invoiced_total(self) -> Decimal:
        return sum(self.not_invoiced.values(), ZERO)

    @property
    def uncollected_total(self) -> Decimal:
        return sum(self.uncollected.values(), ZERO)


@dataclass
class InvoicingReport:
    as_of: date
    basis: str
    currency: str
    buckets: list[str]
    rows: list[InvoicingRow]

    def total(self, figure: str, bucket: str | None = None) -> Decimal:
        cells = (getattr(row, figure) for row in self.rows)
        if bucket is None:
            return sum((sum(c.values(), ZERO) for c in cells), ZERO)
        return sum((c.get(bucket, ZERO) for c in cells), ZERO)

    def as_dict(self) -> dict:
        def amounts(cells: dict[str, Decimal]) -> dict[str, str]:
            return {b: f"{cells.get(b, ZERO):.2f}" for b in self.buckets}

        return {
            "as_of": self.as_of.isoformat(),
            "basis": self.basis,
            "currency": self.currency,
            "buckets": self.buckets,
            "rows": [
                {
                    "customer": row.code,
                    "name": row.name,
                    "not_invoiced": amounts(row.not_invoiced),
                    "not_invoiced_total": f"{row.not_invoiced_total:.2f}",
                    "invoiced_not_collected": amounts(row.uncollected),
                    "invoiced_not_collected_total": f"{row.uncollected_total:.2f}",
                }
                for row in self.rows
            ],
            "totals": {
                "not_invoiced": f"{self.total('not_invoiced'):.2f}",
                "invoiced_not_collected": f"{self.total('uncollected'):.2f}",
            },
        }


def receivables_invoicing(*, invoices: QuerySet[Invoice], as_of: date) -> QuerySet[Invoice]:
    """The receivables dated up to ``as_of`` with ``invoiced``, ``corrected`` and ``balance`` as of it."""
    mine = {"invoice": OuterRef("pk")}
    return (
        invoices.filter(invoice_date__lte=as_of)
        .annotate(
            invoiced=_sum(VatInvoiceLink.objects.filter(**mine, vat_invoice__issue_date__lte=as_of)),
            corrected=_sum(
                RedLetterCorrection.objects.filter(
                    **mine, state=CorrectionState.CONFIRMED, confirmed_on__lte=as_of
                )
            ),
            balance=ExpressionWrapper(
                F("amount")
                - _sum(Allocation.objects.filter(**mine, allocation_date__lte=as_of))
                - _sum(CreditNote.objects.filter(**mine, note_date__lte=as_of))
                - _sum(WriteOff.objects.filter(**mine, writeoff_date__lte=as_of)),
                output_field=ScaledDecimalField(),
            ),
        )
        # Only what has something to show: not wholly invoiced, or still open.
        .filter(Q(invoiced__lt=F("amount")) | Q(closed_on__isnull=True) | Q(closed_on__gt=as_of))
    )


def invoicing_report(*, invoices: QuerySet[Invoice], as_of: date, basis: str = "due") -> InvoicingReport:
    """应收未开票 and invoiced-not-collected of these receivables, by customer and bucket."""
    buckets = bucket_names(basis)
    rows: dict[int, InvoicingRow] = {}
    for item in receivables_invoicing(invoices=invoices, as_of=as_of).select_related("customer").order_by():
        net_invoiced = max(item.invoiced - item.corrected, ZERO)
        not_invoiced = max(item.amount - item.corrected - net_invoiced, ZERO)
        uncollected = max(min(item.balance, net_invoiced), ZERO)
        if not not_invoiced and not uncollected:
            continue
        reference = item.due_date if basis == "due" else item.invoice_date
        bucket = bucket_of((as_of - reference).days, basis)
        row = rows.setdefault(item.customer_id, InvoicingRow(item.customer.code, item.customer.name))
        if not_invoiced:
            row.not_invoiced[bucket] = row.not_invoiced.get(bucket, ZERO) + functional_amount(
                not_invoiced, item.fx_rate
            )
        if uncollected:
            row.uncollected[bucket] = row.uncollected.get(bucket, ZERO) + functional_amount(
                uncollected, item.fx_rate
            )
    return InvoicingReport(
        as_of=as_of,
        basis=basis,
        currency=policy_value("FUNCTIONAL_CURRENCY"),
        buckets=buckets,
        rows=sorted(rows.values(), key=lambda r: r.code),
    )
