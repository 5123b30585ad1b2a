"""Legal cases (法务联动, 诉讼, 债权申报) and collection agencies (第三方机构).

Imported by ``huikuan.collections.models``: the models belong to the collections app.
The rules are in ``huikuan.collections.legal`` (cases) and ``huikuan.collections.agencies``.
"""

from __future__ import annotations

from auditlog.registry import auditlog
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from huikuan.core.fields import ScaledDecimalField
from huikuan.ledger.models import Customer, Invoice


class AgencyKind(models.TextChoices):
    LAW_FIRM = "law_firm", _("law firm")
    COLLECTION_AGENCY = "collection_agency", _("collection agency")


class CollectionAgency(models.Model):
    """A law firm or a collection agency the company hands debts to, with its commission."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=32, choices=AgencyKind.choices)
    contact = models.CharField(_("contact"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    email = models.EmailField(_("email"), blank=True)
    # Percent of the gross amount recovered through it (15.00 = 15%).
    commission_percent = models.DecimalField(_("commission (%)"), max_digits=5, decimal_places=2, default=0)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("collection agency")
        verbose_name_plural = _("collection agencies")
        constraints = [
            models.CheckConstraint(
                condition=Q(commission_percent__gte=0) & Q(commission_percent__lt=100),
                name="agency_commission_percent_range",
            )
        ]

    def __str__(self) -> str:
        return self.name


class CaseStatus(models.TextChoices):
    """The case's stage; ``huikuan.collections.legal.TRANSITIONS`` says which follows which."""

    OPEN = "open", pgettext_lazy("legal case", "open")
    FILED = "filed", _("filed with the court")
    JUDGED = "judged", _("judged")
    ENFORCEMENT = "enforcement", _("enforcement")
    BANKRUPTCY_CLAIM = "bankruptcy_claim", _("bankruptcy claim filed")
    CLOSED = "closed", pgettext_lazy("legal case", "closed")


class CaseOutcome(models.TextChoices):
    RECOVERED = "recovered", _("recovered in full")
    PARTLY = "partly", _("partly recovered")
    NOTHING = "nothing", _("nothing recovered")


class LegalCase(models.Model):
    """A customer's debts in legal hands: one case open per customer at a time (the ladder's
    legal step adds its invoices to the open one). Its figures: the claim, the judgment, the
    costs and recoveries (sums of its events)."""

    number = models.CharField(_("case"), max_length=20, unique=True)
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="legal_cases")
    invoices = models.ManyToManyField(Invoice, blank=True, related_name="legal_cases")
    status = models.CharField(_("status"), max_length=32, choices=CaseStatus.choices, default=CaseStatus.OPEN)
    outcome = models.CharField(_("outcome"), max_length=16, choices=CaseOutcome.choices, blank=True)
    lawyer = models.CharField(_("lawyer"), max_length=200, blank=True)
    agency = models.ForeignKey(
        CollectionAgency,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        verbose_name=_("law firm or agency"),
    )
    court = models.CharField(_("court"), max_length=200, blank=True)
    court_case_number = models.CharField(_("court case number"), max_length=100, blank=True)
    filed_on = models.DateField(_("filed on"), null=True, blank=True)
    claim_amount = ScaledDecimalField(_("claim"), default=0)
    currency = models.CharField(_("currency"), max_length=3)
    judgment_on = models.DateField(_("judgment date"), null=True, blank=True)
    judgment_amount = ScaledDecimalField(_("amount awarded"), null=True, blank=True)
    judgment_text = models.TextField(_("judgment"), blank=True)
    opened_on = models.DateField(_("opened on"))
    opened_by = models.CharField(_("opened by"), max_length=150)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    closed_by = models.CharField(max_length=150, blank=True)
    # The ladder's legal-step action that opened it, when it was the ladder.
    action = models.ForeignKey(
        "collections.DunningAction", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The write-off proposal filed when it closed with nothing recovered.
    write_off_proposal = models.CharField(_("write-off proposal"), max_length=20, blank=True)
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-opened_on", "-id"]
        verbose_name = _("legal case")
        constraints = [
            models.UniqueConstraint(
                fields=["customer"], condition=~Q(status="closed"), name="legal_case_one_open_per_customer"
            ),
            models.CheckConstraint(condition=Q(claim_amount__gte=0), name="legal_case_claim_not_negative"),
        ]

    def __str__(self) -> str:
        return self.number


class CaseEventKind(models.TextChoices):
    OPENED = "opened", _("case opened")
    INVOICES_ADDED = "invoices_added", _("invoices added")
    FILED = "filed", _("filed with the court")
    HEARING = "hearing", _("hearing")
    JUDGMENT = "judgment", _("judgment")
    ENFORCEMENT = "enforcement", _("enforcement")
    BANKRUPTCY_CLAIM = "bankruptcy_claim", _("bankruptcy claim filed")
    COST = "cost", _("cost")
    RECOVERY = "recovery", _("amount recovered")
    DOCUMENT = "document", _("document")
    NOTE = "note", _("note")
    CLOSED = "closed", pgettext_lazy("legal case", "closed")


class LegalCaseEvent(models.Model):
    """One dated thing on a case's timeline: a hearing, the judgment, a cost, a recovery …
    Append-only; a cost or a recovery carries its amount (a recovery, its ledger payment)."""

    case = models.ForeignKey(LegalCase, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(_("kind"), max_length=32, choices=CaseEventKind.choices)
    occurred_on = models.DateField(_("date"))
    text = models.TextField(_("details"), blank=True)
    amount = ScaledDecimalField(_("amount"), null=True, blank=True)
    payment_reference = models.CharField(_("payment"), max_length=100, blank=True)
    recorded_by = models.CharField(_("recorded by"), max_length=150)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["occurred_on", "id"]
        indexes = [models.Index(fields=["case", "kind"], name="legal_event_case_kind")]

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind} {self.occurred_on}"


def legal_document_path(instance: LegalDocument, filename: str) -> str:
    return f"legal-cases/{instance.case.number}/{filename}"


class LegalDocument(models.Model):
    """A file of a case: the complaint, a summons, the judgment, a bankruptcy notice …"""

    case = models.ForeignKey(LegalCase, on_delete=models.PROTECT, related_name="documents")
    file = models.FileField(_("file"), upload_to=legal_document_path, max_length=300)
    name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("type"), max_length=64)
    size = models.PositiveBigIntegerField(_("size"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.CharField(_("uploaded by"), max_length=150)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["case", "id"]

    def __str__(self) -> str:
        return self.name


class AssignmentStatus(models.TextChoices):
    ACTIVE = "active", _("with the agency")
    ENDED = "ended", _("taken back")


class AgencyAssignment(models.Model):
    """Some of a customer's invoices handed to an agency at a commission; while active they
    leave the dunning ladder. Recoveries through it are recorded gross and net."""

    agency = models.ForeignKey(CollectionAgency, on_delete=models.PROTECT, related_name="assignments")
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="agency_assignments")
    invoices = models.ManyToManyField(Invoice, related_name="agency_assignments")
    commission_percent = models.DecimalField(_("commission (%)"), max_digits=5, decimal_places=2)
    status = models.CharField(
        _("status"), max_length=16, choices=AssignmentStatus.choices, default=AssignmentStatus.ACTIVE
    )
    assigned_on = models.DateField(_("assigned on"))
    assigned_by = models.CharField(_("assigned by"), max_length=150)
    ended_on = models.DateField(_("taken back on"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-assigned_on", "-id"]
        indexes = [models.Index(fields=["status", "customer"], name="agency_assignment_status")]

    def __str__(self) -> str:
        return f"{self.agency} ← {self.customer_id} ({self.assigned_on})"


class AgencyRecovery(models.Model):
    """Money the agency collected: ``gross`` from the customer (posted to the ledger, so the
    invoices' balances fall by it), ``commission`` the agency keeps (a collection cost),
    ``net`` what reaches the company."""

    assignment = models.ForeignKey(AgencyAssignment, on_delete=models.PROTECT, related_name="recoveries")
    received_on = models.DateField(_("date"))
    gross = ScaledDecimalField(_("gross"))
    commission = ScaledDecimalField(_("commission"))
    net = ScaledDecimalField(_("net"))
    currency = models.CharField(_("currency"), max_length=3)
    payment_reference = models.CharField(_("payment"), max_length=100)
    recorded_by = models.CharField(_("recorded by"), max_length=150)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["received_on", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(gross__gt=0), name="agency_recovery_gross_positive"),
            models.CheckConstraint(
                condition=Q(net=models.F("gross") - models.F("commission")),
                name="agency_recovery_net_is_gross_less",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.assignment_id}: {self.gross} gross"


for audited in (CollectionAgency, LegalCase, LegalCaseEvent, LegalDocument, AgencyAssignment, AgencyRecovery):
    auditlog.register(audited)
