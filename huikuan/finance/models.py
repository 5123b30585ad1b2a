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
from huikuan.ledger.models import Customer, Invoice, Language, WriteOff


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


class WarningRule(models.TextChoices):
    CREDIT_USAGE = "credit_usage", _("credit used near the limit")
    BROKEN_PROMISE = "broken_promise", _("promise to pay broken")
    NEWLY_OVERDUE = "newly_overdue", _("invoice newly past the overdue threshold")
    LARGE_DUE_SOON = "large_due_soon", _("large invoice of a class C/D customer falling due")
    ALTMAN_DISTRESS = "altman_distress", _("Altman Z in the distress zone")
    CLASS_DOWNGRADE = "class_downgrade", _("class downgraded")
    PAYMENT_WORSENING = "payment_worsening", _("payment pattern worsening")


class WarningGrade(models.IntegerChoices):
    INFO = 1, _("info")
    WARNING = 2, _("warning")
    SEVERE = 3, _("severe")


class WarningStatus(models.TextChoices):
    OPEN = "open", _("open")
    ACKNOWLEDGED = "acknowledged", _("acknowledged")


class EarlyWarning(models.Model):
    """One early warning (预警): a rule met by a customer (and perhaps one invoice), once per
    ``subject_key`` — the event (a promise, an invoice, a class change, a statement) or the
    period (a month) it is about — so a second run of the same day creates nothing."""

    rule = models.CharField(_("rule"), max_length=32, choices=WarningRule.choices)
    grade = models.PositiveSmallIntegerField(_("grade"), choices=WarningGrade.choices)
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="early_warnings")
    invoice = models.ForeignKey(Invoice, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    subject_key = models.CharField(_("subject"), max_length=100)
    raised_on = models.DateField(_("raised on"))
    figures = models.JSONField(_("figures"), default=dict)
    routed_to = models.CharField(_("routed to"), max_length=32)
    status = models.CharField(
        _("status"), max_length=16, choices=WarningStatus.choices, default=WarningStatus.OPEN
    )
    acknowledged_by = models.CharField(_("acknowledged by"), max_length=150, blank=True)
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-raised_on", "-grade", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["rule", "customer", "subject_key"], name="warning_once_per_subject"
            ),
        ]
        indexes = [models.Index(fields=["status", "grade"], name="warning_status_grade")]

    def __str__(self) -> str:
        return f"{self.rule} {self.customer_id} {self.subject_key}"


auditlog.register(EarlyWarning)


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


class ReportKind(models.TextChoices):
    DAILY = "daily", _("daily report")
    WEEKLY = "weekly", _("weekly report")
    MONTHLY = "monthly", _("monthly report")
    ANNUAL = "annual", _("annual report")


class ReportSchedule(models.Model):
    """A management report sent by email when it is due (daily on working days, weekly on
    Mondays, monthly and annually on the first working day), with its PDF attached, to the
    members of ``recipient_roles`` and to ``recipient_addresses``; once per period."""

    kind = models.CharField(_("report"), max_length=16, choices=ReportKind.choices)
    recipient_roles = models.JSONField(_("roles"), default=list, blank=True)
    recipient_addresses = models.JSONField(_("addresses"), default=list, blank=True)
    language = models.CharField(
        _("language"), max_length=8, choices=Language.choices, default=Language.ZH_HANS
    )
    enabled = models.BooleanField(_("enabled"), default=True)
    updated_by = models.CharField(_("updated by"), max_length=150, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kind", "id"]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk}"


auditlog.register(ReportSchedule)


class ReportFileStatus(models.TextChoices):
    QUEUED = "queued", _("being prepared")
    DONE = "done", _("ready")
    FAILED = "failed", _("failed")


class ReportFile(models.Model):
    """A report's PDF or XLSX asked for on the web: drawn by a queued task (a report with its
    charts takes longer than a request may), kept a while for the same request again."""

    kind = models.CharField(_("report"), max_length=16)
    day = models.DateField(_("date"))
    customer_code = models.CharField(_("customer code"), max_length=64, blank=True)
    language = models.CharField(_("language"), max_length=8)
    extension = models.CharField(max_length=4)
    status = models.CharField(
        _("status"), max_length=8, choices=ReportFileStatus.choices, default=ReportFileStatus.QUEUED
    )
    file_name = models.CharField(max_length=200, blank=True)
    content = models.BinaryField(default=b"")
    error = models.TextField(blank=True)
    requested_by = models.CharField(max_length=150, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["kind", "day", "customer_code", "language", "extension"], name="report_file_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.day} {self.extension}"
