"""Specific (individual, 单项) bad-debt provisions: named customers or invoices provisioned
outside the matrix, e.g. in litigation or bankruptcy, or a disputed invoice. Audited."""

from __future__ import annotations

from decimal import Decimal

from auditlog.registry import auditlog
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from huikuan.core.fields import ScaledDecimalField
from huikuan.ledger.models import Customer, Invoice


class SpecificProvision(models.Model):
    """From ``effective_from`` until ``ended_on`` (exclusive), the customer's whole balance, or
    the one invoice's, is provisioned at ``rate`` instead of the matrix's rates."""

    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="specific_provisions")
    invoice = models.ForeignKey(
        Invoice, null=True, blank=True, on_delete=models.PROTECT, related_name="specific_provisions"
    )
    rate = ScaledDecimalField(_("provision rate"), places=6)
    reason = models.CharField(_("reason"), max_length=500)
    effective_from = models.DateField(_("effective from"))
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    created_by = models.CharField(_("created by"), max_length=150, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["customer", "effective_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(rate__gte=Decimal("0")) & Q(rate__lte=Decimal("1")), name="specific_rate_0_to_1"
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gt=models.F("effective_from")),
                name="specific_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        target = self.invoice.number if self.invoice_id else self.customer.code
        return f"{target}: {self.rate}"


auditlog.register(SpecificProvision)
