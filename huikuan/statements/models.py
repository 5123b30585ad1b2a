"""Statements of account (对账单) and balance confirmations (询证函), and the customer's answer.

A statement is a snapshot: its lines are copied from the ledger when it is made, so what the
customer confirmed or disputed can be read again later whatever happened to the ledger
since. The customer answers through a link whose token is stored only as its hash. Every
statement, answer and difference is in the audit trail (registered at the end).
"""

from __future__ import annotations

from auditlog.registry import auditlog
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from huikuan.collections.models import Dispute
from huikuan.core.fields import ScaledDecimalField
from huikuan.correspondence.models import OutboundEmail
from huikuan.ledger.models import Customer, Invoice, Language


class Frequency(models.TextChoices):
    MONTHLY = "monthly", _("monthly")
    QUARTERLY = "quarterly", _("quarterly")
    NONE = "none", _("none")


class StatementSchedule(models.Model):
    """How often a customer gets a statement of account; without a row, the default setting."""

    customer = models.OneToOneField(Customer, on_delete=models.PROTECT, related_name="statement_schedule")
    frequency = models.CharField(_("frequency"), max_length=16, choices=Frequency.choices)
    updated_by = models.CharField(_("updated by"), max_length=150, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    def __str__(self) -> str:
        return f"{self.customer_id}: {self.frequency}"


class StatementKind(models.TextChoices):
    ACCOUNT = "account", _("statement of account")
    CONFIRMATION = "confirmation", _("balance confirmation")


class StatementStatus(models.TextChoices):
    DRAFT = "draft", _("not sent")
    SENT = "sent", _("awaiting answer")
    CONFIRMED = "confirmed", _("confirmed")
    DISPUTED = "disputed", _("differences reported")


class AccountStatement(models.Model):
    """One statement of one customer for one period (a confirmation: ``period_start`` =
    ``period_end`` = the date of the balance), in the customer's currency and language."""

    reference = models.CharField(_("reference"), max_length=100, unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=StatementKind.choices)
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="account_statements")
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("to"))
    currency = models.CharField(_("currency"), max_length=3)
    language = models.CharField(_("language"), max_length=8, choices=Language.choices)
    opening_balance = ScaledDecimalField(_("opening balance"))
    invoiced = ScaledDecimalField(_("invoiced"))
    received = ScaledDecimalField(_("received"))
    credited = ScaledDecimalField(_("credit notes"))
    written_off = ScaledDecimalField(_("written off"))
    closing_balance = ScaledDecimalField(_("closing balance"))
    # Entries of the period in other currencies than ``currency``: not on this statement.
    other_currency_entries = models.PositiveIntegerField(default=0)
    status = models.CharField(
        _("status"), max_length=16, choices=StatementStatus.choices, default=StatementStatus.DRAFT
    )
    created_by = models.CharField(_("created by"), max_length=150)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    # The answer (one per statement): who answered, when, the customer's figure and note.
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answered_by = models.CharField(_("answered by"), max_length=200, blank=True)
    customer_balance = ScaledDecimalField(_("customer's balance"), null=True, blank=True)
    answer_note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["-period_end", "-id"]
        constraints = [
            # Sending again the same period's statement never makes a second one.
            models.UniqueConstraint(
                fields=["customer", "kind", "period_start", "period_end"], name="statement_once_per_period"
            ),
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")), name="statement_period"
            ),
        ]
        indexes = [models.Index(fields=["customer", "period_end"], name="statement_customer_end")]

    def __str__(self) -> str:
        return self.reference

    @property
    def answered(self) -> bool:
        return self.answered_at is not None


class LineKind(models.TextChoices):
    INVOICE = "invoice", _("invoice")
    PAYMENT = "payment", _("payment")
    CREDIT_NOTE = "credit_note", _("credit note")
    WRITE_OFF = "write_off", _("write-off")
    OPEN_INVOICE = "open_invoice", _("open invoice")
    ON_ACCOUNT = "on_account", pgettext_lazy("statement line", "on account")


class StatementLine(models.Model):
    """One line of a statement, as the customer saw it. ``amount`` raises (positive) or lowers
    what the customer owes; ``balance`` is the running balance after it."""

    statement = models.ForeignKey(AccountStatement, on_delete=models.PROTECT, related_name="lines")
    position = models.PositiveIntegerField()
    kind = models.CharField(_("kind"), max_length=16, choices=LineKind.choices)
    entry_date = models.DateField(_("date"))
    reference = models.CharField(_("reference"), max_length=100)
    description = models.CharField(_("description"), max_length=1000, blank=True)
    amount = ScaledDecimalField(_("amount"))
    balance = ScaledDecimalField(_("balance"))
    due_date = models.DateField(_("due date"), null=True, blank=True)
    invoice = models.ForeignKey(Invoice, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["statement", "position"]
        constraints = [models.UniqueConstraint(fields=["statement", "position"], name="statement_line_once")]

    def __str__(self) -> str:
        return f"{self.statement_id}#{self.position} {self.reference}"


class StatementLink(models.Model):
    """A link sent to the customer to answer a statement: only the token's SHA-256 is kept."""

    statement = models.ForeignKey(AccountStatement, on_delete=models.PROTECT, related_name="links")
    token_sha256 = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField(_("expires at"))
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)
    email = models.ForeignKey(
        OutboundEmail, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"link {self.pk} of {self.statement_id}"


class StatementDifference(models.Model):
    """A difference the customer reported: on one of our lines (``line``) or a line missing
    from our statement (``line`` empty), with the customer's amount and comment. A difference
    on an invoice opens a dispute (``dispute``); ``note`` says why one was not opened."""

    statement = models.ForeignKey(AccountStatement, on_delete=models.PROTECT, related_name="differences")
    line = models.ForeignKey(StatementLine, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    reference = models.CharField(_("reference"), max_length=100, blank=True)
    entry_date = models.DateField(_("date"), null=True, blank=True)
    our_amount = ScaledDecimalField(_("our amount"), null=True, blank=True)
    their_amount = ScaledDecimalField(_("customer's amount"), null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    dispute = models.ForeignKey(Dispute, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        ordering = ["statement", "id"]

    def __str__(self) -> str:
        return f"difference {self.pk} of {self.statement_id}"


for audited in (StatementSchedule, AccountStatement, StatementLink, StatementDifference):
    auditlog.register(audited)
