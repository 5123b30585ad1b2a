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
from django.utils.translation import pgettext_lazy

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


# --- The clearance plan (清欠工作方案, seed 000) ----------------------------------------------


class PlanStatus(models.TextChoices):
    ACTIVE = "active", pgettext_lazy("clearance plan", "active")
    CLOSED = "closed", pgettext_lazy("clearance plan", "closed")


class ClearancePlan(models.Model):
    """A clearance plan: its scope is the overdue balance at the end of ``baseline_date``,
    snapshotted invoice by invoice (:class:`PlanBaselineItem`) when the plan is created, so
    later edits of the ledger never move the baseline. Its progress is read as of any date."""

    name = models.CharField(_("name"), max_length=200)
    baseline_date = models.DateField(_("baseline date"))
    ends_on = models.DateField(_("ends on"))
    status = models.CharField(
        _("status"), max_length=16, choices=PlanStatus.choices, default=PlanStatus.ACTIVE
    )
    # Who gets the monthly progress report: [{"role": "cfo", "language": "zh-hans"},
    # {"email": "ar@example.cn", "language": "en"}].
    recipients = models.JSONField(_("recipients"), default=list, blank=True)
    # The baseline's overdue balance in the functional currency (the items' sum).
    baseline_overdue = ScaledDecimalField(_("baseline overdue balance"), default=Decimal("0"))
    currency = models.CharField(_("currency"), max_length=3)
    created_by = models.CharField(_("created by"), max_length=150, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-baseline_date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gt=models.F("baseline_date")), name="plan_ends_after_baseline"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.baseline_date})"


class PlanMetric(models.TextChoices):
    CLEARANCE_RATE = "clearance_rate", _("overdue clearance rate %")
    TURNOVER_GROWTH = "turnover_growth", _("AR turnover growth %")
    BAD_DEBT_RATIO = "bad_debt_ratio", _("bad-debt ratio %")
    COLLECTION_RATE = "collection_rate", _("collection rate %")
    COLLECTION_CYCLE = "collection_cycle", _("average collection cycle (days)")


class TargetDirection(models.TextChoices):
    AT_LEAST = "at_least", _("at least")
    AT_MOST = "at_most", _("at most")


class PlanTarget(models.Model):
    """One of a plan's targets: the metric's actual must reach ``goal`` (at least / at most)."""

    plan = models.ForeignKey(ClearancePlan, on_delete=models.CASCADE, related_name="targets")
    metric = models.CharField(_("metric"), max_length=32, choices=PlanMetric.choices)
    goal = ScaledDecimalField(_("goal"), places=2)
    direction = models.CharField(_("direction"), max_length=16, choices=TargetDirection.choices)

    class Meta:
        ordering = ["plan", "id"]
        constraints = [models.UniqueConstraint(fields=["plan", "metric"], name="plan_target_once")]

    def __str__(self) -> str:
        return f"{self.metric} {self.direction} {self.goal}"


class PlanPhaseKind(models.TextChoices):
    PREPARATION = "preparation", _("preparation and survey")
    CLASSIFICATION = "classification", _("classification")
    COLLECTION = "collection", _("collection")
    LEGAL = "legal", _("legal action")
    REVIEW = "review", _("review")


class PlanPhase(models.Model):
    """One of the plan's five phases (seed 000), with its dates and who leads it."""

    plan = models.ForeignKey(ClearancePlan, on_delete=models.CASCADE, related_name="phases")
    kind = models.CharField(_("phase"), max_length=32, choices=PlanPhaseKind.choices)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    owner = models.CharField(_("owner"), max_length=150, blank=True)

    class Meta:
        ordering = ["plan", "starts_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "kind"], name="plan_phase_once"),
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="phase_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.starts_on} – {self.ends_on}"


class PlanBaselineItem(models.Model):
    """An invoice overdue and open at the end of the plan's baseline date, with its balance
    then (its own currency and the functional one) and who it belonged to (the customer's
    department, salesperson and collector then). Written once, in bulk, at the plan's creation."""

    plan = models.ForeignKey(
        ClearancePlan, on_delete=models.CASCADE, related_name="baseline_items", db_index=False
    )
    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="+")
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="+")
    department = models.CharField(max_length=150, blank=True)
    salesperson = models.CharField(max_length=150, blank=True)
    collector = models.CharField(max_length=150, blank=True)
    own_balance = ScaledDecimalField()
    balance = ScaledDecimalField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["plan", "invoice"], name="plan_baseline_invoice_once")]

    def __str__(self) -> str:
        return f"{self.plan_id}: {self.invoice_id} {self.balance}"


class PlanReport(models.Model):
    """The monthly progress report of a plan for one month: sent once (the job's record)."""

    plan = models.ForeignKey(ClearancePlan, on_delete=models.CASCADE, related_name="reports")
    month = models.CharField(_("month"), max_length=7)
    as_of = models.DateField(_("as of"))
    emails = models.PositiveIntegerField(default=0)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-month"]
        constraints = [models.UniqueConstraint(fields=["plan", "month"], name="plan_report_once_a_month")]

    def __str__(self) -> str:
        return f"{self.plan_id} {self.month}"


auditlog.register(ClearancePlan)
auditlog.register(PlanTarget)
auditlog.register(PlanPhase)
# Staff scorecards, rewards and penalties (考核与奖惩): their own module, models of this app.
from huikuan.finance.scorecard_models import (  # noqa: E402, F401
    ScorecardLine,
    ScorecardRule,
    ScorecardRun,
    ScorecardTarget,
)


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


class KpiMonth(models.Model):
    """The company-wide KPIs of one month up to ``last_day`` (its last day, or the as-of date of
    the month in course), kept by the ``kpi_trend`` job so that the KPIs page's trend reads
    stored figures instead of computing a KPI run per month in the request."""

    month = models.DateField(_("month"), unique=True)  # its first day
    last_day = models.DateField(_("up to"))
    figures = models.JSONField(_("figures"), default=dict)
    computed_at = models.DateTimeField(_("computed at"), auto_now=True)

    class Meta:
        ordering = ["month"]
        verbose_name = _("KPIs of a month")
        verbose_name_plural = _("KPIs of the months")

    def __str__(self) -> str:
        return f"{self.month:%Y-%m}"


# --- AR/AP offset (应收冲应付) and rounding tails (尾差) --------------------------------------


class Payable(models.Model):
    """What the company owes a counterparty that is also a customer (应付), as imported from
    the purchasing ledger: one balance per customer and supplier code, as of a date."""

    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="payables")
    supplier_code = models.CharField(_("supplier code"), max_length=64)
    amount = ScaledDecimalField(_("payable amount"))
    currency = models.CharField(_("currency"), max_length=3)
    as_of = models.DateField(_("as of"))
    import_batch = models.ForeignKey(
        "ledger.ImportBatch", null=True, blank=True, on_delete=models.PROTECT, db_index=False
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["customer", "supplier_code"]
        constraints = [
            models.UniqueConstraint(fields=["customer", "supplier_code"], name="payable_once_per_supplier"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="payable_amount_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.supplier_code}: {self.amount} {self.currency}"


class OffsetStatus(models.TextChoices):
    PENDING = "pending", _("pending approval")
    POSTED = "posted", _("approved and posted")
    REJECTED = "rejected", _("rejected")
    LAPSED = "lapsed", _("nothing left to offset")


class ArApOffset(models.Model):
    """An offset of a customer's receivables against what is owed to it as a supplier
    (应收冲应付): proposed for min(open AR, payable), approved, then posted as an offset
    document (``payment``, method "other") allocated to the invoices, oldest first."""

    number = models.CharField(_("number"), max_length=32, unique=True)
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="ar_ap_offsets")
    payable = models.ForeignKey(Payable, on_delete=models.PROTECT, related_name="offsets")
    amount = ScaledDecimalField(_("proposed amount"))
    currency = models.CharField(_("currency"), max_length=3)
    status = models.CharField(
        _("status"), max_length=16, choices=OffsetStatus.choices, default=OffsetStatus.PENDING
    )
    approval_number = models.CharField(_("approval"), max_length=32, blank=True)
    proposed_on = models.DateField(_("proposed on"))
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    posted_amount = ScaledDecimalField(_("posted amount"), default=Decimal("0"))
    posted_on = models.DateField(_("posted on"), null=True, blank=True)
    payment = models.OneToOneField(
        "ledger.Payment", null=True, blank=True, on_delete=models.PROTECT, related_name="ar_ap_offset"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="offset_amount_positive")]

    def __str__(self) -> str:
        return self.number


class TailWriteOff(models.Model):
    """Rounding tails (尾差) written off in bulk with one approval: each invoice whose open
    balance is under the setting at the proposal, closed by a credit note on approval."""

    number = models.CharField(_("number"), max_length=32, unique=True)
    threshold = ScaledDecimalField(_("under"))
    lines = models.JSONField(_("invoices"), default=list)  # [{"number", "amount", "currency"}]
    amount = ScaledDecimalField(_("amount"))
    currency = models.CharField(_("currency"), max_length=3)
    status = models.CharField(
        _("status"), max_length=16, choices=OffsetStatus.choices, default=OffsetStatus.PENDING
    )
    approval_number = models.CharField(_("approval"), max_length=32, blank=True)
    proposed_on = models.DateField(_("proposed on"))
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    credit_notes = models.ManyToManyField("ledger.CreditNote", blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        return self.number


for _audited in (Payable, ArApOffset, TailWriteOff):
    auditlog.register(_audited)
