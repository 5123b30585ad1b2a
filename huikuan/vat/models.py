"""The VAT invoice register: each VAT invoice (发票) and the receivables (应收单) it invoices.

A receivable may be invoiced in several VAT invoices and one VAT invoice may cover several
receivables of its customer: each link says how much of the VAT invoice goes to which
receivable. What a receivable has not yet been invoiced for (应收未开票) is read from the links.
"""

from __future__ import annotations

from auditlog.registry import auditlog
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from huikuan.core.fields import ScaledDecimalField
from huikuan.ledger.models import Customer, ImportBatch, Invoice


class VatInvoiceKind(models.TextChoices):
    SPECIAL = "special", _("special VAT invoice (paper)")
    ORDINARY = "ordinary", _("ordinary VAT invoice (paper)")
    DIGITAL_SPECIAL = "digital_special", _("fully digital e-invoice, special")
    DIGITAL_ORDINARY = "digital_ordinary", _("fully digital e-invoice, ordinary")


DIGITAL_KINDS = frozenset({VatInvoiceKind.DIGITAL_SPECIAL, VatInvoiceKind.DIGITAL_ORDINARY})


class VatInvoice(models.Model):
    """One VAT invoice issued to a customer; ``amount`` is the total with tax (价税合计)."""

    number = models.CharField(_("VAT invoice number"), max_length=20, unique=True)
    kind = models.CharField(_("kind"), max_length=24, choices=VatInvoiceKind.choices)
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="vat_invoices")
    issue_date = models.DateField(_("issue date"))
    amount = ScaledDecimalField(_("amount"))
    currency = models.CharField(_("currency"), max_length=3)
    import_batch = models.ForeignKey(
        ImportBatch, null=True, blank=True, on_delete=models.PROTECT, db_index=False, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-issue_date", "number"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="vat_invoice_amount_positive")]
        indexes = [models.Index(fields=["customer", "issue_date"], name="vat_invoice_customer_date")]

    def __str__(self) -> str:
        return self.number


class VatInvoiceLink(models.Model):
    """``amount`` of ``vat_invoice`` invoices ``invoice`` (the receivable)."""

    vat_invoice = models.ForeignKey(VatInvoice, on_delete=models.PROTECT, related_name="links")
    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="vat_links")
    amount = ScaledDecimalField(_("amount"))
    import_batch = models.ForeignKey(
        ImportBatch, null=True, blank=True, on_delete=models.PROTECT, db_index=False, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="vat_link_amount_positive"),
            models.UniqueConstraint(fields=["vat_invoice", "invoice"], name="vat_link_once_per_pair"),
        ]
        indexes = [models.Index(fields=["invoice"], name="vat_link_invoice")]

    def __str__(self) -> str:
        return f"{self.vat_invoice_id} → {self.invoice_id}: {self.amount}"


auditlog.register(VatInvoice)
auditlog.register(VatInvoiceLink)
