"""Specific (individual, 单项) bad-debt provisions: named customers or invoices provisioned
outside the matrix, e.g. in litigation or bankruptcy, or a disputed invoice; and write-off
proposals (核销) with their evidence. Audited."""

from __future__ import annotations

from decimal import Decimal

from auditlog.registry import auditlog
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from huikuan.core.fields import ScaledDecimalField
from huikuan.ledger.models import Customer, Invoice, WriteOff


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


class ProposalStatus(models.TextChoices):
    PENDING = "pending", _("pending approval")
    POSTED = "posted", _("approved and posted")
    REJECTED = "rejected", _("rejected")


class WriteOffProposal(models.Model):
    """A proposal to write off (核销) one invoice's open balance, or a customer's whole balance,
    as bad debt, with its reason and evidence. Filed as a ``write_off`` approval request; the
    ledger's write-offs are posted only when the last approver approves."""

    number = models.CharField(_("number"), max_length=32, unique=True)
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="write_off_proposals")
    invoice = models.ForeignKey(
        Invoice, null=True, blank=True, on_delete=models.PROTECT, related_name="write_off_proposals"
    )
    # What is proposed, per invoice: [{"number": "INV-1", "amount": "100.00", "currency": "CNY"}].
    lines = models.JSONField(_("invoices"), default=list)
    # The total in the functional currency (each invoice at its own exchange rate).
    amount = ScaledDecimalField(_("amount"))
    currency = models.CharField(_("currency"), max_length=3)
    reason = models.TextField(_("reason"))
    status = models.CharField(
        _("status"), max_length=16, choices=ProposalStatus.choices, default=ProposalStatus.PENDING
    )
    approval_number = models.CharField(_("approval"), max_length=32, blank=True, db_index=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="write_off_proposals"
    )
    write_offs = models.ManyToManyField(WriteOff, blank=True, related_name="proposals")
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        return self.number

    @property
    def scope(self) -> str:
        return self.invoice.number if self.invoice_id else self.customer.code


def evidence_path(instance: WriteOffEvidence, filename: str) -> str:
    return f"write-off-evidence/{instance.proposal.number}/{filename}"


class WriteOffEvidence(models.Model):
    """A file that supports a write-off proposal: a court ruling, a bankruptcy notice …"""

    proposal = models.ForeignKey(WriteOffProposal, on_delete=models.PROTECT, related_name="evidence")
    file = models.FileField(_("file"), upload_to=evidence_path, max_length=300)
    name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("type"), max_length=64)
    size = models.PositiveBigIntegerField(_("size"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.CharField(_("uploaded by"), max_length=150, blank=True)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["proposal", "id"]

    def __str__(self) -> str:
        return self.name


auditlog.register(WriteOffProposal)
auditlog.register(WriteOffEvidence)
