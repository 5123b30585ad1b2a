"""Collections (SPEC §6): dunning policies as data, the daily run's claims and actions, and
the collector's tools (activities, promises to pay, payment plans, disputes, overdue
reasons, penalties).

Users are named by username, as the ledger's ``Customer.salesperson``/``collector`` are.
"""

from __future__ import annotations

from auditlog.registry import auditlog
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from huikuan.core.fields import ScaledDecimalField
from huikuan.ledger.models import Customer, Invoice, RedLetterCorrection


class Channel(models.TextChoices):
    EMAIL = "email", pgettext_lazy("channel", "email")
    LETTER = "letter", _("letter")
    PHONE = "phone", _("phone call")
    SMS = "sms", _("SMS")


class OwnerRole(models.TextChoices):
    SALESPERSON = "salesperson", _("salesperson")
    COLLECTOR = "collector", _("collector")
    COLLECTIONS_TEAM = "collections_team", _("collections team")
    LEGAL = "legal", _("legal")


class Anchor(models.TextChoices):
    """The date a step counts its days from (``huikuan.collections.ladder``)."""

    DUE = "due", _("due date")
    INVOICE = "invoice", _("invoice date")
    SHIPMENT = "shipment", _("shipment date")


class DunningPolicy(models.Model):
    """A ladder for the customers of some classes or risk segments (SPEC §6.1 差异化).

    A customer follows the matching policy of lowest ``priority`` (its class or its risk
    segment is listed), else the default policy.
    """

    code = models.SlugField(_("code"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=200)
    credit_classes = models.JSONField(_("credit classes"), default=list, blank=True)
    risk_segments = models.JSONField(_("risk segments"), default=list, blank=True)
    priority = models.PositiveIntegerField(_("priority"), default=100)
    is_default = models.BooleanField(_("default"), default=False)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["priority", "code"]
        verbose_name = _("dunning policy")
        verbose_name_plural = _("dunning policies")
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"], condition=Q(is_default=True), name="dunning_policy_one_default"
            )
        ]

    def __str__(self) -> str:
        return self.name


class DunningStep(models.Model):
    """One rung of a policy's ladder: when (days relative to its anchor: the due date, the
    invoice date or the shipment date, the invoice date when none is known), how, and by whom."""

    policy = models.ForeignKey(DunningPolicy, on_delete=models.CASCADE, related_name="steps")
    code = models.SlugField(_("code"), max_length=50)
    name_zh = models.CharField(_("name (Chinese)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100)
    sequence = models.PositiveIntegerField(_("sequence"))
    anchor = models.CharField(_("counted from"), max_length=16, choices=Anchor.choices, default=Anchor.DUE)
    day_offset = models.IntegerField(_("days after the anchor date"))
    channels = models.JSONField(_("channels"), default=list)
    owner_role = models.CharField(_("owner"), max_length=32, choices=OwnerRole.choices)
    email_template = models.CharField(_("email template"), max_length=64, blank=True)
    letter_template = models.CharField(_("letter template"), max_length=64, blank=True)
    sms_text = models.CharField(_("SMS text"), max_length=500, blank=True)
    # The step's emails carry the statement of account as PDF (the formal-letter steps by default).
    attach_statement = models.BooleanField(_("attach the statement (PDF)"), default=False)
    credit_hold = models.BooleanField(_("credit hold"), default=False)
    case_to_legal = models.BooleanField(_("case to legal"), default=False)
    litigation_decision = models.BooleanField(_("litigation decision"), default=False)
    write_off_review = models.BooleanField(_("write-off review"), default=False)

    class Meta:
        ordering = ["policy", "sequence"]
        verbose_name = _("dunning step")
        constraints = [
            models.UniqueConstraint(fields=["policy", "code"], name="dunning_step_code_once_per_policy"),
            models.UniqueConstraint(fields=["policy", "sequence"], name="dunning_step_sequence_once"),
        ]

    def __str__(self) -> str:
        return f"{self.policy.code}:{self.code} ({self.anchor} {self.day_offset:+d})"


class DunningRun(models.Model):
    """The daily run of one business date: (job, date) idempotent; counts of the last invocation."""

    run_date = models.DateField(_("date"), unique=True)
    started_at = models.DateTimeField(_("started"))
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    invocations = models.PositiveIntegerField(default=0)
    invoices_considered = models.PositiveIntegerField(default=0)
    invoices_stepped = models.PositiveIntegerField(default=0)
    invoices_paused = models.PositiveIntegerField(default=0)
    actions_created = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-run_date"]

    def __str__(self) -> str:
        return f"dunning run {self.run_date}"


class DunningClaim(models.Model):
    """A step taken for an invoice. Unique per (invoice, step code): a step is never repeated,
    whatever runs twice or at the same time (claims are conditional inserts)."""

    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="+", db_index=False)
    step_code = models.CharField(max_length=50)
    sequence = models.PositiveIntegerField()
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="+", db_index=False)
    run_date = models.DateField()
    # Which invocation inserted it (a random number): parallel runs read back only their own claims.
    token = models.BigIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["invoice", "step_code"], name="dunning_claim_once_per_step"),
        ]
        indexes = [
            # The run reads each open invoice's last step from this index alone.
            models.Index(fields=["invoice", "sequence"], name="dunning_claim_invoice_seq"),
        ]

    def __str__(self) -> str:
        return f"{self.invoice_id}:{self.step_code} on {self.run_date}"


class ActionStatus(models.TextChoices):
    OPEN = (
        "open",
        pgettext_lazy("action status", "open"),
    )  # a call task still to do, or a delivery still to make
    DONE = "done", _("done")  # call logged, email queued, letter rendered
    FAILED = "failed", _("failed")
    CANCELLED = "cancelled", _("cancelled")


class DunningAction(models.Model):
    """One thing the ladder does for a customer on a day: ONE per customer, step and channel,
    listing all its invoices at that step. Phone actions are the collector's call tasks."""

    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="dunning_actions")
    run = models.ForeignKey(DunningRun, null=True, blank=True, on_delete=models.PROTECT, db_index=False)
    action_date = models.DateField(_("date"))
    policy_code = models.CharField(_("policy"), max_length=50)
    step_code = models.CharField(_("step"), max_length=50)
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    assigned_to = models.CharField(_("assigned to"), max_length=150, blank=True)
    # The invoice numbers at this step, one per line (the claims hold the links).
    invoice_numbers = models.TextField(_("invoices"))
    status = models.CharField(_("status"), max_length=16, choices=ActionStatus.choices, default="open")
    credit_hold = models.BooleanField(_("credit hold"), default=False)
    case_to_legal = models.BooleanField(_("case to legal"), default=False)
    write_off_review = models.BooleanField(_("write-off review"), default=False)
    outcome = models.CharField(_("outcome"), max_length=32, blank=True)
    completed_on = models.DateField(null=True, blank=True)
    completed_by = models.CharField(max_length=150, blank=True)
    # What the delivery stage did: an email's idempotency key, a letter's reference, an error.
    delivery_note = models.CharField(max_length=500, blank=True)
    # The run invocation that created it (see DunningClaim.token).
    token = models.BigIntegerField()

    class Meta:
        ordering = ["-action_date", "customer_id", "step_code", "channel"]
        indexes = [
            models.Index(fields=["assigned_to", "status", "action_date"], name="dunning_action_worklist"),
            models.Index(fields=["customer", "action_date"], name="dunning_action_customer"),
            # Deliveries still to make (retried until done): only open email/letter/SMS rows.
            models.Index(
                fields=["channel"],
                condition=Q(status="open", channel__in=["email", "letter", "sms"]),
                name="dunning_action_undelivered",
            ),
            models.Index(fields=["token"], name="dunning_action_token"),
        ]

    def __str__(self) -> str:
        return f"{self.action_date} {self.customer_id} {self.step_code}/{self.channel}"

    @property
    def invoice_number_list(self) -> list[str]:
        return [number for number in self.invoice_numbers.split("\n") if number]


class ActivityKind(models.TextChoices):
    CALL = "call", _("call")
    EMAIL = "email", pgettext_lazy("channel", "email")
    VISIT = "visit", _("visit")
    LETTER = "letter", _("letter")
    NOTE = "note", _("note")


class CallOutcome(models.TextChoices):
    REACHED = "reached", _("reached")
    PROMISED = "promised", _("promised to pay")
    NO_ANSWER = "no_answer", _("no answer")
    WRONG_CONTACT = "wrong_contact", _("wrong contact")
    DISPUTED = "disputed", _("disputed")
    REFUSED = "refused", _("refused")
    CALLBACK = "callback", _("call back")
    OTHER = "other", _("other")


class ActivityStatus(models.TextChoices):
    PLANNED = "planned", _("planned")
    DONE = "done", _("done")
    CANCELLED = "cancelled", _("cancelled")


class ActivityPurpose(models.TextChoices):
    """Why a contact is made (seed 003 上门催款; seed 004 定期回访、节日问候)."""

    COLLECTION = "collection", _("collection")
    CHECK_IN = "check_in", _("periodic check-in")
    GREETING = "greeting", _("holiday greeting")
    OTHER = "other", _("other")


class Activity(models.Model):
    """A contact with a customer or a note about it (SPEC §6.3). A visit is planned first
    (status planned, on the day planned, with the people going and met) and done later with
    its outcome; other contacts are recorded done."""

    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="collection_activities")
    kind = models.CharField(_("kind"), max_length=16, choices=ActivityKind.choices)
    status = models.CharField(
        _("status"), max_length=16, choices=ActivityStatus.choices, default=ActivityStatus.DONE
    )
    purpose = models.CharField(_("purpose"), max_length=16, choices=ActivityPurpose.choices, blank=True)
    outcome = models.CharField(_("outcome"), max_length=32, blank=True)
    # The day it happened, or, while planned, the day it is planned for.
    occurred_on = models.DateField(_("date"))
    user = models.CharField(_("user"), max_length=150)
    # Who takes part: our people and the customer's (names and roles, free text).
    people = models.CharField(_("people"), max_length=500, blank=True)
    note = models.TextField(_("note"), blank=True)
    # What came of it, in words (a visit's outcome).
    result = models.TextField(_("result"), blank=True)
    invoices = models.ManyToManyField(Invoice, blank=True, related_name="+")
    action = models.ForeignKey(DunningAction, null=True, blank=True, on_delete=models.PROTECT)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-occurred_on", "-id"]
        verbose_name_plural = _("activities")
        indexes = [models.Index(fields=["customer", "occurred_on"], name="activity_customer_date")]

    def __str__(self) -> str:
        return f"{self.occurred_on} {self.kind} {self.customer_id}"


class PromiseStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("promise status", "open")
    KEPT = "kept", _("kept")
    BROKEN = "broken", _("broken")


class PromiseToPay(models.Model):
    """The customer promised ``amount`` by ``promised_date``; kept or broken is decided from
    its payments dated from ``made_on`` on (``promises_evaluate``)."""

    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="promises_to_pay")
    made_on = models.DateField(_("made on"))
    promised_date = models.DateField(_("promised date"))
    amount = ScaledDecimalField(_("amount"))
    currency = models.CharField(_("currency"), max_length=3)
    # The invoices it covers; none means all the customer's open invoices.
    invoices = models.ManyToManyField(Invoice, blank=True, related_name="+")
    status = models.CharField(_("status"), max_length=16, choices=PromiseStatus.choices, default="open")
    resolved_on = models.DateField(null=True, blank=True)
    paid_amount = ScaledDecimalField(_("paid"), default=0)
    made_by = models.CharField(_("recorded by"), max_length=150)
    activity = models.ForeignKey(Activity, null=True, blank=True, on_delete=models.PROTECT)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-made_on", "-id"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="promise_amount_positive")]
        indexes = [models.Index(fields=["status", "customer"], name="promise_status_customer")]

    def __str__(self) -> str:
        return f"{self.customer_id}: {self.amount} by {self.promised_date}"


class PlanStatus(models.TextChoices):
    ACTIVE = "active", _("active")
    COMPLETED = "completed", _("completed")
    BROKEN = "broken", _("broken")
    CANCELLED = "cancelled", _("cancelled")


class PaymentPlan(models.Model):
    """Instalments agreed with a customer; active while instalments remain. Payments from
    ``starts_on`` count towards the instalments in date order; one missed breaks the plan."""

    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="payment_plans")
    starts_on = models.DateField(_("starts on"))
    currency = models.CharField(_("currency"), max_length=3)
    status = models.CharField(_("status"), max_length=16, choices=PlanStatus.choices, default="active")
    resolved_on = models.DateField(null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    created_by = models.CharField(max_length=150)
    invoices = models.ManyToManyField(Invoice, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_on", "-id"]
        indexes = [models.Index(fields=["status", "customer"], name="plan_status_customer")]

    def __str__(self) -> str:
        return f"plan {self.pk} of {self.customer_id}"


class PlanInstalment(models.Model):
    plan = models.ForeignKey(PaymentPlan, on_delete=models.CASCADE, related_name="instalments")
    due_date = models.DateField(_("due date"))
    amount = ScaledDecimalField(_("amount"))
    # Set by ``plans_evaluate``: the day payments covered it.
    paid_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["plan", "due_date", "id"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="instalment_amount_positive")]

    def __str__(self) -> str:
        return f"{self.amount} due {self.due_date}"


class DisputeReason(models.TextChoices):
    PRICE = "price", _("price")
    QUANTITY = "quantity", _("quantity")
    QUALITY = "quality", _("quality")
    DELIVERY = "delivery", _("delivery")
    DOCUMENTS = "documents", _("documents / invoice error")
    SERVICE = "service", _("service")
    OTHER = "other", _("other")


class DisputeStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("dispute status", "open")
    RESOLVED = "resolved", _("resolved")


class Dispute(models.Model):
    """An amount of an invoice the customer disputes; it is not dunned while open."""

    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="collection_disputes")
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="collection_disputes")
    amount = ScaledDecimalField(_("amount"))
    currency = models.CharField(_("currency"), max_length=3)
    reason_code = models.CharField(_("reason"), max_length=32, choices=DisputeReason.choices)
    description = models.TextField(_("description"), blank=True)
    owner = models.CharField(_("owner"), max_length=150)
    status = models.CharField(_("status"), max_length=16, choices=DisputeStatus.choices, default="open")
    opened_on = models.DateField(_("opened on"))
    opened_by = models.CharField(max_length=150)
    resolved_on = models.DateField(_("resolved on"), null=True, blank=True)
    resolution = models.TextField(_("resolution"), blank=True)
    root_cause = models.CharField(_("root cause"), max_length=200, blank=True)
    # The red-letter correction (红冲) that settles it: confirmed, it resolves the dispute.
    red_letter_correction = models.ForeignKey(
        RedLetterCorrection, null=True, blank=True, on_delete=models.PROTECT, related_name="disputes"
    )

    class Meta:
        ordering = ["-opened_on", "-id"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="dispute_amount_positive")]
        indexes = [models.Index(fields=["status", "invoice"], name="dispute_status_invoice")]

    def __str__(self) -> str:
        return f"dispute {self.pk} on {self.invoice_id}"


class OverdueReasonCode(models.TextChoices):
    """Seed 002's overdue-reason types."""

    DISORGANISED = "disorganised", _("disorganised (管理混乱型)")
    HABITUAL = "habitual", _("habitual (习惯性)")
    DISPUTE = "dispute", _("dispute (纠纷型)")
    DECLINING = "declining", _("declining (衰落型)")
    OVER_EXPANDING = "over_expanding", _("over-expanding (发展型)")
    FRAUD = "fraud", _("fraud (蓄意欺诈型)")
    OWN_SIDE = "own_side", _("our own side (企业自身原因)")


class OverdueReason(models.Model):
    """Why a customer pays late, as judged on a day; the latest one is in force."""

    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="overdue_reasons")
    code = models.CharField(_("reason"), max_length=32, choices=OverdueReasonCode.choices)
    noted_on = models.DateField(_("date"))
    noted_by = models.CharField(max_length=150)
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-noted_on", "-id"]
        indexes = [models.Index(fields=["customer", "noted_on"], name="overdue_reason_customer")]

    def __str__(self) -> str:
        return f"{self.customer_id}: {self.code} ({self.noted_on})"


class PenaltyKind(models.TextChoices):
    CREDIT_HOLD = "credit_hold", _("credit hold (暂停发货)")
    CLASS_DOWNGRADE = "class_downgrade", _("class downgrade proposal")


class Penalty(models.Model):
    """A penalty decided in collections; credit carries it out (hold, downgrade proposal)."""

    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="collection_penalties")
    kind = models.CharField(_("kind"), max_length=32, choices=PenaltyKind.choices)
    decided_on = models.DateField(_("date"))
    decided_by = models.CharField(max_length=150)
    reason = models.TextField(_("reason"))
    proposed_class = models.CharField(max_length=1, blank=True)
    action = models.ForeignKey(DunningAction, null=True, blank=True, on_delete=models.PROTECT)
    # Set once credit has carried it out (a hold placed); a dunning hold waits for it after the run.
    carried_out = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-decided_on", "-id"]
        verbose_name_plural = _("penalties")

    def __str__(self) -> str:
        return f"{self.customer_id}: {self.kind} ({self.decided_on})"


for audited in (
    DunningPolicy,
    DunningStep,
    Activity,
    PromiseToPay,
    PaymentPlan,
    PlanInstalment,
    Dispute,
    OverdueReason,
    Penalty,
):
    auditlog.register(audited)


# Legal cases and collection agencies live in their own module, of this app.
from huikuan.collections.legal_models import (  # noqa: E402,F401
    AgencyAssignment,
    AgencyKind,
    AgencyRecovery,
    AssignmentStatus,
    CaseEventKind,
    CaseOutcome,
    CaseStatus,
    CollectionAgency,
    LegalCase,
    LegalCaseEvent,
    LegalDocument,
)
