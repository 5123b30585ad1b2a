"""Writes for letters and email: the outbox, letters, and edits to templates and the letterhead.

An email is recorded first and sent after the transaction commits, so a rolled-back run
sends nothing and a committed one never loses a message: a failed attempt stays on the row
with its error and is retried with a growing delay until ``EMAIL_MAX_ATTEMPTS``, then marked
failed (visible in ``huikuan email list --status failed``), never dropped.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Sequence
from datetime import datetime, timedelta
from functools import partial

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from huikuan.core.errors import RuleViolation
from huikuan.core.policy import policy_value
from huikuan.correspondence.documents import (
    document_render,
    language_code,
    letter_html,
    pdf_from_html,
    template_check,
)
from huikuan.correspondence.models import (
    DocumentTemplate,
    EmailAttachment,
    EmailStatus,
    Letter,
    Letterhead,
    OutboundEmail,
    TemplateKind,
)
from huikuan.correspondence.selectors import emails_due_for_retry
from huikuan.ledger.models import Customer

logger = logging.getLogger(__name__)

LETTERHEAD_FIELDS = (
    "company_name_zh",
    "company_name_en",
    "address",
    "phone",
    "email",
    "bank_name",
    "bank_account",
    "tax_id",
    "signature",
)


def _check_email(
    *, to: list[str], subject: str, idempotency_key: str, attachments: Sequence[tuple[str, bytes, str]]
) -> None:
    if not idempotency_key.strip():
        raise RuleViolation("an email needs an idempotency key")
    if not to:
        raise RuleViolation("an email needs at least one recipient")
    for address in to:
        try:
            validate_email(address)
        except ValidationError:
            raise RuleViolation(f"not an email address: {address!r}") from None
    if not subject.strip():
        raise RuleViolation("an email needs a subject")
    for name, content, mimetype in attachments:
        if not name or not isinstance(content, bytes | bytearray) or "/" not in mimetype:
            raise RuleViolation(f"attachment {name!r}: give (file name, bytes, MIME type)")


@transaction.atomic
def email_send(
    *,
    to: list[str],
    subject: str,
    body: str,
    purpose: str,
    idempotency_key: str,
    customer: Customer | None = None,
    html: str = "",
    attachments: Sequence[tuple[str, bytes, str]] = (),
    now: datetime | None = None,
) -> OutboundEmail:
    """Record an email and send it after commit; the same ``idempotency_key`` again sends nothing."""
    existing = OutboundEmail.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        return existing
    to = [address.strip() for address in to if address and address.strip()]
    _check_email(to=to, subject=subject, idempotency_key=idempotency_key, attachments=attachments)
    try:
        with transaction.atomic():
            email = OutboundEmail.objects.create(
                idempotency_key=idempotency_key,
                to=to,
                subject=subject.strip(),
                body=body,
                html=html,
                purpose=purpose,
                customer=customer,
                status=EmailStatus.QUEUED,
                next_attempt_at=now or timezone.now(),
            )
    except IntegrityError:
        # Another transaction recorded the same key first: that one is the email.
        return OutboundEmail.objects.get(idempotency_key=idempotency_key)
    EmailAttachment.objects.bulk_create(
        EmailAttachment(email=email, filename=name, content=bytes(content), mimetype=mimetype)
        for name, content, mimetype in attachments
    )
    transaction.on_commit(partial(_attempt_after_commit, email.pk))
    return email


def _attempt_after_commit(email_id: int) -> None:
    email_attempt(email_id=email_id, now=timezone.now())


def _retry_delay(attempts: int) -> timedelta:
    """After the n-th failed attempt: EMAIL_RETRY_MINUTES × 2^(n-1)."""
    return timedelta(minutes=policy_value("EMAIL_RETRY_MINUTES") * 2 ** max(attempts - 1, 0))


def _message(email: OutboundEmail) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=email.subject, body=email.body, from_email=settings.DEFAULT_FROM_EMAIL, to=list(email.to)
    )
    if email.html:
        message.attach_alternative(email.html, "text/html")
    for attachment in email.attachments.all():
        message.attach(attachment.filename, bytes(attachment.content), attachment.mimetype)
    return message


def email_attempt(*, email_id: int, now: datetime) -> bool:
    """One delivery attempt, if the email is due; True when it was sent.

    The attempt is claimed with a conditional UPDATE that also moves ``next_attempt_at`` to
    when a retry would be due, so parallel workers never send twice and a crash mid-send
    leaves the email to be retried, not lost.
    """
    claim = OutboundEmail.objects.filter(
        pk=email_id, status__in=[EmailStatus.QUEUED, EmailStatus.RETRYING], next_attempt_at__lte=now
    )
    current = claim.values_list("attempts", flat=True).first()
    if current is None:
        return False
    claimed = claim.filter(attempts=current).update(
        attempts=F("attempts") + 1, next_attempt_at=now + _retry_delay(current + 1)
    )
    if not claimed:
        return False
    email = OutboundEmail.objects.get(pk=email_id)
    try:
        _message(email).send(fail_silently=False)
    except Exception as error:  # every failure (SMTP, refused, network) is recorded, never raised away
        email.last_error = f"{type(error).__name__}: {error}"[:2000]
        if email.attempts >= policy_value("EMAIL_MAX_ATTEMPTS"):
            email.status = EmailStatus.FAILED
            email.next_attempt_at = None
        else:
            email.status = EmailStatus.RETRYING
        email.save(update_fields=["status", "last_error", "next_attempt_at"])
        logger.warning("email %s to %s failed (attempt %s): %s", email.pk, email.to, email.attempts, error)
        return False
    email.status = EmailStatus.SENT
    email.sent_at = now
    email.next_attempt_at = None
    email.save(update_fields=["status", "sent_at", "next_attempt_at"])
    return True


def emails_retry(*, now: datetime | None = None) -> int:
    """Attempt every email that is due (queued or retrying, its time come); how many were sent."""
    now = now or timezone.now()
    sent = 0
    for email_id in list(emails_due_for_retry(now=now).values_list("pk", flat=True)):
        sent += email_attempt(email_id=email_id, now=now)
    return sent


@transaction.atomic
def email_requeue(*, email: OutboundEmail, now: datetime | None = None) -> OutboundEmail:
    """Give a failed email a fresh round of attempts (after fixing an address or the server)."""
    if email.status != EmailStatus.FAILED:
        raise RuleViolation(f"email {email.pk} is {email.status}, not failed")
    email.status = EmailStatus.RETRYING
    email.attempts = 0
    email.next_attempt_at = now or timezone.now()
    email.save(update_fields=["status", "attempts", "next_attempt_at"])
    return email


@transaction.atomic
def letter_create(
    *,
    customer: Customer,
    template_code: str,
    context: dict,
    reference: str,
    language: str | None = None,
) -> Letter:
    """Render a letter to PDF and keep it; the same ``reference`` again returns the kept letter."""
    existing = Letter.objects.filter(reference=reference).first()
    if existing is not None:
        return existing
    if not reference.strip():
        raise RuleViolation("a letter needs a reference")
    document = document_render(
        template_code=template_code,
        language=language_code(language or customer.language),
        context={"customer": customer, **context},
    )
    if document.kind != TemplateKind.LETTER:
        raise RuleViolation(f"{template_code!r} is an email template, not a letter")
    pdf = pdf_from_html(letter_html(document=document))
    try:
        with transaction.atomic():
            return Letter.objects.create(
                reference=reference,
                customer=customer,
                template_code=document.code,
                language=document.language,
                subject=document.subject[:500],
                pdf=pdf,
                sha256=hashlib.sha256(pdf).hexdigest(),
            )
    except IntegrityError:
        return Letter.objects.get(reference=reference)


@transaction.atomic
def document_template_update(
    *, template: DocumentTemplate, subject: str, body: str, updated_by: str, name: str | None = None
) -> DocumentTemplate:
    """Change a template's texts; refused if they do not compile. The change is audited."""
    if not subject.strip() or not body.strip():
        raise RuleViolation("a template needs a subject and a body")
    template_check(subject=subject, body=body, kind=template.kind)
    template.subject = subject.strip()
    template.body = body.replace("\r\n", "\n")
    if name is not None and name.strip():
        template.name = name.strip()
    template.updated_by = updated_by
    template.save(update_fields=["subject", "body", "name", "updated_by", "updated_at"])
    return template


def letterhead_get() -> Letterhead:
    letterhead, _ = Letterhead.objects.get_or_create(pk=1)
    return letterhead


@transaction.atomic
def letterhead_update(*, updated_by: str, **fields: str) -> Letterhead:
    """Change the letterhead's details (any of ``LETTERHEAD_FIELDS``). The change is audited."""
    unknown = set(fields) - set(LETTERHEAD_FIELDS)
    if unknown:
        raise RuleViolation(f"no letterhead field(s) {', '.join(sorted(unknown))}")
    if fields.get("email"):
        try:
            validate_email(fields["email"])
        except ValidationError:
            raise RuleViolation(f"not an email address: {fields['email']!r}") from None
    letterhead = Letterhead.objects.select_for_update().filter(pk=1).first() or Letterhead(pk=1)
    for field, value in fields.items():
        setattr(letterhead, field, (value or "").strip())
    letterhead.updated_by = updated_by
    letterhead.save()
    return letterhead
