"""Letters and email (issue 5): templates as data, the letterhead, letters kept as PDFs, the outbox.

Template texts are rows an admin edits; their defaults are seeded by a data migration.
Every outbound email is a row first and a message second, so a failure is recorded and
retried, never lost. Everything here is in the audit trail (registered at the end).
"""

from __future__ import annotations

from auditlog.registry import auditlog
from django.db import models
from django.utils.translation import gettext_lazy as _

from huikuan.ledger.models import Customer, Language


class TemplateKind(models.TextChoices):
    EMAIL = "email", _("email")
    LETTER = "letter", _("letter")


class DocumentTemplate(models.Model):
    """One text in one language. ``subject`` and ``body`` use Django template syntax.

    An email's body is plain text; a letter's body is an HTML fragment placed under the
    letterhead and rendered to PDF. Both are rendered by a sandboxed engine that sees only
    plain data (see ``documents``), HTML with autoescape on.
    """

    code = models.CharField(_("code"), max_length=64)
    language = models.CharField(_("language"), max_length=8, choices=Language.choices)
    kind = models.CharField(_("kind"), max_length=8, choices=TemplateKind.choices)
    name = models.CharField(_("name"), max_length=200)
    subject = models.CharField(_("subject"), max_length=500)
    body = models.TextField(_("body"))
    updated_by = models.CharField(_("updated by"), max_length=150, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["kind", "code", "language"]
        constraints = [
            models.UniqueConstraint(fields=["code", "language"], name="document_template_once_per_language")
        ]

    def __str__(self) -> str:
        return f"{self.code} ({self.language})"


class Letterhead(models.Model):
    """The company's details on every letter and statement: one row (pk 1)."""

    company_name_zh = models.CharField(_("company name (Chinese)"), max_length=300, blank=True)
    company_name_en = models.CharField(_("company name (English)"), max_length=300, blank=True)
    address = models.CharField(_("address"), max_length=500, blank=True)
    phone = models.CharField(_("phone"), max_length=64, blank=True)
    email = models.CharField(_("email"), max_length=254, blank=True)
    bank_name = models.CharField(_("bank name"), max_length=300, blank=True)
    bank_account = models.CharField(_("bank account"), max_length=100, blank=True)
    tax_id = models.CharField(_("taxpayer ID"), max_length=64, blank=True)
    signature = models.CharField(_("signature / contact"), max_length=500, blank=True)
    updated_by = models.CharField(_("updated by"), max_length=150, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    def __str__(self) -> str:
        return self.company_name_zh or self.company_name_en or "letterhead"


class Letter(models.Model):
    """A rendered letter, kept as the PDF that was produced. ``reference`` makes it idempotent."""

    reference = models.CharField(_("reference"), max_length=200, unique=True)
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="letters")
    template_code = models.CharField(_("template"), max_length=64)
    language = models.CharField(_("language"), max_length=8, choices=Language.choices)
    subject = models.CharField(_("subject"), max_length=500)
    pdf = models.BinaryField(_("PDF"))
    sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["customer", "created_at"], name="letter_customer_created")]

    def __str__(self) -> str:
        return self.reference


class StatementPdf(models.Model):
    """A customer's statement of account as of one day, rendered once and attached to each of
    that customer's emails of the day. ``content_sha256`` is the hash of what it shows (the
    rendered text, the letterhead, the renderer's version): a new invoice, payment or edit
    changes it and the statement is rendered again. Rows of past days are pruned."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="+")
    as_of = models.DateField()
    language = models.CharField(max_length=8, choices=Language.choices)
    content_sha256 = models.CharField(max_length=64)
    pdf = models.BinaryField()
    rendered_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["customer", "as_of", "language"], name="statement_pdf_once_per_customer_day"
            )
        ]
        indexes = [models.Index(fields=["as_of"], name="statement_pdf_as_of")]

    def __str__(self) -> str:
        return f"statement {self.customer_id} {self.as_of} {self.language}"


class EmailStatus(models.TextChoices):
    QUEUED = "queued", _("queued")
    # Claimed by one attempt (until ``next_attempt_at``, the attempt's lease).
    SENDING = "sending", _("sending")
    SENT = "sent", _("sent")
    RETRYING = "retrying", _("retrying")
    FAILED = "failed", _("failed")


class OutboundEmail(models.Model):
    """An email to send, sent, or that could not be sent, with why."""

    idempotency_key = models.CharField(_("idempotency key"), max_length=200, unique=True)
    to = models.JSONField(_("to"))
    subject = models.CharField(_("subject"), max_length=500)
    body = models.TextField(_("body"))
    html = models.TextField(_("HTML body"), blank=True)
    purpose = models.CharField(_("purpose"), max_length=64)
    customer = models.ForeignKey(
        Customer, null=True, blank=True, on_delete=models.PROTECT, related_name="emails"
    )
    status = models.CharField(
        _("status"), max_length=8, choices=EmailStatus.choices, default=EmailStatus.QUEUED
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    # When the next attempt may start; claiming an attempt moves it forward (a lease).
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="outbound_email_due")]

    def __str__(self) -> str:
        return f"{self.subject} → {', '.join(self.to)}"

    @property
    def awaiting_content(self) -> bool:
        """Queued before its text was written (``emails_queue``): not sent until composed."""
        return self.status == EmailStatus.QUEUED and not self.subject


class AttemptOutcome(models.TextChoices):
    SENT = "sent", _("sent")
    FAILED = "failed", _("failed")
    # The process stopped (kill -9, a lost machine) before the attempt ended.
    INTERRUPTED = "interrupted", _("interrupted")


class EmailAttempt(models.Model):
    """One attempt to send an outbound email, recorded before it talks to the mail server.

    ``data_at`` is written just before the SMTP DATA command: an attempt interrupted without
    it never handed the message over, so the message is sent again; one interrupted with it
    may have been delivered, so it is not sent again (at most once) and a person decides.
    """

    email = models.ForeignKey(OutboundEmail, on_delete=models.CASCADE, related_name="attempt_log")
    number = models.PositiveIntegerField(_("attempt"))
    owner = models.CharField(_("sent by"), max_length=200, blank=True)
    started_at = models.DateTimeField(_("started"))
    data_at = models.DateTimeField(_("DATA started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=12, choices=AttemptOutcome.choices, blank=True)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        ordering = ["email", "number"]
        constraints = [models.UniqueConstraint(fields=["email", "number"], name="email_attempt_once")]

    def __str__(self) -> str:
        return f"{self.email_id} #{self.number}: {self.outcome or 'in progress'}"


class EmailAttachment(models.Model):
    """A file attached to an outbound email, kept with it so a retry sends the same bytes."""

    email = models.ForeignKey(OutboundEmail, on_delete=models.CASCADE, related_name="attachments")
    filename = models.CharField(_("file name"), max_length=255)
    mimetype = models.CharField(_("type"), max_length=100)
    content = models.BinaryField()

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.filename


auditlog.register(DocumentTemplate)
auditlog.register(Letterhead)
auditlog.register(Letter, exclude_fields=["pdf"])
auditlog.register(OutboundEmail, exclude_fields=["body", "html"])
