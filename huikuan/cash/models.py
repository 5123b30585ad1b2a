"""Bank statements, their lines, and what was decided about each line.

A bank line is what the bank says happened on an account. A credit line that is matched
becomes a ledger payment (``BankLine.payment``) allocated through the ledger's services; a
debit line is kept but never applied. Learned aliases (payer account or name → customer)
come from the decisions people make on the workbench.
"""

from __future__ import annotations

from decimal import Decimal

from auditlog.registry import auditlog
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from huikuan.core.fields import ScaledDecimalField
from huikuan.ledger.models import Customer, Payment

# Who a decision the matcher took is recorded as (``LineDecision.decided_by``).
MATCHER = "matcher"


class StatementFormat(models.TextChoices):
    CAMT053 = "camt053", _("ISO 20022 camt.053 statement")
    CAMT054 = "camt054", _("ISO 20022 camt.054 notification")
    MT940 = "mt940", "SWIFT MT940"
    BAI2 = "bai2", "BAI2"
    OFX = "ofx", "OFX"
    CSV = "csv", _("CSV or spreadsheet through a profile")


class AmountLayout(models.TextChoices):
    SIGNED = "signed", _("one signed amount column")
    SPLIT = "split", _("separate money-in and money-out columns")
    DIRECTION = "direction", _("an amount column and a direction column")


class BankProfile(models.Model):
    """How to read one bank's CSV/XLS/XLSX export: encoding, preamble, columns, number and date forms."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    builtin = models.BooleanField(_("built in"), default=False)
    encoding = models.CharField(_("encoding"), max_length=20, default="utf-8")
    skip_rows = models.PositiveSmallIntegerField(_("rows before the header"), default=0)
    delimiter = models.CharField(_("delimiter"), max_length=4, default=",")
    # Our field name → the header in the bank's file, e.g. {"payer_name": "对方户名"}.
    columns = models.JSONField(_("columns"), default=dict)
    amount_layout = models.CharField(
        _("amount layout"), max_length=16, choices=AmountLayout.choices, default=AmountLayout.SIGNED
    )
    thousands_separator = models.CharField(_("thousands separator"), max_length=2, blank=True, default=",")
    decimal_separator = models.CharField(_("decimal separator"), max_length=2, default=".")
    date_format = models.CharField(_("date format"), max_length=40, default="%Y-%m-%d")
    currency = models.CharField(_("currency when the file has none"), max_length=3, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class BankStatement(models.Model):
    """One imported statement file (or one statement inside a file) for one account."""

    account_number = models.CharField(_("account"), max_length=64, blank=True)
    statement_ref = models.CharField(_("statement reference"), max_length=200, blank=True)
    format = models.CharField(_("format"), max_length=16, choices=StatementFormat.choices)
    profile = models.ForeignKey(BankProfile, null=True, blank=True, on_delete=models.PROTECT)
    file_name = models.CharField(_("file"), max_length=500)
    sha256 = models.CharField(max_length=64, db_index=True)
    period_start = models.DateField(_("from"), null=True, blank=True)
    period_end = models.DateField(_("to"), null=True, blank=True)
    currency = models.CharField(_("currency"), max_length=3, blank=True)
    opening_balance = ScaledDecimalField(_("opening balance"), null=True, blank=True)
    closing_balance = ScaledDecimalField(_("closing balance"), null=True, blank=True)
    lines_read = models.PositiveIntegerField(_("lines read"), default=0)
    lines_new = models.PositiveIntegerField(_("new lines"), default=0)
    imported_by = models.CharField(max_length=200, blank=True)
    imported_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-imported_at", "-id"]

    def __str__(self) -> str:
        return f"{self.account_number} {self.statement_ref or self.file_name}"


class Direction(models.TextChoices):
    CREDIT = "credit", _("money in")
    DEBIT = "debit", _("money out")


class LineStatus(models.TextChoices):
    NEW = "new", _("not matched yet")
    AUTO = "auto", _("applied automatically")
    REVIEW = "review", _("to review")
    UNMATCHED = "unmatched", _("unmatched")
    IGNORED = "ignored", _("ignored")
    APPLIED = "applied", _("applied by hand")
    NOT_CUSTOMER = "not_customer", _("not a customer receipt")


class BankLine(models.Model):
    """One booked line of a bank statement."""

    statement = models.ForeignKey(BankStatement, on_delete=models.PROTECT, related_name="lines")
    account_number = models.CharField(_("account"), max_length=64, blank=True)
    # camt: AcctSvcrRef, else EndToEndId; MT940: the bank reference; CSV: the reference column.
    bank_ref = models.CharField(_("bank reference"), max_length=200, blank=True)
    # What makes the line the same line in an overlapping or repeated statement (see the importer).
    dedupe_key = models.CharField(max_length=64)
    booking_date = models.DateField(_("booking date"))
    value_date = models.DateField(_("value date"), null=True, blank=True)
    # The day the payer or card holder made the transaction (OFX DTUSER, a card's 交易日), when
    # the bank gives it beside the booking date.
    transaction_date = models.DateField(_("transaction date"), null=True, blank=True)
    amount = ScaledDecimalField(_("amount"))
    currency = models.CharField(_("currency"), max_length=3)
    direction = models.CharField(_("direction"), max_length=8, choices=Direction.choices)
    payer_name = models.CharField(_("payer"), max_length=300, blank=True)
    payer_account = models.CharField(_("payer account"), max_length=100, blank=True)
    memo = models.TextField(_("memo"), blank=True)
    status = models.CharField(_("status"), max_length=16, choices=LineStatus.choices, default=LineStatus.NEW)
    customer = models.ForeignKey(
        Customer, null=True, blank=True, on_delete=models.PROTECT, related_name="bank_lines"
    )
    confidence = ScaledDecimalField(_("confidence"), null=True, blank=True)
    # The matcher's last proposal: candidates, allocations and reasons, as plain JSON.
    proposal = models.JSONField(default=dict, blank=True)
    payment = models.OneToOneField(
        Payment, null=True, blank=True, on_delete=models.PROTECT, related_name="bank_line"
    )
    decided_by = models.CharField(max_length=200, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["booking_date", "id"]
        constraints = [
            models.UniqueConstraint(fields=["account_number", "dedupe_key"], name="bank_line_once"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="bank_line_amount_positive"),
        ]
        indexes = [models.Index(fields=["status", "booking_date"], name="bank_line_status_date")]

    def __str__(self) -> str:
        return f"{self.booking_date} {self.direction} {self.amount} {self.currency} {self.bank_ref}"


class AliasKind(models.TextChoices):
    ACCOUNT = "account", _("payer account")
    NAME = "name", _("payer name")


class PayerAlias(models.Model):
    """A payer account or name learned to belong to a customer (from a person's decision)."""

    kind = models.CharField(_("kind"), max_length=8, choices=AliasKind.choices)
    # Normalised: accounts without spaces, names as the matcher normalises them.
    value = models.CharField(_("value"), max_length=300)
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="payer_aliases")
    learned_from = models.ForeignKey(BankLine, null=True, blank=True, on_delete=models.SET_NULL)
    created_by = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "value"], name="payer_alias_once")]

    def __str__(self) -> str:
        return f"{self.kind}:{self.value} → {self.customer_id}"


auditlog.register(BankProfile)
auditlog.register(BankLine, exclude_fields=["proposal"])
auditlog.register(PayerAlias)


class DecisionKind(models.TextChoices):
    AUTO = "auto", _("applied automatically")
    ACCEPT = "accept", _("candidate accepted")
    SPLIT = "split", _("split by hand")
    ON_ACCOUNT = "on_account", _("put on account")
    WRITE_OFF = "write_off", _("difference written off")
    NOT_CUSTOMER = "not_customer", _("not a customer receipt")


class LineDecision(models.Model):
    """What was decided about a bank line, kept after an undo (which only marks it undone).

    ``allocations`` and ``write_offs`` list what the decision posted to the ledger, with
    the ids of the records, so that an undo reverses exactly those.
    """

    line = models.ForeignKey(BankLine, on_delete=models.PROTECT, related_name="decisions")
    kind = models.CharField(_("decision"), max_length=16, choices=DecisionKind.choices)
    customer = models.ForeignKey(Customer, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    # The payment is removed (audited) by an undo; its reference stays here.
    payment = models.ForeignKey(Payment, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    payment_reference = models.CharField(max_length=100, blank=True)
    # [{"invoice_number": "YS-1", "amount": "100.00", "allocation_id": 7}]
    allocations = models.JSONField(default=list, blank=True)
    # [{"invoice_number": "YS-1", "amount": "5.00", "reason": "bank fee", "write_off_id": 3}]
    write_offs = models.JSONField(default=list, blank=True)
    on_account = ScaledDecimalField(_("on account"), default=Decimal("0"))
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    decided_by = models.CharField(max_length=200)
    decided_at = models.DateTimeField(auto_now_add=True)
    undone_by = models.CharField(max_length=200, blank=True)
    undone_at = models.DateTimeField(null=True, blank=True)
    undo_reason = models.CharField(_("reason for the undo"), max_length=500, blank=True)

    class Meta:
        ordering = ["line", "decided_at", "id"]
        indexes = [models.Index(fields=["line", "undone_at"], name="line_decision_current")]

    def __str__(self) -> str:
        return f"{self.line_id} {self.kind} by {self.decided_by}"

    @property
    def decided_by_label(self) -> str:
        """Who decided, as people read it: the user, or the matcher by that name."""
        return str(_("the automatic matcher")) if self.decided_by == MATCHER else self.decided_by


auditlog.register(LineDecision)
